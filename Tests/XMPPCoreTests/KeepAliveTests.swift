import TestSupport
import Testing
import XMPPCore

/// Dead-link detection over a manual clock: keep-alive pings (XEP-0199) and ack requests
/// (XEP-0198) must never fail a link whose server answers in time, and must fail a silent one
/// within `pingInterval + pingTimeout` of the last byte it sent.
@Suite struct KeepAliveTests {
    static let configuration = SessionConfiguration(
        jid: try! JID("juliet@example.org"), password: "pw", resource: "tern")
    static let romeo = try! JID("romeo@example.net/orchard")
    static let deadLinkBound = Duration.seconds(30)

    static func established() throws -> SessionHarness {
        let harness = SessionHarness(configuration: configuration, crypto: MemoizingCrypto.shared)
        try harness.establishScripted(streamManagement: .enabled())
        _ = harness.takeWritten()
        _ = harness.takeEvents()
        return harness
    }

    @Test func aMessageSentAfterAQuietSpellIsNotADeadLink() throws {
        let harness = try Self.established()
        harness.advance(by: .seconds(15))
        harness.perform { $0.send(Message.chat(to: Self.romeo, body: "still there?", id: "m1")) }
        #expect(harness.takeWritten().last == "<r xmlns='urn:xmpp:sm:3'/>")
        harness.serverSends("<a xmlns='urn:xmpp:sm:3' h='1'/>")
        harness.advance(by: .seconds(1))
        #expect(!harness.transportClosed, "the server answered the ack request at once")
        #expect(harness.takeEvents().allSatisfy { if case .closed = $0 { false } else { true } })
    }

    @Test func anAckRequestUnansweredOnASilentLinkFailsAfterThePingTimeout() throws {
        let harness = try Self.established()
        harness.advance(by: .seconds(12))
        harness.perform { $0.send(Message.chat(to: Self.romeo, body: "hello?", id: "m1")) }
        harness.advance(by: .milliseconds(9_999))
        #expect(!harness.transportClosed)
        harness.advance(by: .milliseconds(1))
        #expect(harness.takeEvents().last == .closed(.pingTimeout))
    }

    @Test func aPingOutstandingWhenTheMachineSleepsGetsItsTimeAfterTheResume() throws {
        let harness = try Self.established()
        harness.advance(by: .seconds(21))
        let ping = try #require(harness.takeWrittenElements().first { $0.name == "iq" })
        harness.suspend(for: .seconds(3600))
        harness.advance(by: .milliseconds(10))
        #expect(!harness.transportClosed, "an hour asleep is not the server's silence")
        harness.serverSends("<iq type='result' id='\(ping.id!)' from='example.org'/>")
        harness.advance(by: .seconds(15))
        #expect(!harness.transportClosed)
    }

    @Test func afterASleepTheLinkIsCheckedAtOnce() throws {
        let harness = try Self.established()
        harness.advance(by: .seconds(5))
        _ = harness.takeWritten()
        harness.suspend(for: .seconds(3600))
        harness.advance(by: .milliseconds(10))
        #expect(harness.takeWrittenElements().contains { $0.name == "iq" && $0.child("ping") != nil })
        harness.advance(by: .seconds(10))
        #expect(harness.takeEvents().last == .closed(.pingTimeout), "a link that died during the sleep is found")
    }

    /// XEP-0199 §4.1: a server that does not know pings answers with an error, an answer all the same.
    @Test func anErrorAnsweringThePingShowsTheLinkIsAlive() throws {
        let harness = try Self.established()
        harness.advance(by: .seconds(21))
        let ping = try #require(harness.takeWrittenElements().first { $0.name == "iq" })
        #expect(ping.matches("<iq type='get' id='*' to='example.org'><ping xmlns='urn:xmpp:ping'/></iq>"))
        harness.serverSends(
            "<iq type='error' id='\(ping.id!)' from='example.org'><error type='cancel'>"
                + "<service-unavailable xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></iq>")
        harness.advance(by: .seconds(19))
        #expect(!harness.takeWrittenElements().contains { $0.name == "iq" }, "the next ping waits for 20 quiet seconds")
        #expect(!harness.transportClosed)
        #expect(harness.takeEvents().allSatisfy { if case .closed = $0 { false } else { true } })
    }

