import Testing
import XMPPCore

@testable import ChatStore

/// The outbox: what the user typed is stored before it is sent and stays until the server has it;
/// its state only moves forward.
@Suite struct OutboxTests {
    let store = try! ChatStore.inMemory()
    var account: AccountID { try! store.account(jid: me) }

    @Test func stateMovesForwardAndTheOutboxEmptiesOnAck() throws {
        let first = try store.enqueue(outgoing("one", at: 1, id: "o1"), stanza: "<message id='o1'/>", account: account)
            .row
        let second = try store.enqueue(outgoing("two", at: 2, id: "o2"), stanza: "<message id='o2'/>", account: account)
            .row
        #expect(try store.message(id: first)?.state == .queued)
        #expect(try store.outbox(account: account).map(\.stanza) == ["<message id='o1'/>", "<message id='o2'/>"])
        try store.markSent(first)
        try store.markSent(first)
        #expect(try store.message(id: first)?.state == .sent)
        #expect(try store.outbox(account: account).first?.attempts == 2)
        try store.markAcked([first])
        #expect(try store.message(id: first)?.state == .acked)
        #expect(try store.outbox(account: account).map(\.messageID) == [second])
        try store.markReceived(account: account, conversation: romeo, idAttribute: "o1", state: .delivered)
        #expect(try store.message(id: first)?.state == .delivered)
        try store.markSent(first)
        #expect(try store.message(id: first)?.state == .delivered, "state never moves backwards")
    }

    @Test func eachEntryKeepsItsStreamNumberUntilSentAgain() throws {
        let first = try store.enqueue(outgoing("one", at: 1, id: "s1"), stanza: "<message id='s1'/>", account: account)
            .row
        let second = try store.enqueue(outgoing("two", at: 2, id: "s2"), stanza: "<message id='s2'/>", account: account)
            .row
        #expect(try store.outbox(account: account).map(\.sentSequence) == [nil, nil])
        try store.markSent([(first, 41), (second, 42)])
        #expect(try store.outbox(account: account).map(\.sentSequence) == [41, 42])
        try store.markSent([(first, nil)])
        #expect(try store.outbox(account: account).map(\.sentSequence) == [nil, 42], "a stream without numbers")
        #expect(try store.outbox(account: account).map(\.attempts) == [2, 1])
    }

    @Test func displayedMarkerCoversEarlierMessages() throws {
        let ids = try (1...3).map {
            try store.enqueue(outgoing("m\($0)", at: Int64($0), id: "o\($0)"), stanza: "<message/>", account: account)
                .row
        }
        try store.markAcked(ids)
        let changed = try store.markReceived(
            account: account, conversation: romeo, idAttribute: "o2", state: .displayed)
        #expect(Set(changed) == Set(ids.prefix(2)))
        #expect(try ids.map { try store.message(id: $0)?.state } == [.displayed, .displayed, .acked])
    }

