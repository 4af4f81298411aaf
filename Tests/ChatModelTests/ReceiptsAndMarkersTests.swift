import ChatModel
import TestSupport
import Testing
import XMPPCore

/// Delivery receipts (XEP-0184) and displayed markers (XEP-0333) as the account sends and reads
/// them: only to contacts, only for messages first received live, never for our own messages, and
/// not at all when configured off.
@Suite struct ReceiptsAndMarkersTests {
    static let romeo = "<item jid='romeo@example.net' subscription='both'/>"

    func connected(_ configure: (ModelFixture) -> Void = { _ in }) -> ModelFixture {
        let fixture = ModelFixture.connected(rosterItems: ReceiptsAndMarkersTests.romeo, configure)
        _ = fixture.harness.takeWritten()
        return fixture
    }

    /// Messages the account wrote since the last look.
    func sentMessages(_ fixture: ModelFixture) -> [XMLElement] {
        fixture.harness.takeWrittenElements().filter { $0.name == "message" }
    }

    /// XEP-0333 example 3, from a contact of the test account.
    let markable =
        "<message to='alice@example.org' from='romeo@example.net/orchard' id='the-msg-1' type='chat'>"
        + "<body>Hi. How are you?</body><markable xmlns='urn:xmpp:chat-markers:0'/>"
        + "<request xmlns='urn:xmpp:receipts'/></message>"

    @Test func noReceiptOrMarkerGoesOutWhenTurnedOff() throws {
        let fixture = connected {
            $0.account.behaviour.sendReceipts = false
            $0.account.behaviour.sendMarkers = false
        }
        fixture.harness.serverSends(markable)
        fixture.model.switchTo(1)
        #expect(sentMessages(fixture).isEmpty, "neither a receipt nor a displayed marker")
        let stored = try fixture.store.lastMessages(
            account: fixture.account.accountID, conversation: try JID("romeo@example.net"), limit: 1)
        #expect(stored.map(\.body) == ["Hi. How are you?"], "the message itself is kept")
    }

    @Test func aReceiptAnswersOnlyALiveMessageThatHasAnID() throws {
        let fixture = connected()
        fixture.harness.serverSends(
            "<message from='romeo@example.net/orchard' type='chat'><body>no id</body>"
                + "<request xmlns='urn:xmpp:receipts'/></message>")
        #expect(sentMessages(fixture).isEmpty, "nothing to echo")
        // XEP-0280 example 10 with a request: our other device got it and answers for itself.
        fixture.carbon(
            "received",
            "<message xmlns='jabber:client' from='romeo@example.net/orchard' to='alice@example.org/phone'"
                + " type='chat' id='c-1'><body>to your phone</body><request xmlns='urn:xmpp:receipts'/></message>"
        )
        #expect(sentMessages(fixture).isEmpty, "a copy is not a delivery to us")
        fixture.harness.serverSends(
            "<message from='romeo@example.net/orchard' type='chat' id='live-1'>"
                + "<request xmlns='urn:xmpp:receipts'/><composing xmlns='http://jabber.org/protocol/chatstates'/></message>"
        )
        #expect(sentMessages(fixture).isEmpty, "no content, no receipt")
    }

