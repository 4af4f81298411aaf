import Networking
import OpenSSLSupport
import XMLStream
import XMPPCore

/// What a connection reports to its owner, on the loop thread.
public enum ConnectionEvent: Sendable, Hashable {
    case connecting(Endpoint)
    case secured(TLSInfo)
    case authenticated(Authentication)
    case established(jid: JID)
    /// A previous stream was resumed (XEP-0198) instead of a new session being bound.
    case resumed(jid: JID)
    case streamManagement(StreamManagementEvent)
    case stanza(XMLElement)
    /// A stanza past the parser's limits was dropped unread; what it was and why.
    case discarded(String)
    /// The connection is over: nil after a requested disconnect.
    case disconnected(ConnectionError?)
}

/// Drives one `XMPPSession` over a real socket: DNS SRV, TCP, TLS (OpenSSL), the libxml2 stream
/// parser and the session's timers, all on one `EventLoop`.
///
/// Bytes travel socket → `TLSClient` → `XMLStreamParser` → `XMPPSession.receive`; the session's
/// actions travel back → serialised XML → `TLSClient` → socket.
public final class XMPPConnection {
    public let settings: ConnectionSettings
    public let session: XMPPSession
    public var onEvent: (ConnectionEvent) -> Void = { _ in }
    /// Brackets each burst of input (what one wake-up reads); see `InputBurstHandler`.
    public var inputBurst: InputBurstHandler?
    /// Inside a burst: output waits until the burst has ended (its replies include the acks).
    private var inBurst = false

    private let loop: EventLoop
    private let parser: XMLStreamParser
    private var endpoints: [Endpoint] = []
    private var endpointIndex = 0
    private var lastError: ConnectionError?
    private var connector: TCPConnector?
    private var socket: TCPSocket?
    private var watch: EventLoop.WatchID?
    private var tls: TLSClient?
    private var tlsPendingSessionStart = false
    private var output: [UInt8] = []
    private var outputOffset = 0
    private var timer: EventLoop.TimerID?
    private var timerDeadline: Instant?
    private var finished = false
    private var readBuffer = [UInt8](repeating: 0, count: 64 * 1024)
    private var performing = false
    private var deferredActions: [SessionAction] = []

    /// The loop instant that core instants count from.
    private static let origin = ContinuousClock.now

    public init(
        loop: EventLoop,
        settings: ConnectionSettings,
        crypto: any CryptoProvider = OpenSSLCrypto(),
        extensions: [any SessionExtension] = []
    ) {
        self.loop = loop
        self.settings = settings
        var sessionConfiguration = settings.session
        sessionConfiguration.directTLS = settings.tlsMode == .direct
        session = XMPPSession(configuration: sessionConfiguration, crypto: crypto) { [loop] in
            Instant(milliseconds: (loop.now - XMPPConnection.origin).milliseconds)
        }
        parser = XMLStreamParser(maximumStanzaSize: settings.maximumStanzaSize)
        for ext in extensions { session.register(ext) }
        session.onActionsAvailable = { [unowned self] in self.perform(self.session.takeActions()) }
    }

    deinit {
        connector?.cancel()
        if let watch { loop.unwatch(watch) }
        if let timer { loop.cancel(timer) }
    }

    /// The core's clock reading for the loop's current time.
    public var now: Instant { Instant(milliseconds: (loop.now - XMPPConnection.origin).milliseconds) }

    /// Starts connecting: SRV lookup (unless a host is configured), then each endpoint in turn.
    public func connect() {
        let domain = session.configuration.jid.domainpart
        let settings = self.settings
        if settings.host != nil {
            var generator = SystemRandomNumberGenerator()
            endpoints = Endpoint.plan(
                domain: domain, settings: settings, directTLSRecords: [], startTLSRecords: [], using: &generator)
            tryNextEndpoint()
            return
        }
        loop.runInBackground {
            let direct =
                settings.tlsMode == .startTLS ? [] : (try? DNSResolver.srv("_xmpps-client._tcp.\(domain)").get()) ?? []
            let starttls =
                settings.tlsMode == .direct ? [] : (try? DNSResolver.srv("_xmpp-client._tcp.\(domain)").get()) ?? []
            return (direct, starttls)
        } completion: { [weak self] records in
            guard let self, !self.finished else { return }
            var generator = SystemRandomNumberGenerator()
            self.endpoints = Endpoint.plan(
                domain: domain, settings: settings, directTLSRecords: records.0, startTLSRecords: records.1,
                using: &generator)
            if self.endpoints.isEmpty {
                self.finish(.serviceUnavailable(domain: domain))
            } else {
                self.tryNextEndpoint()
            }
        }
    }

    /// Closes the stream politely; `disconnected(nil)` follows.
    public func disconnect() {
        guard !finished else { return }
        if session.phase == .idle || socket == nil {
            connector?.cancel()
            finish(nil)
            return
        }
        session.close()
    }

    /// Sends a stanza if the stream is established.
    @discardableResult
    public func send(_ stanza: XMLElement) -> Bool {
        session.send(stanza)
    }

