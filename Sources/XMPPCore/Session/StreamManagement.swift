/// What it takes to resume a stream (XEP-0198 §5) on a later connection: kept by the owner
/// between connections (and, without `unacked`, across restarts).
public struct StreamResumption: Sendable, Hashable {
    /// The server's resumption id (`<enabled id=.../>`).
    public var id: String
    /// Where the server prefers the resumption to connect (`host:port`), if it said.
    public var location: String?
    /// The full JID of the stream; a resumed stream keeps it.
    public var boundJID: JID
    /// Inbound stanzas handled: the `h` to resume with.
    public var handled: UInt32
    /// Outbound stanzas sent on the stream so far; nil when not known (after a restart, when only
    /// `handled` was kept): then the server's count is taken as it comes.
    public var sent: UInt32?
    /// The server's last `h`: outbound stanzas it has acknowledged.
    public var acknowledged: UInt32
    /// Outbound stanzas not yet acknowledged, oldest first; resent after `<resumed/>`.
    public var unacked: [UnackedStanza]
    /// How long the server keeps the session after the connection drops (`max`), if it said.
    public var maximumSeconds: Int?

    public init(
        id: String,
        location: String? = nil,
        boundJID: JID,
        handled: UInt32,
        sent: UInt32?,
        acknowledged: UInt32,
        unacked: [UnackedStanza] = [],
        maximumSeconds: Int? = nil
    ) {
        self.id = id
        self.location = location
        self.boundJID = boundJID
        self.handled = handled
        self.sent = sent
        self.acknowledged = acknowledged
        self.unacked = unacked
        self.maximumSeconds = maximumSeconds
    }
}

/// An outbound stanza waiting for the server's acknowledgement, with its place in the stream.
public struct UnackedStanza: Sendable, Hashable {
    public var sequence: UInt32
    public var xml: String

    public init(sequence: UInt32, xml: String) {
        self.sequence = sequence
        self.xml = xml
    }
}

/// What stream management reports to the owner.
public enum StreamManagementEvent: Sendable, Hashable {
    /// `<enabled/>`: acks from now on; `resumable` when the server will keep the session.
    case enabled(resumable: Bool)
    /// The server does not offer stream management or refused to enable it.
    case unavailable(String)
    /// The server acknowledged every outbound stanza up to this sequence number.
    case acknowledged(through: UInt32)
    /// The server could not resume the previous stream (a new session follows). `acknowledged`
    /// is how many of its stanzas the server had handled, when it said.
    case resumeFailed(acknowledged: UInt32?)
    /// We are about to tell the server that we handled `handled` inbound stanzas. A resumption
    /// must never report fewer (the server refuses it), so an owner that resumes after a restart
    /// persists this count now; the `<a/>` is written right after this event.
    case acknowledging(handled: UInt32)
}

/// XEP-0198 bookkeeping of one stream: counters, the unacknowledged queue, the ack request.
struct StreamManagementState {
    enum Mode: Equatable {
        case off
        /// `<enable/>` sent, `<enabled/>` not yet received (outbound stanzas already count).
        case requested
        case enabled
    }

    var mode: Mode = .off
    var resumable = false
    var id: String?
    var location: String?
    var maximumSeconds: Int?
    /// Inbound stanzas handled since `<enabled/>`.
    var handled: UInt32 = 0
    /// Outbound stanzas since `<enable/>`.
    var sent: UInt32 = 0
    var acknowledged: UInt32 = 0
    var queue: [UnackedStanza] = []
    /// When the outstanding `<r/>` was sent (one at a time).
    var ackRequestedAt: Instant?
    /// The server asked for an ack; answered once the current input is processed.
    var ackOwed = false

    var isCounting: Bool { mode != .off }

    static func isAfter(_ a: UInt32, _ b: UInt32) -> Bool { StreamResumption.isAfter(a, b) }
}

extension StreamResumption {
    /// Whether sequence number `a` comes after `b` (XEP-0198 §4: counters wrap at 2^32).
    public static func isAfter(_ a: UInt32, _ b: UInt32) -> Bool { Int32(bitPattern: a &- b) > 0 }
}

extension XMPPSession {
    /// The state to resume this stream with, when the server allows resumption.
    public var resumption: StreamResumption? {
        guard sm.mode == .enabled, sm.resumable, let id = sm.id else { return nil }
        return StreamResumption(
            id: id, location: sm.location, boundJID: boundJID, handled: sm.handled, sent: sm.sent,
            acknowledged: sm.acknowledged, unacked: sm.queue, maximumSeconds: sm.maximumSeconds)
    }

    /// Whether stream management acknowledges our stanzas on this stream (enabled or requested).
    public var isStreamManaged: Bool { sm.isCounting }

    /// The sequence number the next outbound stanza will get, when stream management counts.
    public var nextOutboundSequence: UInt32? { sm.isCounting ? sm.sent &+ 1 : nil }

    /// Outbound stanzas the server has not acknowledged yet.
    public var unacknowledgedCount: Int { sm.queue.count }

    /// The owner could not keep the last inbound stanza (its store refused it): the stanza does
    /// not count as handled, and the connection is dropped without a word, so that the server keeps
    /// it queued and sends it again on resumption.
    public func abandonLastInbound(reason: String) {
        guard phase != .closed else { return }
        if sm.mode == .enabled { sm.handled &-= 1 }
        finish(with: .local(reason), closeTransport: true)
        onActionsAvailable?()
    }

    // MARK: Enabling

    /// After bind: ask for acks and resumption when the server offers stream management.
    func enableStreamManagement() {
        guard configuration.streamManagement else { return }
        guard serverFeatures?.child("sm", namespace: Namespace.streamManagement) != nil else {
            emit(.streamManagement(.unavailable("the server does not offer stream management")))
            return
        }
        sm = StreamManagementState()
        sm.mode = .requested
        actions.append(.write("<enable xmlns='\(Namespace.streamManagement)' resume='true'/>"))
    }

