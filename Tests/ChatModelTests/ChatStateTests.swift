import ChatModel
import TestSupport
import Testing
import XMPPCore
import XMPPExtensions

/// Chat states (XEP-0085) both ways: what the contact is doing shows in the title, ours follow the
/// input line, only to contacts whose clients use them, and nothing when turned off.
@Suite struct ChatStateTests {
    static let romeo = "<item jid='romeo@example.net' subscription='both'/>"

    func connected(_ configure: (ModelFixture) -> Void = { _ in }) throws -> ModelFixture {
        let fixture = ModelFixture.connected(rosterItems: ChatStateTests.romeo, configure)
        fixture.open(try JID("romeo@example.net"), focus: true)
        _ = fixture.harness.takeWritten()
        return fixture
    }

    /// A standalone notification from romeo (XEP-0085 example 5, to the test account).
    func romeoIs(_ state: String, _ fixture: ModelFixture) {
        fixture.harness.serverSends(
            "<message from='romeo@example.net/orchard' to='alice@example.org/tern' type='chat'>"
                + "<\(state) xmlns='http://jabber.org/protocol/chatstates'/></message>")
    }

    /// The chat states the account sent since the last look.
    func sentStates(_ fixture: ModelFixture) -> [String] {
        fixture.harness.takeWrittenElements().filter { $0.name == "message" }.compactMap { message in
            message.elements.first { $0.namespace == "http://jabber.org/protocol/chatstates" }?.name
        }
    }

    @Test func whatTheContactIsDoingShowsUntilTheirMessage() throws {
        let fixture = try connected()
        let key = try fixture.key("romeo@example.net")
        #expect(fixture.model.typing(in: key) == nil)
        romeoIs("composing", fixture)
        #expect(fixture.model.typing(in: key) == .composing)
        #expect(fixture.changes.last == .title, "the title of the chat on screen")
        romeoIs("paused", fixture)
        #expect(fixture.model.typing(in: key) == .paused)
        romeoIs("inactive", fixture)
        #expect(fixture.model.typing(in: key) == nil, "inactive is not worth showing")
        romeoIs("gone", fixture)
        #expect(fixture.model.typing(in: key) == .gone)
        // XEP-0085 example 4: a message with <active/> ends it.
        fixture.harness.serverSends(
            "<message from='romeo@example.net/orchard' type='chat'><body>Nay, answer me</body>"
                + "<active xmlns='http://jabber.org/protocol/chatstates'/></message>")
        #expect(fixture.model.typing(in: key) == nil)
    }

    @Test func aCopyFromAnotherDeviceSaysNothingAboutTyping() throws {
        let fixture = try connected()
        fixture.carbon(
            "received",
            "<message xmlns='jabber:client' from='romeo@example.net/orchard' to='alice@example.org/phone'"
                + " type='chat'><composing xmlns='http://jabber.org/protocol/chatstates'/></message>")
        #expect(fixture.model.typing(in: try fixture.key("romeo@example.net")) == nil)
        fixture.model.inputChanged("h")
        #expect(sentStates(fixture).isEmpty, "a copy does not show that his client uses them")
    }

    @Test func ourStatesFollowTheInputLine() throws {
        let fixture = try connected()
        romeoIs("active", fixture)
        fixture.model.inputChanged("I")
        fixture.model.inputChanged("I t")
        #expect(sentStates(fixture) == ["composing"])
        fixture.model.inputChanged("")
        #expect(sentStates(fixture) == ["active"], "the line was emptied")
        fixture.model.inputChanged("/status away")
        #expect(sentStates(fixture).isEmpty, "a command is not a message being written")
        fixture.model.inputChanged("//me")
        #expect(sentStates(fixture) == ["composing"], "// starts a message")
        fixture.scheduler.advance(by: .seconds(4))
        fixture.model.inputChanged("//me too")
        fixture.scheduler.advance(by: .seconds(4))
        #expect(sentStates(fixture).isEmpty, "still composing: paused only after five quiet seconds")
        fixture.scheduler.advance(by: .seconds(1))
        #expect(sentStates(fixture) == ["paused"])
        fixture.model.inputChanged("//me too!")
        #expect(sentStates(fixture) == ["composing"], "typing again")
    }