    /// Sends an IQ request; the handler runs on the loop thread.
    public func sendIQ(
        _ iq: XMLElement,
        timeout: Duration? = nil,
        handler: @escaping (Result<XMLElement, IQFailure>) -> Void
    ) {
        session.sendIQ(iq, timeout: timeout, handler: handler)
    }

    // MARK: Connecting

    private func tryNextEndpoint() {
        guard !finished else { return }
        guard endpointIndex < endpoints.count else {
            finish(lastError ?? .connect(ConnectError(failures: [])))
            return
        }
        let endpoint = endpoints[endpointIndex]
        endpointIndex += 1
        onEvent(.connecting(endpoint))
        loop.runInBackground {
            SocketAddress.resolve(host: endpoint.host, port: endpoint.port)
        } completion: { [weak self] result in
            guard let self, !self.finished else { return }
            switch result {
            case .failure(let error):
                self.lastError = .resolve(error)
                self.tryNextEndpoint()
            case .success(let addresses):
                let connector = TCPConnector(
                    loop: self.loop, addresses: addresses, timeout: self.settings.connectTimeout
                ) { [weak self] result in
                    self?.connector = nil
                    switch result {
                    case .success(let socket): self?.connected(socket, endpoint: endpoint)
                    case .failure(let error):
                        self?.lastError = .connect(error)
                        self?.tryNextEndpoint()
                    }
                }
                self.connector = connector
                connector.start()
            }
        }
    }

    private func connected(_ socket: TCPSocket, endpoint: Endpoint) {
        guard !finished else { return }
        self.socket = socket
        watch = loop.watch(socket.fd, for: .readable) { [weak self] events in self?.socketReady(events) }
        if endpoint.directTLS {
            tlsPendingSessionStart = true
            startTLS(alpn: ["xmpp-client"])
        } else {
            session.transportConnected(tls: nil)
            perform(session.takeActions())
        }
    }

    /// Starts loading the trust store these settings need, so that the first connection does
    /// not wait for it (called at start-up, before the terminal and the store are set up).
    public static func prepareTLS(for settings: ConnectionSettings) {
        TLSClient.prepare(tlsConfiguration(settings))
    }

    private static func tlsConfiguration(_ settings: ConnectionSettings, alpn: [String] = []) -> TLSConfiguration {
        TLSConfiguration(
            serverName: settings.session.jid.domainpart, extraCAFile: settings.caFile,
            pinnedSHA256: settings.pinnedSHA256, alpnProtocols: alpn,
            maximumVersion: settings.limitToTLS12 ? .tls12 : nil)
    }

    private func startTLS(alpn: [String] = []) {
        let configuration = XMPPConnection.tlsConfiguration(settings, alpn: alpn)
        do {
            let client = try TLSClient(configuration: configuration)
            tls = client
            try continueHandshake(client)
        } catch {
            fail(.tls(error))
        }
    }

    /// Pushes the handshake forward; once it is done, verifies the peer and tells the session.
    private func continueHandshake(_ client: TLSClient) throws(TLSError) {
        let done = try client.handshake()
        queue(client.takeCiphertext())
        guard done else { return }
        try client.verifyPeer()
        let info = client.info()
        if tlsPendingSessionStart {
            tlsPendingSessionStart = false
            session.transportConnected(tls: info)
        } else {
            session.tlsEstablished(info)
        }
        perform(session.takeActions())
        // Application data may have arrived together with the end of the handshake.
        try deliverPlaintext(client)
    }

    // MARK: Reading

    private func socketReady(_ events: EventLoop.Events) {
        guard let socket, !finished else { return }
        if events.contains(.writable) { flush() }
        guard events.contains(.readable) || events.hasFailed else { return }
        beginBurst()
        defer { endBurst() }
        var reads = 0
        do {
            while !finished, let count = try readBuffer.withUnsafeMutableBytes({ try socket.read(into: $0) }) {
                if count == 0 {
                    session.transportClosed()
                    perform(session.takeActions())
                    finish(lastError ?? .session(.closedByServer))
                    return
                }
                session.noteInboundActivity()
                try readBuffer.withUnsafeBytes { try received(UnsafeRawBufferPointer(rebasing: $0[0..<count])) }
                reads += 1
                // A full buffer means more is waiting; after a few, the loop gets a turn (the
                // screen, timers) and poll brings us back at once.
                if count < readBuffer.count || reads == XMPPConnection.readsPerWake { break }
            }
        } catch let error as TLSError {
            fail(.tls(error))
        } catch {
            fail(.transport(String(describing: error)))
        }
    }

    static let readsPerWake = 8

    private func beginBurst() {
        guard !inBurst else { return }
        inBurst = true
        inputBurst?.began()
    }

