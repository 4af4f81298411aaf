import ChatModel
import ChatStore
import TestSupport
import Testing
import XMPPCore

/// Message references (`N`, `#ID`), shared by every message-action command.
@Suite struct MessageReferenceTests {
    @Test(
        arguments: [
            ("1", MessageReference.fromNewest(1)), ("12", .fromNewest(12)), ("#123", .id(123)), ("0", nil), ("-1", nil),
            ("#", nil), ("#x", nil), ("#0", nil), ("👍", nil), ("١", nil), ("1a", nil),
        ] as [(String, MessageReference?)])
    func aReferenceIsANumberOrAnID(text: String, expected: MessageReference?) {
        #expect(MessageReference(parsing: text) == expected)
    }

    @Test func aWordThatIsNoReferenceStartsTheText() {
        #expect(MessageReference.split("2", "me too") == (.fromNewest(2), "me too"))
        #expect(MessageReference.split("#7", nil) == (.id(7), ""))
        #expect(MessageReference.split("me", "too") == (nil, "me too"))
        #expect(MessageReference.split("👍", nil) == (nil, "👍"))
        #expect(MessageReference.split(nil, nil) == (nil, ""))
    }

    /// `N` counts messages from the newest; `#ID` must be a message of this window's
    /// conversation: a store id from another chat names nothing here.
    @Test func referencesResolveOnlyInTheCurrentConversation() throws {
        let fixture = ModelFixture.connected(rosterItems: MessageActionTests.romeo)
        fixture.receive(from: "mallory@example.net/x", "mallory's", id: "m1")
        let mallorys = try #require(
            try fixture.store.lastMessages(
                account: fixture.account.accountID, conversation: try JID("mallory@example.net"), limit: 1
            ).first)
        fixture.open(try JID("romeo@example.net"), focus: true)
        fixture.receive(from: "romeo@example.net/orchard", "first", id: "r1")
        fixture.receive(from: "romeo@example.net/orchard", "second", id: "r2")
        _ = fixture.harness.takeWritten()
        fixture.model.submit("/react #\(mallorys.id) 👍")
        #expect(
            fixture.model.noticesOf(fixture.model.currentWindow).last?.text
                == "there is no message #\(mallorys.id) here")
        fixture.model.submit("/react 3 👍")
        #expect(fixture.model.noticesOf(fixture.model.currentWindow).last?.text == "there are only 2 messages here")
        fixture.model.submit("/react 2 👍")
        let sent = fixture.harness.takeWrittenElements().filter { $0.name == "message" }
        #expect(
            sent.compactMap { $0.child("reactions", namespace: "urn:xmpp:reactions:0")?[attribute: "id"] } == ["r1"])
    }
}
