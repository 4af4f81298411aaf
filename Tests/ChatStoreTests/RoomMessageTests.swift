import Testing
import XMPPCore

@testable import ChatStore

/// Room messages arrive live, in the history a room sends on joining, from its archive, and (ours)
/// as the room's reflection: each is stored once. A room without ids is matched by occupant, text
/// and time.
@Suite struct RoomMessageTests {
    let store = try! ChatStore.inMemory()
    var account: AccountID { try! store.account(jid: me) }

    @Test func withoutIDsTheSameOccupantSayingTheSameWithinTwoMinutesIsOneMessage() throws {
        let live = try store.insert(said("Thrice the brinded cat hath mew'd.", at: 600_000), account: account)
        // The join history stamps what was shown live with the room's clock.
        let history = try store.insert(
            said("Thrice the brinded cat hath mew'd.", at: 600_000 + 119_000), account: account)
        #expect(history == .duplicate(live.messageID!))
        let earlier = try store.insert(
            said("Thrice the brinded cat hath mew'd.", at: 600_000 - 120_000), account: account)
        #expect(earlier == .duplicate(live.messageID!), "the window reaches both ways, inclusive")
        #expect(
            try store.insert(said("Thrice the brinded cat hath mew'd.", at: 600_000 + 121_000), account: account).isNew)
        #expect(try store.all(room, account: account).count == 2)
    }

    @Test func anotherOccupantOrAnotherTextIsAnotherMessage() throws {
        _ = try store.insert(said("Hail!"), account: account)
        #expect(try store.insert(said("Hail!", by: "secondwitch"), account: account).isNew)
        #expect(try store.insert(said("Hail!!"), account: account).isNew)
        #expect(try store.all(room, account: account).map(\.body) == ["Hail!", "Hail!", "Hail!!"])
    }

    @Test func aMessageWithAnIDIsNeverMatchedByText() throws {
        _ = try store.insert(said("ok", id: "c1"), account: account)
        #expect(try store.insert(said("ok"), account: account).isNew, "the stored one had an id")
        #expect(try store.insert(said("ok", id: "c2"), account: account).isNew, "this one has another id")
        #expect(try store.insert(said("ok", originID: "o1"), account: account).isNew)
        #expect(try store.all(room, account: account).count == 4)
    }

    @Test func theArchiveCopyOfALiveMessageIsRecognisedByItsID() throws {
        let live = try store.insert(said("news", originID: "o1", stanzaID: "r1"), account: account)
        let archived = try store.storeArchivePage(
            [said("news", at: 61_000, originID: "o1", stanzaID: "r1")], sync: nil, account: account)
        #expect(archived == [.duplicate(live.messageID!)])
        // The join history carries the sender's origin-id but not always the room's id.
        #expect(
            try store.insert(said("news", at: 62_000, originID: "o1"), account: account) == .duplicate(live.messageID!))
        #expect(try store.all(room, account: account).map(\.stanzaID) == ["r1"])
    }

    @Test func ourMessageReflectedByTheRoomIsDeliveredNotStoredAgain() throws {
        var ours = NewMessage(
            conversation: room, kind: .groupchat, outgoing: true, sender: "alice", senderKey: "self",
            body: "Where hast thou been, sister?", timestamp: 60_000, type: "groupchat", idAttribute: "o7",
            originID: "o7")
        let sent = try store.enqueue(ours, stanza: "<message type='groupchat' id='o7'/>", account: account)
        try store.markSent(sent.row)
        ours.stanzaID = "r7"
        ours.stanzaIDBy = room.description
        ours.state = .delivered
        ours.timestamp = 60_500
        #expect(try store.insert(ours, account: account) == .duplicate(sent.row))
        let stored = try #require(try store.message(id: sent.row))
        #expect(stored.state == .delivered)
        #expect(stored.stanzaID == "r7", "the room's id, for moderation and the next catch-up")
        #expect(stored.timestamp == 60_000)
        #expect(
            try store.outbox(account: account).isEmpty,
            "the room has it: a new session must not send it again, acknowledged by the stream or not")
    }

    @Test func aRoomIsListedAsARoomWithItsHighlights() throws {
        var mention = said("alice: the charm's wound up", at: 70_000)
        mention.highlight = true
        _ = try store.insert([said("a drum, a drum!"), mention], account: account)
        let summary = try #require(try store.conversations(account: account).first)
        #expect(summary.jid == room.description && summary.kind == .groupchat)
        #expect(summary.unread == UnreadCount(messages: 2, highlights: 1))
        #expect(summary.lastActivity == 70_000)
    }

    @Test func aPrivateChatThroughTheRoomIsItsOwnConversation() throws {
        let occupant = try JID("coven@chat.shakespeare.lit/firstwitch")
        _ = try store.insert(said("in the room"), account: account)
        _ = try store.insert(
            NewMessage(
                conversation: occupant, outgoing: false, sender: "firstwitch", senderKey: occupant.description,
                body: "just to you", timestamp: 61_000), account: account)
        #expect(try store.all(room, account: account).map(\.body) == ["in the room"])
        #expect(try store.all(occupant, account: account).map(\.body) == ["just to you"])
        #expect(
            Set(try store.conversations(account: account).map(\.jid)) == [room.description, occupant.description])
    }
}
