import OpenSSLSupport
import XMLStream
import XMPPCore

/// Drives an `XMPPSession` as a scripted server would, over a fake transport and a manual clock.
///
/// `serverSends` feeds XML through a real stream parser (reset when the session asks), and
/// everything the session writes or reports is collected for assertions.
public final class SessionHarness {
    public let session: XMPPSession
    public private(set) var now = Instant(milliseconds: 1_000)
    /// Everything the session wrote, one entry per write.
    public private(set) var written: [String] = []
    public private(set) var events: [SessionEvent] = []
    /// Called with each event as it happens (in addition to recording it).
    public var onEvent: (SessionEvent) -> Void = { _ in }
    public private(set) var tlsRequested: String?
    public private(set) var transportClosed = false
    private let parser = XMLStreamParser()

    public init(configuration: SessionConfiguration, crypto: any CryptoProvider = OpenSSLCrypto()) {
        session = XMPPSession(configuration: configuration, crypto: crypto)
        session.onActionsAvailable = { [unowned self] in self.collect() }
    }

    /// The default TLS facts a harness reports (TLS 1.3, an exporter binding).
    public static let tls13 = TLSInfo(
        protocolVersion: .tls13, channelBindings: [.tlsExporter: Array(repeating: 7, count: 32)],
        peerCertificateSHA256: "AA:BB")

    public func connect(tls: TLSInfo? = nil) {
        session.transportConnected(tls: tls, now: now)
        collect()
    }

    public func completeTLS(_ info: TLSInfo = SessionHarness.tls13) {
        session.tlsEstablished(info, now: now)
        collect()
    }

    /// Feeds server bytes through the parser into the session.
    public func serverSends(_ xml: String) {
        let output = parser.feed(xml)
        for event in output.events {
            session.receive(event, now: now)
            collect()
        }
        if let error = output.error {
            session.parserFailed(error, now: now)
            collect()
            return
        }
        session.inputProcessed()
        collect()
    }

    /// Moves the manual clock forward and lets the session's timers run.
    public func advance(by duration: Duration) {
        now = now + duration
        session.tick(now: now)
        collect()
    }

    /// Runs `body` against the session and collects what it did.
    public func perform(_ body: (XMPPSession) -> Void) {
        body(session)
        collect()
    }

    /// Removes and returns what the session wrote so far.
    public func takeWritten() -> [String] {
        defer { written.removeAll() }
        return written
    }

    /// Removes and returns the events so far.
    public func takeEvents() -> [SessionEvent] {
        defer { events.removeAll() }
        return events
    }

    /// The written entries that are complete elements, parsed.
    public func takeWrittenElements() -> [XMLElement] {
        takeWritten().compactMap { XMLElement.parse($0) }
    }

    /// The standard opening of a server stream.
    public static func serverHeader(id: String = "stream-1", from: String = "example.org") -> String {
        "<?xml version='1.0'?><stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'"
            + " id='\(id)' from='\(from)' version='1.0' xml:lang='en'>"
    }

    private func collect() {
        for action in session.takeActions() {
            switch action {
            case .write(let text): written.append(text)
            case .startTLS(let name): tlsRequested = name
            case .resetParser: parser.reset()
            case .closeTransport: transportClosed = true
            case .event(let event):
                events.append(event)
                onEvent(event)
            }
        }
    }
}
