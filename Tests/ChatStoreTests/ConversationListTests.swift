import Testing
import XMPPCore

@testable import ChatStore

/// The conversation list: most recently active first, with unread messages and highlights counted
/// after each conversation's read marker.
@Suite struct ConversationListTests {
    let store = try! ChatStore.inMemory()
    var account: AccountID { try! store.account(jid: me) }
    let juliet = try! JID("juliet@example.net")

    @Test func theLatestMessageDecidesTheOrder() throws {
        _ = try store.insert(incoming("a", at: 1_000, from: romeo), account: account)
        _ = try store.insert(incoming("b", at: 2_000, from: juliet), account: account)
        #expect(try store.conversations(account: account).map(\.jid) == [juliet.description, romeo.description])
        _ = try store.enqueue(outgoing("c", at: 3_000, id: "o1"), stanza: "<o1/>", account: account)
        #expect(
            try store.conversations(account: account).map(\.jid) == [romeo.description, juliet.description],
            "our own message counts as activity")
    }

    @Test func olderHistoryFetchedLaterDoesNotMoveAConversationBack() throws {
        _ = try store.insert(incoming("now", at: 50_000), account: account)
        _ = try store.storeArchivePage(
            [incoming("long ago", at: 1_000, stanzaID: "s1")], sync: nil, account: account, direction: .backward)
        #expect(try store.conversations(account: account).first?.lastActivity == 50_000)
    }

    @Test func aMessageStampedAtTheReadMarkerIsRead() throws {
        _ = try store.insert(
            [incoming("x", at: 1_000), incoming("y", at: 2_000), incoming("z", at: 3_000)], account: account)
        try store.markRead(account: account, conversation: romeo, upTo: 2_000)
        #expect(try store.unreadCounts(account: account)[romeo.description] == UnreadCount(messages: 1))
    }

    @Test func theReadMarkerNeverMovesBack() throws {
        _ = try store.insert([incoming("x", at: 1_000), incoming("y", at: 2_000)], account: account)
        try store.markRead(account: account, conversation: romeo, upTo: 2_000)
        // A marker from another of our devices that read less.
        try store.markRead(account: account, conversation: romeo, upTo: 1_000)
        #expect(try store.unreadCounts(account: account).isEmpty)
    }

    @Test func markingAnUnknownConversationReadCreatesNothing() throws {
        try store.markRead(account: account, conversation: juliet, upTo: 1_000)
        #expect(try store.conversations(account: account).isEmpty)
    }

    @Test func onlyIncomingMessagesAreUnread() throws {
        _ = try store.insert(outgoing("mine", at: 1_000, id: "o1"), account: account)
        _ = try store.enqueue(outgoing("also mine", at: 2_000, id: "o2"), stanza: "<o2/>", account: account)
        let summary = try #require(try store.conversations(account: account).first)
        #expect(summary.unread == UnreadCount(messages: 0))
        #expect(try store.unreadCounts(account: account).isEmpty, "only conversations with something unread")
    }

    @Test func eachAccountHasItsOwnList() throws {
        let other = try store.account(jid: try JID("alice@home.example"))
        _ = try store.insert(incoming("to work", at: 1_000), account: account)
        _ = try store.insert(incoming("to home", at: 2_000, from: juliet), account: other)
        #expect(try store.conversations(account: account).map(\.jid) == [romeo.description])
        #expect(try store.conversations(account: other).map(\.jid) == [juliet.description])
        try store.markRead(account: other, conversation: romeo, upTo: 5_000)
        #expect(try store.unreadCounts(account: account)[romeo.description] == UnreadCount(messages: 1))
    }
}
