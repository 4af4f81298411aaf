import ChatModel
import ChatStore
import TestSupport
import Testing
import XMPPCore

/// Retraction (XEP-0424), reactions (XEP-0444) and moderation requests (XEP-0425) in a room:
/// messages are named by the room's stanza-id, an occupant is known by the occupant id the room
/// stamps, and only a message's own author retracts it.
@Suite struct RoomMessageActionTests {
    let rooms = RoomTests()

    func entered(features: [String] = []) throws -> ScriptedAccounts {
        let fixture = try rooms.connected()
        try rooms.enter(
            fixture, features: ["urn:xmpp:sid:0", "urn:xmpp:occupant-id:0"] + features, selfID: "third")
        let key = try fixture.key("main", RoomTests.room)
        fixture.model.openChat(key, focus: true)
        _ = fixture.harness("main").takeWritten()
        return fixture
    }

    func retraction(_ stanzaID: String, by nick: String, occupantID: String?) -> String {
        let oid = occupantID.map { "<occupant-id xmlns='urn:xmpp:occupant-id:0' id='\($0)'/>" } ?? ""
        return "<message type='groupchat' from='\(RoomTests.room)/\(nick)' id='retract-1'>"
            + "<retract id='\(stanzaID)' xmlns='urn:xmpp:message-retract:1'/>"
            + "<fallback xmlns='urn:xmpp:fallback:0' for='urn:xmpp:message-retract:1'/>"
            + "<body>/me retracted a previous message, but it's unsupported by your client.</body>\(oid)</message>"
    }

    func reactions(_ stanzaID: String, _ emoji: [String], by nick: String, occupantID: String) -> String {
        "<message type='groupchat' from='\(RoomTests.room)/\(nick)' id='react-\(nick)'>"
            + "<reactions id='\(stanzaID)' xmlns='urn:xmpp:reactions:0'>"
            + emoji.map { "<reaction>\($0)</reaction>" }.joined() + "</reactions>"
            + "<occupant-id xmlns='urn:xmpp:occupant-id:0' id='\(occupantID)'/></message>"
    }

    /// What was written since last asked: messages, and requests to the room.
    func sent(_ fixture: ScriptedAccounts) -> [XMLElement] {
        fixture.harness("main").takeWrittenElements().filter {
            $0.name == "message" || ($0.name == "iq" && $0[attribute: "to"] == RoomTests.room)
        }
    }

    @Test func theAuthorRetractsByTheRoomsStanzaID() throws {
        let fixture = try entered()
        let harness = fixture.harness("main")
        harness.serverSends(
            rooms.groupchat("firstwitch", "a hasty word", id: "o1", stanzaID: "s1", occupantID: "first"))
        harness.serverSends(retraction("s1", by: "firstwitch", occupantID: "first"))
        let stored = try rooms.stored(fixture)
        #expect(stored.map(\.body) == [""], "the fallback body is no message")
        #expect(stored.first?.retraction == Retraction(kind: .sender))
        #expect(try fixture.store.search("hasty").isEmpty)
    }

    /// §Business Rules: in a room the occupant id must match (a nick can change hands), and no
    /// occupant retracts another's message; an id the room did not stamp names nothing.
    @Test func anotherOccupantCannotRetract() throws {
        let fixture = try entered()
        let harness = fixture.harness("main")
        harness.serverSends(
            rooms.groupchat("firstwitch", "mine to keep", id: "o1", stanzaID: "s1", occupantID: "first"))
        harness.serverSends(retraction("s1", by: "secondwitch", occupantID: "second"))
        // The nick, now someone else's.
        harness.serverSends(retraction("s1", by: "firstwitch", occupantID: "impostor"))
        // By the message's own id rather than the room's.
        harness.serverSends(retraction("o1", by: "secondwitch", occupantID: "second"))
        let stored = try rooms.stored(fixture)
        #expect(stored.map(\.body) == ["mine to keep"])
        #expect(stored.first?.retraction == nil)
    }

