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

    /// The state in a few words (`reconnecting in 8 s`), for the status bar and /account.
    public func summary(now: Int64) -> String {
        switch self {
        case .online: "online"
        case .connecting: "connecting"
        case .offline: "offline"
        case .reconnecting(let at): "reconnecting in \(max(0, Int((at - now + 999) / 1000))) s"
        case .failed(let reason): "offline (failed: \(reason))"
        }
    }
}
