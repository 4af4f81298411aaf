/// What the session asks its driver to do, in order.
public enum SessionAction: Sendable, Hashable {
    /// Write these bytes (UTF-8 XML) to the transport.
    case write(String)
    /// Run a TLS handshake on the transport now, verifying the certificate for this domain, then
    /// call `tlsEstablished(_:now:)` (or `abort()` on failure).
    case startTLS(serverName: String)
    /// Discard the parser state: the next bytes start a new stream.
    case resetParser
    /// Close the transport; the session is over.
    case closeTransport
    case event(SessionEvent)
}

/// What happened, for the layers above.
public enum SessionEvent: Sendable, Hashable {
    case secured(TLSInfo)
    case authenticated(Authentication)
    /// The stream is ready for stanzas, with the JID the server bound.
    case established(jid: JID)
    /// A previous stream was resumed (XEP-0198): same JID, same server-side state; nothing was
    /// lost in between and the session's extensions were not set up again.
    case resumed(jid: JID)
    case streamManagement(StreamManagementEvent)
    /// A stanza that no extension consumed.
    case stanza(XMLElement)
    /// A stanza past the parser's limits was dropped unread; what it was and why.
    case discarded(String)
    /// The session ended: `nil` after a clean close we asked for.
    case closed(SessionError?)
}

/// Why a session ended or could not start.
public enum SessionError: Error, Sendable, Hashable {
    /// The server did not offer STARTTLS; Tern never falls back to plaintext.
    case startTLSNotOffered
    /// The server answered `<failure/>` to `<starttls/>`.
    case startTLSRefused
    case authentication(SASLError)
    case bindFailed(StanzaError?)
    /// The server sent `<stream:error/>`.
    case streamError(StreamError)
    /// The server's XML broke the rules; we sent the matching stream error.
    case xml(XMLStreamParseError)
    /// The server broke the protocol in some other way.
    case protocolViolation(String)
    /// A negotiation step got no answer in time.
    case timeout(String)
    /// Keep-alive pings went unanswered: the link is dead.
    case pingTimeout
    /// The server closed the stream or the transport without a stream error.
    case closedByServer
    /// The client gave up on the stream for a reason of its own (its store refused a stanza).
    case local(String)

    /// Whether trying again later may help (false for wrong credentials and policy refusals).
    public var isRetryable: Bool {
        switch self {
        case .startTLSNotOffered, .startTLSRefused, .bindFailed: false
        case .authentication(let error):
            if case .failure(.temporaryAuthFailure, _) = error { true } else { false }
        case .streamError(let error):
            ![.notAuthorized, .hostUnknown, .invalidNamespace, .unsupportedVersion, .policyViolation]
                .contains(error.condition)
        case .xml, .protocolViolation, .timeout, .pingTimeout, .closedByServer, .local: true
        }
    }
}

extension SessionError: CustomStringConvertible {
    public var description: String {
        switch self {
        case .startTLSNotOffered:
            "the server does not offer STARTTLS; refusing to log in without encryption"
        case .startTLSRefused: "the server refused to start TLS"
        case .authentication(let error): error.description
        case .bindFailed(let error): "the server refused to bind a resource" + (error.map { " (\($0))" } ?? "")
        case .streamError(let error): "the server ended the stream: \(error)"
        case .xml(let error): error.description
        case .protocolViolation(let detail): "protocol error: \(detail)"
        case .timeout(let phase): "timed out waiting for the server (\(phase))"
        case .pingTimeout: "the connection is dead (no answer to keep-alive pings)"
        case .closedByServer: "the server closed the connection"
        case .local(let reason): reason
        }
    }
}
