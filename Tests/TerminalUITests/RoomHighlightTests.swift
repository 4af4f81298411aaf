import ChatModel
import TerminalUI
import Testing
import XMPPCore

/// Highlights on screen: the lines that name us stand out in a room's window, the window stands
/// out in the status bar's activity list, and the roster's Rooms section counts them.
@Suite struct RoomHighlightTests {
    static let room = "coven@chat.shakespeare.lit"

    /// alice in the room, with three unread lines from firstwitch, two of them naming her or the
    /// keyword "cauldron".
    func inARoomWithHighlights() throws -> UIFixture {
        let ui = UIFixture(rows: 24, columns: 100)
        ui.account.behaviour.notifications.keywords = ["cauldron"]
        ui.connect()
        try #require(ui.account.feature(RoomsFeature.self)).join(try JID(Self.room), nick: "alice")
        let query = try #require(ui.harness.takeWrittenElements().first { $0[attribute: "to"] == Self.room })
        ui.harness.serverSends(
            "<iq type='result' id='\(query.id!)' from='\(Self.room)'>"
                + "<query xmlns='http://jabber.org/protocol/disco#info'><identity category='conference' type='text'/>"
                + "<feature var='http://jabber.org/protocol/muc'/></query></iq>")
        ui.harness.serverSends(
            "<presence from='\(Self.room)/alice'><x xmlns='http://jabber.org/protocol/muc#user'>"
                + "<item affiliation='none' role='participant'/><status code='110'/></x></presence>")
        for body in ["plain words", "alice: look at this", "the cauldron boils"] {
            ui.harness.serverSends(
                "<message from='\(Self.room)/firstwitch' type='groupchat'><body>\(body)</body></message>")
        }
        ui.render()
        return ui
    }

    @Test func theRosterCountsUnreadAndHighlightsAndTheStatusBarMarksTheWindow() throws {
        let ui = try inARoomWithHighlights()
        let row = try ui.find("# coven (3 !2)")
        #expect(ui.screen.style(row: row.row, column: row.column) == ui.controller.theme.style("roster.highlight"))
        // The room's window is 2; it stands out among the windows with activity (a muted chat's
        // message, in window 3, does not).
        ui.model.openChat(ui.model.conversation(try JID("bob@shakespeare.lit"), on: ui.account), focus: false)
        ui.model.submit("/mute bob@shakespeare.lit")
        ui.harness.serverSends("<message from='bob@shakespeare.lit/desk' type='chat'><body>hello</body></message>")
        ui.render()
        let activity = try ui.find("[Act: 2,3]")
        let theme = ui.controller.theme
        let bar = theme.style("statusbar.bar")
        #expect(
            ui.screen.style(row: activity.row, column: activity.column + 6)
                == theme.style("statusbar.highlight").on(bar))
        #expect(
            ui.screen.style(row: activity.row, column: activity.column + 8) == theme.style("statusbar.activity").on(bar)
        )
        #expect(theme.style("statusbar.highlight").on(bar) != theme.style("statusbar.activity").on(bar))
    }

    /// With each bundled theme on the terminals it is made for and without colours (NO_COLOR, a
    /// monochrome terminal), and without any theme, a highlight differs from other activity in the
    /// status bar and from other unread rooms in the roster, a line that names us from other lines,
    /// and the bars are bars.
    @Test(arguments: [(nil, 8), ("default", 8), ("dark256", 256), ("light", 256)] as [(String?, Int)])
    func highlightsStandOutWithoutColours(_ name: String?, madeFor: Int) throws {
        let definition = try name.map { try #require(ThemeLibrary(environment: ["HOME": "/nonexistent"]).load($0)).0 }
        for colors in [0, madeFor, 256] {
            let theme = Theme(definition: definition, colors: colors)
            let bar = theme.style("statusbar.bar")
            #expect(
                theme.style("statusbar.highlight").on(bar) != theme.style("statusbar.activity").on(bar), "\(colors)")
            #expect(theme.style("roster.highlight") != theme.style("roster.unread"), "\(colors)")
            #expect(theme.style("chat.highlight") != theme.style("chat.text"), "\(colors)")
            #expect(bar != .plain && theme.style("title.bar") != .plain, "\(colors)")
        }
    }

    @Test func linesThatNameUsStandOutInTheWindow() throws {
        let ui = try inARoomWithHighlights()
        ui.model.openChat(ui.model.conversation(try JID(Self.room), on: ui.account), focus: true)
        ui.render()
        let theme = ui.controller.theme
        #expect(theme.style("chat.highlight") != theme.style("chat.text"))
        let plain = try ui.find("plain words")
        #expect(ui.screen.style(row: plain.row, column: plain.column) == theme.style("chat.text"))
        for text in ["alice: look at this", "the cauldron boils"] {
            let line = try ui.find(text)
            #expect(ui.screen.style(row: line.row, column: line.column) == theme.style("chat.highlight"), "\(text)")
        }
        // Read now: the roster no longer counts them.
        #expect(!ui.render().contains("# coven ("))
    }
}
