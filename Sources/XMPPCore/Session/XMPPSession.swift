/// One XMPP client stream as a state machine (RFC 6120): fed parser events, TLS results and clock
/// ticks; answers with `SessionAction`s that the driver performs in order. It does no I/O.
///
/// Time comes from the injected clock, read at every input and every request from above, so a
/// deadline is always measured from the moment its request left (a message sent after a quiet
/// minute must not be judged by the clock of the last input). A gap between readings longer than
/// any timer allows means the process did not run (the machine slept): deadlines then count only
/// the time it ran, and the link is checked afresh.
///
/// Negotiation: stream header → STARTTLS (required; skipped over direct TLS) → SASL → stream
/// restart → resource binding → established. After that it routes stanzas: IQ responses to their
/// requests, everything else to the registered extensions, and what none consumes out as an event.
public final class XMPPSession {
    public let configuration: SessionConfiguration
    public let crypto: any CryptoProvider
    /// The JID the server bound (the configured JID until then).
    public internal(set) var boundJID: JID
    public internal(set) var phase: Phase = .idle
    public internal(set) var tls: TLSInfo?
    /// The clock reading of the current input or request.
    public internal(set) var now: Instant
    public internal(set) var extensions: [any SessionExtension] = []
    /// The stream id the server sent in its latest stream header.
    public internal(set) var streamID: String?

    let clock: () -> Instant
    var actions: [SessionAction] = []
    /// Called when a request from above (`send`, `sendIQ`, `close`) produced actions, so that the
    /// driver performs them without waiting for the next input.
    public var onActionsAvailable: (() -> Void)?
    var iqs = IQTracker()
    var isAuthenticated = false
    var phaseDeadline: Instant?
    var lastInbound: Instant = .zero
    var keepAlive = KeepAliveState()
    var boundResourceRetried = false
    /// The features the server offered on the current stream (after authentication: bind,
    /// roster versioning, stream management, ...).
    public internal(set) var serverFeatures: XMLElement?
    var saslState: SASLState?
    var bindRequestID: String?
    var sm = StreamManagementState()

    public enum Phase: Sendable, Hashable {
        case idle
        case awaitingStreamHeader
        case awaitingFeatures
        case awaitingTLSProceed
        case tlsHandshake
        case authenticating
        /// `<resume/>` sent (XEP-0198), waiting for `<resumed/>` or `<failed/>`.
        case resuming
        case binding
        case startingLegacySession
        case established
        /// We sent `</stream:stream>` and wait for the server's.
        case closing
        case closed
    }

    public init(configuration: SessionConfiguration, crypto: any CryptoProvider, clock: @escaping () -> Instant) {
        self.configuration = configuration
        self.crypto = crypto
        self.clock = clock
        self.boundJID = configuration.jid.bare
        now = clock()
    }

    public var isEstablished: Bool { phase == .established }

    /// Adds a protocol extension; extensions see stanzas in registration order.
    public func register(_ extension: any SessionExtension) {
        extensions.append(`extension`)
    }

    /// The first registered extension of a type.
    public func `extension`<E: SessionExtension>(_ type: E.Type) -> E? {
        extensions.lazy.compactMap { $0 as? E }.first
    }

    /// Takes the actions produced since the last call.
    public func takeActions() -> [SessionAction] {
        defer { actions.removeAll(keepingCapacity: true) }
        return actions
    }

    /// The earliest instant at which `tick()` has work to do.
    public var nextDeadline: Instant? {
        var deadlines: [Instant] = []
        if let phaseDeadline { deadlines.append(phaseDeadline) }
        if let deadline = iqs.nextDeadline { deadlines.append(deadline) }
        if let deadline = keepAliveDeadline { deadlines.append(deadline) }
        return deadlines.min()
    }

    // MARK: Inputs

    /// The transport is connected (and, for direct TLS, its handshake is done).
    public func transportConnected(tls: TLSInfo?) {
        readClock()
        precondition(phase == .idle, "a session is used for one connection")
        if let tls {
            self.tls = tls
            emit(.secured(tls))
        }
        openStream()
    }

