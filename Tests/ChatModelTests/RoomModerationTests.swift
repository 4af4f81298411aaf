import ChatModel
import ChatStore
import TestSupport
import Testing
import XMPPCore

/// XEP-0425 as an occupant sees it, with the XEP's examples: a moderated message's text is gone
/// from the store, the search index and the window; only the room may say so, and only of its
/// own messages.
@Suite struct RoomModerationTests {
    let rooms = RoomTests()

    func entered() throws -> ScriptedAccounts {
        let fixture = try rooms.connected()
        try rooms.enter(fixture, features: ["urn:xmpp:sid:0", "urn:xmpp:message-moderate:1"])
        return fixture
    }

    /// XEP-0425 0.3 Example 5 (the announcement), for the message the room stamped `stanzaID`.
    static func announcement(
        _ stanzaID: String, from: String = RoomTests.room, legacy: Bool = false
    ) -> String {
        guard !legacy else {
            // 0.2 Example 5: XEP-0422 fastening.
            return "<message type='groupchat' from='\(from)' id='retraction-id-1'>"
                + "<apply-to id='\(stanzaID)' xmlns='urn:xmpp:fasten:0'>"
                + "<moderated by='\(RoomTests.room)/macbeth' xmlns='urn:xmpp:message-moderate:0'>"
                + "<retract xmlns='urn:xmpp:message-retract:0'/>"
                + "<reason>This message contains inappropriate content for this forum</reason>"
                + "</moderated></apply-to></message>"
        }
        return "<message type='groupchat' id='retraction-id-1' from='\(from)'>"
            + "<retract id='\(stanzaID)' xmlns='urn:xmpp:message-retract:1'>"
            + "<moderated by='\(RoomTests.room)/macbeth' xmlns='urn:xmpp:message-moderate:1'>"
            + "<occupant-id xmlns='urn:xmpp:occupant-id:0' id='dd72603deec90a38ba552f7c68cbcc61bca202cd'/>"
            + "</moderated><reason>This message contains inappropriate content for this forum</reason>"
            + "</retract><body>This message has been moderated</body></message>"
    }

    func messages(_ fixture: ScriptedAccounts, _ conversation: String = RoomTests.room) throws -> [StoredMessage] {
        try rooms.stored(fixture, conversation)
    }

    @Test(arguments: [false, true])
    func aModeratedMessageIsErasedEverywhere(legacy: Bool) throws {
        let fixture = try entered()
        let harness = fixture.harness("main")
        harness.serverSends(rooms.groupchat("firstwitch", "an unspeakable secret", id: "m1", stanzaID: "stanza-id-1"))
        harness.serverSends(
            rooms.groupchat(
                "firstwitch", "an unspeakable secret, corrected", id: "m2", stanzaID: "stanza-id-2",
                extra: "<replace xmlns='urn:xmpp:message-correct:0' id='m1'/>"))
        harness.serverSends(rooms.groupchat("secondwitch", "something else", stanzaID: "stanza-id-3"))
        #expect(try fixture.store.search("unspeakable").count == 1)
        harness.serverSends(Self.announcement("stanza-id-1", legacy: legacy))
        let stored = try messages(fixture)
        #expect(stored.map(\.body) == ["", "something else"], "the fallback body is no message")
        #expect(
            stored.first?.retraction
                == Retraction(
                    kind: .moderator, by: "macbeth",
                    reason: "This message contains inappropriate content for this forum"))
        #expect(try fixture.store.search("unspeakable").isEmpty, "gone from the search index, corrections too")
        let window = try #require(fixture.model.window(of: try fixture.key("main", RoomTests.room)))
        #expect(window.messages.first?.retraction?.byModerator == true)
        #expect(window.messages.first?.body == "")
    }

    /// §5: only the room itself announces a moderation; an occupant's look-alike, another
    /// room's, or one naming a message by an id the room did not stamp changes nothing.
    @Test func onlyTheRoomRemovesOnlyItsOwnMessages() throws {
        let fixture = try entered()
        let harness = fixture.harness("main")
        harness.serverSends(rooms.groupchat("firstwitch", "keep me", stanzaID: "stanza-id-1"))
        // From an occupant, not the room.
        harness.serverSends(Self.announcement("stanza-id-1", from: "\(RoomTests.room)/firstwitch"))
        // From a stranger.
        harness.serverSends(
            Self.announcement("stanza-id-1", from: "mallory@evil.example").replacingOccurrences(
                of: "type='groupchat' ", with: ""))
        // A message of a one-to-one chat carrying the same id is not the room's to remove.
        harness.serverSends(
            "<message from='mallory@evil.example/x' type='chat' id='c1'><body>mine</body>"
                + "<stanza-id xmlns='urn:xmpp:sid:0' id='stanza-id-9' by='\(RoomTests.room)'/></message>")
        harness.serverSends(Self.announcement("stanza-id-9"))
        // The occupant's look-alike is only what it says: a message of theirs.
        let room = try messages(fixture)
        #expect(room.map(\.body) == ["keep me", "This message has been moderated"])
        #expect(room.allSatisfy { $0.retraction == nil })
        #expect(try messages(fixture, "mallory@evil.example").map(\.body).contains("mine"))
        #expect(try messages(fixture, "mallory@evil.example").allSatisfy { $0.retraction == nil })
    }

    /// A moderation kept in the room's archive (fetched on entering) removes the message fetched
    /// before it in the same page.
    @Test func aModerationInTheRoomsArchiveIsApplied() throws {
        let fixture = try rooms.connected()
        let harness = fixture.harness("main")
        try rooms.enter(fixture, features: ["urn:xmpp:mam:2", "urn:xmpp:sid:0"])
        let query = try #require(
            harness.takeWrittenElements().first { $0.child("query", namespace: "urn:xmpp:mam:2") != nil })
        let queryID = try #require(query.child("query", namespace: "urn:xmpp:mam:2")?[attribute: "queryid"])
        func result(_ id: String, _ inner: String) -> String {
            "<message from='\(RoomTests.room)'><result xmlns='urn:xmpp:mam:2' queryid='\(queryID)' id='\(id)'>"
                + "<forwarded xmlns='urn:xmpp:forward:0'><delay xmlns='urn:xmpp:delay' stamp='2026-12-01T10:00:00Z'/>"
                + inner + "</forwarded></result></message>"
        }
        harness.serverSends(
            result(
                "a1",
                "<message from='\(RoomTests.room)/firstwitch' type='groupchat'><body>spam spam spam</body></message>"))
        harness.serverSends(result("a2", Self.announcement("a1")))
        harness.serverSends(
            "<iq type='result' id='\(query.id!)' from='\(RoomTests.room)'><fin xmlns='urn:xmpp:mam:2' complete='true'>"
                + "<set xmlns='http://jabber.org/protocol/rsm'><first>a1</first><last>a2</last></set></fin></iq>")
        let stored = try messages(fixture)
        #expect(stored.count == 1)
        #expect(stored.first?.body == "")
        #expect(stored.first?.retraction?.kind == .moderator)
    }
}