    // MARK: Every interleaving

    enum Kind: CaseIterable, CustomStringConvertible {
        case userSends, serverStanza, serverBytes, serverRequestsAck

        var description: String {
            switch self {
            case .userSends: "send"
            case .serverStanza: "stanza"
            case .serverBytes: "bytes"
            case .serverRequestsAck: "<r/>"
            }
        }
    }

    struct Event: CustomStringConvertible {
        var at: Duration
        var kind: Kind
        var description: String { "\(kind)@\(at)" }
    }

    /// Times around the thresholds (pings after 20 s of silence, answers due within 10 s).
    static let times: [Duration] = [0.5, 5, 9.5, 10.5, 15, 19.5, 20.5, 25, 29.5, 30.5].map {
        .milliseconds(Int64($0 * 1000))
    }

    /// No event, each single event, and each pair (in both orders when simultaneous).
    static let schedules: [[Event]] = {
        let events = times.flatMap { time in Kind.allCases.map { Event(at: time, kind: $0) } }
        var schedules: [[Event]] = [[]]
        for (index, first) in events.enumerated() {
            schedules.append([first])
            for second in events[(index + 1)...] {
                schedules.append([first, second])
                if first.at == second.at { schedules.append([second, first]) }
            }
        }
        return schedules
    }()

    @Test(arguments: [Duration.zero, .seconds(1), .milliseconds(9_900)])
    func aServerThatAnswersInTimeIsNeverDeclaredDead(delay: Duration) throws {
        for schedule in Self.schedules {
            let simulation = try Simulation(delay: delay, silentFrom: nil)
            simulation.run(schedule, until: .seconds(90))
            #expect(simulation.closedAt == nil, "\(schedule), answers after \(delay): \(simulation.closeReason as Any)")
        }
    }

    /// Prosody's client-state handling pauses its writes while the client is inactive; an answer
    /// that slipped in just before a pause waits for the next important stanza. The halfway probe
    /// is an IQ, whose result releases both.
    @Test func anAnswerHeldByTheServerIsReleasedByTheProbe() throws {
        for schedule in Self.schedules {
            let simulation = try Simulation(delay: .milliseconds(300), silentFrom: nil, holdsFirstAnswer: true)
            simulation.run(schedule, until: .seconds(90))
            #expect(simulation.closedAt == nil, "\(schedule): \(simulation.closeReason as Any)")
            #expect(simulation.held > 0, "\(schedule): the server held an answer")
        }
    }

    @Test(arguments: [Duration.zero, .seconds(7), .milliseconds(19_900), .seconds(25)])
    func aServerThatFallsSilentIsFoundWithinThirtySeconds(silentFrom: Duration) throws {
        for schedule in Self.schedules {
            let simulation = try Simulation(delay: .milliseconds(200), silentFrom: silentFrom)
            simulation.run(schedule, until: .seconds(120))
            let closedAt = try #require(simulation.closedAt, "\(schedule), silent from \(silentFrom)")
            #expect(simulation.closeReason == .pingTimeout, "\(schedule)")
            #expect(closedAt - simulation.lastInbound <= Self.deadLinkBound, "\(schedule), silent from \(silentFrom)")
        }
    }

    /// A scripted server that answers every ack request and ping after `delay`, sends its own
    /// traffic on a schedule, and from `silentFrom` on sends nothing at all.
    final class Simulation {
        let harness: SessionHarness
        let delay: Duration
        let start: Instant
        let silentFrom: Instant?
        private(set) var closedAt: Instant?
        private(set) var closeReason: SessionError?
        private(set) var lastInbound: Instant
        /// Client stanzas the server received (its `h`).
        private var received: UInt32 = 0
        private var answers: [(at: Instant, xml: String)] = []
        private var inboundCount = 0
        /// Hold the answers to the first request after each quiet spell until the client sends an
        /// IQ (as a server whose writes are paused does).
        private let holdsFirstAnswer: Bool
        private var holding: [String] = []
        private(set) var held = 0

