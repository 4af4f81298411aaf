import ChatModel
import ChatStore
import TestServers
import TestSupport
import Testing
import XMPPCore

/// A window's stretch of a long history: the newest on opening, older pages from the store and
/// then from the server's archive, the newest dropped far back and brought back, memory bounded at
/// the live end, and the changes a view redraws from.
@Suite struct HistoryScrollTests {
    static let romeo = "<item jid='romeo@example.net' subscription='both'/>"

    /// Stores `count` messages from romeo, a second apart, numbered from 0 (oldest).
    func stored(_ count: Int, in fixture: ModelFixture, from first: Int = 0) throws -> [Int64] {
        let romeo = try JID("romeo@example.net")
        let start = fixture.scheduler.now - 86_400_000
        return try (first..<first + count).map { index in
            let outcome = try fixture.store.insert(
                NewMessage(
                    conversation: romeo, outgoing: false, sender: "romeo@example.net/orchard",
                    senderKey: "romeo@example.net", body: "message \(index)", timestamp: start + Int64(index) * 1000),
                account: fixture.account.accountID)
            guard case .inserted(let id) = outcome else { throw FixtureError("not stored: \(outcome)") }
            return id
        }
    }

    func bodies(_ window: ChatWindow) -> [String] { window.messages.map(\.body) }

    /// Scrolls `window` up to its first stored message, as a view at the top of the pane does.
    func scrolledToTheTop(_ window: ChatWindow, _ fixture: ModelFixture) {
        repeat {
            window.scrollAnchor = window.messages.first.map {
                ChatWindow.ScrollAnchor(messageID: $0.id, linesHiddenBelow: 0)
            }
        } while fixture.model.loadOlder(window) > 0
    }

    @Test func aWindowOpensWithTheNewestAndLoadsOlderPagesFromTheStore() throws {
        let fixture = ModelFixture()
        _ = try stored(450, in: fixture)
        let window = fixture.open(try JID("romeo@example.net"), focus: true)
        #expect(window.messages.count == 200)
        #expect(window.messages.first?.body == "message 250" && window.messages.last?.body == "message 449")
        #expect(window.hasOlder)
        #expect(fixture.model.loadOlder(window) == 100)
        #expect(window.messages.first?.body == "message 150" && window.hasOlder)
        #expect(fixture.model.loadOlder(window) == 100)
        #expect(fixture.model.loadOlder(window) == 50)
        #expect(!window.hasOlder, "a short page was the last")
        #expect(fixture.model.loadOlder(window) == 0)
        #expect(bodies(window) == (0..<450).map { "message \($0)" }, "every message once, in order")
    }

    @Test func farBackTheNewestAreDroppedAndComeBackOnTheWayDown() throws {
        let fixture = ModelFixture()
        _ = try stored(1_400, in: fixture)
        let window = fixture.open(try JID("romeo@example.net"), focus: true)
        scrolledToTheTop(window, fixture)
        #expect(window.messages.count == 1000, "memory stays bounded")
        #expect(window.messages.first?.body == "message 0")
        #expect(window.droppedNewer)
        #expect(fixture.model.loadNewer(window) == 100)
        #expect(window.messages.last?.body == "message 1099")
        window.scrollAnchor = ChatWindow.ScrollAnchor(messageID: window.messages[500].id, linesHiddenBelow: 0)
        fixture.model.scrollToEnd()
        #expect(!window.droppedNewer && window.scrollAnchor == nil)
        #expect(window.messages.last?.body == "message 1399", "back at the live end")
        #expect(window.messages.count == 200)
    }

    @Test func aNewMessageWhileFarBackWaitsBelowUntilTheEnd() throws {
        let fixture = ModelFixture.connected(rosterItems: Self.romeo)
        _ = try stored(1_400, in: fixture)
        let window = fixture.open(try JID("romeo@example.net"), focus: true)
        scrolledToTheTop(window, fixture)
        window.scrollAnchor = ChatWindow.ScrollAnchor(messageID: window.messages[10].id, linesHiddenBelow: 0)
        fixture.receive(from: "romeo@example.net/orchard", "are you there?")
        #expect(window.newBelow == 1)
        #expect(!window.messages.contains { $0.body == "are you there?" }, "not loaded into a stretch far above it")
        fixture.model.scrollToEnd()
        #expect(window.messages.last?.body == "are you there?")
        #expect(window.newBelow == 0)
    }

