import ChatModel
import ChatStore
import TestSupport
import Testing
import XMPPCore
import XMPPExtensions

/// What the bookmark suites share: Juliet (XEP-0402's examples) on a scripted server, its answers
/// and what to look for in what Tern wrote.
protocol BookmarkScript {}

/// XEP-0402's and XEP-0048's example rooms and stanzas.
enum BookmarkExamples {
    static let juliet = "juliet@capulet.lit"
    static let theplay = "theplay@conference.shakespeare.lit"
    static let orchard = "orchard@conference.shakespeare.lit"
    static let council = "council@conference.underhill.org"
    static let disco = "http://jabber.org/protocol/disco#info"
    static let pubsub = "http://jabber.org/protocol/pubsub"
    /// XEP-0402 §3.3's publish-options, as every publish carries them (BookmarksTests checks
    /// them against the XEP's example).
    static let publishOptions =
        "<publish-options>\(Bookmarks.publishOptions.element.serialized(parentNamespace: Namespace.pubsub))"
        + "</publish-options>"

    /// XEP-0402 Example 5: two bookmarks with autojoin, the second with another client's extensions.
    static let example5Items =
        "<item id='theplay@conference.shakespeare.lit'><conference xmlns='urn:xmpp:bookmarks:1'"
        + " name='The Play&apos;s the Thing' autojoin='true'><nick>JC</nick></conference></item>"
        + "<item id='orchard@conference.shakespeare.lit'><conference xmlns='urn:xmpp:bookmarks:1'"
        + " name='The Orcard' autojoin='1'><nick>JC</nick><extensions>"
        + "<state xmlns='http://myclient.example/bookmark/state' minimized='true'/></extensions></conference></item>"
}

extension BookmarkScript {
    typealias Example = BookmarkExamples

    /// Juliet, connected; the account's disco#info answered (with XEP-0402's `#compat` unless
    /// `compat` is false). What was written after that stays in the harness.
    func connected(
        compat: Bool = true, streamManagement: SessionHarness.StreamManagementScript = .none
    ) throws -> ScriptedAccounts {
        let fixture = try ScriptedAccounts([(name: "main", jid: Example.juliet)])
        fixture.setStreamManagement(streamManagement, "main")
        fixture.connect("main")
        try answerAccountDisco(fixture, compat: compat)
        return fixture
    }

    func answerAccountDisco(_ fixture: ScriptedAccounts, compat: Bool) throws {
        let harness = fixture.harness("main")
        let queries = harness.takeWrittenElements().filter {
            $0[attribute: "to"] == Example.juliet && $0.child("query", namespace: Example.disco) != nil
        }
        #expect(queries.count == 1, "one disco#info of the account, whoever asks")
        let query = try #require(queries.first)
        let features = (compat ? ["urn:xmpp:bookmarks:1#compat"] : []) + ["\(Example.pubsub)#publish-options"]
        harness.serverSends(
            "<iq type='result' id='\(query.id!)' from='\(Example.juliet)'><query xmlns='\(Example.disco)'>"
                + "<identity category='account' type='registered'/><identity category='pubsub' type='pep'/>"
                + features.map { "<feature var='\($0)'/>" }.joined() + "</query></iq>")
    }

    func feature(_ fixture: ScriptedAccounts) -> BookmarksFeature {
        fixture.account("main").feature(BookmarksFeature.self)!
    }

    func rooms(_ fixture: ScriptedAccounts) -> RoomsFeature { fixture.account("main").feature(RoomsFeature.self)! }

    /// The one request written so far that `matches`, with everything written taken.
    func taken(_ fixture: ScriptedAccounts, _ what: String, _ matches: (XMLElement) -> Bool) throws -> XMLElement {
        let found = fixture.harness("main").takeWrittenElements().filter(matches)
        #expect(found.count == 1, "one \(what): \(found.map { $0.serialized(parentNamespace: Namespace.client) })")
        return try #require(found.first, "\(what)")
    }