        init(delay: Duration, silentFrom: Duration?, holdsFirstAnswer: Bool = false) throws {
            let harness = try KeepAliveTests.established()
            let start = harness.now
            self.harness = harness
            self.delay = delay
            self.start = start
            lastInbound = start
            self.silentFrom = silentFrom.map { start + $0 }
            self.holdsFirstAnswer = holdsFirstAnswer
            harness.onEvent = { [weak self] event in self?.observe(event) }
        }

        private func observe(_ event: SessionEvent) {
            guard case .closed(let error) = event, closedAt == nil else { return }
            closedAt = harness.now
            closeReason = error
        }

        private var silent: Bool { silentFrom.map { harness.now >= $0 } ?? false }

        /// Runs the schedule, stopping at each of the session's deadlines too, so that what it
        /// writes is answered from the moment it was written.
        func run(_ schedule: [Event], until end: Duration) {
            var events = schedule.map { (at: start + $0.at, kind: $0.kind) }
            let end = start + end
            while closedAt == nil {
                let candidates = [events.first?.at, answers.map(\.at).min(), harness.session.nextDeadline, end]
                let next = max(harness.now, candidates.compactMap { $0 }.min() ?? end)
                harness.advance(by: next - harness.now)
                absorb()
                guard closedAt == nil else { break }
                if let index = answers.firstIndex(where: { $0.at <= next }) {
                    let answer = answers.remove(at: index)
                    if !silent { serverSends(answer.xml) }
                } else if let event = events.first, event.at <= next {
                    events.removeFirst()
                    perform(event.kind)
                } else if next >= end {
                    break
                }
                absorb()
            }
        }

        private func perform(_ kind: Kind) {
            switch kind {
            case .userSends:
                harness.perform { $0.send(Message.chat(to: KeepAliveTests.romeo, body: "hi", id: $0.makeID())) }
            case .serverStanza:
                inboundCount += 1
                serverSends(
                    "<message from='romeo@example.net/orchard' type='chat' id='in\(inboundCount)'><body>hi</body></message>"
                )
            case .serverBytes:
                guard !silent else { return }
                lastInbound = harness.now
                harness.serverSendsBytes()
            case .serverRequestsAck:
                serverSends("<r xmlns='urn:xmpp:sm:3'/>")
            }
        }

        private func serverSends(_ xml: String) {
            guard !silent else { return }
            lastInbound = harness.now
            harness.serverSends(xml)
        }

        /// What the client wrote: stanzas count; ack requests and pings get their answers.
        private func absorb() {
            for write in harness.takeWritten() {
                if write.hasPrefix("<message") || write.hasPrefix("<iq") || write.hasPrefix("<presence") {
                    received &+= 1
                }
                var answer: String?
                let isIQ = write.hasPrefix("<iq")
                if write == "<r xmlns='urn:xmpp:sm:3'/>" { answer = "<a xmlns='urn:xmpp:sm:3' h='\(received)'/>" }
                if let iq = XMLElement.parse(write), iq.name == "iq", iq.child("ping") != nil, let id = iq.id {
                    answer = "<iq type='result' id='\(id)' from='example.org'/>"
                }
                var released = false
                if holdsFirstAnswer && isIQ && !holding.isEmpty {
                    // An IQ from the client: its result is important, the server flushes.
                    for xml in holding { answers.append((harness.now + delay, xml)) }
                    holding.removeAll()
                    released = true
                }
                guard let answer else { continue }
                if holdsFirstAnswer && !released && (!holding.isEmpty || harness.now - lastInbound >= .seconds(5)) {
                    if holding.isEmpty { held += 1 }
                    holding.append(answer)
                } else {
                    answers.append((harness.now + delay, answer))
                }
            }
        }
    }
}
