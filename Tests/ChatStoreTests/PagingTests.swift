import Testing
import XMPPCore

@testable import ChatStore

/// PageUp and PageDown: pages of a conversation around a message, oldest first, each message once
/// even when many share a timestamp, never reaching into another conversation.
@Suite struct PagingTests {
    let store = try! ChatStore.inMemory()
    var account: AccountID { try! store.account(jid: me) }

    @Test func anUnknownAnchorGivesNothing() throws {
        _ = try store.insert(incoming("x"), account: account)
        #expect(try store.messages(before: 999, limit: 10).isEmpty)
        #expect(try store.messages(after: 999, limit: 10).isEmpty)
        #expect(try store.message(id: 999) == nil)
        #expect(try store.lastMessages(account: account, conversation: mallory, limit: 10).isEmpty)
    }

    @Test func theEndsOfTheHistoryHaveNothingBeyondThem() throws {
        let ids = try store.insert((1...3).map { incoming("m\($0)", at: Int64($0) * 1_000) }, account: account)
            .compactMap(\.messageID)
        #expect(try store.messages(before: ids[0], limit: 10).isEmpty)
        #expect(try store.messages(after: ids[2], limit: 10).isEmpty)
        #expect(try store.messages(before: ids[2], limit: 0).isEmpty)
        #expect(try store.lastMessages(account: account, conversation: romeo, limit: 1).map(\.body) == ["m3"])
        #expect(try store.lastMessages(account: account, conversation: romeo, limit: 0).isEmpty)
    }

    @Test func messagesOfTheSameTimestampArePagedOnceEachInOrder() throws {
        // An archive stamps a burst to the second: seven messages share one time.
        let ids = try store.insert(
            (0..<7).map { incoming("t\($0)", at: 5_000, stanzaID: "s\($0)") }, account: account
        ).compactMap(\.messageID)
        let backward = try store.pagedBack(account: account, pageSize: 2)
        #expect(backward == (0..<7).map { "t\($0)" })
        var forward: [String] = []
        var anchor = ids[0]
        forward.append("t0")
        while case let next = try store.messages(after: anchor, limit: 3), let last = next.last {
            forward += next.map(\.body)
            anchor = last.id
        }
        #expect(forward == backward)
    }

    @Test func pagesStayInTheAnchorsConversation() throws {
        // Two conversations interleaved in time.
        var messages: [NewMessage] = []
        for index in 0..<10 {
            messages.append(incoming("r\(index)", at: Int64(index) * 10))
            messages.append(incoming("m\(index)", at: Int64(index) * 10 + 5, from: mallory))
        }
        let ids = try store.insert(messages, account: account).compactMap(\.messageID)
        let romeosFifth = ids[8]
        #expect(try store.messages(before: romeosFifth, limit: 100).map(\.body) == ["r0", "r1", "r2", "r3"])
        #expect(try store.messages(after: romeosFifth, limit: 2).map(\.body) == ["r5", "r6"])
    }

    @Test func aPageIsOldestFirstAndEndsNextToTheAnchor() throws {
        let ids = try store.insert((0..<20).map { incoming("m\($0)", at: Int64($0)) }, account: account)
            .compactMap(\.messageID)
        #expect(try store.messages(before: ids[10], limit: 3).map(\.body) == ["m7", "m8", "m9"])
        #expect(try store.messages(after: ids[10], limit: 3).map(\.body) == ["m11", "m12", "m13"])
        #expect(
            try store.lastMessages(account: account, conversation: romeo, limit: 3).map(\.body) == [
                "m17", "m18", "m19",
            ])
    }
}