    /// After authentication, with a stream to resume: `<resume/>` instead of binding.
    func startResumption(_ previous: StreamResumption) {
        phase = .resuming
        phaseDeadline = now + configuration.negotiationTimeout
        actions.append(
            .write(
                "<resume xmlns='\(Namespace.streamManagement)' h='\(previous.handled)'"
                    + " previd='\(XMLEscaping.escapedAttribute(previous.id))'/>"))
    }

    func handleResumptionAnswer(_ element: XMLElement, previous: StreamResumption) {
        switch element.name {
        case "resumed":
            guard let h = element[attribute: "h"].flatMap(UInt32.init) else {
                fail(.protocolViolation("<resumed/> without a valid h"), sending: StreamError(condition: .invalidXML))
                return
            }
            if let sent = previous.sent,
                StreamManagementState.isAfter(h, sent) || StreamManagementState.isAfter(previous.acknowledged, h)
            {
                fail(
                    .protocolViolation("the server acknowledged \(h) stanzas; we sent \(sent)"),
                    sending: StreamError(condition: .undefinedCondition))
                return
            }
            boundJID = previous.boundJID
            sm = StreamManagementState()
            sm.mode = .enabled
            sm.resumable = true
            sm.id = previous.id
            sm.location = previous.location
            sm.maximumSeconds = previous.maximumSeconds
            sm.handled = previous.handled
            sm.sent = previous.sent ?? h
            sm.acknowledged = h
            sm.queue = previous.unacked.filter { StreamManagementState.isAfter($0.sequence, h) }
            phase = .established
            phaseDeadline = nil
            lastInbound = now
            if h != previous.acknowledged { emit(.streamManagement(.acknowledged(through: h))) }
            // What the server did not get goes again, in order and under the same numbers.
            for stanza in sm.queue { actions.append(.write(stanza.xml)) }
            if !sm.queue.isEmpty { requestAck() }
            for ext in extensions { ext.sessionResumed(self) }
            emit(.resumed(jid: boundJID))
        case "failed":
            let h = element[attribute: "h"].flatMap(UInt32.init)
            emit(.streamManagement(.resumeFailed(acknowledged: h)))
            guard serverFeatures?.child("bind", namespace: Namespace.bind) != nil else {
                fail(.protocolViolation("the server offers no resource binding"))
                return
            }
            bindNewSession()
        default:
            fail(
                .protocolViolation("unexpected <\(element.name)/> while resuming"),
                sending: StreamError(condition: .unsupportedStanzaType))
        }
    }

    // MARK: On an established stream

    /// A stream-management element on the established stream.
    func handleStreamManagement(_ element: XMLElement) {
        switch element.name {
        case "r":
            // Answered after the rest of this read: one `<a/>` for a burst of requests.
            guard sm.mode == .enabled else { return }
            sm.ackOwed = true
        case "a":
            guard sm.mode == .enabled, let h = element[attribute: "h"].flatMap(UInt32.init) else { return }
            acknowledge(h)
        case "enabled":
            guard sm.mode == .requested else { return }
            sm.mode = .enabled
            sm.resumable = ["true", "1"].contains(element[attribute: "resume"])
            sm.id = element[attribute: "id"]
            sm.location = element[attribute: "location"]
            sm.maximumSeconds = element[attribute: "max"].flatMap(Int.init)
            emit(.streamManagement(.enabled(resumable: sm.resumable && sm.id != nil)))
        case "failed":
            guard sm.mode == .requested else { return }
            sm = StreamManagementState()
            let reason = element.elements.first?.name ?? "failed"
            emit(.streamManagement(.unavailable("the server refused stream management (\(reason))")))
        default:
            return
        }
    }

    func sendAck() {
        sm.ackOwed = false
        emit(.streamManagement(.acknowledging(handled: sm.handled)))
        actions.append(.write("<a xmlns='\(Namespace.streamManagement)' h='\(sm.handled)'/>"))
    }

    /// The driver fed everything it had read: answer the server's ack requests from it.
    public func inputProcessed() {
        guard sm.ackOwed, phase == .established || phase == .closing else { return }
        sendAck()
        onActionsAvailable?()
    }

    private func acknowledge(_ h: UInt32) {
        guard !StreamManagementState.isAfter(h, sm.sent) else {
            fail(
                .protocolViolation("the server acknowledged \(h) stanzas; we sent \(sm.sent)"),
                sending: StreamError(condition: .undefinedCondition))
            return
        }
        sm.ackRequestedAt = nil
        if StreamManagementState.isAfter(h, sm.acknowledged) {
            sm.acknowledged = h
            sm.queue.removeAll { !StreamManagementState.isAfter($0.sequence, h) }
            emit(.streamManagement(.acknowledged(through: h)))
        }
        if !sm.queue.isEmpty { requestAck() }
    }

    /// Records an outbound stanza (already serialised) and asks for an ack when none is pending.
    func trackOutbound(_ xml: String) {
        guard sm.isCounting else { return }
        sm.sent &+= 1
        sm.queue.append(UnackedStanza(sequence: sm.sent, xml: xml))
        requestAck()
    }

    func requestAck() {
        guard sm.ackRequestedAt == nil else { return }
        sm.ackRequestedAt = now
        noteRequest()
        actions.append(.write("<r xmlns='\(Namespace.streamManagement)'/>"))
    }

    /// An inbound stanza was handed to its handlers (on this thread, before the next input).
    func countInbound() {
        if sm.mode == .enabled { sm.handled &+= 1 }
    }

}