    @Test func receiptForAnUnknownMessageChangesNothing() throws {
        #expect(
            try store.markReceived(account: account, conversation: romeo, idAttribute: "zz", state: .delivered).isEmpty)
    }

    @Test func failedStaysFailed() throws {
        let id = try store.enqueue(outgoing("x", id: "f1"), stanza: "<message/>", account: account).row
        try store.markFailed(account: account, conversation: romeo, idAttribute: "f1", error: "forbidden")
        try store.markAcked([id])
        #expect(try store.message(id: id)?.state == .failed)
    }

    @Test func theOutboxKeepsTheOrderTypedEvenWhenTheClockGoesBack() throws {
        // The clock was set back between the two: the order typed is what counts.
        let first = try store.enqueue(outgoing("first", at: 9_000, id: "c1"), stanza: "<c1/>", account: account).row
        let second = try store.enqueue(outgoing("second", at: 1_000, id: "c2"), stanza: "<c2/>", account: account).row
        #expect(try store.outbox(account: account).map(\.messageID) == [first, second])
        let other = try store.account(jid: try JID("alice@home.example"))
        _ = try store.enqueue(outgoing("elsewhere", id: "c3"), stanza: "<c3/>", account: other)
        #expect(try store.outbox(account: account).count == 2, "each account has its own outbox")
        #expect(try store.outbox(account: other).map(\.stanza) == ["<c3/>"])
    }

    @Test func enqueueingTheSameMessageAgainKeepsOneEntry() throws {
        let first = try store.enqueue(outgoing("once", id: "d1"), stanza: "<d1/>", account: account)
        let again = try store.enqueue(outgoing("once", id: "d1"), stanza: "<d1/>", account: account)
        #expect(again == first)
        #expect(try store.outbox(account: account).count == 1)
        #expect(try store.all(account: account).count == 1)
    }

    @Test func aCorrectionThatCannotBeStoredIsNotQueued() throws {
        _ = try store.insert(incoming("romeo's", id: "r1"), account: account)
        var correction = outgoing("not mine to correct", id: "d2")
        correction.corrects = "r1"
        #expect(throws: StoreError.self) {
            try store.enqueue(correction, stanza: "<d2/>", account: account)
        }
        #expect(try store.outbox(account: account).isEmpty)
        #expect(try store.all(account: account).map(\.body) == ["romeo's"])
    }

    @Test func onlyWhatWasTypedHereIsMarkedSentHere() throws {
        let typed = try store.enqueue(outgoing("from here", at: 1, id: "h1"), stanza: "<h1/>", account: account).row
        // A carbon of what our phone sent.
        let carbon = try store.insert(outgoing("from the phone", at: 2, id: "p1"), account: account).messageID!
        #expect(try store.message(id: typed)?.sentHere == true)
        #expect(try store.message(id: carbon)?.sentHere == false)
        #expect(try store.message(id: carbon)?.state == nil, "not ours to track")
    }

    @Test func onlyTheOutboxIsWrittenWithFullSynchronisation() throws {
        func synchronous() throws -> Int? { try store.db.statement("PRAGMA synchronous").first { $0.int(0) } }
        #expect(try synchronous() == 1, "NORMAL")
        _ = try store.enqueue(outgoing("durable", id: "f1"), stanza: "<f1/>", account: account)
        #expect(try synchronous() == 1, "back to NORMAL after the outbox write")
    }

    @Test func theOutboxSurvivesARestartWithItsAttemptsAndNumbers() throws {
        let path = temporaryDirectory() + "/tern.sqlite"
        let id: Int64
        do {
            let store = try ChatStore(path: path)
            let account = try store.account(jid: me)
            id = try store.enqueue(outgoing("pending", id: "r1"), stanza: "<message id='r1'/>", account: account).row
            try store.markSent([(id, 7)])
        }
        let reopened = try ChatStore(path: path)
        let entry = try #require(try reopened.outbox(account: try reopened.account(jid: me)).first)
        #expect(entry.messageID == id && entry.attempts == 1 && entry.sentSequence == 7)
        #expect(entry.stanza == "<message id='r1'/>", "byte for byte")
        #expect(try reopened.message(id: id)?.state == .sent)
    }

    @Test func aDisplayedMarkerAlsoEmptiesTheOutboxOfWhatItCovers() throws {
        let ids = try (1...2).map {
            try store.enqueue(outgoing("m\($0)", at: Int64($0), id: "q\($0)"), stanza: "<q/>", account: account).row
        }
        try store.markReceived(account: account, conversation: romeo, idAttribute: "q2", state: .displayed)
        #expect(try store.outbox(account: account).isEmpty, "read, so certainly received")
        #expect(try ids.map { try store.message(id: $0)?.state } == [.displayed, .displayed])
        let late = try store.markReceived(account: account, conversation: romeo, idAttribute: "q1", state: .delivered)
        #expect(late.isEmpty, "a late receipt changes nothing")
        #expect(try store.message(id: ids[0])?.state == .displayed)
    }

    @Test func receiptsAndErrorsOnlyReachOurMessagesInTheirConversation() throws {
        let incomingID = try store.insert(incoming("theirs", id: "t1"), account: account).messageID!
        #expect(
            try store.markReceived(account: account, conversation: romeo, idAttribute: "t1", state: .delivered).isEmpty)
        #expect(try store.markFailed(account: account, conversation: romeo, idAttribute: "t1", error: "x") == nil)
        #expect(try store.message(id: incomingID)?.state == nil)
        let ours = try store.enqueue(outgoing("ours", id: "u1"), stanza: "<u1/>", account: account).row
        #expect(
            try store.markReceived(account: account, conversation: mallory, idAttribute: "u1", state: .delivered)
                .isEmpty)
        #expect(try store.markFailed(account: account, conversation: mallory, idAttribute: "u1", error: "x") == nil)
        #expect(try store.message(id: ours)?.state == .queued)
    }
}
