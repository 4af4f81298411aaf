import ChatStore
import TerminalUI
import Testing
import XMPPCore

/// The chat pane as a user reads it: days, where unread begins, how far each message got,
/// actions and the room's own lines, notices, nick colours, and wrapping at the pane's edge.
@Suite(.serialized) struct ChatViewTests {
    let romeo = try! JID("romeo@example.net")

    /// A message with romeo stored at `timestamp`.
    func store(
        _ ui: UIFixture, _ body: String, at timestamp: Int64, outgoing: Bool = false, state: DeliveryState? = nil,
        id: String? = nil
    ) throws {
        _ = try ui.store.insert(
            NewMessage(
                conversation: romeo, outgoing: outgoing,
                sender: outgoing ? "alice@example.org/tern" : "romeo@example.net/phone",
                senderKey: outgoing ? "alice@example.org" : "romeo@example.net", body: body, timestamp: timestamp,
                idAttribute: id, state: state), account: ui.account.accountID)
    }

    /// Everything stored so far read (no "new messages" line).
    func read(_ ui: UIFixture) throws {
        try ui.store.markRead(account: ui.account.accountID, conversation: romeo, upTo: ui.scheduler.now)
    }

    @Test func eachDayStartsWithItsCentredDate() throws {
        let ui = UIFixture(rows: 20, columns: 60, settings: .withoutRoster)
        let day: Int64 = 86_400_000
        try store(ui, "saturday", at: 1_764_000_000_000 - 2 * day)
        try store(ui, "late sunday", at: 1_763_942_399_000)
        try store(ui, "just after midnight", at: 1_763_942_400_000)
        try store(ui, "monday afternoon", at: 1_764_000_000_000)
        try read(ui)
        ui.open(romeo, focus: true)
        let rows = ui.chatRows().filter { !$0.isEmpty }
        #expect(
            rows == [
                "──────────────── Saturday 22 November 2025 ────────────────", "16:00 romeo: saturday",
                "───────────────── Sunday 23 November 2025 ─────────────────", "23:59 romeo: late sunday",
                "───────────────── Monday 24 November 2025 ─────────────────", "00:00 romeo: just after midnight",
                "16:00 romeo: monday afternoon",
            ], "\(rows)")
        #expect(try ui.style(of: "─ Monday") == ui.controller.theme.style("chat.day"))
    }

    /// Messages that came while another window was shown are under a "new messages" line; it
    /// goes once they have been seen.
    @Test func theNewMessagesLineIsWhereUnreadBegins() throws {
        let ui = UIFixture(rows: 20, columns: 60, settings: .withoutRoster)
        ui.connect(roster: "<item jid='romeo@example.net' name='Romeo' subscription='both'/>")
        ui.open(romeo, focus: true)
        ui.harness.serverSends("<message from='romeo@example.net/phone' type='chat'><body>seen</body></message>")
        ui.press(.alt("1"))
        ui.scheduler.now += 60_000
        for body in ["unseen one", "unseen two"] {
            ui.harness.serverSends("<message from='romeo@example.net/phone' type='chat'><body>\(body)</body></message>")
        }
        ui.press(.alt("2"))
        let rows = ui.chatRows().filter { !$0.isEmpty }.suffix(4)
        #expect(
            Array(rows) == [
                "16:00 Romeo: seen", "─────────────────────── new messages ───────────────────────",
                "16:01 Romeo: unseen one", "16:01 Romeo: unseen two",
            ], "\(rows)")
        #expect(try ui.style(of: "─ new messages") == ui.controller.theme.style("chat.unread"))
        ui.press(.alt("1"))
        ui.press(.alt("2"))
        #expect(!ui.chatRows().contains { $0.contains("new messages") })
    }

    @Test func eachOutgoingMessageSaysHowFarItGot() throws {
        let ui = UIFixture(rows: 20, columns: 60, settings: .withoutRoster)
        let states: [(DeliveryState, String)] = [
            (.queued, "(queued)"), (.sent, "(sent)"), (.acked, "✓"), (.delivered, "✓✓"), (.displayed, "✓✓ seen"),
        ]
        for (index, (state, _)) in states.enumerated() {
            try store(ui, "\(state)", at: 1_764_000_000_000 - Int64(10 - index) * 60_000, outgoing: true, state: state)
        }
        try store(ui, "refused", at: 1_764_000_000_000 - 60_000, outgoing: true, state: .sent, id: "m1")
        _ = try ui.store.markFailed(
            account: ui.account.accountID, conversation: romeo, idAttribute: "m1", error: "no such user\u{1B}[2J")
        ui.open(romeo, focus: true)
        let rows = ui.chatRows()
        for (state, mark) in states {
            #expect(rows.contains { $0.hasSuffix("alice: \(state) \(mark)") }, "\(state): \(rows)")
            let (row, column) = try ui.find("alice: \(state) \(mark)")
            let markColumn = column + TextWidth.of("alice: \(state) ")
            #expect(ui.screen.style(row: row, column: markColumn) == ui.controller.theme.style("chat.state"))
        }
        #expect(rows.contains { $0.hasSuffix("alice: refused ✗ no such user␛[2J") }, "the reason, sanitised")
        #expect(try ui.style(of: "✗ no such") == ui.controller.theme.style("chat.failed"))
    }

    /// In a room our message is sent, then confirmed by the room sending it back; /me is an
    /// action, each occupant's nick keeps its colour, and the room's own lines stand apart.
    @Test func aRoomsLinesActionsNickColoursAndConfirmations() throws {
        let ui = UIFixture(rows: 40, columns: 80, settings: .withoutRoster)
        ui.connect()
        let nicks = ["firstwitch", "secondwitch", "thirdwitch", "hecate", "macbeth", "banquo", "duncan", "fleance"]
        let room = try ui.enter("coven@chat.example.org", others: nicks)
        ui.model.openChat(room, focus: true)
        _ = ui.harness.takeWritten()
        ui.model.submit("Fair is foul")
        let sent = try #require(ui.harness.takeWrittenElements().first { $0.name == "message" })
        #expect(ui.chatRows().contains { $0.hasSuffix("alice: Fair is foul (sent)") })
        let origin = try #require(sent.child("origin-id", namespace: "urn:xmpp:sid:0")?[attribute: "id"])
        ui.harness.serverSends(
            "<message from='coven@chat.example.org/alice' type='groupchat' id='\(origin)'><body>Fair is foul</body>"
                + "<origin-id xmlns='urn:xmpp:sid:0' id='\(origin)'/></message>")
        #expect(ui.chatRows().contains { $0.hasSuffix("alice: Fair is foul ✓") }, "the room sent it back")
        ui.harness.serverSends(
            "<message from='coven@chat.example.org' type='groupchat'><body>This room is logged</body></message>")
        for nick in nicks + nicks {
            ui.harness.serverSends(
                "<message from='coven@chat.example.org/\(nick)' type='groupchat'><body>hail from \(nick)</body></message>"
            )
        }
        ui.harness.serverSends(
            "<message from='coven@chat.example.org/hecate' type='groupchat'><body>/me stirs the pot</body></message>")
        ui.render()
        let theme = ui.controller.theme
        #expect(ui.chatRows().contains { $0.hasSuffix("*** This room is logged") })
        #expect(try ui.style(of: "This room is logged") == theme.style("chat.notice"))
        #expect(ui.chatRows().contains { $0.hasSuffix("* hecate stirs the pot") })
        #expect(try ui.style(of: "stirs the pot") == theme.style("chat.action"))
        var colours: [String: Style] = [:]
        for (row, text) in ui.screen.text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            guard let nick = nicks.first(where: { text.contains(" \($0): hail") }) else { continue }
            let style = ui.screen.style(row: row, column: 6)
            #expect(colours[nick, default: style] == style, "\(nick) in one colour on every line")
            colours[nick] = style
        }
        #expect(colours.count == nicks.count)
        #expect(Set(colours.values).count >= 4, "nicks spread over the theme's colours")
        #expect(!colours.values.contains(theme.style("chat.me")))
        #expect(try ui.style(of: "alice:") == theme.style("chat.me"), "ours in our own colour")
    }

    @Test func noticesStandBetweenMessagesByTime() throws {
        let ui = UIFixture(rows: 20, columns: 60, settings: .withoutRoster)
        try store(ui, "before", at: 1_764_000_000_000 - 60_000)
        ui.connect()
        let window = ui.open(romeo, focus: true)
        ui.model.addNotice("romeo is now offline", window: window)
        ui.model.addNotice("could not send: offline", level: .warning, window: window)
        ui.scheduler.now += 60_000
        ui.harness.serverSends("<message from='romeo@example.net/phone' type='chat'><body>after</body></message>")
        let rows = ui.chatRows().filter { !$0.isEmpty }.suffix(4)
        #expect(
            Array(rows) == [
                "15:59 romeo: before", "16:00 -!- romeo is now offline", "16:00 -!- could not send: offline",
                "16:01 romeo: after",
            ], "\(rows)")
        #expect(try ui.style(of: "romeo is now") == ui.controller.theme.style("chat.notice"))
        #expect(try ui.style(of: "could not send") == ui.controller.theme.style("chat.error"))
    }

    /// A notice opens its day like a message: yesterday's history, then today's date, then what
    /// happened today (a room entered in the morning), with no date again before today's messages.
    @Test func aNoticeOnANewDayComesAfterThatDaysDate() throws {
        let ui = UIFixture(rows: 20, columns: 60, settings: .withoutRoster)
        try store(ui, "yesterday", at: 1_764_000_000_000 - 86_400_000)
        try read(ui)
        ui.connect()
        let window = ui.open(romeo, focus: true)
        ui.model.addNotice("romeo is now offline", window: window)
        ui.scheduler.now += 60_000
        ui.harness.serverSends("<message from='romeo@example.net/phone' type='chat'><body>today</body></message>")
        let rows = ui.chatRows().filter { !$0.isEmpty }
        #expect(
            rows == [
                "───────────────── Sunday 23 November 2025 ─────────────────", "16:00 romeo: yesterday",
                "───────────────── Monday 24 November 2025 ─────────────────", "16:00 -!- romeo is now offline",
                "16:01 romeo: today",
            ], "\(rows)")
    }

    /// A word longer than the pane is cut where the pane ends, CJK and emoji between two
    /// characters; continuation lines are indented under the text, and nothing is lost.
    @Test(arguments: [60, 61])
    func longWordsWrapAtTheEdgeWithoutLosingACharacter(columns: Int) throws {
        let ui = UIFixture(rows: 20, columns: columns, settings: .withoutRoster)
        let word = "https://example.org/" + String(repeating: "path/", count: 12) + String(repeating: "你好😀", count: 9)
        try store(ui, word, at: 1_764_000_000_000)
        try read(ui)
        ui.open(romeo, focus: true)
        let rows = ui.chatRows().filter { !$0.isEmpty }.dropFirst()
        #expect(rows.first?.hasPrefix("16:00 romeo: https://") == true)
        #expect(rows.dropFirst().allSatisfy { $0.hasPrefix(String(repeating: " ", count: 13)) }, "\(rows)")
        #expect(rows.map { $0.dropFirst(13) }.joined() == word, "\(rows)")
        #expect(rows.allSatisfy { TextWidth.of($0) <= columns })
    }

    /// A nick that leaves no room on its line (a long roster name on the smallest screen) puts
    /// the message under it; the message's first word was drawn past the pane's edge.
    @Test func aNickWiderThanThePaneLeavesTheTextVisible() throws {
        let ui = UIFixture(rows: 12, columns: 40)
        ui.connect(
            roster: "<item jid='romeo@example.net' name='Romeo Montague of Verona' subscription='both'/>")
        ui.harness.serverSends(
            "<message from='romeo@example.net/phone' type='chat'><body>wherefore art thou</body></message>")
        ui.model.switchTo(1)
        let text = ui.chatRows().joined(separator: " ")
        #expect(text.contains("wherefore art"), "\(ui.chatRows())")
    }

    /// " (edited)" wrapped onto a line of its own keeps its style.
    @Test func aWrappedSuffixKeepsItsStyle() throws {
        let ui = UIFixture(rows: 20, columns: 60, settings: .withoutRoster)
        ui.connect()
        let body = String(repeating: "word ", count: 7) + "lastword"
        ui.harness.serverSends("<message from='romeo@example.net/phone' type='chat' id='r1'><body>x</body></message>")
        ui.harness.serverSends(
            "<message from='romeo@example.net/phone' type='chat' id='r2'><body>\(body)</body>"
                + "<replace xmlns='urn:xmpp:message-correct:0' id='r1'/></message>")
        ui.open(romeo, focus: true)
        let rows = ui.chatRows().filter { !$0.isEmpty }
        #expect(rows.suffix(2) == ["16:00 romeo: \(body)", String(repeating: " ", count: 13) + "(edited)"], "\(rows)")
        #expect(try ui.style(of: "(edited)") == ui.controller.theme.style("chat.corrected"))
        #expect(try ui.style(of: "lastword") == ui.controller.theme.style("chat.text"))
    }
}
