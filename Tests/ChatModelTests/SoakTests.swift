import ChatModel
import ChatStore
import Foundation
import TestServers
import TestSupport
import Testing
import XMPPCore

/// Half an hour of chat over one manual clock shared by the account, its timers and its stream:
/// two contacts writing at random 1-30 s intervals, the user answering, and a server that answers
/// every ack request, ping and query after a random delay under two seconds. Nothing may time out,
/// reconnect or log a warning, and every message must be stored and confirmed.
@Suite struct SoakTests {
    static let alice = try! JID("alice@example.org")
    static let contacts = [try! JID("romeo@example.net"), try! JID("juliet@example.com")]

    final class Soak {
        let scheduler = ManualScheduler()
        let store = try! ChatStore.inMemory()
        let account: AccountController
        let model: AppModel
        var random: SplitMix64
        private let box = Box()
        /// Answers the server has yet to send, with when.
        private var answers: [(at: Int64, xml: String)] = []
        /// Client stanzas the server has received since `<enable/>` (its `h`).
        private var received: UInt32 = 0
        private var counting = false
        private var incoming = 0
        private(set) var sent = 0
        private(set) var log: [LogEntry] = []

        final class Box { var connections: [HarnessConnection] = [] }

        var connectionCount: Int { box.connections.count }
        var harness: SessionHarness { box.connections.last!.harness }

        init(seed: UInt64, autoAwayMinutes: Int) throws {
            random = SplitMix64(state: seed)
            let scheduler = self.scheduler
            let box = self.box
            account = try AccountController(name: "soak", jid: SoakTests.alice, store: store, scheduler: scheduler) {
                request in
                let connection = HarnessConnection(
                    harness: SessionHarness(
                        configuration: SessionConfiguration(
                            jid: SoakTests.alice, password: "pw", resource: "tern", resumption: request.resumption),
                        crypto: MemoizingCrypto.shared, clock: { Instant(milliseconds: scheduler.now) }))
                connection.streamManagement = .enabled()
                box.connections.append(connection)
                return connection
            }
            account.behaviour.autoAwayMinutes = autoAwayMinutes
            model = AppModel(accounts: [account], settings: UISettings(), scheduler: scheduler)
            let previous = account.onEvent
            account.onEvent = { [unowned self] event in
                if case .log(let entry) = event { self.log.append(entry) }
                previous(event)
            }
        }

        func delay() -> Int64 { Int64.random(in: 0..<2_000, using: &random) }

        /// Everything the client wrote since the last look: counted like a server counts, and
        /// answered after a delay.
        func absorb() {
            for write in harness.takeWritten() {
                if write.hasPrefix("<enable ") {
                    counting = true
                    received = 0
                    continue
                }
                if write == "<r xmlns='urn:xmpp:sm:3'/>" {
                    answers.append((scheduler.now + delay(), "<a xmlns='urn:xmpp:sm:3' h='\(received)'/>"))
                    continue
                }
                guard let element = XMLElement.parse(write), element.stanzaKind != nil else { continue }
                if counting { received &+= 1 }
                if element.name == "iq", element.iqType == .get || element.iqType == .set, let id = element.id {
                    answers.append((scheduler.now + delay(), Self.result(for: element, id: id)))
                }
            }
        }

        /// The answer to an IQ, from whom it was sent to (the server when it has no `to`).
        static func result(for iq: XMLElement, id: String) -> String {
            let from = iq[attribute: "to"].map { " from='\($0)'" } ?? ""
            if iq.child("query", namespace: "urn:xmpp:mam:2") != nil {
                return "<iq type='result' id='\(id)'\(from)><fin xmlns='urn:xmpp:mam:2' complete='true'>"
                    + "<set xmlns='http://jabber.org/protocol/rsm'/></fin></iq>"
            }
            if let query = iq.elements.first, query.name == "query", let namespace = query.namespace {
                return "<iq type='result' id='\(id)'\(from)><query xmlns='\(namespace)'/></iq>"
            }
            return "<iq type='result' id='\(id)'\(from)/>"
        }

