/// A protocol feature plugged into a session (one per XEP, in `XMPPExtensions`).
///
/// Extensions run on the session's thread, are called in registration order, and talk to the
/// network only through the session they are given.
public protocol SessionExtension: AnyObject {
    /// Features to advertise in disco#info (XEP-0030) and entity capabilities.
    var discoFeatures: [String] { get }

    /// The stream is ready for stanzas.
    func sessionEstablished(_ session: XMPPSession)

    /// Offers an inbound stanza; returns true when the extension consumed it.
    func handle(_ stanza: XMLElement, in session: XMPPSession) -> Bool

    /// A new connection resumed the stream (XEP-0198): the server kept its state, so nothing
    /// needs setting up again; requests of the previous connection failed with `.disconnected`.
    func sessionResumed(_ session: XMPPSession)

    /// The session ended (cleanly or not); `session.resumption` says whether it may be resumed.
    func sessionClosed(_ session: XMPPSession)
}

extension SessionExtension {
    public var discoFeatures: [String] { [] }
    public func sessionEstablished(_ session: XMPPSession) {}
    public func handle(_ stanza: XMLElement, in session: XMPPSession) -> Bool { false }
    public func sessionResumed(_ session: XMPPSession) {}
    public func sessionClosed(_ session: XMPPSession) {}
}
