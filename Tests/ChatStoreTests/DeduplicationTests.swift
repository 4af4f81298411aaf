import Testing
import XMPPCore

@testable import ChatStore

@Suite struct DeduplicationTests {
    let store = try! ChatStore.inMemory()
    var account: AccountID { try! store.account(jid: me) }

    @Test func liveThenCarbonThenArchiveIsStoredOnce() throws {
        let live = incoming("hi", id: "m1", originID: "o1", stanzaID: "s1")
        var carbon = incoming("hi", id: "m1", originID: "o1")
        carbon.sender = romeo.description + "/laptop"
        let archived = incoming("hi", id: "m1", originID: "o1", stanzaID: "s1")
        let outcomes = try store.insert([live, carbon, archived], account: account)
        #expect(outcomes[0].isNew)
        #expect(outcomes[1] == .duplicate(outcomes[0].messageID!))
        #expect(outcomes[2] == .duplicate(outcomes[0].messageID!))
        #expect(try store.all(account: account).map(\.body) == ["hi"])
    }

    /// A client that restarts its id counter sends "ok" with id 1 again: the archive gives it a
    /// new id, and it is a new message, stored (it was dropped as a duplicate once).
    @Test func theSameIDAndTextWithAnotherArchiveIDIsAnotherMessage() throws {
        let first = try store.insert(incoming("ok", at: 1_000, id: "1", stanzaID: "s1"), account: account)
        let again = try store.insert(incoming("ok", at: 5_000, id: "1", stanzaID: "s2"), account: account)
        #expect(again.isNew)
        let reused = try store.insert(incoming("yes", at: 6_000, originID: "o1", stanzaID: "s3"), account: account)
        let reusedAgain = try store.insert(incoming("yes", at: 9_000, originID: "o1", stanzaID: "s4"), account: account)
        #expect(reused.isNew && reusedAgain.isNew, "a reused origin-id under another archive id too")
        #expect(try store.all(account: account).map(\.body) == ["ok", "ok", "yes", "yes"])
        // The archive bringing either again is still recognised, and a copy without an archive id
        // (a carbon) still matches the one it copies.
        #expect(
            try store.insert(incoming("ok", at: 5_000, id: "1", stanzaID: "s2"), account: account)
                == .duplicate(again.messageID!))
        #expect(
            try store.insert(incoming("ok", at: 1_000, id: "1", stanzaID: "s1"), account: account)
                == .duplicate(first.messageID!))
        #expect(!(try store.insert(incoming("ok", at: 1_000, id: "1"), account: account).isNew))
        #expect(try store.all(account: account).count == 4)
    }

    @Test func liveWithoutArchiveIDThenArchiveMergesTheID() throws {
        let first = try store.insert(incoming("hi", originID: "o1"), account: account)
        let second = try store.insert(incoming("hi", originID: "o1", stanzaID: "s1"), account: account)
        #expect(second == .duplicate(first.messageID!))
        let stored = try store.all(account: account)
        #expect(stored.count == 1)
        #expect(stored[0].stanzaID == "s1")
        #expect(stored[0].stanzaIDBy == me.description)
        let third = try store.insert(incoming("hi", stanzaID: "s1"), account: account)
        #expect(third == .duplicate(first.messageID!), "now recognised by its archive id alone")
    }

    @Test func anArchiveIDIsUniqueOnlyWithinItsConversation() throws {
        let first = try store.insert(incoming("to romeo", stanzaID: "s1"), account: account)
        let other = try store.insert(incoming("a different chat", from: mallory, stanzaID: "s1"), account: account)
        #expect(other.isNew, "an id seen in one chat never hides a message of another")
        #expect(try store.all(mallory, account: account).map(\.body) == ["a different chat"])
        let again = try store.insert(incoming("to romeo", stanzaID: "s1"), account: account)
        #expect(again == .duplicate(first.messageID!), "within the chat it still recognises the message")
        let live = try store.insert(incoming("live", from: mallory, originID: "o9"), account: account)
        let archived = try store.insert(
            incoming("live", from: mallory, originID: "o9", stanzaID: "s2"), account: account)
        #expect(archived == .duplicate(live.messageID!))
        #expect(try store.all(mallory, account: account).map(\.stanzaID) == ["s1", "s2"], "merged into its own chat")
    }

    @Test func sameMessageTwiceInOneArchivePage() throws {
        let page = [
            incoming("one", at: 1, stanzaID: "a"), incoming("two", at: 2, stanzaID: "b"),
            incoming("one", at: 1, stanzaID: "a"),
        ]
        let outcomes = try store.storeArchivePage(page, sync: nil, account: account)
        #expect(outcomes.filter(\.isNew).count == 2)
        #expect(try store.all(account: account).map(\.body) == ["one", "two"])
    }

    @Test func archivePageFetchedAgainAddsNothing() throws {
        let page = (1...50).map { incoming("m\($0)", at: Int64($0), stanzaID: "s\($0)") }
        _ = try store.storeArchivePage(page, sync: nil, account: account)
        let again = try store.storeArchivePage(page, sync: nil, account: account)
        #expect(again.allSatisfy { if case .duplicate = $0 { true } else { false } })
        #expect(try store.all(account: account).count == 50)
    }

    @Test func legacyMessagesWithOnlyAnIDAttribute() throws {
        _ = try store.insert(incoming("hello", id: "x1"), account: account)
        #expect(try store.insert(incoming("hello", id: "x1"), account: account).isNew == false)
        #expect(try store.insert(incoming("other text", id: "x1"), account: account).isNew)
        #expect(try store.all(account: account).count == 2)
    }

    @Test func originIDsAreOnlyUniquePerSender() throws {
        let other = try JID("juliet@example.net")
        _ = try store.insert(incoming("a", from: romeo, originID: "same"), account: account)
        let outcome = try store.insert(
            NewMessage(
                conversation: romeo, outgoing: false, sender: "juliet@example.net/x", senderKey: other.description,
                body: "b", timestamp: 2, originID: "same"), account: account)
        #expect(outcome.isNew)
    }

    @Test func archiveCopyOfOurOwnMessageMarksItAcked() throws {
        let id = try store.enqueue(outgoing("out", id: "o9"), stanza: "<message/>", account: account).row
        try store.markSent(id)
        let copy = try store.insert(outgoing("out", id: "o9", stanzaID: "s9"), account: account)
        #expect(copy == .duplicate(id))
        #expect(try store.message(id: id)?.state == .acked)
        #expect(try store.message(id: id)?.stanzaID == "s9")
        #expect(try store.outbox(account: account).isEmpty, "the server has it: it is never sent again")
    }

    /// A room sending our message back to everyone (XEP-0045 §7.4) has it, whether or not the
    /// stream's acknowledgement came before the link broke: a new session must not send it again.
    @Test func aReflectionOfOurRoomMessageTakesItOutOfTheOutbox() throws {
        let room = try JID("room@conference.example.org")
        func ours(stanzaID: String?, state: DeliveryState?) -> NewMessage {
            NewMessage(
                conversation: room, kind: .groupchat, outgoing: true, sender: "me", senderKey: "\(room)/me", body: "hi",
                timestamp: 1, type: "groupchat", idAttribute: "o1", originID: "o1", stanzaID: stanzaID,
                stanzaIDBy: stanzaID == nil ? nil : room.description, state: state)
        }
        let waiting = try store.enqueue(ours(stanzaID: nil, state: nil), stanza: "<message/>", account: account).row
        _ = try store.enqueue(outgoing("still waiting", id: "o2"), stanza: "<message/>", account: account)
        try store.markSent(waiting)
        #expect(try store.insert(ours(stanzaID: "r1", state: .delivered), account: account) == .duplicate(waiting))
        #expect(try store.message(id: waiting)?.state == .delivered)
        #expect(try store.outbox(account: account).map(\.conversation) == [romeo.description])
    }

    @Test func differentArchivesMayReuseAnID() throws {
        var roomMessage = incoming("room", stanzaID: "s1")
        roomMessage.stanzaIDBy = "room@conference.example.org"
        roomMessage.conversation = try JID("room@conference.example.org")
        _ = try store.insert(incoming("mine", stanzaID: "s1"), account: account)
        #expect(try store.insert(roomMessage, account: account).isNew)
    }
}