    /// The STARTTLS handshake finished.
    public func tlsEstablished(_ info: TLSInfo) {
        readClock()
        guard phase == .tlsHandshake else { return }
        tls = info
        emit(.secured(info))
        actions.append(.resetParser)
        openStream()
    }

    /// Any bytes arrived (including whitespace keep-alives): the link is alive.
    public func noteInboundActivity() {
        readClock()
        lastInbound = now
    }

    public func receive(_ event: XMLStreamEvent) {
        readClock()
        lastInbound = now
        switch event {
        case .streamOpened(let attributes): handleStreamHeader(attributes)
        case .element(let element): handleElement(element)
        case .streamClosed: handleStreamClosed()
        case .discarded(let name, let reason): handleDiscarded(name: name, reason: reason)
        }
    }

    /// The parser found XML that breaks the rules: send the matching stream error and close.
    public func parserFailed(_ error: XMLStreamParseError) {
        readClock()
        guard phase != .closed else { return }
        fail(.xml(error), sending: StreamError(condition: error.streamErrorCondition))
    }

    /// The transport closed or failed underneath the session.
    public func transportClosed() {
        readClock()
        switch phase {
        case .closed: return
        case .closing: finish(with: nil, closeTransport: false)
        default: finish(with: .closedByServer, closeTransport: false)
        }
    }

    /// Ends the session without any further output (the driver already knows why).
    public func abort() {
        guard phase != .closed else { return }
        phase = .closed
        phaseDeadline = nil
        for handler in iqs.removeAll() { handler(.failure(.disconnected)) }
        for ext in extensions { ext.sessionClosed(self) }
    }

    public func tick() {
        readClock()
        if let deadline = phaseDeadline, deadline <= now {
            phaseDeadline = nil
            if phase == .closing {
                finish(with: nil, closeTransport: true)
            } else {
                fail(.timeout(String(describing: phase)), sending: StreamError(condition: .connectionTimeout))
            }
            return
        }
        for handler in iqs.expire(now: now) { handler(.failure(.timeout)) }
        checkKeepAlive()
    }

    // MARK: Requests from above

    /// Sends a stanza; dropped (false) unless the stream is established.
    @discardableResult
    public func send(_ stanza: XMLElement) -> Bool {
        guard phase == .established else { return false }
        readClock()
        write(stanza)
        onActionsAvailable?()
        return true
    }

    /// Sends a stanza that was serialised earlier (an outbox entry sent again byte for byte).
    @discardableResult
    public func send(serialized stanza: String) -> Bool {
        guard phase == .established else { return false }
        readClock()
        actions.append(.write(stanza))
        trackOutbound(stanza)
        onActionsAvailable?()
        return true
    }

    /// Sends an IQ get or set and calls `handler` once with its result, error, timeout or the end
    /// of the session. The id is generated when the element has none.
    public func sendIQ(
        _ iq: XMLElement,
        timeout: Duration? = nil,
        handler: @escaping (Result<XMLElement, IQFailure>) -> Void
    ) {
        var iq = iq
        let id = iq.id ?? makeID()
        iq.id = id
        guard phase == .established else {
            handler(.failure(.disconnected))
            return
        }
        readClock()
        iqs.track(id: id, to: iq.to, deadline: now + (timeout ?? configuration.iqTimeout), handler: handler)
        write(iq)
        onActionsAvailable?()
    }

    /// Closes the stream politely: `</stream:stream>`, then wait briefly for the server's.
    public func close() {
        readClock()
        switch phase {
        case .idle:
            finish(with: nil, closeTransport: false)
        case .closing, .closed:
            return
        default:
            // Tell the server what we handled, so that it does not bounce or re-queue it, and ask
            // what it got of ours (its answer comes before its `</stream:stream>`).
            if phase == .established && sm.mode == .enabled {
                sendAck()
                if !sm.queue.isEmpty { requestAck() }
            }
            actions.append(.write("</stream:stream>"))
            phase = .closing
            phaseDeadline = now + configuration.closeTimeout
        }
        onActionsAvailable?()
    }

