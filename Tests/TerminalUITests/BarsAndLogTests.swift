import ChatModel
import TerminalUI
import TestSupport
import Testing
import XMPPCore

/// The title line, the status bar and the log pane: what they say of a chat, a room and the
/// accounts, and how they cut what does not fit.
@Suite(.serialized) struct BarsAndLogTests {
    static let room = "coven@chat.example.org"

    @Test func aChatsTitleSaysWhoWithTheirPresenceAndWhatTheyAreDoing() throws {
        let ui = UIFixture(rows: 20, columns: 100)
        ui.connect(roster: "<item jid='romeo@example.net' name='Romeo' subscription='both'/>")
        ui.open(try JID("romeo@example.net"), focus: true)
        ui.render()
        #expect(ui.row(0) == " Romeo <romeo@example.net> — offline")
        ui.harness.serverSends(
            "<presence from='romeo@example.net/orchard'><show>away</show><status>in the orchard\u{9B}2J</status>"
                + "</presence>")
        #expect(ui.render().hasPrefix(" Romeo <romeo@example.net> — away: in the orchard\u{FFFD}2J"))
        for (state, shown) in [("composing", "typing…"), ("paused", "stopped typing"), ("gone", "left the chat")] {
            ui.harness.serverSends(
                "<message from='romeo@example.net/orchard' type='chat'>"
                    + "<\(state) xmlns='http://jabber.org/protocol/chatstates'/></message>")
            ui.render()
            #expect(ui.row(0) == " Romeo <romeo@example.net> — away: in the orchard\u{FFFD}2J  \(shown)")
            #expect(
                try ui.style(of: shown)
                    == ui.controller.theme.style("title.state").on(ui.controller.theme.style("title.bar")))
        }
        ui.open(try JID("juliet@example.com"), focus: true)
        ui.render()
        #expect(ui.row(0) == " juliet@example.com — offline", "no roster name: the address alone")
        ui.press(.alt("1"))
        #expect(ui.row(0) == " Tern — console (type /help for commands, /msg JID to chat)")
    }

    @Test func aRoomsTitleFollowsItsState() throws {
        let ui = UIFixture(rows: 20, columns: 120)
        ui.connect()
        ui.account.feature(RoomsFeature.self)?.join(try JID(Self.room), nick: "alice")
        let key = try ui.key(Self.room)
        ui.model.openChat(key, focus: true)
        ui.render()
        #expect(ui.row(0) == " \(Self.room) — entering…")
        try ui.harness.answerRoomInfo(Self.room, name: "Coven")
        for nick in ["firstwitch", "secondwitch"] {
            ui.harness.serverSends(SessionHarness.occupantPresence(room: Self.room, nick: nick))
        }
        ui.harness.serverSends(SessionHarness.occupantPresence(room: Self.room, nick: "alice", codes: [110]))
        ui.harness.serverSends(
            "<message from='\(Self.room)/firstwitch' type='groupchat'><subject>Double, double</subject></message>")
        ui.render()
        #expect(ui.row(0) == " \(Self.room) (Coven) — alice, 3 here — Double, double")
        ui.harness.serverSends(
            SessionHarness.occupantPresence(
                room: Self.room, nick: "alice", role: "none", codes: [110, 307], reason: "too noisy", unavailable: true)
        )
        ui.render()
        #expect(ui.row(0) == " \(Self.room) (Coven) — not in it: too noisy — Double, double")
        #expect(try ui.style(of: "not in it") == ui.controller.theme.style("title.bar"))
    }

    /// A long subject of CJK and emoji on a narrow screen: the title is cut at the screen's edge,
    /// a wide character that does not fit is left out whole, and the bar reaches the edge.
    @Test(arguments: [41, 42])
    func aLongTitleIsCutWithoutBreakingACharacter(columns: Int) throws {
        let ui = UIFixture(rows: 12, columns: columns)
        ui.connect()
        let key = try ui.enter("c@m.org", name: "C", others: ["firstwitch"])
        ui.harness.serverSends(
            "<message from='c@m.org/firstwitch' type='groupchat'><subject>\(String(repeating: "魔女😀", count: 20))"
                + "</subject></message>")
        ui.model.openChat(key, focus: true)
        ui.render()
        let title = ui.row(0)
        #expect(title.hasPrefix(" c@m.org (C) — alice, 2 here — 魔女😀魔女"), "\(title)")
        #expect(TextWidth.of(title) <= columns && TextWidth.of(title) >= columns - 1, "\(title)")
        #expect(!title.contains("\u{FFFD}"))
        let bar = ui.controller.theme.style("title.bar")
        #expect((0..<columns).allSatisfy { ui.screen.style(row: 0, column: $0) == bar }, "the bar to the edge")
    }

    /// Our presence, the window shown, and the windows with something new: a room's line, and
    /// a chat message, which stands out as a highlight does (it rings).
    @Test func theStatusBarSaysPresenceWindowsAndActivity() throws {
        let ui = UIFixture(rows: 20, columns: 120)
        ui.connect(roster: "<item jid='romeo@example.net' name='Romeo' subscription='both'/>")
        ui.model.openChat(try ui.enter(Self.room), focus: false)
        ui.model.submit("/status away lunch\u{1B}[5m")
        ui.harness.serverSends("<message from='\(Self.room)/hecate' type='groupchat'><body>hail</body></message>")
        ui.harness.serverSends("<message from='romeo@example.net/phone' type='chat'><body>hi</body></message>")
        ui.render()
        let status = ui.row(18)
        #expect(
            status == "[16:00] [alice@example.org: online] [away: lunch␛[5m] [1:console] [Act: 2,3]", "\(status)")
        let theme = ui.controller.theme
        let bar = theme.style("statusbar.bar")
        #expect(try ui.style(of: "online]") == theme.style("statusbar.online").on(bar))
        let activity = try ui.find("[Act: 2,3]")
        #expect(
            ui.screen.style(row: activity.row, column: activity.column + 6) == theme.style("statusbar.activity").on(bar)
        )
        #expect(
            ui.screen.style(row: activity.row, column: activity.column + 8)
                == theme.style("statusbar.highlight").on(bar))
        ui.press(.alt("3"))
        #expect(ui.row(18).hasSuffix("[3:Romeo] [Act: 2]"), "the window's name; its activity seen")
        ui.scheduler.now += 90 * 60_000
        ui.controller.tick()
        #expect(ui.render().contains("[17:30]"), "the clock goes on")
    }

    /// On a narrow screen the windows with activity and "more below" stay in sight: the account
    /// and the window's name before them are cut, with "…".
    @Test func theIndicatorsStayInSightOnANarrowScreen() throws {
        let ui = UIFixture(rows: 12, columns: 40)
        ui.fill(60)
        ui.connect(roster: "<item jid='juliet@example.com' name='Juliet' subscription='both'/>")
        ui.open(try JID("romeo@example.net"), focus: true)
        ui.press(.key(.pageUp))
        ui.harness.serverSends("<message from='juliet@example.com/x' type='chat'><body>hi</body></message>")
        ui.render()
        #expect(ui.row(10) == "[16:00] [alice@e… [Act: 3] [more below]", "\(ui.row(10))")
        ui.press(.altKey(.end))
        #expect(ui.row(10) == "[16:00] [alice@example.org: o… [Act: 3]", "\(ui.row(10))")
        ui.press(.alt("3"))
        #expect(ui.row(10) == "[16:00] [alice@example.org: online] [3…", "nothing to keep in sight")
    }

    @Test func theLogPaneWrapsUnderTheTextAndKeepsTheNewestInSight() throws {
        let ui = UIFixture(rows: 20, columns: 60)
        ui.connect()
        ui.open(try JID("romeo@example.net"), focus: true)
        let console = ui.model.windows[0]
        for index in 1...8 { ui.model.addNotice("line \(index)", window: console) }
        ui.model.addNotice(
            "the server refused the connection because " + String(repeating: "reasons ", count: 8), level: .error,
            window: console)
        ui.render()
        let layout = try #require(ui.controller.layout)
        let log = try #require(layout.log)
        let rows = ui.screen.rows(of: log)
        #expect(
            rows == [
                "16:00 line 7", "16:00 line 8", "16:00 the server refused the connection because reasons",
                "      reasons reasons reasons reasons reasons reasons",
                "      reasons",
            ], "\(rows)")
        #expect(try ui.style(of: "the server refused") == ui.controller.theme.style("log.error"))
        #expect(try ui.style(of: "line 8") == ui.controller.theme.style("log.info"))
    }
}
