/// An account's connection as the status bar shows it.
public enum ConnectionStatus: Sendable, Hashable {
    case offline
    case connecting
    case online
    /// Waiting to reconnect; the wall-clock time (UTC ms) of the next attempt.
    case reconnecting(at: Int64)
    /// Gave up (wrong password, untrusted certificate, ...): the reason.
    case failed(String)

    public var isOnline: Bool { self == .online }
}