    /// A retraction that comes before the message it names (the room's archive brings the
    /// message after it) is applied once the page is stored.
    @Test func aRetractionBeforeItsMessageInTheArchive() throws {
        let fixture = try rooms.connected()
        let harness = fixture.harness("main")
        try rooms.enter(fixture, features: ["urn:xmpp:mam:2", "urn:xmpp:sid:0", "urn:xmpp:occupant-id:0"])
        let query = try #require(
            harness.takeWrittenElements().first { $0.child("query", namespace: "urn:xmpp:mam:2") != nil })
        let queryID = try #require(query.child("query", namespace: "urn:xmpp:mam:2")?[attribute: "queryid"])
        harness.serverSends(retraction("a1", by: "firstwitch", occupantID: "first"))
        harness.serverSends(
            "<message from='\(RoomTests.room)'><result xmlns='urn:xmpp:mam:2' queryid='\(queryID)' id='a1'>"
                + "<forwarded xmlns='urn:xmpp:forward:0'><delay xmlns='urn:xmpp:delay' stamp='2026-12-01T10:00:00Z'/>"
                + "<message xmlns='jabber:client' from='\(RoomTests.room)/firstwitch' type='groupchat'>"
                + "<body>a slip of the tongue</body><occupant-id xmlns='urn:xmpp:occupant-id:0' id='first'/>"
                + "</message></forwarded></result></message>")
        harness.serverSends(
            "<iq type='result' id='\(query.id!)' from='\(RoomTests.room)'><fin xmlns='urn:xmpp:mam:2' complete='true'>"
                + "<set xmlns='http://jabber.org/protocol/rsm'><first>a1</first><last>a1</last></set></fin></iq>")
        #expect(try rooms.stored(fixture).map(\.body) == [""])
        #expect(try rooms.stored(fixture).first?.retraction?.kind == .sender)
    }

    /// A room without occupant ids: the occupant JID (room/nick) must match.
    @Test func withoutOccupantIDsTheNickMustMatch() throws {
        let fixture = try rooms.connected()
        try rooms.enter(fixture, features: ["urn:xmpp:sid:0"])
        let harness = fixture.harness("main")
        harness.serverSends(rooms.groupchat("firstwitch", "first", id: "o1", stanzaID: "s1"))
        harness.serverSends(rooms.groupchat("secondwitch", "second", id: "o2", stanzaID: "s2"))
        harness.serverSends(retraction("s1", by: "secondwitch", occupantID: nil))
        harness.serverSends(retraction("s2", by: "secondwitch", occupantID: nil))
        #expect(try rooms.stored(fixture).map(\.body) == ["first", ""])
    }

    @Test func reactionsAreCountedPerOccupantWithOursMarked() throws {
        let fixture = try entered()
        let harness = fixture.harness("main")
        harness.serverSends(
            rooms.groupchat("firstwitch", "Double, double", id: "o1", stanzaID: "s1", occupantID: "first"))
        harness.serverSends(reactions("s1", ["🔥", "🧙"], by: "firstwitch", occupantID: "first"))
        harness.serverSends(reactions("s1", ["🔥"], by: "secondwitch", occupantID: "second"))
        fixture.model.submit("/react 🔥")
        let ours = try #require(sent(fixture).last)
        #expect(
            ours.matches(
                "<message xmlns='jabber:client' type='groupchat' to='\(RoomTests.room)' id='*'>"
                    + "<reactions xmlns='urn:xmpp:reactions:0' id='s1'><reaction>🔥</reaction></reactions>"
                    + "<store xmlns='urn:xmpp:hints'/></message>"))
        // The room reflects it: the same set, as ours.
        harness.serverSends(reactions("s1", ["🔥"], by: "thirdwitch", occupantID: "third"))
        let window = try #require(fixture.model.window(of: try fixture.key("main", RoomTests.room)))
        #expect(
            window.messages.first?.reactions
                == [ReactionShown(emoji: "🔥", count: 3, ours: true), ReactionShown(emoji: "🧙", count: 1, ours: false)])
        // firstwitch takes theirs back.
        harness.serverSends(reactions("s1", [], by: "firstwitch", occupantID: "first"))
        #expect(window.messages.first?.reactions == [ReactionShown(emoji: "🔥", count: 2, ours: true)])
    }

    @Test func retractNamesOurMessageByTheRoomsStanzaID() throws {
        let fixture = try entered()
        let harness = fixture.harness("main")
        fixture.model.submit("a regrettable spell")
        let message = try #require(sent(fixture).last)
        fixture.model.submit("/retract")
        #expect(
            fixture.model.noticesOf(fixture.model.currentWindow).last?.text.contains(
                "has not given that message its id")
                == true)
        harness.serverSends(
            rooms.groupchat(
                "thirdwitch", "a regrettable spell", id: message.id, stanzaID: "s9", occupantID: "third",
                extra: "<origin-id xmlns='urn:xmpp:sid:0' id='\(message.id!)'/>"))
        fixture.model.submit("/retract")
        let retraction = try #require(sent(fixture).last)
        #expect(retraction[attribute: "type"] == "groupchat")
        #expect(retraction.child("retract", namespace: "urn:xmpp:message-retract:1")?[attribute: "id"] == "s9")
        #expect(try rooms.stored(fixture).map(\.body) == [""])
    }

    @Test(arguments: [false, true])
    func moderateAsksTheRoom(legacy: Bool) throws {
        let fixture = try entered(features: [legacy ? "urn:xmpp:message-moderate:0" : "urn:xmpp:message-moderate:1"])
        let harness = fixture.harness("main")
        harness.serverSends(rooms.groupchat("firstwitch", "spam", id: "o1", stanzaID: "s1", occupantID: "first"))
        fixture.model.submit("/moderate")
        #expect(
            fixture.model.noticesOf(fixture.model.currentWindow).last?.text
                == "only moderators of \(RoomTests.room) can remove messages")
        #expect(sent(fixture).isEmpty)
        harness.serverSends(rooms.presence("thirdwitch", role: "moderator", codes: [110], occupantID: "third"))
        fixture.model.submit("/moderate 1 off topic")
        let request = try #require(sent(fixture).last)
        let expected =
            legacy
            ? "<iq xmlns='jabber:client' type='set' id='*' to='\(RoomTests.room)'>"
                + "<apply-to xmlns='urn:xmpp:fasten:0' id='s1'><moderate xmlns='urn:xmpp:message-moderate:0'>"
                + "<retract xmlns='urn:xmpp:message-retract:0'/><reason>off topic</reason></moderate></apply-to></iq>"
            : "<iq xmlns='jabber:client' type='set' id='*' to='\(RoomTests.room)'>"
                + "<moderate xmlns='urn:xmpp:message-moderate:1' id='s1'>"
                + "<retract xmlns='urn:xmpp:message-retract:1'/><reason>off topic</reason></moderate></iq>"
        #expect(request.matches(expected))
        harness.serverSends(
            "<iq type='error' id='\(request.id!)' from='\(RoomTests.room)'><error type='auth'>"
                + "<forbidden xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></iq>")
        #expect(
            fixture.model.noticesOf(fixture.model.currentWindow).last?.text.hasPrefix(
                "\(RoomTests.room) did not remove the message") == true)
    }

    /// XEP-0461 §Using the correct ID: in a room a reply names the room's stanza-id.
    @Test func aReplyInARoomNamesTheRoomsStanzaID() throws {
        let fixture = try entered()
        let harness = fixture.harness("main")
        harness.serverSends(
            rooms.groupchat("firstwitch", "When shall we three meet again", id: "o1", occupantID: "first"))
        fixture.model.submit("/reply in thunder")
        #expect(
            fixture.model.noticesOf(fixture.model.currentWindow).last?.text.contains(
                "has not given that message its id")
                == true)
        harness.serverSends(
            rooms.groupchat(
                "firstwitch", "In thunder, lightning, or in rain?", id: "o2", stanzaID: "s2", occupantID: "first"))
        fixture.model.submit("/reply in rain")
        let reply = try #require(sent(fixture).last)
        #expect(reply[attribute: "type"] == "groupchat")
        #expect(reply.child("body")?.text == "> firstwitch: In thunder, lightning, or in rain?\nin rain")
        let named = reply.child("reply", namespace: "urn:xmpp:reply:0")
        #expect(named?[attribute: "id"] == "s2")
        #expect(named?[attribute: "to"] == "\(RoomTests.room)/firstwitch")
        let row = try #require(fixture.model.currentWindow.messages.last)
        #expect(row.body == "in rain")
        #expect(row.replyQuote?.sender == "firstwitch")
    }
}
