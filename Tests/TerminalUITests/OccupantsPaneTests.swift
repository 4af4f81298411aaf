import TerminalUI
import TestSupport
import Testing

/// The occupants pane beside a room: occupants under their role, in order, with their presence;
/// it follows who comes, goes and changes role, and a crowd fills it without spilling over.
@Suite(.serialized) struct OccupantsPaneTests {
    static let room = "coven@chat.example.org"

    /// A room presence of `nick` with `role` and, when given, `show`.
    static func occupant(_ nick: String, role: String = "participant", show: String? = nil) -> String {
        "<presence from='\(room)/\(nick)'>" + (show.map { "<show>\($0)</show>" } ?? "")
            + "<x xmlns='http://jabber.org/protocol/muc#user'><item affiliation='none' role='\(role)'/></x></presence>"
    }

    /// The pane's rows, as shown.
    func paneRows(_ ui: UIFixture) throws -> [String] {
        ui.render()
        return ui.screen.rows(of: try #require(ui.controller.layout?.occupants))
    }

    func inTheRoom(rows: Int = 24) throws -> UIFixture {
        let ui = UIFixture(rows: rows, columns: 100)
        ui.connect()
        ui.model.openChat(try ui.enter(Self.room), focus: true)
        return ui
    }

    @Test func occupantsAreListedUnderTheirRoleByNickWithTheirPresence() throws {
        let ui = try inTheRoom()
        for presence in [
            Self.occupant("hecate", role: "moderator", show: "dnd"), Self.occupant("Banquo"),
            Self.occupant("macbeth", show: "away"), Self.occupant("fleance", role: "visitor"),
            Self.occupant("duncan", role: "moderator"), Self.occupant("porter", show: "xa"),
        ] {
            ui.harness.serverSends(presence)
        }
        #expect(
            try paneRows(ui).prefix(10) == [
                "Moderators (2)", "● duncan", "⊘ hecate", "Participants (4)", "● alice", "● Banquo", "◐ macbeth",
                "◑ porter", "Visitors (1)", "● fleance",
            ])
        let theme = ui.controller.theme
        #expect(try ui.style(of: "Participants (4)") == theme.style("occupants.header"))
        #expect(try ui.style(of: "⊘ hecate") == theme.style("occupants.moderator"))
        #expect(try ui.style(of: "● fleance") == theme.style("occupants.visitor"))

        ui.harness.serverSends(SessionHarness.occupantPresence(room: Self.room, nick: "macbeth", unavailable: true))
        ui.harness.serverSends(Self.occupant("fleance"))
        ui.harness.serverSends(Self.occupant("porter", role: "moderator", show: "xa"))
        #expect(
            try paneRows(ui).prefix(9) == [
                "Moderators (3)", "● duncan", "⊘ hecate", "◑ porter", "Participants (3)", "● alice", "● Banquo",
                "● fleance", "",
            ], "one left, one got a voice, one became a moderator")
    }

    /// Sixty occupants in a pane of a few rows: every row used, the counts of the whole room, long
    /// nicks cut with "…", nothing drawn past the pane.
    @Test func aCrowdFillsThePaneAndLongNicksAreCut() throws {
        let ui = try inTheRoom(rows: 16)
        ui.harness.serverSends(Self.occupant("the-very-long-nick-of-the-third-witch", role: "moderator"))
        for index in 0..<60 { ui.harness.serverSends(Self.occupant(String(format: "witch%02d", index))) }
        let rows = try paneRows(ui)
        let pane = try #require(ui.controller.layout?.occupants)
        #expect(rows.count == pane.height && rows.allSatisfy { !$0.isEmpty })
        #expect(Array(rows.prefix(4)) == ["Moderators (1)", "● the-very-long-nic…", "Participants (61)", "● alice"])
        // The last row says how many are not shown: 62 in all, the pane shows its height less
        // the two headers and the count itself.
        #expect(rows.last == "… \(62 - (pane.height - 3)) more (/names)")
        #expect(rows[rows.count - 2] == "● witch\(String(format: "%02d", pane.height - 6))")
        #expect(rows.allSatisfy { TextWidth.of($0) <= pane.width })
        #expect(OccupantsView().lines([], limit: 5).isEmpty)
        let border = try #require(ui.controller.layout?.occupantsBorder)
        #expect((pane.row..<(pane.row + pane.height)).allSatisfy { ui.screen.cells[$0][border].character == "│" })
    }
}