    /// Ends the burst: the handler commits what it stored, then what was held is written. When it
    /// could not keep what arrived, nothing held is written (no ack for it) and the connection
    /// ends.
    private func endBurst() {
        guard inBurst else { return }
        inBurst = false
        if inputBurst?.ended() == false {
            output.removeAll()
            outputOffset = 0
            fail(.transport("what the server sent could not be stored"))
            return
        }
        flush()
    }

    private func received(_ bytes: UnsafeRawBufferPointer) throws {
        guard let tls else {
            parse(bytes)
            return
        }
        tls.receive(bytes)
        if !tls.isHandshakeComplete {
            try continueHandshake(tls)
            return
        }
        try deliverPlaintext(tls)
    }

    private func deliverPlaintext(_ client: TLSClient) throws(TLSError) {
        guard client.isHandshakeComplete else { return }
        guard let plaintext = try client.readPlaintext() else {
            // close_notify: the peer closed the TLS session.
            session.transportClosed()
            perform(session.takeActions())
            finish(.session(.closedByServer))
            return
        }
        queue(client.takeCiphertext())
        if !plaintext.isEmpty { plaintext.withUnsafeBytes { parse($0) } }
    }

    private func parse(_ bytes: UnsafeRawBufferPointer) {
        let result = parser.feed(bytes)
        for event in result.events {
            guard !finished, session.phase != .closed else { return }
            session.receive(event)
            perform(session.takeActions())
        }
        if let error = result.error, !finished {
            session.parserFailed(error)
            perform(session.takeActions())
            return
        }
        if !finished { session.inputProcessed() }
    }

    // MARK: Acting

    /// Performs actions in order. Actions produced while performing (an event handler that sends)
    /// run after the current ones, never before them.
    private func perform(_ actions: [SessionAction]) {
        if performing {
            deferredActions += actions
            return
        }
        performing = true
        defer { performing = false }
        var queue = actions
        while !queue.isEmpty {
            run(queue)
            queue = deferredActions + session.takeActions()
            deferredActions.removeAll()
        }
        rescheduleTimer()
    }

    private func run(_ actions: [SessionAction]) {
        for action in actions {
            switch action {
            case .write(let text): send(bytes: Array(text.utf8))
            case .startTLS: startTLS()
            case .resetParser: parser.reset()
            case .closeTransport:
                endBurst()
                flush()
                closeSocket()
            case .event(let event): report(event)
            }
        }
    }

    private func report(_ event: SessionEvent) {
        switch event {
        case .secured(let info): onEvent(.secured(info))
        case .authenticated(let authentication): onEvent(.authenticated(authentication))
        case .established(let jid): onEvent(.established(jid: jid))
        case .resumed(let jid): onEvent(.resumed(jid: jid))
        case .streamManagement(let event): onEvent(.streamManagement(event))
        case .stanza(let stanza): onEvent(.stanza(stanza))
        case .discarded(let what): onEvent(.discarded(what))
        case .closed(let error): finish(error.map(ConnectionError.session))
        }
    }

    private func send(bytes: [UInt8]) {
        guard socket != nil else { return }
        if let tls {
            do {
                try tls.write(bytes)
                queue(tls.takeCiphertext())
            } catch {
                fail(.tls(error))
            }
        } else {
            queue(bytes)
        }
    }

    private func queue(_ bytes: [UInt8]) {
        guard !bytes.isEmpty else { return }
        output += bytes
        if !inBurst { flush() }
    }

    private func flush() {
        guard let socket, outputOffset < output.count else { return }
        do {
            let written = try output.withUnsafeBytes {
                try socket.write(UnsafeRawBufferPointer(rebasing: $0[outputOffset...]))
            }
            outputOffset += written
            if outputOffset == output.count {
                output.removeAll(keepingCapacity: output.count <= 1 << 20)
                outputOffset = 0
                if let watch { loop.update(watch, to: .readable) }
            } else if let watch {
                loop.update(watch, to: [.readable, .writable])
            }
        } catch {
            fail(.transport(String(describing: error)))
        }
    }

    private func rescheduleTimer() {
        let deadline = finished ? nil : session.nextDeadline
        guard deadline != timerDeadline else { return }
        if let timer { loop.cancel(timer) }
        timer = nil
        timerDeadline = deadline
        guard let deadline else { return }
        let delay = Duration.milliseconds(max(deadline.milliseconds - now.milliseconds, 0))
        timer = loop.schedule(after: delay) { [weak self] in
            guard let self else { return }
            self.timer = nil
            self.timerDeadline = nil
            self.session.tick()
            self.perform(self.session.takeActions())
        }
    }

    // MARK: Ending

    private func fail(_ error: ConnectionError) {
        guard !finished else { return }
        session.abort()
        finish(error)
    }

    private func closeSocket() {
        if let watch { loop.unwatch(watch) }
        watch = nil
        socket?.close()
        socket = nil
    }

    private func finish(_ error: ConnectionError?) {
        guard !finished else { return }
        finished = true
        session.abort()
        connector?.cancel()
        connector = nil
        closeSocket()
        if let timer { loop.cancel(timer) }
        timer = nil
        onEvent(.disconnected(error))
    }
}
