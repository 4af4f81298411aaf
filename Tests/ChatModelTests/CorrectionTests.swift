import ChatModel
import TestSupport
import Testing
import XMPPCore

/// Last message correction (XEP-0308) as the user does it: /correct, and Up on an empty line,
/// change only our last message typed here.
@Suite struct CorrectionTests {
    static let romeo = "<item jid='romeo@example.net' subscription='both'/>"

    func chatting() throws -> ModelFixture {
        let fixture = ModelFixture.connected(rosterItems: CorrectionTests.romeo)
        fixture.open(try JID("romeo@example.net"), focus: true)
        _ = fixture.harness.takeWritten()
        return fixture
    }

    func sentMessages(_ fixture: ModelFixture) -> [XMLElement] {
        fixture.harness.takeWrittenElements().filter { $0.name == "message" }
    }

    @Test func onlyTheLastMessageIsCorrectedAndAlwaysByItsFirstID() throws {
        let fixture = try chatting()
        fixture.model.submit("But soft, what light")
        fixture.model.submit("through yonder airlock breaks?")
        let original = try #require(sentMessages(fixture).last)
        fixture.receive(from: "romeo@example.net/orchard", "an airlock?")
        fixture.model.submit("/correct through yonder door breaks?")
        fixture.model.submit("/correct through yonder window breaks?")
        let corrections = sentMessages(fixture)
        #expect(corrections.count == 2)
        // XEP-0308 §5: each correction names the original, never an earlier correction.
        #expect(
            corrections.map {
                $0.child("replace", namespace: "urn:xmpp:message-correct:0")?[attribute: "id"]
            }
                == [original.id, original.id])
        #expect(Set(corrections.map(\.id)).count == 2, "each with a new id")
        #expect(!corrections.contains { $0.id == original.id })
        #expect(
            fixture.model.currentWindow.messages.map(\.body)
                == ["But soft, what light", "through yonder window breaks?", "an airlock?"])
        #expect(fixture.model.currentWindow.messages[1].isCorrected)
        #expect(!fixture.model.currentWindow.messages[0].isCorrected)
    }

    @Test func upOnAnEmptyLineOffersTheTextOfOurLastMessage() throws {
        let fixture = try chatting()
        let key = try fixture.key("romeo@example.net")
        #expect(fixture.model.lastCorrectableText(in: key) == nil, "nothing sent yet")
        fixture.model.submit("helo")
        fixture.receive(from: "romeo@example.net/orchard", "hello to you")
        #expect(
            fixture.model.lastCorrectableText(in: key) == "helo", "the contact's reply does not count")
        fixture.model.submit("/correct hello")
        #expect(
            fixture.model.lastCorrectableText(in: key) == "hello", "the corrected text, to correct again")
    }

    @Test func afterAMessageFromAnotherDeviceThereIsNothingToCorrectHere() throws {
        let fixture = try chatting()
        let key = try fixture.key("romeo@example.net")
        fixture.model.submit("from here")
        fixture.carbon(
            "sent",
            "<message xmlns='jabber:client' to='romeo@example.net/orchard' from='alice@example.org/phone'"
                + " type='chat' id='phone-1'><body>from my phone</body></message>")
        _ = fixture.harness.takeWritten()
        #expect(fixture.model.lastCorrectableText(in: key) == nil)
        fixture.model.submit("/correct from here, corrected")
        #expect(sentMessages(fixture).isEmpty, "the phone's message is not ours to change from here")
        #expect(
            fixture.model.noticesOf(fixture.model.currentWindow).last?.text
                == "there is no message of yours here to correct")
        #expect(fixture.model.currentWindow.messages.map(\.body) == ["from here", "from my phone"])
    }

    @Test func aFailedMessageIsPassedOver() throws {
        let fixture = try chatting()
        fixture.model.submit("delivered")
        fixture.model.submit("bounced")
        let bounced = try #require(sentMessages(fixture).last)
        fixture.harness.serverSends(
            "<message from='romeo@example.net' type='error' id='\(bounced.id!)'><error type='cancel'>"
                + "<service-unavailable xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></message>")
        #expect(
            fixture.model.lastCorrectableText(in: try fixture.key("romeo@example.net")) == "delivered")
    }

    @Test func aCorrectionTypedOfflineWaitsInTheOutbox() throws {
        let fixture = try chatting()
        fixture.model.submit("see you at nine")
        let original = try #require(sentMessages(fixture).first)
        fixture.account.disconnect()
        fixture.model.submit("/correct see you at ten")
        #expect(fixture.model.currentWindow.messages.map(\.body) == ["see you at ten"], "shown at once")
        fixture.connect(rosterItems: CorrectionTests.romeo)
        let correction = try #require(
            sentMessages(fixture).first { $0.childText("body") == "see you at ten" })
        #expect(correction.child("replace")?[attribute: "id"] == original.id)
    }

    @Test func correctionWorksOnlyInAChat() throws {
        let fixture = ModelFixture()
        fixture.connect()
        fixture.model.submit("/correct oops")
        #expect(fixture.model.log.last?.text == "/correct works in a chat window")
        fixture.open(try JID("romeo@example.net"), focus: true)
        fixture.model.submit("/correct oops")
        #expect(
            fixture.model.noticesOf(fixture.model.currentWindow).last?.text
                == "there is no message of yours here to correct")
        #expect(fixture.model.log.last?.text == "there is no message to romeo@example.net to correct")
        #expect(fixture.model.currentWindow.messages.isEmpty)
    }
}