    @Test func anArchivedMessageIsNeverAcknowledged() throws {
        let fixture = ModelFixture()
        fixture.connect(rosterItems: ReceiptsAndMarkersTests.romeo)
        let query = try #require(
            fixture.harness.takeWrittenElements().last {
                $0.child("query", namespace: "urn:xmpp:mam:2") != nil
            })
        let queryID = try #require(query.child("query")?[attribute: "queryid"])
        // XEP-0184 §5.4: no receipt for what the archive brings.
        fixture.harness.serverSends(
            "<message to='alice@example.org/tern'><result xmlns='urn:xmpp:mam:2' queryid='\(queryID)' id='A1'>"
                + "<forwarded xmlns='urn:xmpp:forward:0'><delay xmlns='urn:xmpp:delay' stamp='2010-07-10T23:08:25Z'/>"
                + markable.replacingOccurrences(of: "<message ", with: "<message xmlns='jabber:client' ")
                + "</forwarded></result></message>")
        fixture.harness.serverSends(
            "<iq type='result' id='\(query.id!)'><fin xmlns='urn:xmpp:mam:2' complete='true'/></iq>")
        let window = try #require(fixture.model.window(of: try fixture.key("romeo@example.net")))
        #expect(window.messages.map(\.body) == ["Hi. How are you?"])
        fixture.model.switchTo(1)
        #expect(
            !sentMessages(fixture).contains {
                $0.child("received", namespace: "urn:xmpp:receipts") != nil
            })
    }

    @Test func theDisplayedMarkerIsSentAtOnceForTheChatOnScreen() throws {
        let fixture = connected()
        fixture.open(try JID("romeo@example.net"), focus: true)
        fixture.harness.serverSends(markable)
        let sent = sentMessages(fixture)
        #expect(sent.count == 2, "the receipt and the marker: \(sent.map { $0.serialized() })")
        #expect(
            sent.contains {
                $0.matches(
                    "<message to='romeo@example.net/orchard' id='*'><received xmlns='urn:xmpp:receipts' id='the-msg-1'/></message>"
                )
            })
        #expect(sent.contains { $0.child("displayed")?[attribute: "id"] == "the-msg-1" })
    }

    @Test func onlyTheNewestMarkableMessageIsMarkedAndOnlyOnce() throws {
        let fixture = connected { $0.account.behaviour.sendReceipts = false }
        for index in 1...3 {
            fixture.harness.serverSends(
                "<message from='romeo@example.net/orchard' type='chat' id='m-\(index)'><body>\(index)</body>"
                    + "<markable xmlns='urn:xmpp:chat-markers:0'/></message>")
        }
        fixture.harness.serverSends(
            "<message from='romeo@example.net/orchard' type='chat' id='plain'><body>not markable</body></message>"
        )
        #expect(sentMessages(fixture).isEmpty, "not on screen yet")
        fixture.model.switchTo(1)
        let markers = sentMessages(fixture).compactMap { $0.child("displayed")?[attribute: "id"] }
        #expect(markers == ["m-3"], "XEP-0333 §5: the most recent one stands for those before it")
        fixture.model.switchTo(0)
        fixture.model.switchTo(1)
        #expect(sentMessages(fixture).isEmpty, "already told")
    }

    @Test func aChatScrolledBackIsMarkedWhenItsEndIsShown() throws {
        let fixture = connected { $0.account.behaviour.sendReceipts = false }
        fixture.open(try JID("romeo@example.net"), focus: true)
        fixture.receive(from: "romeo@example.net/orchard", "first")
        let window = fixture.model.currentWindow
        window.scrollAnchor = ChatWindow.ScrollAnchor(
            messageID: window.messages[0].id, linesHiddenBelow: 0)
        fixture.harness.serverSends(markable)
        #expect(sentMessages(fixture).isEmpty, "not seen while scrolled back")
        fixture.model.scrollToEnd()
        #expect(sentMessages(fixture).first?.child("displayed")?[attribute: "id"] == "the-msg-1")
    }

    @Test func ourOwnMessagesFromAnotherDeviceAreNeverMarkedDisplayed() throws {
        let fixture = connected { $0.account.behaviour.sendReceipts = false }
        fixture.harness.serverSends(
            "<message from='romeo@example.net/orchard' type='chat' id='his-1'><body>well?</body>"
                + "<markable xmlns='urn:xmpp:chat-markers:0'/></message>")
        // XEP-0280 example 13: what our phone sent him, markable as every client makes them.
        fixture.carbon(
            "sent",
            "<message xmlns='jabber:client' to='romeo@example.net/orchard' from='alice@example.org/phone'"
                + " type='chat' id='mine-1'><body>fine</body><markable xmlns='urn:xmpp:chat-markers:0'/></message>"
        )
        fixture.model.switchTo(1)
        let markers = sentMessages(fixture).compactMap { $0.child("displayed")?[attribute: "id"] }
        #expect(markers == ["his-1"], "XEP-0333 §5: never a marker for our own message")
        fixture.carbon(
            "sent",
            "<message xmlns='jabber:client' to='romeo@example.net/orchard' from='alice@example.org/phone'"
                + " type='chat' id='mine-2'><body>and you?</body><markable xmlns='urn:xmpp:chat-markers:0'/></message>"
        )
        #expect(sentMessages(fixture).isEmpty, "not even with the chat on screen")
    }

    @Test func aLateReceiptDoesNotUndoDisplayed() throws {
        let fixture = connected()
        fixture.model.submit("/msg romeo@example.net hello")
        let window = fixture.model.currentWindow
        let id = try #require(window.messages.last?.id)
        let sent = try #require(sentMessages(fixture).first)
        fixture.harness.serverSends(
            "<message from='romeo@example.net/orchard' type='chat'>"
                + "<displayed xmlns='urn:xmpp:chat-markers:0' id='\(sent.id!)'/></message>")
        fixture.harness.serverSends(
            "<message from='romeo@example.net/orchard'><received xmlns='urn:xmpp:receipts' id='\(sent.id!)'/></message>"
        )
        #expect(try fixture.store.message(id: id)?.state == .displayed)
        #expect(window.messages.last?.state == .displayed, "what the chat shows")
    }

    @Test func aReceiptForAnotherConversationsMessageChangesNothing() throws {
        let fixture = connected()
        let juliet = try JID("juliet@example.com")
        let id = try #require(
            fixture.account.feature(MessagingFeature.self)!.send("for juliet", to: juliet))
        let sent = try #require(sentMessages(fixture).first)
        fixture.harness.serverSends(
            "<message from='romeo@example.net/orchard'><received xmlns='urn:xmpp:receipts' id='\(sent.id!)'/></message>"
        )
        fixture.harness.serverSends(
            "<message from='romeo@example.net/orchard' type='chat'>"
                + "<displayed xmlns='urn:xmpp:chat-markers:0' id='\(sent.id!)'/></message>")
        #expect(try fixture.store.message(id: id)?.state == .sent, "only juliet can confirm hers")
    }
}
