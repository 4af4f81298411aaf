import ChatModel
import Testing
import XMPPCore

/// What the notify command and the bell get when messages come faster than the command runs:
/// the summary's wording, who waits for which account, and the bell on its own.
@Suite struct NotificationSummaryTests {
    func note(_ text: String, from sender: String, account: String = "work") -> Notification {
        Notification(account: account, conversation: JID(parsing: sender)!, sender: sender, text: text)
    }

    func runs(_ actions: [NotificationCoalescer.Action]) -> [String] {
        actions.compactMap { if case .run(let notification) = $0 { notification.text } else { nil } }
    }

    /// Starts a command for `account` with a first message, then lets `senders` write while it runs.
    func waiting(_ senders: [String], account: String = "work") -> NotificationCoalescer {
        var coalescer = NotificationCoalescer()
        _ = coalescer.arrived(note("first", from: "first@x.org", account: account), now: 0, bell: false, command: true)
        for sender in senders {
            _ = coalescer.arrived(note("hi", from: sender, account: account), now: 1, bell: false, command: true)
        }
        return coalescer
    }

    @Test func aSummaryNamesUpToTwoSendersEachOnce() {
        var two = waiting(["a@x.org", "b@x.org"])
        #expect(runs(two.commandFinished(account: "work")) == ["2 new messages from a@x.org, b@x.org"])
        var one = waiting(["a@x.org", "a@x.org", "a@x.org"])
        #expect(runs(one.commandFinished(account: "work")) == ["3 new messages from a@x.org"])
        var three = waiting(["a@x.org", "a@x.org", "b@x.org", "c@x.org"])
        #expect(runs(three.commandFinished(account: "work")) == ["4 new messages from a@x.org, b@x.org and others"])
    }

    @Test func whatArrivesDuringTheSummaryWaitsForItsEnd() {
        var coalescer = waiting(["a@x.org", "b@x.org"])
        #expect(runs(coalescer.commandFinished(account: "work")).count == 1, "the summary runs")
        #expect(runs(coalescer.arrived(note("during", from: "c@x.org"), now: 2, bell: false, command: true)).isEmpty)
        #expect(runs(coalescer.commandFinished(account: "work")) == ["during"])
        #expect(runs(coalescer.commandFinished(account: "work")).isEmpty)
        #expect(
            runs(coalescer.arrived(note("later", from: "d@x.org"), now: 3, bell: false, command: true)) == ["later"])
    }

    @Test func oneAccountsCommandEndingReleasesOnlyItsOwn() {
        var coalescer = waiting(["a@x.org"], account: "work")
        _ = coalescer.arrived(note("h1", from: "h@y.org", account: "home"), now: 0, bell: false, command: true)
        _ = coalescer.arrived(note("h2", from: "h@y.org", account: "home"), now: 0, bell: false, command: true)
        #expect(runs(coalescer.commandFinished(account: "home")) == ["h2"])
        #expect(runs(coalescer.commandFinished(account: "work")) == ["hi"])
        #expect(runs(coalescer.commandFinished(account: "club")).isEmpty, "an account that ran nothing")
    }

    @Test func theBellAndTheCommandAreEachAsConfigured() {
        var bellOnly = NotificationCoalescer()
        #expect(bellOnly.arrived(note("x", from: "a@x.org"), now: 0, bell: true, command: false) == [.bell])
        #expect(bellOnly.arrived(note("y", from: "a@x.org"), now: 1, bell: true, command: false).isEmpty)
        var commandOnly = NotificationCoalescer()
        #expect(runs(commandOnly.arrived(note("x", from: "a@x.org"), now: 0, bell: false, command: true)) == ["x"])
        var both = NotificationCoalescer(bellInterval: 500)
        #expect(both.arrived(note("x", from: "a@x.org"), now: 0, bell: true, command: true).count == 2)
        #expect(both.arrived(note("y", from: "a@x.org"), now: 499, bell: true, command: true).isEmpty)
        #expect(both.arrived(note("z", from: "a@x.org"), now: 500, bell: true, command: true) == [.bell])
    }
}
