import ChatModel
import TerminalUI
import Testing
import XMPPCore

/// The roster pane's sections as the user sees them: Requests, Rooms, the contacts by group,
/// flat or by presence, offline contacts folded, the filter, and a long roster scrolled to the
/// selection.
@Suite(.serialized) struct RosterSectionsTests {
    static let roster =
        "<item jid='romeo@example.net' name='Romeo' subscription='both'><group>Verona</group>"
        + "<group>Montagues</group></item>"
        + "<item jid='juliet@example.com' name='Juliet' subscription='both'><group>Verona</group></item>"
        + "<item jid='paris@example.com' name='Paris' subscription='both'><group>court</group></item>"
        + "<item jid='friar@example.org' name='Friar Laurence' subscription='both'/>"
        + "<item jid='nurse@example.com' subscription='none' ask='subscribe'/>"

    /// The roster pane's rows, trimmed.
    func rosterRows(_ ui: UIFixture) -> [String] {
        ui.render()
        guard let pane = ui.controller.layout?.roster else { return [] }
        return ui.screen.rows(of: pane).filter { !$0.isEmpty }
    }

    func fixture(rows: Int = 30) -> UIFixture {
        let ui = UIFixture(rows: rows, columns: 100)
        ui.connect(roster: Self.roster)
        ui.harness.serverSends("<presence from='juliet@example.com/balcony'/>")
        ui.harness.serverSends("<presence from='romeo@example.net/orchard'><show>away</show></presence>")
        return ui
    }

