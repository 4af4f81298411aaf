import OpenSSLSupport
import XMLStream
import XMPPCore

/// Drives an `XMPPSession` as a scripted server would, over a fake transport and a manual clock.
///
/// `serverSends` feeds XML through a real stream parser (reset when the session asks), and
/// everything the session writes or reports is collected for assertions.
public final class SessionHarness {
    public let session: XMPPSession
    public var now: Instant { readClock() }
    /// The harness's own clock, unless the test drives a clock shared with other parts.
    private let clock: ManualInstantClock?
    private let readClock: () -> Instant
    /// Everything the session wrote, one entry per write.
    public private(set) var written: [String] = []
    public private(set) var events: [SessionEvent] = []
    /// Called with each event as it happens (in addition to recording it).
    public var onEvent: (SessionEvent) -> Void = { _ in }
    public private(set) var tlsRequested: String?
    public private(set) var transportClosed = false
    private let parser = XMLStreamParser()

    /// A harness on its own manual clock (moved by `advance(by:)`), or on `clock` when the test
    /// keeps one time for several parts (a model's scheduler and its sessions): then `tickIfDue()`
    /// runs the session's timers.
    public init(
        configuration: SessionConfiguration, crypto: any CryptoProvider = OpenSSLCrypto(),
        clock external: (() -> Instant)? = nil
    ) {
        let manual = external == nil ? ManualInstantClock(now: Instant(milliseconds: 1_000)) : nil
        clock = manual
        let readClock = external ?? { manual!.now }
        self.readClock = readClock
        session = XMPPSession(configuration: configuration, crypto: crypto, clock: readClock)
        session.onActionsAvailable = { [unowned self] in self.collect() }
    }

    /// Runs the session's timers that are due on a shared clock.
    public func tickIfDue() {
        while let deadline = session.nextDeadline, deadline <= now, session.phase != .closed {
            session.tick()
            collect()
        }
    }

    /// The default TLS facts a harness reports (TLS 1.3, an exporter binding).
    public static let tls13 = TLSInfo(
        protocolVersion: .tls13, channelBindings: [.tlsExporter: Array(repeating: 7, count: 32)],
        peerCertificateSHA256: "AA:BB")

    public func connect(tls: TLSInfo? = nil) {
        session.transportConnected(tls: tls)
        collect()
    }

    public func completeTLS(_ info: TLSInfo = SessionHarness.tls13) {
        session.tlsEstablished(info)
        collect()
    }

    /// Feeds server bytes through the parser into the session.
    public func serverSends(_ xml: String) {
        let output = parser.feed(xml)
        for event in output.events {
            session.receive(event)
            collect()
        }
        if let error = output.error {
            session.parserFailed(error)
            collect()
            return
        }
        session.inputProcessed()
        collect()
    }

    /// Moves the manual clock forward as a running driver would: the session is ticked at each of
    /// its deadlines on the way, and only then.
    public func advance(by duration: Duration) {
        guard let clock else { preconditionFailure("advance(by:) needs the harness's own clock") }
        let target = now + duration
        while let deadline = session.nextDeadline, deadline <= target, session.phase != .closed {
            clock.now = max(clock.now, deadline)
            session.tick()
            collect()
        }
        clock.now = target
    }

    /// Moves the clock forward without running anything, as when the machine sleeps.
    public func suspend(for duration: Duration) {
        guard let clock else { preconditionFailure("suspend(for:) needs the harness's own clock") }
        clock.now = now + duration
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

    /// Bytes arrived that are not a complete element (a whitespace keep-alive, part of a stanza).
    public func serverSendsBytes() {
        session.noteInboundActivity()
        collect()
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

/// A clock that moves only when told.
final class ManualInstantClock {
    var now: Instant

    init(now: Instant) { self.now = now }
}
