import ChatModel
import XMLStream
import XMPPCore

/// A `ClientConnection` over a `SessionHarness`: the model under test talks to a scripted server.
public final class HarnessConnection: ClientConnection {
    public let harness: SessionHarness
    public var onEvent: (LinkEvent) -> Void = { _ in }
    public var inputBurst: InputBurstHandler?
    public private(set) var connectCalls = 0
    public private(set) var disconnectCalls = 0
    /// How the scripted server answers stream management on `connect()`.
    public var streamManagement: SessionHarness.StreamManagementScript = .none
    /// When false, `connect()` fails at once (the connection closes before the stream opens).
    public var reachable = true

    public init(harness: SessionHarness) {
        self.harness = harness
        harness.onEvent = { [unowned self] event in
            switch event {
            case .established(let jid): self.onEvent(.established(jid: jid))
            case .resumed(let jid): self.onEvent(.resumed(jid: jid))
            case .streamManagement(let event): self.onEvent(.streamManagement(event))
            case .stanza: break
            case .discarded(let what): self.onEvent(.discarded(what))
            case .closed(let error): self.onEvent(.disconnected(error.map(ConnectionFailure.init)))
            case .secured(let info): self.onEvent(.progress("secured with \(info.protocolVersion.rawValue)"))
            case .authenticated(let authentication): self.onEvent(.authenticated(authentication))
            }
        }
    }

    public func parseElement(_ xml: String) -> XMLElement? { XMLStreamParser.parseElement(xml) }

    public var session: XMPPSession { harness.session }

    /// Runs the scripted negotiation (the test drives what happens next).
    public func connect() {
        connectCalls += 1
        guard reachable else {
            harness.perform { $0.transportClosed() }
            return
        }
        try? harness.establishScripted(streamManagement: streamManagement)
    }

    public func disconnect() {
        disconnectCalls += 1
        harness.perform { $0.close() }
        harness.serverSends("</stream:stream>")
    }

    @discardableResult
    public func send(_ stanza: XMLElement) -> Bool { session.send(stanza) }

    public func sendIQ(_ iq: XMLElement, timeout: Duration?, handler: @escaping (Result<XMLElement, IQFailure>) -> Void)
    {
        session.sendIQ(iq, timeout: timeout, handler: handler)
    }
}

/// A scheduler whose clock moves only when the test says so.
public final class ManualScheduler: Scheduler {
    public var now: Int64
    private var timers: [(deadline: Int64, id: Int, body: () -> Void)] = []
    private var nextID = 0

    public init(now: Int64 = 1_700_000_000_000) { self.now = now }

    public func schedule(after delay: Duration, _ body: @escaping () -> Void) -> ScheduledTimer {
        nextID += 1
        let id = nextID
        timers.append((now + delay.milliseconds, id, body))
        return ScheduledTimer { [weak self] in self?.timers.removeAll { $0.id == id } }
    }

    /// Moves the clock and runs the timers that became due, in order.
    public func advance(by delay: Duration) {
        let target = now + delay.milliseconds
        while let next = timers.filter({ $0.deadline <= target }).min(by: { $0.deadline < $1.deadline }) {
            timers.removeAll { $0.id == next.id }
            now = next.deadline
            next.body()
        }
        now = target
    }

    public var pendingTimers: Int { timers.count }

    /// When the next timer is due.
    public var nextDeadline: Int64? { timers.map(\.deadline).min() }
}
