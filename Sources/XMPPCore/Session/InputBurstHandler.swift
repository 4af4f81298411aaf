/// Brackets a burst of input: everything a connection reads in one wake-up. `began` runs before
/// its first stanza is handled, `ended` after the last one and before anything written in reply
/// (acks, receipts, pongs) leaves. A client stores the burst in one transaction and commits it in
/// `ended`, so an ack never leaves before what it acknowledges is stored. `ended` returns false
/// when that failed: nothing held is written and the connection ends, so the server keeps the
/// stanzas for the next session.
public struct InputBurstHandler {
    public var began: () -> Void
    public var ended: () -> Bool

    public init(began: @escaping () -> Void, ended: @escaping () -> Bool) {
        self.began = began
        self.ended = ended
    }
}
