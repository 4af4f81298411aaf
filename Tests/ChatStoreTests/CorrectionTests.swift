import Testing
import XMPPCore

@testable import ChatStore

/// Corrections (XEP-0308): a chain of versions shown as the original, only ever from the original's
/// sender, within one conversation.
@Suite struct CorrectionTests {
    let store = try! ChatStore.inMemory()
    var account: AccountID { try! store.account(jid: me) }

    @Test func correctionReplacesTheTextAndIsMarked() throws {
        let original = try store.insert(incoming("helo", at: 1, id: "m1"), account: account)
        let correction = try store.insert(incoming("hello", at: 2, id: "m2", corrects: "m1"), account: account)
        #expect(correction.messageID == original.messageID, "a correction is shown as its original")
        guard case .correction(of: original.messageID!, _) = correction else {
            Issue.record("expected a correction")
            return
        }
        let shown = try store.all(account: account)
        #expect(shown.count == 1)
        #expect(shown[0].body == "hello")
        #expect(shown[0].isCorrected)
        #expect(shown[0].timestamp == 1, "the message keeps its place in time")
    }

    @Test func correctionOfACorrectionShowsTheLatest() throws {
        let original = try store.insert(incoming("v1", at: 1, id: "m1"), account: account)
        _ = try store.insert(incoming("v2", at: 2, id: "m2", corrects: "m1"), account: account)
        // Some clients point at the previous correction instead of the original.
        let third = try store.insert(incoming("v3", at: 3, id: "m3", corrects: "m2"), account: account)
        #expect(third.messageID == original.messageID)
        #expect(try store.all(account: account).map(\.body) == ["v3"])
    }

    @Test func correctionBySomeoneElseIsRejected() throws {
        _ = try store.insert(incoming("original", at: 1, id: "m1"), account: account)
        var forged = incoming("forged", at: 2, from: romeo, id: "m2", corrects: "m1")
        forged.senderKey = mallory.description
        forged.sender = mallory.description + "/x"
        #expect(try store.insert(forged, account: account) == .rejectedCorrection)
        #expect(try store.all(account: account).map(\.body) == ["original"])
        #expect(try store.search("forged").isEmpty, "nothing of it is stored")
    }

    @Test func correctionOfAnUnknownMessageIsShownAsAMessage() throws {
        let outcome = try store.insert(incoming("fixed", id: "m5", corrects: "never-seen"), account: account)
        #expect(outcome.isNew)
        #expect(try store.all(account: account).map(\.body) == ["fixed"])
    }

    @Test func searchFindsTheCorrectedText() throws {
        _ = try store.insert(incoming("meet at noon", at: 1, id: "m1"), account: account)
        _ = try store.insert(incoming("meet at midnight", at: 2, id: "m2", corrects: "m1"), account: account)
        let hits = try store.search("midnight")
        #expect(hits.count == 1)
        #expect(hits.first?.message.body == "meet at midnight")
    }

    @Test func theLatestVersionInTimeWinsWhateverOrderTheyArriveIn() throws {
        let original = try store.insert(incoming("v1", at: 1_000, id: "m1"), account: account).messageID!
        // An archive page and a live copy can bring the versions out of order.
        _ = try store.insert(incoming("v3", at: 3_000, id: "m3", corrects: "m1"), account: account)
        _ = try store.insert(incoming("v2", at: 2_000, id: "m2", corrects: "m1"), account: account)
        #expect(try store.message(id: original)?.body == "v3")
        #expect(try store.search("v2").isEmpty)
        #expect(try store.search("v3").count == 1)
    }

    @Test func theSameCorrectionTwiceIsOneVersion() throws {
        _ = try store.insert(incoming("helo", at: 1_000, id: "m1", stanzaID: "s1"), account: account)
        let first = try store.insert(
            incoming("hello", at: 2_000, id: "m2", stanzaID: "s2", corrects: "m1"), account: account)
        let again = try store.insert(
            incoming("hello", at: 2_000, id: "m2", stanzaID: "s2", corrects: "m1"), account: account)
        guard case .correction(_, let row) = first else {
            Issue.record("expected a correction, got \(first)")
            return
        }
        #expect(again == .duplicate(row))
        #expect(try store.db.statement("SELECT count(*) FROM message").first { $0.int(0) } == 2)
    }