    @Test func groupsSortedWithoutCaseAContactUnderEachOfItsGroupsAndTheRestUnderOther() throws {
        let ui = fixture()
        #expect(
            rosterRows(ui) == [
                "court", "○ Paris", "Montagues", "◐ Romeo", "Verona", "● Juliet", "◐ Romeo", "Other",
                "○ Friar Laurence", "○ nurse@example.com …",
            ], "\(rosterRows(ui))")
        #expect(try ui.style(of: "● Juliet") == ui.controller.theme.style("roster.online"))
        #expect(try ui.style(of: "◐ Romeo") == ui.controller.theme.style("roster.away"))
        #expect(try ui.style(of: "○ Paris") == ui.controller.theme.style("roster.offline"))
    }

    @Test func flatAndByPresenceAndOfflineFolded() {
        let ui = fixture()
        ui.model.submit("/set roster.grouping flat")
        #expect(
            rosterRows(ui) == [
                "○ Friar Laurence", "● Juliet", "○ nurse@example.com …", "○ Paris", "◐ Romeo",
            ], "by name, without case")
        ui.model.submit("/set roster.grouping presence")
        #expect(
            rosterRows(ui) == [
                "Online", "● Juliet", "◐ Romeo", "Offline", "○ Friar Laurence", "○ nurse@example.com …", "○ Paris",
            ])
        ui.model.submit("/set roster.offline hide")
        #expect(rosterRows(ui) == ["Online", "● Juliet", "◐ Romeo", "  (3 offline)"])
        ui.model.submit("/set roster.grouping group")
        #expect(
            rosterRows(ui) == [
                "court", "  (1 offline)", "Montagues", "◐ Romeo", "Verona", "● Juliet", "◐ Romeo", "Other",
                "  (2 offline)",
            ], "each group says how many it folds")
    }

    /// Two contacts of one name and two groups spelt alike but for case are always in the same
    /// order (the roster is a dictionary, whose order changes from one to the next).
    @Test func namesAndGroupsAlikeButForCaseKeepOneOrder() {
        for _ in 0..<6 {
            let ui = UIFixture(rows: 30, columns: 100)
            ui.connect(
                roster: "<item jid='sam@b.example' name='Sam'><group>work</group></item>"
                    + "<item jid='sam@a.example' name='sam'><group>Work</group></item>"
                    + "<item jid='sam@c.example' name='Sam'><group>work</group><group>Work</group></item>")
            #expect(rosterRows(ui) == ["Work", "○ sam", "○ Sam", "work", "○ Sam", "○ Sam"])
            ui.model.submit("/set roster.grouping flat")
            ui.press(.key(.function(2)))
            ui.press(.key(.home))
            var order: [String?] = []
            for _ in 0..<3 {
                order.append(ui.controller.selectedContact?.address)
                ui.press(.key(.down))
            }
            #expect(order == ["sam@a.example", "sam@b.example", "sam@c.example"])
        }
    }

    @Test func requestsInvitationsAndStrangersComeFirst() throws {
        let ui = fixture()
        ui.harness.serverSends(
            "<message from='crone@example.org/desk'><x xmlns='jabber:x:conference' jid='coven@chat.example.org'/>"
                + "</message>")
        ui.harness.serverSends("<presence from='tybalt@example.com' type='subscribe'/>")
        ui.harness.serverSends("<message from='mercutio@example.net/x' type='chat'><body>hi</body></message>")
        ui.harness.serverSends("<presence from='mercutio@example.net' type='subscribe'/>")
        let rows = rosterRows(ui)
        #expect(
            Array(rows.prefix(4)) == [
                "Requests", "⇥ coven@chat.example.or…", "? ✉ mercutio@example.ne…", "? tybalt@example.com",
            ], "\(rows)")
        #expect(try ui.style(of: "? tybalt") == ui.controller.theme.style("roster.pending"))
        #expect(rows[4] == "court", "then the contacts")
    }

    @Test func roomsWithTheirCountsAndWhetherWeAreIn() throws {
        let ui = fixture()
        let coven = try ui.enter("coven@chat.example.org", name: "Coven")
        ui.account.feature(RoomsFeature.self)?.join(try JID("abbey@chat.example.org"), nick: "alice")
        for index in 0..<2 {
            ui.harness.serverSends(
                "<message from='coven@chat.example.org/hecate' type='groupchat'><body>spell \(index)</body></message>")
        }
        let rows = rosterRows(ui)
        let header = try #require(rows.firstIndex(of: "Rooms"), "\(rows)")
        #expect(Array(rows[header...].prefix(3)) == ["Rooms", "# abbey", "# Coven (2)"], "by address")
        #expect(try ui.style(of: "# Coven (2)") == ui.controller.theme.style("roster.unread"))
        #expect(try ui.style(of: "# abbey") == ui.controller.theme.style("roster.offline"), "still entering")
        ui.model.openChat(coven, focus: true)
        ui.model.submit("/leave")
        #expect(!rosterRows(ui).contains { $0.contains("Coven") }, "left: no longer listed")
    }

    @Test func theFilterMatchesNamesWithoutCaseAndAddresses() throws {
        let ui = fixture()
        ui.press(.key(.function(2)))
        ui.press(.character("/"))
        ui.type("ROM")
        ui.press(.key(.enter))
        #expect(rosterRows(ui) == ["filter: ROM (Esc clears)", "Montagues", "◐ Romeo", "Verona", "◐ Romeo"])
        ui.press(.character("/"))
        ui.press(.control("u"))
        ui.type("example.com")
        ui.press(.key(.enter))
        #expect(
            rosterRows(ui) == [
                "filter: example.com (Es…", "court", "○ Paris", "Verona", "● Juliet", "Other",
                "○ nurse@example.com …",
            ])
    }

    /// Forty contacts in a short pane: the selection stays in sight as it moves by row, page
    /// and to either end, over the group headers.
    @Test func aLongRosterScrollsToTheSelection() throws {
        let ui = UIFixture(rows: 16, columns: 100)
        let items = (0..<40).map { "<item jid='c\($0)@example.org' name='Contact \(String(format: "%02d", $0))'/>" }
        ui.connect(roster: items.joined())
        let pane = try #require(ui.controller.layout?.roster)
        ui.press(.key(.function(2)))
        #expect(ui.controller.selectedContact?.address == "c0@example.org")
        ui.press(.key(.end))
        #expect(ui.controller.selectedContact?.address == "c39@example.org")
        #expect(rosterRows(ui).last == "○ Contact 39" && rosterRows(ui).count == pane.height)
        #expect(
            ui.screen.style(row: pane.row + pane.height - 1, column: 0) == ui.controller.theme.style("roster.selected"))
        ui.press(.key(.pageUp))
        #expect(ui.controller.selectedContact?.address == "c\(39 - pane.height)@example.org")
        #expect(rosterRows(ui).first == "○ Contact \(String(format: "%02d", 39 - pane.height))")
        ui.press(.key(.home))
        #expect(ui.controller.selectedContact?.address == "c0@example.org")
        #expect(rosterRows(ui).first == "○ Contact 00")
        ui.press(.key(.up))
        #expect(ui.controller.selectedContact?.address == "c0@example.org", "nothing above the first")
    }
}
