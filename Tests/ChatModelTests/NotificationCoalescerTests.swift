import ChatModel
import Testing
import XMPPCore

@Suite struct NotificationCoalescerTests {
    func note(_ text: String, from sender: String = "mallory@evil.example", account: String = "work") -> Notification {
        Notification(account: account, conversation: JID(parsing: sender)!, sender: sender, text: text)
    }

    func runs(_ actions: [NotificationCoalescer.Action]) -> [Notification] {
        actions.compactMap { if case .run(let notification) = $0 { notification } else { nil } }
    }

    @Test func aFloodRunsOneCommandAndThenOneSummary() {
        var coalescer = NotificationCoalescer()
        var started: [Notification] = []
        var bells = 0
        for index in 0..<1_500 {
            let actions = coalescer.arrived(note("spam \(index)"), now: Int64(index), bell: true, command: true)
            started += runs(actions)
            bells += actions.filter { $0 == .bell }.count
        }
        #expect(started.map(\.text) == ["spam 0"], "one command while the first runs")
        #expect(bells == 1, "1.5 s of flood, one bell")
        let summary = runs(coalescer.commandFinished(account: "work"))
        #expect(summary.map(\.text) == ["1499 new messages from mallory@evil.example"])
        #expect(summary.first?.conversation.description == "mallory@evil.example")
        #expect(runs(coalescer.commandFinished(account: "work")).isEmpty, "nothing waited during the summary")
        #expect(runs(coalescer.arrived(note("later"), now: 5_000, bell: true, command: true)).map(\.text) == ["later"])
    }

    @Test func aSingleWaitingMessageGoesOutAsItIs() {
        var coalescer = NotificationCoalescer()
        _ = coalescer.arrived(note("first"), now: 0, bell: false, command: true)
        _ = coalescer.arrived(note("second", from: "romeo@example.net"), now: 1, bell: false, command: true)
        #expect(runs(coalescer.commandFinished(account: "work")).map(\.text) == ["second"])
    }

    @Test func theSummaryNamesTwoSendersAndCountsTheRest() {
        var coalescer = NotificationCoalescer()
        _ = coalescer.arrived(note("x"), now: 0, bell: false, command: true)
        for sender in ["a@x.org", "b@x.org", "a@x.org", "c@x.org", "d@x.org"] {
            _ = coalescer.arrived(note("hi", from: sender), now: 1, bell: false, command: true)
        }
        let summary = runs(coalescer.commandFinished(account: "work"))
        #expect(summary.map(\.text) == ["5 new messages from a@x.org, b@x.org and others"])
        #expect(summary.map(\.sender) == ["a@x.org, b@x.org and others"])
        #expect(summary.first?.conversation.description == "d@x.org", "where the latest came from")
    }

    @Test func eachAccountHasItsOwnCommand() {
        var coalescer = NotificationCoalescer()
        #expect(runs(coalescer.arrived(note("w", account: "work"), now: 0, bell: false, command: true)).count == 1)
        #expect(runs(coalescer.arrived(note("h", account: "home"), now: 0, bell: false, command: true)).count == 1)
        #expect(runs(coalescer.arrived(note("w2", account: "work"), now: 0, bell: false, command: true)).isEmpty)
    }

    @Test func theBellRingsAtMostEveryTwoSeconds() {
        var coalescer = NotificationCoalescer()
        var rang: [Int64] = []
        for now in stride(from: Int64(0), to: 10_000, by: 250) {
            if coalescer.arrived(note("m"), now: now, bell: true, command: false).contains(.bell) { rang.append(now) }
        }
        #expect(rang == [0, 2_000, 4_000, 6_000, 8_000])
        var silent = NotificationCoalescer()
        #expect(silent.arrived(note("m"), now: 0, bell: false, command: false).isEmpty)
    }
}
