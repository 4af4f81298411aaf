import ChatModel
import TestSupport
import Testing
import XMPPCore

/// The outbox as the user sees it: a message is shown at once and queued while offline, goes out
/// in the order typed, is confirmed by the server, goes again after a break until it is, and
/// shows why it failed.
@Suite struct OutboxTests {
    /// The bodies and ids of the chat messages the account wrote since the last look, and its
    /// last ping (the acknowledgement it waits for without stream management).
    func written(_ fixture: ModelFixture) -> (messages: [XMLElement], ping: XMLElement?) {
        let elements = fixture.harness.takeWrittenElements()
        return (
            elements.filter { $0.name == "message" && $0.child("body") != nil },
            elements.last { $0.child("ping", namespace: "urn:xmpp:ping") != nil }
        )
    }

    @Test func aMessageTypedOfflineShowsQueuedThenSentThenConfirmed() throws {
        let fixture = ModelFixture()
        fixture.model.submit("/msg romeo@example.net are you up?")
        let window = fixture.model.currentWindow
        #expect(window.messages.map(\.body) == ["are you up?"], "shown at once")
        #expect(window.messages.first?.state == .queued)
        fixture.model.submit("it is the east")
        #expect(window.messages.map(\.state) == [.queued, .queued])
        fixture.connect()
        let (messages, ping) = written(fixture)
        #expect(messages.compactMap { $0.childText("body") } == ["are you up?", "it is the east"])
        #expect(window.messages.map(\.state) == [.sent, .sent])
        fixture.harness.serverSends("<iq type='result' id='\(try #require(ping?.id))' from='example.org'/>")
        #expect(window.messages.map(\.state) == [.acked, .acked])
        #expect(try fixture.store.outbox(account: fixture.account.accountID).isEmpty)
    }

    @Test func messagesToSeveralContactsKeepTheOrderTheyWereTyped() throws {
        let fixture = ModelFixture()
        let feature = fixture.account.feature(MessagingFeature.self)!
        for (index, contact) in ["romeo@example.net", "juliet@example.com", "romeo@example.net"].enumerated() {
            feature.send("message \(index)", to: try JID(contact))
            fixture.scheduler.advance(by: .seconds(index == 1 ? -30 : 1))
        }
        fixture.connect()
        let messages = written(fixture).messages
        #expect(messages.compactMap { $0.childText("body") } == ["message 0", "message 1", "message 2"])
        #expect(
            messages.compactMap { $0[attribute: "to"] } == [
                "romeo@example.net", "juliet@example.com", "romeo@example.net",
            ])
    }

    @Test func anUnconfirmedMessageGoesAgainAfterABreakWithItsID() throws {
        let fixture = ModelFixture()
        fixture.connect()
        _ = fixture.harness.takeWritten()
        fixture.model.submit("/msg romeo@example.net hello")
        let first = try #require(written(fixture).messages.first)
        fixture.harness.perform { $0.transportClosed() }
        fixture.scheduler.advance(by: .zero)
        #expect(fixture.account.status == .online)
        let (again, ping) = written(fixture)
        #expect(again.count == 1)
        #expect(again.first?.id == first.id, "the same id, so the contact's client sees it once")
        #expect(
            again.first?.child("origin-id", namespace: "urn:xmpp:sid:0")?[attribute: "id"]
                == first.child("origin-id", namespace: "urn:xmpp:sid:0")?[attribute: "id"])
        #expect(fixture.model.currentWindow.messages.count == 1, "shown once")
        fixture.harness.serverSends("<iq type='result' id='\(try #require(ping?.id))' from='example.org'/>")
        #expect(fixture.model.currentWindow.messages.first?.state == .acked)
        fixture.harness.perform { $0.transportClosed() }
        fixture.scheduler.advance(by: .seconds(60))
        #expect(written(fixture).messages.isEmpty, "confirmed: not sent again")
    }

    @Test func aServerThatAnswersThePingWithAnErrorStillHasTheMessages() throws {
        let fixture = ModelFixture()
        fixture.connect()
        _ = fixture.harness.takeWritten()
        fixture.model.submit("/msg romeo@example.net hello")
        let ping = try #require(written(fixture).ping)
        fixture.harness.serverSends(
            SessionHarness.iqError(id: ping.id!, from: "example.org", condition: .serviceUnavailable))
        #expect(fixture.model.currentWindow.messages.first?.state == .acked)
        #expect(try fixture.store.outbox(account: fixture.account.accountID).isEmpty)
    }

    @Test func aBouncedMessageShowsWhyAndIsNotSentAgain() throws {
        let fixture = ModelFixture()
        fixture.connect()
        _ = fixture.harness.takeWritten()
        fixture.model.submit("/msg romeo@nowhere.example hello?")
        let sent = try #require(written(fixture).messages.first)
        fixture.harness.serverSends(
            "<message from='romeo@nowhere.example' type='error' id='\(sent.id!)'><error type='cancel'>"
                + "<remote-server-not-found xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></message>")
        let shown = try #require(fixture.model.currentWindow.messages.first)
        #expect(shown.state == .failed)
        #expect(shown.error == "remote-server-not-found")
        #expect(fixture.model.log.last?.text == "message to romeo@nowhere.example failed: remote-server-not-found")
        // The connection breaks before the server's confirmation arrives.
        fixture.harness.perform { $0.transportClosed() }
        fixture.scheduler.advance(by: .zero)
        #expect(written(fixture).messages.isEmpty, "a message the server bounced does not go again")
        #expect(fixture.model.currentWindow.messages.first?.state == .failed)
    }
}
