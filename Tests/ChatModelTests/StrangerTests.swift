import ChatModel
import TestSupport
import Testing
import XMPPCore

/// Messages from people not in the roster: listed under Requests with their unread count instead
/// of a window each, said in the log a few at a time, and an ordinary chat once opened.
@Suite struct StrangerTests {
    static let romeo = "<item jid='romeo@example.net' subscription='both'/>"

    func connected(_ strangers: StrangerMessages = .requests) -> ModelFixture {
        ModelFixture.connected(rosterItems: StrangerTests.romeo) { $0.account.behaviour.strangers = strangers }
    }

    @Test func aStrangerWaitsUnderRequestsWithWhatTheyWrote() throws {
        let fixture = connected()
        let key = try fixture.key("nurse@example.com")
        fixture.receive(from: "nurse@example.com/kitchen", "madam!")
        fixture.receive(from: "nurse@example.com/kitchen", "your lady mother")
        #expect(fixture.model.windows.count == 1)
        let row = try #require(fixture.model.requests(of: "test").first)
        #expect(row.key == key && row.wrote && !row.askedForPresence && row.unread == 2)
        #expect(
            fixture.model.log.last?.text
                == "nurse@example.com (not in your roster) wrote; the message waits under Requests — /msg nurse@example.com to read it"
        )
        #expect(fixture.model.log.filter { $0.text.contains("not in your roster") }.count == 1, "once per stranger")
        fixture.harness.serverSends("<presence from='nurse@example.com' type='subscribe'/>")
        #expect(fixture.model.request(key).askedForPresence)
        #expect(fixture.model.requests(of: "test").count == 1, "one row for both")
    }

    @Test func afterThreeStrangersOneCountAMinute() throws {
        let fixture = connected()
        func stranger(_ index: Int) { fixture.receive(from: "s\(index)@evil.example/x", "hi") }
        func notes() -> [String] { fixture.model.log.map(\.text).filter { $0.contains("not in your roster") } }
        for index in 1...5 { stranger(index) }
        #expect(notes().count == 4)
        #expect(notes().last == "4 people not in your roster wrote; their messages wait under Requests")
        fixture.scheduler.advance(by: .seconds(59))
        stranger(6)
        #expect(notes().count == 4, "not within the minute")
        fixture.scheduler.advance(by: .seconds(1))
        stranger(7)
        #expect(notes().last == "7 people not in your roster wrote; their messages wait under Requests")
        #expect(fixture.model.requests(of: "test").count == 7, "every one is listed")
    }

    @Test func openingAStrangersChatMakesItAnOrdinaryOne() throws {
        let fixture = connected()
        let key = try fixture.key("nurse@example.com")
        fixture.receive(from: "nurse@example.com/kitchen", "madam!")
        fixture.model.submit("/msg nurse@example.com what is it?")
        #expect(fixture.model.currentWindow.messages.map(\.body) == ["madam!", "what is it?"])
        #expect(fixture.model.requests(of: "test").isEmpty)
        #expect(fixture.model.unreadCounts[key] == nil, "read on screen")
        fixture.model.switchTo(0)
        fixture.receive(from: "nurse@example.com/kitchen", "your mother calls")
        #expect(fixture.model.windows[1].messages.last?.body == "your mother calls")
        #expect(fixture.model.unreadCounts[key] == 1)
        #expect(fixture.model.requests(of: "test").isEmpty, "no longer a request")
    }

    @Test func withWindowsConfiguredAStrangerGetsOne() throws {
        let fixture = connected(.window)
        fixture.receive(from: "nurse@example.com/kitchen", "madam!")
        #expect(fixture.model.windows.count == 2)
        #expect(fixture.model.strangers.isEmpty)
        #expect(!fixture.model.log.contains { $0.text.contains("not in your roster") })
    }

    @Test func aStrangerFromTheArchiveAlsoWaitsUnderRequests() throws {
        let fixture = connected()
        let query = try #require(
            fixture.harness.takeWrittenElements().last { $0.child("query", namespace: "urn:xmpp:mam:2") != nil })
        let queryID = try #require(query.child("query")?[attribute: "queryid"])
        for (id, from) in [("A1", "nurse@example.com/kitchen"), ("A2", "romeo@example.net/orchard")] {
            fixture.harness.serverSends(
                "<message to='alice@example.org/tern'><result xmlns='urn:xmpp:mam:2' queryid='\(queryID)' id='\(id)'>"
                    + "<forwarded xmlns='urn:xmpp:forward:0'><delay xmlns='urn:xmpp:delay' stamp='2010-07-10T23:08:25Z'/>"
                    + "<message xmlns='jabber:client' from='\(from)' to='alice@example.org/tern' type='chat'>"
                    + "<body>while you were away</body></message></forwarded></result></message>")
        }
        fixture.harness.serverSends(
            "<iq type='result' id='\(query.id!)'><fin xmlns='urn:xmpp:mam:2' complete='true'/></iq>")
        #expect(fixture.model.windows.map(\.jid?.description) == [nil, "romeo@example.net"], "a window for romeo only")
        #expect(fixture.model.strangers == [try fixture.key("nurse@example.com")])
        #expect(fixture.model.unreadCounts[try fixture.key("nurse@example.com")] == 1)
    }

    @Test func ourOwnMessageToAStrangerFromAnotherDeviceIsNoRequest() throws {
        let fixture = connected()
        fixture.carbon(
            "sent",
            "<message xmlns='jabber:client' to='nurse@example.com' from='alice@example.org/phone' type='chat'>"
                + "<body>are you there?</body></message>")
        #expect(fixture.model.requests(of: "test").isEmpty)
        #expect(fixture.model.windows.count == 1)
        let stored = try fixture.store.lastMessages(
            account: fixture.account.accountID, conversation: try JID("nurse@example.com"), limit: 5)
        #expect(stored.map(\.body) == ["are you there?"], "kept for when the chat is opened")
    }
}
