import Testing
import XMPPCore

@testable import ChatStore

/// A message taken back by its sender (XEP-0424) or removed by a room's moderator (XEP-0425): its
/// text and every correction's are erased from the history and the search index, in its own
/// conversation only, and nothing brings them back.
@Suite struct RetractionTests {
    let store = try! ChatStore.inMemory()
    var account: AccountID { try! store.account(jid: me) }

    func moderate(_ stanzaID: String, in conversation: JID? = nil, by archive: JID? = nil) throws -> Int64? {
        try store.retract(
            account: account, conversation: conversation ?? room, stanzaID: stanzaID, by: archive ?? room,
            Retraction(kind: .moderator, by: "firstwitch", reason: "spam"))
    }

    @Test func theTextAndEveryCorrectionAreErasedAndWhyIsKept() throws {
        let original = try store.insert(said("buy pills", id: "m1", stanzaID: "s1"), account: account)
        _ = try store.insert(
            said("buy cheap pills", at: 2_000, id: "m2", stanzaID: "s2", corrects: "m1"), account: account)
        _ = try store.insert(said("hello all", at: 3_000, stanzaID: "s3"), account: account)
        #expect(try moderate("s1") == original.messageID)
        let removed = try #require(try store.message(id: original.messageID!))
        #expect(removed.body.isEmpty)
        #expect(removed.retraction == Retraction(kind: .moderator, by: "firstwitch", reason: "spam"))
        #expect(try store.all(room, account: account).map(\.body) == ["", "hello all"], "it keeps its place")
        let corrections = try store.db.statement("SELECT body FROM message WHERE corrects IS NOT NULL").rows {
            $0.text(0)
        }
        #expect(corrections == [""], "the correction's text is erased too")
        #expect(try store.search("pills").isEmpty)
        #expect(try store.search("cheap").isEmpty)
        #expect(try store.search("hello").count == 1, "the rest of the room is still found")
    }

    @Test func onlyTheArchivesIDInThatConversationFindsIt() throws {
        let inRoom = try store.insert(said("in the room", stanzaID: "s1"), account: account)
        let inChat = try store.insert(incoming("in a chat", stanzaID: "s1"), account: account)
        #expect(try moderate("s1", in: romeo) == nil, "romeo's archive stamped that one, not the room")
        #expect(try moderate("s1", by: romeo) == nil, "another archive's id")
        #expect(try moderate("s9") == nil, "unknown")
        let other = try store.account(jid: try JID("alice@home.example"))
        #expect(
            try store.retract(
                account: other, conversation: room, stanzaID: "s1", by: room, Retraction(kind: .moderator)) == nil,
            "another account's copy of the room")
        #expect(try store.message(id: inChat.messageID!)?.body == "in a chat")
        #expect(try store.message(id: inRoom.messageID!)?.retraction == nil)
        #expect(try moderate("s1") == inRoom.messageID)
        #expect(try store.message(id: inChat.messageID!)?.retraction == nil, "the chat's message is untouched")
    }

    @Test func aCorrectionsOwnIDDoesNotNameTheMessage() throws {
        _ = try store.insert(said("v1", id: "m1", stanzaID: "s1"), account: account)
        _ = try store.insert(said("v2", at: 2_000, id: "m2", stanzaID: "s2", corrects: "m1"), account: account)
        #expect(try moderate("s2") == nil)
        #expect(try store.all(room, account: account).map(\.body) == ["v2"])
    }

    @Test func theSenderTakingItBackIsRecordedAsSuch() throws {
        let id = try store.insert(incoming("oops, wrong chat", stanzaID: "s1"), account: account).messageID
        let retracted = try store.retract(
            account: account, conversation: romeo, stanzaID: "s1", by: me, Retraction(kind: .sender))
        #expect(retracted == id)
        let message = try #require(try store.message(id: id!))
        #expect(message.retraction == Retraction(kind: .sender))
        #expect(message.body.isEmpty)
    }

    @Test func theArchiveBringingItAgainDoesNotRestoreIt() throws {
        let id = try store.insert(said("secret", id: "m1", stanzaID: "s1"), account: account).messageID!
        _ = try moderate("s1")
        #expect(try store.insert(said("secret", id: "m1", stanzaID: "s1"), account: account) == .duplicate(id))
        #expect(try store.message(id: id)?.body == "")
        #expect(try store.search("secret").isEmpty)
    }

    @Test func aSecondRetractionKeepsTheMessageErased() throws {
        let id = try store.insert(said("x", stanzaID: "s1"), account: account).messageID
        _ = try moderate("s1")
        let again = try store.retract(
            account: account, conversation: room, stanzaID: "s1", by: room,
            Retraction(kind: .moderator, by: "secondwitch"))
        #expect(again == id)
        #expect(try store.message(id: id!)?.retraction?.by == "secondwitch")
        #expect(try store.message(id: id!)?.body == "")
    }

    /// Found by reading the write path: a correction joined the chain of a message whose text had
    /// been taken back, and as the latest version it showed (and was indexed) again, so a moderated
    /// spammer could undo the moderation by correcting the message.
    @Test func aCorrectionAfterTheRetractionBringsNothingBack() throws {
        let id = try store.insert(said("spam", id: "m1", stanzaID: "s1"), account: account).messageID!
        _ = try moderate("s1")
        let late = try store.insert(
            said("spam again", at: 5_000, id: "m2", stanzaID: "s2", corrects: "m1"), account: account)
        #expect(late == .rejectedCorrection)
        #expect(try store.message(id: id)?.body == "")
        #expect(try store.message(id: id)?.isCorrected == false)
        #expect(try store.search("spam").isEmpty)
    }
}