        func run(minutes: Int, userEvery userRange: ClosedRange<Int64>) {
            account.connect()
            let start = scheduler.now
            let end = start + Int64(minutes) * 60_000
            var nextIncoming = [start + 1_000, start + 3_000]
            var nextOwn = start + Int64.random(in: userRange, using: &random)
            while scheduler.now < end {
                absorb()
                let sessionDeadline = harness.session.nextDeadline.map(\.milliseconds)
                let candidates = [
                    nextIncoming.min(), nextOwn, answers.map(\.at).min(), sessionDeadline, scheduler.nextDeadline, end,
                ].compactMap { $0 }
                let next = max(scheduler.now, candidates.min() ?? end)
                scheduler.advance(by: .milliseconds(next - scheduler.now))
                harness.tickIfDue()
                absorb()
                while let index = answers.firstIndex(where: { $0.at <= scheduler.now }) {
                    let answer = answers.remove(at: index)
                    harness.serverSends(answer.xml)
                }
                for (index, due) in nextIncoming.enumerated() where due <= scheduler.now {
                    incoming += 1
                    let contact = SoakTests.contacts[index]
                    harness.serverSends(
                        "<message from='\(contact)/phone' to='alice@example.org/tern' type='chat' id='in\(incoming)'>"
                            + "<body>message \(incoming)</body><request xmlns='urn:xmpp:receipts'/>"
                            + "<active xmlns='http://jabber.org/protocol/chatstates'/></message>")
                    if incoming % 5 == 0 { harness.serverSends("<r xmlns='urn:xmpp:sm:3'/>") }
                    nextIncoming[index] = scheduler.now + Int64.random(in: 1_000...30_000, using: &random)
                }
                if nextOwn <= scheduler.now {
                    sent += 1
                    let contact = SoakTests.contacts[sent % 2]
                    model.openChat(model.conversation(contact, on: account), focus: true)
                    model.inputChanged("typing")
                    model.submit("answer \(sent)")
                    nextOwn = scheduler.now + Int64.random(in: userRange, using: &random)
                }
            }
            // The last answers arrive.
            for _ in 0..<10 {
                absorb()
                scheduler.advance(by: .seconds(1))
                harness.tickIfDue()
                while let index = answers.firstIndex(where: { $0.at <= scheduler.now }) {
                    harness.serverSends(answers.remove(at: index).xml)
                }
            }
        }

        var storedIncoming: Int {
            SoakTests.contacts.reduce(0) { total, contact in
                total
                    + ((try? store.lastMessages(account: account.accountID, conversation: contact, limit: 10_000)) ?? [])
                    .filter { !$0.outgoing }.count
            }
        }
        var incomingCount: Int { incoming }
    }

    /// Four seeds with a user who writes often, four with one who is mostly away (auto-away after
    /// two minutes, so presence and client state change between the messages).
    @Test(arguments: (UInt64(1)...UInt64(8)).map { ($0, $0 % 2 == 0 ? 2 : 0) })
    func halfAnHourOfChatNeverTimesOutOrReconnects(seed: UInt64, autoAwayMinutes: Int) throws {
        let soak = try Soak(seed: seed, autoAwayMinutes: autoAwayMinutes)
        // With auto-away, the user writes rarely: the account goes away and inactive (CSI) between.
        let userRange: ClosedRange<Int64> = autoAwayMinutes == 0 ? 1_000...30_000 : 60_000...400_000
        soak.run(minutes: 30, userEvery: userRange)
        #expect(soak.connectionCount == 1, "seed \(seed): never reconnected")
        #expect(soak.account.status == .online, "seed \(seed)")
        let problems = soak.log.filter { $0.level >= .warning }.map(\.text)
        #expect(problems.isEmpty, "seed \(seed): \(problems)")
        #expect(soak.incomingCount > 100, "seed \(seed): \(soak.incomingCount) messages arrived in half an hour")
        #expect(soak.storedIncoming == soak.incomingCount, "seed \(seed): every message stored once")
        #expect(try soak.store.outbox(account: soak.account.accountID).isEmpty, "seed \(seed): every answer confirmed")
        if autoAwayMinutes > 0 {
            #expect(
                soak.model.log.contains { $0.text.hasPrefix("auto-away") }, "seed \(seed): the account went away")
        }
    }
}
