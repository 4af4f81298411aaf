import ChatModel
import ChatStore
import TerminalUI
import TestSupport
import Testing
import XMPPCore

/// The roster's Rooms section with bookmarks: a bookmarked room we are not in is listed (from
/// the store, before any connection) and marked, and Enter on it enters it.
@Suite struct RoomsPaneTests {
    static let council = "council@conference.underhill.org"

    /// A store with one bookmark of the fixture's account, as an earlier run left it.
    func storeWithBookmark() throws -> ChatStore {
        let store = try ChatStore.inMemory()
        try store.migrate(feature: BookmarksFeature.name, BookmarksFeature.tables)
        let account = try store.account(jid: try JID("alice@example.org"), name: "test")
        try store.featureWrite(
            "INSERT INTO bookmark (account_id, jid, name, autojoin, nick) VALUES (?, ?, ?, 0, ?)",
            [account.rawValue.sql, Self.council.sql, "Council of Oberon\u{1B}[2J".sql, "Puck".sql])
        return store
    }

    /// The roster pane's rows (left of its border), trimmed.
    func rosterRows(_ ui: UIFixture) -> [String] {
        let width = ui.controller.layout?.roster?.width ?? 0
        return ui.render().split(separator: "\n", omittingEmptySubsequences: false).map {
            String($0.prefix(width)).trimmingCharacters(in: .whitespaces)
        }
    }

    @Test func aBookmarkedRoomWeAreNotInIsListedAndEnterEntersIt() throws {
        let ui = UIFixture(store: try storeWithBookmark())
        let offline = rosterRows(ui)
        let header = try #require(offline.firstIndex(of: "Rooms"), "\(offline)")
        #expect(offline[header + 1] == "○ Council of Oberon␛[2J", "its bookmark's name, sanitised, marked as not in it")

        ui.connect()
        _ = ui.harness.takeWritten()
        ui.press(.key(.function(2)))
        #expect(ui.controller.selectedContact?.address == Self.council)
        ui.press(.key(.enter))
        #expect(ui.model.currentWindow.jid?.description == Self.council)
        let query = try #require(
            ui.harness.takeWrittenElements().first {
                $0[attribute: "to"] == Self.council
                    && $0.child("query", namespace: "http://jabber.org/protocol/disco#info") != nil
            }, "entering starts with the room's disco#info")
        ui.harness.serverSends(
            "<iq type='result' id='\(query.id!)' from='\(Self.council)'>"
                + "<query xmlns='http://jabber.org/protocol/disco#info'><identity category='conference' type='text'/>"
                + "<feature var='http://jabber.org/protocol/muc'/></query></iq>")
        let join = try #require(ui.harness.takeWrittenElements().first { $0.name == "presence" })
        #expect(join[attribute: "to"] == "\(Self.council)/Puck", "as the bookmark's nick")
        ui.harness.serverSends(
            "<presence from='\(Self.council)/Puck'><x xmlns='http://jabber.org/protocol/muc#user'>"
                + "<item affiliation='none' role='participant'/><status code='110'/></x></presence>")
        let joined = rosterRows(ui)
        #expect(joined.contains("# Council of Oberon␛[2J"), "\(joined)")
        #expect(!joined.contains { $0.hasPrefix("○") })
    }
}
