import XMPPCore

/// What an account needs from a connection: the session (for the extensions), events, and the
/// requests. The model knows nothing of sockets, TLS or DNS: `ChatRuntime.LiveConnection` wraps
/// the real `XMPPConnection`, tests drive a scripted session instead.
public protocol ClientConnection: AnyObject {
    var session: XMPPSession { get }
    var onEvent: (LinkEvent) -> Void { get set }
    var inputBurst: InputBurstHandler? { get set }
    func connect()
    func disconnect()
    @discardableResult func send(_ stanza: XMLElement) -> Bool
    func sendIQ(_ iq: XMLElement, timeout: Duration?, handler: @escaping (Result<XMLElement, IQFailure>) -> Void)
    /// Reads one element from XML text with the stream's parser and limits (what a message
    /// carried encrypted); nil when it is not one well-formed element.
    func parseElement(_ xml: String) -> XMLElement?
}

/// What a connection reports to its account, in the model's terms.
public enum LinkEvent: Sendable, Hashable {
    /// A step worth a debug line in the log (the address tried, the TLS version agreed).
    case progress(String)
    case authenticated(Authentication)
    case established(jid: JID)
    /// A previous stream was resumed (XEP-0198) instead of a new session being bound.
    case resumed(jid: JID)
    case streamManagement(StreamManagementEvent)
    /// A stanza past the parser's limits was dropped unread; what it was and why.
    case discarded(String)
    /// The connection is over: nil after a requested disconnect.
    case disconnected(ConnectionFailure?)
}

/// Why a connection ended, as far as the account needs to know: what to tell the user, whether
/// to try again, and the stream error (a redirect, a shutdown) when the server sent one.
public struct ConnectionFailure: Error, Sendable, Hashable, CustomStringConvertible {
    public var description: String
    public var isRetryable: Bool
    public var streamError: StreamError?

    public init(description: String, isRetryable: Bool, streamError: StreamError? = nil) {
        self.description = description
        self.isRetryable = isRetryable
        self.streamError = streamError
    }

    /// A session that ended on its own terms (no transport involved).
    public init(_ error: SessionError) {
        var streamError: StreamError?
        if case .streamError(let error) = error { streamError = error }
        self.init(description: error.description, isRetryable: error.isRetryable, streamError: streamError)
    }
}