    /// A fresh stanza id.
    public func makeID() -> String { crypto.randomIdentifier(length: 12) }

    /// Every feature the session and its extensions implement, for disco#info.
    public var discoFeatures: [String] {
        var features = [Namespace.discoInfo]
        for ext in extensions { features += ext.discoFeatures }
        return Array(Set(features)).sorted()
    }

    // MARK: Internals shared with the negotiation

    func emit(_ event: SessionEvent) { actions.append(.event(event)) }

    func write(_ element: XMLElement) {
        let xml = element.serialized(parentNamespace: Namespace.client)
        actions.append(.write(xml))
        if element.stanzaKind != nil { trackOutbound(xml) }
    }

    func fail(_ error: SessionError, sending streamError: StreamError? = nil) {
        guard phase != .closed else { return }
        if let streamError, phase != .idle {
            actions.append(.write(streamError.element.serialized() + "</stream:stream>"))
        }
        finish(with: error, closeTransport: true)
    }

    func finish(with error: SessionError?, closeTransport: Bool) {
        guard phase != .closed else { return }
        phase = .closed
        phaseDeadline = nil
        if closeTransport { actions.append(.closeTransport) }
        for handler in iqs.removeAll() { handler(.failure(.disconnected)) }
        for ext in extensions { ext.sessionClosed(self) }
        emit(.closed(error))
    }

    private func handleStreamClosed() {
        if phase == .closing {
            finish(with: nil, closeTransport: true)
        } else {
            actions.append(.write("</stream:stream>"))
            finish(with: .closedByServer, closeTransport: true)
        }
    }

    private func handleElement(_ element: XMLElement) {
        if element.namespace == Namespace.streams && element.name == "error" {
            var error = StreamError(element: element)
            // RFC 6120 §4.9.3.19: a redirect before TLS (and before the certificate was verified)
            // may come from anyone on the path; it ends the stream but sends us nowhere.
            if tls == nil { error.otherHost = nil }
            actions.append(.write("</stream:stream>"))
            finish(with: .streamError(error), closeTransport: true)
            return
        }
        if element.namespace == Namespace.streamManagement && (phase == .established || phase == .closing) {
            handleStreamManagement(element)
            return
        }
        switch phase {
        case .established: route(element)
        case .closing: if element.stanzaKind != nil { route(element) }
        case .closed, .idle: return
        default: negotiate(element)
        }
    }

    /// A stanza too deep or too wide to build still counts for stream management, so the server's
    /// and our counts agree; it is reported, not routed. Before the stream is up there is nothing
    /// it could legitimately be.
    private func handleDiscarded(name: String, reason: String) {
        switch phase {
        case .established, .closing:
            if StanzaKind(rawValue: name) != nil { countInbound() }
            emit(.discarded("<\(name)/>: \(reason)"))
        case .closed, .idle: return
        default:
            fail(
                .protocolViolation("the server sent \(reason) during negotiation"),
                sending: StreamError(condition: .policyViolation))
        }
    }

    private func route(_ stanza: XMLElement) {
        guard let kind = stanza.stanzaKind else {
            fail(
                .protocolViolation("unexpected <\(stanza.name)/> on an established stream"),
                sending: StreamError(condition: .unsupportedStanzaType))
            return
        }
        countInbound()
        if kind == .iq, let type = stanza.iqType, type == .result || type == .error {
            if let handler = iqs.takeHandler(for: stanza, ownJID: boundJID) {
                if type == .result {
                    handler(.success(stanza))
                } else {
                    handler(.failure(.error(StanzaError(stanza: stanza) ?? StanzaError(.undefinedCondition))))
                }
            }
            return
        }
        for ext in extensions where ext.handle(stanza, in: self) { return }
        if kind == .iq, stanza.iqType == .get || stanza.iqType == .set {
            write(stanza.errorReply(StanzaError(.serviceUnavailable)))
            return
        }
        emit(.stanza(stanza))
    }
}
