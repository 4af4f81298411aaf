import Testing
import XMPPCore

@testable import ChatStore

/// The store's side of message actions: finding the message an action names (in its own
/// conversation only), the latest reaction set per sender, our actions' hidden outbox rows, and
/// a reply's quote erased with the message it quotes.
@Suite struct MessageActionStoreTests {
    let store = try! ChatStore.inMemory()
    var account: AccountID { try! store.account(jid: me) }

    @Test func anActionFindsItsMessageOnlyInItsConversation() throws {
        let original = try #require(try store.insert(incoming("hi", id: "m1"), account: account).messageID)
        _ = try store.insert(incoming("hi, corrected", at: 2_000, id: "m2", corrects: "m1"), account: account)
        #expect(try store.message(account: account, conversation: romeo, anchor: .messageID("m1"))?.id == original)
        #expect(
            try store.message(account: account, conversation: romeo, anchor: .messageID("m2"))?.id == original,
            "a correction's id names the message it corrects")
        #expect(try store.message(account: account, conversation: mallory, anchor: .messageID("m1")) == nil)
        #expect(try store.message(account: account, conversation: romeo, anchor: .stanzaID("m1", by: room)) == nil)
    }

    @Test func onlyTheLatestSetOfASenderCounts() throws {
        let id = try #require(try store.insert(incoming("hi", id: "m1"), account: account).messageID)
        #expect(try store.setReactions(messageID: id, senderKey: "romeo", outgoing: false, emoji: ["👍"], timestamp: 5))
        #expect(
            try !store.setReactions(messageID: id, senderKey: "romeo", outgoing: false, emoji: ["💀"], timestamp: 4),
            "an older set, from an archive read later, does not replace it")
        try store.setReactions(messageID: id, senderKey: "me", outgoing: true, emoji: ["👍", "🎉"], timestamp: 6)
        #expect(
            try store.message(id: id)?.reactions
                == [
                    ReactionCount(emoji: "👍", count: 2, ours: true), ReactionCount(emoji: "🎉", count: 1, ours: true),
                ])
        try store.setReactions(messageID: id, senderKey: "me", outgoing: true, emoji: [], timestamp: 7)
        #expect(try store.reactions(messageID: id, senderKey: "me") == [])
        #expect(try store.message(id: id)?.reactions == [ReactionCount(emoji: "👍", count: 1, ours: false)])
    }

    /// Our action's row carries its stanza through the outbox, and is never a message: not listed,
    /// not counted, not the text of the message it acts on.
    @Test func anActionsOutboxRowIsHidden() throws {
        let id = try #require(try store.insert(incoming("react to me", id: "m1"), account: account).messageID)
        let row = try store.enqueueAction(
            .reaction, on: id, sender: "alice@example.org/tern", senderKey: me.description, stanza: "<message/>",
            id: "a1", timestamp: 2_000, account: account)
        #expect(try store.outbox(account: account).map(\.messageID) == [row])
        #expect(try store.lastMessages(account: account, conversation: romeo, limit: 10).map(\.body) == ["react to me"])
        #expect(try store.message(id: id)?.isCorrected == false)
        #expect(try store.unreadCounts(account: account)[romeo.description]?.messages == 1)
        try store.markAcked([row])
        #expect(try store.outbox(account: account).isEmpty)
        // Refused after it left the outbox: there is no message text to send again.
        #expect(
            try store.requeue(account: account, conversation: romeo, idAttribute: "a1", stanza: { $0.body }) == nil)
        #expect(try store.outbox(account: account).isEmpty)
    }

    @Test func retractingAMessageErasesItsQuoteInReplies() throws {
        let id = try #require(try store.insert(incoming("a secret plan", id: "m1"), account: account).messageID)
        var reply = outgoing("> romeo: a secret plan\nno", at: 2_000, id: "o1")
        reply.reply = ReplyReference(id: "m1", to: nil, fallback: [0..<23])
        let replyID = try #require(try store.insert(reply, account: account).messageID)
        #expect(
            try store.message(id: replyID)?.quoted
                == QuotedMessage(sender: "romeo@example.net/phone", outgoing: false, body: "a secret plan"))
        #expect(try store.search("secret").count == 2)
        #expect(try store.retract(messageID: id, Retraction(kind: .sender)) == [replyID])
        let after = try #require(try store.message(id: replyID))
        #expect(after.body == "no")
        #expect(after.quoted?.body == "")
        #expect(try store.search("secret").isEmpty)
        #expect(try store.message(id: id)?.reactions == [])
    }
}