    @Test func noStatesGoOutWhenTurnedOff() throws {
        let fixture = try connected { $0.account.behaviour.sendChatStates = false }
        romeoIs("active", fixture)
        fixture.model.inputChanged("hello")
        fixture.model.submit("hello")
        fixture.model.switchTo(0)
        let written = fixture.harness.takeWrittenElements().filter { $0.name == "message" }
        #expect(written.count == 1)
        #expect(written.first?.childText("body") == "hello")
        #expect(
            !written.contains {
                $0.elements.contains { $0.namespace == "http://jabber.org/protocol/chatstates" }
            })
        #expect(
            fixture.model.typing(in: try fixture.key("romeo@example.net")) == nil,
            "what romeo does is still shown")
    }

    @Test func aClientThatAdvertisesChatStatesGetsThemBeforeSendingAny() throws {
        let fixture = try connected()
        let identity = DiscoInfo.Identity(category: "client", type: "pc", name: "Gajim", lang: nil)
        let features = [
            "http://jabber.org/protocol/chatstates", "http://jabber.org/protocol/disco#info",
        ]
        let ver = EntityCapabilities.verification(
            identities: [identity], features: features, crypto: fixture.harness.session.crypto)
        fixture.harness.serverSends(
            "<presence from='romeo@example.net/orchard'><c xmlns='http://jabber.org/protocol/caps' hash='sha-1'"
                + " node='https://gajim.org' ver='\(ver)'/></presence>")
        let query = try #require(fixture.harness.takeWrittenElements().first { $0.name == "iq" })
        #expect(query[attribute: "to"] == "romeo@example.net/orchard")
        #expect(query.child("query")?[attribute: "node"] == "https://gajim.org#\(ver)")
        fixture.model.inputChanged("h")
        #expect(sentStates(fixture).isEmpty, "not known before the answer")
        fixture.harness.serverSends(
            "<iq type='result' id='\(query.id!)' from='romeo@example.net/orchard'>"
                + "<query xmlns='http://jabber.org/protocol/disco#info' node='https://gajim.org#\(ver)'>"
                + "<identity category='client' type='pc' name='Gajim'/>"
                + features.map { "<feature var='\($0)'/>" }.joined() + "</query></iq>")
        fixture.model.inputChanged("he")
        #expect(sentStates(fixture) == ["composing"])
        #expect(try fixture.store.capabilities()[ver] == Set(features), "kept for the next start")
    }

    @Test func aNewConnectionForgetsWhoUsesChatStates() throws {
        let fixture = try connected()
        romeoIs("composing", fixture)
        fixture.account.disconnect()
        #expect(
            fixture.model.typing(in: try fixture.key("romeo@example.net")) == nil,
            "nobody types to us offline")
        fixture.connect(rosterItems: ChatStateTests.romeo)
        _ = fixture.harness.takeWritten()
        fixture.model.inputChanged("h")
        #expect(sentStates(fixture).isEmpty, "until romeo shows again that his client uses them")
        romeoIs("active", fixture)
        fixture.model.inputChanged("hi")
        #expect(sentStates(fixture) == ["composing"])
    }

    @Test func statesGoToTheResourceThatWrote() throws {
        let fixture = try connected()
        fixture.harness.serverSends(
            "<message from='romeo@example.net/orchard' type='chat'><body>hi</body>"
                + "<active xmlns='http://jabber.org/protocol/chatstates'/></message>")
        fixture.model.inputChanged("h")
        let composing = try #require(
            fixture.harness.takeWrittenElements().first { $0.name == "message" })
        #expect(composing[attribute: "to"] == "romeo@example.net/orchard")
    }
}