    @Test func atTheLiveEndTheOldestLeaveMemory() throws {
        let fixture = ModelFixture.connected(rosterItems: Self.romeo)
        let window = fixture.open(try JID("romeo@example.net"), focus: true)
        let ids = try stored(601, in: fixture)
        for id in ids.prefix(600) {
            fixture.account.onEvent(
                .messageStored(
                    conversation: try JID("romeo@example.net"), messageID: id, isNew: true, outgoing: false,
                    markable: nil))
        }
        #expect(window.messages.count == 600, "up to a hundred over the limit before a drop")
        fixture.model.clearWindow(window)
        fixture.account.onEvent(
            .messageStored(
                conversation: try JID("romeo@example.net"), messageID: ids[600], isNew: true, outgoing: false,
                markable: nil))
        #expect(window.messages.count == 500)
        #expect(window.messages.first?.body == "message 101")
        #expect(window.hasOlder, "the dropped ones are read again when scrolling up")
        #expect(window.visibleMessages.map(\.body) == ["message 600"], "the /clear point stayed in memory")
    }

    @Test func theViewIsToldWhatChangedSinceItLastDrew() throws {
        let fixture = ModelFixture.connected(rosterItems: Self.romeo)
        _ = try stored(300, in: fixture)
        let window = fixture.open(try JID("romeo@example.net"), focus: true)
        let drawn = window.version
        #expect(window.changes(since: drawn) == [])
        fixture.model.loadOlder(window)
        fixture.receive(from: "romeo@example.net/orchard", "new")
        #expect(window.changes(since: drawn) == [.prepended(100), .appended(1)])
        #expect(window.changes(since: window.version + 1) == nil, "a version not seen yet")
        for index in 0..<40 { fixture.receive(from: "romeo@example.net/orchard", "more \(index)") }
        #expect(window.changes(since: drawn) == nil, "too long ago: draw it all")
    }

    /// Answers the archive query the account sent last with `results` (archive id, body) and `fin`.
    func answer(_ fixture: ModelFixture, _ results: [(String, String)], complete: Bool) throws -> XMLElement {
        let query = try #require(
            fixture.harness.takeWrittenElements().last { $0.child("query", namespace: "urn:xmpp:mam:2") != nil })
        let queryID = try #require(query.child("query")?[attribute: "queryid"])
        for (id, body) in results {
            fixture.harness.serverSends(
                "<message><result xmlns='urn:xmpp:mam:2' queryid='\(queryID)' id='\(id)'>"
                    + "<forwarded xmlns='urn:xmpp:forward:0'><delay xmlns='urn:xmpp:delay' stamp='2010-07-10T23:08:25Z'/>"
                    + "<message xmlns='jabber:client' from='romeo@example.net/orchard' to='alice@example.org/tern'"
                    + " type='chat'><body>\(body)</body></message></forwarded></result></message>")
        }
        fixture.harness.serverSends(
            "<iq type='result' id='\(query.id!)'><fin xmlns='urn:xmpp:mam:2'\(complete ? " complete='true'" : "")>"
                + "<set xmlns='http://jabber.org/protocol/rsm'><first>\(results.first?.0 ?? "")</first>"
                + "<last>\(results.last?.0 ?? "")</last></set></fin></iq>")
        return query
    }

    @Test func pastTheStoresOldestTheArchiveIsAskedOnePageAtATime() throws {
        let fixture = ModelFixture.connected(rosterItems: Self.romeo)
        _ = try answer(fixture, [], complete: true)
        _ = try stored(3, in: fixture, from: 10)
        let window = fixture.open(try JID("romeo@example.net"), focus: true)
        #expect(!window.hasOlder)
        fixture.model.fetchFromArchive(window)
        fixture.model.fetchFromArchive(window)
        #expect(window.fetchingArchive)
        let asked = fixture.harness.written.filter { $0.contains("urn:xmpp:mam:2") }
        #expect(asked.count == 1, "one request at a time")
        let query = try answer(fixture, [("A1", "older 1"), ("A2", "older 2")], complete: false)
        let form = query.child("query")?.child("x")?.children("field") ?? []
        #expect(form.first { $0[attribute: "var"] == "with" }?.childText("value") == "romeo@example.net")
        #expect(query.child("query")?.child("set")?.child("before") != nil)
        #expect(!window.fetchingArchive)
        #expect(bodies(window) == ["older 1", "older 2", "message 10", "message 11", "message 12"])
        #expect(!window.hasOlder, "the page was loaded whole")
        fixture.model.fetchFromArchive(window)
        let next = try answer(fixture, [], complete: true)
        #expect(next.child("query")?.child("set")?.childText("before") == "A1", "before the oldest reached")
        #expect(window.historyComplete)
        fixture.model.fetchFromArchive(window)
        #expect(!fixture.harness.written.contains { $0.contains("urn:xmpp:mam:2") }, "nothing older to ask for")
    }

    @Test func offlineTheArchiveIsNotAsked() throws {
        let fixture = ModelFixture()
        let window = fixture.open(try JID("romeo@example.net"), focus: true)
        fixture.model.fetchFromArchive(window)
        #expect(!window.fetchingArchive)
        #expect(fixture.connectionCount == 0)
    }
}