    @Test func aCorrectionOfACorrectionByAnotherSenderIsRejected() throws {
        _ = try store.insert(incoming("v1", at: 1, id: "m1"), account: account)
        _ = try store.insert(incoming("v2", at: 2, id: "m2", corrects: "m1"), account: account)
        var forged = incoming("forged", at: 3, id: "m3", corrects: "m2")
        forged.senderKey = mallory.description
        #expect(try store.insert(forged, account: account) == .rejectedCorrection)
        #expect(try store.all(account: account).map(\.body) == ["v2"])
    }

    @Test func aCorrectionOnlyReachesAMessageOfItsOwnConversation() throws {
        let juliet = try JID("juliet@example.net")
        _ = try store.insert(incoming("to alice from romeo", at: 1, id: "m1"), account: account)
        var elsewhere = incoming("changed from juliet's chat", at: 2, from: juliet, id: "m2", corrects: "m1")
        elsewhere.senderKey = romeo.description
        #expect(try store.insert(elsewhere, account: account).isNew, "no message m1 in juliet's chat")
        #expect(try store.all(account: account).map(\.body) == ["to alice from romeo"])
    }

    @Test func inARoomTheOccupantIdentityDecidesNotTheNick() throws {
        /// Said as "firstwitch" by the occupant the room knows as `key`.
        func firstWitch(_ body: String, key: String, id: String, corrects: String? = nil) -> NewMessage {
            var message = said(body, by: "firstwitch", id: id, corrects: corrects)
            message.senderKey = key
            return message
        }
        _ = try store.insert(
            firstWitch("When shall we three meet again", key: "occupant:a1", id: "w1"), account: account)
        // Someone who took the same nick after the first one left.
        let impostor = try store.insert(
            firstWitch("never", key: "occupant:b2", id: "w2", corrects: "w1"), account: account)
        #expect(impostor == .rejectedCorrection)
        let own = try store.insert(
            firstWitch("When shall we three meet again?", key: "occupant:a1", id: "w3", corrects: "w1"),
            account: account)
        #expect(own.messageID != nil && !own.isNew)
        #expect(try store.all(room, account: account).map(\.body) == ["When shall we three meet again?"])
    }

    @Test func correctionsAreNeitherRowsOfTheHistoryNorUnreadMessages() throws {
        let first = try store.insert(incoming("a", at: 1_000, id: "m1"), account: account).messageID!
        _ = try store.insert(incoming("a!", at: 5_000, id: "m2", corrects: "m1"), account: account)
        let last = try store.insert(incoming("b", at: 2_000, id: "m3"), account: account).messageID!
        #expect(try store.messages(after: first, limit: 10).map(\.id) == [last])
        #expect(try store.messages(before: last, limit: 10).map(\.id) == [first])
        #expect(try store.unreadCounts(account: account)[romeo.description] == UnreadCount(messages: 2))
        #expect(
            try store.conversations(account: account).first?.lastActivity == 5_000,
            "a correction is activity in the conversation")
    }

    @Test func ourCorrectionIsQueuedAsItsOwnStanzaAndShownAsTheOriginal() throws {
        let original = try store.enqueue(outgoing("teh plan", at: 1_000, id: "o1"), stanza: "<o1/>", account: account)
        var fix = outgoing("the plan", at: 2_000, id: "o2")
        fix.corrects = "o1"
        let correction = try store.enqueue(fix, stanza: "<o2/>", account: account)
        #expect(correction.shownAs == original.row)
        #expect(correction.row != original.row)
        #expect(try store.outbox(account: account).map(\.stanza) == ["<o1/>", "<o2/>"])
        #expect(try store.message(id: original.row)?.body == "the plan")
        try store.markAcked([correction.row])
        #expect(try store.outbox(account: account).map(\.messageID) == [original.row])
    }

    @Test func aCorrectionThatNamesUsKeepsTheMessageAHighlightAndOneThatNoLongerDoesToo() throws {
        var mention = incoming("alice?", at: 1_000, id: "m1")
        mention.highlight = true
        let id = try store.insert(mention, account: account).messageID!
        _ = try store.insert(incoming("anyone?", at: 2_000, id: "m2", corrects: "m1"), account: account)
        #expect(try store.message(id: id)?.highlight == true, "it was seen as one")
        #expect(try store.unreadCounts(account: account)[romeo.description]?.highlights == 1)
    }
}