    /// The XEP-0402 request for every bookmark (Example 4).
    func fetchRequest(_ fixture: ScriptedAccounts) throws -> XMLElement {
        try taken(fixture, "request for the bookmarks") {
            $0.child("pubsub", namespace: Example.pubsub)?.child("items", namespace: Example.pubsub)?[
                attribute: "node"] == Bookmarks.node
        }
    }

    func answerFetch(_ fixture: ScriptedAccounts, items: String) throws {
        let request = try fetchRequest(fixture)
        #expect(
            request.matches(
                "<iq type='get' id='*'><pubsub xmlns='\(Example.pubsub)'><items node='urn:xmpp:bookmarks:1'/></pubsub></iq>"
            ))
        fixture.harness("main").serverSends(
            "<iq type='result' to='\(Example.juliet)/tern' id='\(request.id!)'><pubsub xmlns='\(Example.pubsub)'>"
                + "<items node='urn:xmpp:bookmarks:1'>\(items)</items></pubsub></iq>")
    }

    /// Rooms asked for their disco#info (the first step of a join), in order.
    func roomsAsked(_ written: [XMLElement]) -> [String] {
        written.filter { $0.name == "iq" && $0.child("query", namespace: Example.disco) != nil }.compactMap {
            $0[attribute: "to"]
        }.filter { $0 != Example.juliet }
    }

    /// Answers the join's disco#info queries among `written` (rooms without an archive); returns
    /// the join presences that follow, by room JID with nick.
    @discardableResult
    func answerRoomDiscos(_ fixture: ScriptedAccounts, _ written: [XMLElement]) -> [String] {
        let harness = fixture.harness("main")
        for query in written where query.child("query", namespace: Example.disco) != nil {
            guard let room = query[attribute: "to"], room != Example.juliet else { continue }
            harness.serverSends(
                "<iq type='result' id='\(query.id!)' from='\(room)'><query xmlns='\(Example.disco)'>"
                    + "<identity category='conference' type='text'/>"
                    + "<feature var='http://jabber.org/protocol/muc'/></query></iq>")
        }
        return harness.takeWrittenElements().filter { $0.name == "presence" }.compactMap { $0[attribute: "to"] }
    }

    func selfPresence(_ room: String, _ nick: String, unavailable: Bool = false) -> String {
        "<presence from='\(room)/\(nick)'\(unavailable ? " type='unavailable'" : "")>"
            + "<x xmlns='http://jabber.org/protocol/muc#user'><item affiliation='none' role='participant'/>"
            + "<status code='110'/></x></presence>"
    }

    /// A XEP-0402 notification (Examples 12-14) with `payload` inside `<items/>`.
    func event(_ payload: String, from: String = Example.juliet) -> String {
        "<message from='\(from)' to='\(Example.juliet)/tern' type='headline' id='n\(payload.count)'>"
            + "<event xmlns='http://jabber.org/protocol/pubsub#event'><items node='urn:xmpp:bookmarks:1'>"
            + payload + "</items></event></message>"
    }

    func notices(_ fixture: ScriptedAccounts, _ room: String) throws -> [String] {
        let window = fixture.model.window(of: try fixture.key("main", room))
        return window.map { fixture.model.noticesOf($0).map(\.text) } ?? []
    }

    func storedBookmarks(_ fixture: ScriptedAccounts) throws -> [String] {
        try fixture.store.featureRows(
            "SELECT jid, autojoin FROM bookmark WHERE account_id = ? ORDER BY jid",
            [fixture.account("main").accountID.rawValue.sql]
        ) { "\($0.text(0)) \($0.int(1) != 0 ? "autojoin" : "-")" }
    }

    /// Joins `room` as `nick` through the rooms feature and confirms it, with the window open.
    func enter(_ fixture: ScriptedAccounts, _ room: String, nick: String) throws {
        rooms(fixture).join(try JID(room), nick: nick)
        #expect(answerRoomDiscos(fixture, fixture.harness("main").takeWrittenElements()) == ["\(room)/\(nick)"])
        fixture.harness("main").serverSends(selfPresence(room, nick))
        fixture.model.openChat(try fixture.key("main", room), focus: true)
        _ = fixture.harness("main").takeWritten()
    }

}
