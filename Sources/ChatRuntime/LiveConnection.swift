import ChatModel
import Networking
import XMLStream
import XMPPClient
import XMPPCore

/// The real connection as the model sees it: an `XMPPConnection` whose events are told in the
/// model's terms (`LinkEvent`).
public final class LiveConnection: ClientConnection {
    public let connection: XMPPConnection
    public var onEvent: (LinkEvent) -> Void = { _ in }

    public init(loop: EventLoop, settings: ConnectionSettings) {
        connection = XMPPConnection(loop: loop, settings: settings)
        connection.onEvent = { [unowned self] event in
            guard let translated = LiveConnection.translate(event) else { return }
            onEvent(translated)
        }
    }

    /// An edge event in the model's terms (nil: one the model does not need).
    public static func translate(_ event: ConnectionEvent) -> LinkEvent? {
        switch event {
        case .connecting(let endpoint): .progress("connecting to \(endpoint)")
        case .secured(let info): .progress("secured with \(info.protocolVersion.rawValue)")
        case .authenticated(let authentication): .authenticated(authentication)
        case .established(let jid): .established(jid: jid)
        case .resumed(let jid): .resumed(jid: jid)
        case .streamManagement(let event): .streamManagement(event)
        case .stanza: nil
        case .discarded(let what): .discarded(what)
        case .disconnected(let error): .disconnected(error.map(ConnectionFailure.init))
        }
    }

    /// The parser for what arrives encrypted, made once (not the stream's: that one is mid-stream).
    private lazy var fragmentParser = XMLStreamParser(maximumStanzaSize: 1 << 18)

    public func parseElement(_ xml: String) -> XMLElement? { fragmentParser.parseElement(xml) }

    public var session: XMPPSession { connection.session }

    public var inputBurst: InputBurstHandler? {
        get { connection.inputBurst }
        set { connection.inputBurst = newValue }
    }

    public func connect() { connection.connect() }

    public func disconnect() { connection.disconnect() }

    @discardableResult
    public func send(_ stanza: XMLElement) -> Bool { connection.send(stanza) }

    public func sendIQ(_ iq: XMLElement, timeout: Duration?, handler: @escaping (Result<XMLElement, IQFailure>) -> Void)
    {
        connection.sendIQ(iq, timeout: timeout, handler: handler)
    }
}

extension ConnectionFailure {
    /// The edge's reason in the model's terms.
    public init(_ error: ConnectionError) {
        var streamError: StreamError?
        if case .session(.streamError(let error)) = error { streamError = error }
        self.init(description: error.description, isRetryable: error.isRetryable, streamError: streamError)
    }
}
