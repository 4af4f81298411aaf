import Foundation
import Testing
import XMPPCore

@testable import ChatStore

/// A burst of input is stored in one transaction (`beginBatch`/`endBatch`): invisible to other
/// connections until it ends, each write in it still atomic on its own.
@Suite struct BatchTests {
    struct Refused: Error {}

    @Test func writesInABatchAreSeenByOthersOnlyWhenItEnds() throws {
        let path = temporaryDirectory() + "/tern.sqlite"
        let store = try ChatStore(path: path)
        let account = try store.account(jid: me)
        let reader = try ChatStore(path: path)
        store.beginBatch()
        for index in 0..<3 {
            _ = try store.insert(incoming("burst \(index)", at: 1_000 + Int64(index)), account: account)
        }
        #expect(try store.all(account: account).count == 3, "the writer sees its own batch")
        #expect(try reader.all(account: account).isEmpty)
        try store.endBatch()
        #expect(try reader.all(account: account).map(\.body) == ["burst 0", "burst 1", "burst 2"])
        #expect(try reader.search("burst", account: account).count == 3, "indexed for search with the commit")
    }

    /// A message sent while a burst is being stored (a held message going out once its keys
    /// arrived) joins the burst's transaction: SQLite refuses to change the safety level inside one.
    @Test func aMessageEnqueuedInABatchThatAlreadyWroteIsStoredWithIt() throws {
        let path = temporaryDirectory() + "/tern.sqlite"
        let store = try ChatStore(path: path)
        let account = try store.account(jid: me)
        let reader = try ChatStore(path: path)
        store.beginBatch()
        _ = try store.insert(incoming("a key arrived", at: 1_000), account: account)
        let queued = try store.enqueue(
            outgoing("held", at: 1_001, id: "h1"), stanza: "<message id='h1'/>", account: account)
        #expect(try reader.outbox(account: account).isEmpty, "not committed before the batch is")
        try store.endBatch()
        #expect(try reader.outbox(account: account).map(\.messageID) == [queued.row])
        #expect(try reader.message(id: queued.row)?.body == "held")
    }

    /// In one batch: `kept`, then `undone` in a write that fails, then `after`.
    func batch(
        _ store: ChatStore, account: AccountID, kept: NewMessage, undone: NewMessage, after: [NewMessage] = []
    ) throws {
        store.beginBatch()
        _ = try store.insert(kept, account: account)
        #expect(throws: Refused.self) {
            try store.transaction {
                _ = try store.insert(undone, account: account)
                throw Refused()
            }
        }
        _ = try store.insert(after, account: account)
        try store.endBatch()
    }

    @Test func aFailingWriteInABatchUndoesOnlyItself() throws {
        let path = temporaryDirectory() + "/tern.sqlite"
        let store = try ChatStore(path: path)
        let account = try store.account(jid: me)
        try batch(
            store, account: account, kept: incoming("kept", at: 1_000),
            undone: incoming("undone", at: 2_000, from: mallory), after: [incoming("also kept", at: 3_000)])
        let reader = try ChatStore(path: path)
        #expect(try reader.all(account: account).map(\.body) == ["kept", "also kept"])
        #expect(try reader.all(mallory, account: account).isEmpty)
        #expect(
            try reader.conversations(account: account).map(\.jid) == [romeo.description], "no conversation left behind")
    }

    @Test func aBatchThatWroteNothingLeavesNoTransactionOpen() throws {
        let path = temporaryDirectory() + "/tern.sqlite"
        let store = try ChatStore(path: path)
        let account = try store.account(jid: me)
        store.beginBatch()
        try store.endBatch()
        _ = try store.insert(incoming("after"), account: account)
        #expect(try ChatStore(path: path).all(account: account).map(\.body) == ["after"])
    }

    /// Found by testing the batch path: the newest time of a write undone in a batch (a savepoint
    /// rolled back) was still applied to its conversation when the batch committed.
    @Test func aWriteUndoneInABatchLeavesNoActivityBehind() throws {
        let store = try ChatStore.inMemory()
        let account = try store.account(jid: me)
        try batch(store, account: account, kept: incoming("kept", at: 1_000), undone: incoming("undone", at: 9_000))
        let summary = try #require(try store.conversations(account: account).first)
        #expect(summary.lastActivity == 1_000)
        #expect(summary.unread == UnreadCount(messages: 1))
    }
}
