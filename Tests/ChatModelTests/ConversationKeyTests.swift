import ChatModel
import TestSupport
import Testing
import XMPPCore

/// The same peer on two accounts is two conversations everywhere above the store: requests,
/// typing, presence, windows, search and auto-away.
@Suite struct ConversationKeyTests {
    static let romeo = "<item jid='romeo@example.net' name='Romeo' subscription='both'/>"

    func connected() throws -> ScriptedAccounts {
        let fixture = try ScriptedAccounts([
            (name: "work", jid: "alice@work.example"), (name: "home", jid: "alice@home.example"),
        ])
        for name in ["work", "home"] { fixture.connect(name, rosterItems: ConversationKeyTests.romeo) }
        return fixture
    }

    @Test func aStrangerWaitsOnEachAccountItWroteTo() throws {
        let fixture = try connected()
        fixture.receive("work", from: "nurse@example.com/k", "madam!")
        fixture.receive("home", from: "nurse@example.com/k", "madam!")
        fixture.receive("home", from: "nurse@example.com/k", "madam, I say!")
        #expect(fixture.model.requests(of: "work").map(\.unread) == [1])
        #expect(fixture.model.requests(of: "home").map(\.unread) == [2])
        fixture.model.submit("/msg --account work nurse@example.com what?")
        #expect(fixture.model.requests(of: "work").isEmpty)
        #expect(fixture.model.requests(of: "home").map(\.unread) == [2], "home's is still waiting")
        #expect(fixture.model.log.filter { $0.text.contains("not in your roster") }.map(\.text).count == 2)
        #expect(fixture.model.log.contains { $0.text.hasPrefix("home: nurse@example.com (not in your roster)") })
    }

    @Test func typingAndPresenceArePerAccount() throws {
        let fixture = try connected()
        fixture.harness("work").serverSends(
            "<message from='romeo@example.net/orchard' type='chat'>"
                + "<composing xmlns='http://jabber.org/protocol/chatstates'/></message>")
        fixture.harness("work").serverSends("<presence from='romeo@example.net/orchard'><show>dnd</show></presence>")
        let work = try fixture.key("work", "romeo@example.net")
        let home = try fixture.key("home", "romeo@example.net")
        #expect(fixture.model.typing(in: work) == .composing)
        #expect(fixture.model.typing(in: home) == nil)
        #expect(fixture.model.presence(of: work).0 == .dnd)
        #expect(fixture.model.presence(of: home).0 == .offline)
        #expect(fixture.model.contact(work)?.presence == .dnd)
        #expect(fixture.model.contact(home)?.presence == .offline)
    }

    @Test func closingOneAccountsChatLeavesTheOthers() throws {
        let fixture = try connected()
        fixture.receive("work", from: "romeo@example.net/a", "the report")
        fixture.receive("home", from: "romeo@example.net/a", "dinner")
        let home = try fixture.key("home", "romeo@example.net")
        let work = try fixture.key("work", "romeo@example.net")
        fixture.model.openChat(work, focus: true)
        fixture.model.submit("/close")
        #expect(fixture.model.window(of: work) == nil)
        #expect(fixture.model.window(of: home)?.messages.map(\.body) == ["dinner"])
        #expect(fixture.model.unreadCounts[home] == 1)
    }

    @Test func theConsolesSearchNamesTheAccountOfEachHit() throws {
        let fixture = try connected()
        fixture.receive("work", from: "romeo@example.net/a", "dinner with the team")
        fixture.scheduler.advance(by: .seconds(60))
        fixture.receive("home", from: "romeo@example.net/a", "dinner at eight")
        fixture.model.submit("/search dinner")
        let lines = fixture.model.log.suffix(3).map(\.text)
        #expect(lines.first == "2 messages contain \"dinner\" (newest last):")
        #expect(lines[1].hasSuffix(" [work] romeo@example.net romeo@example.net/a: «dinner» with the team"))
        #expect(lines[2].hasSuffix(" [home] romeo@example.net romeo@example.net/a: «dinner» at eight"))
        fixture.model.submit("/search --account home dinner")
        let one = fixture.model.log.suffix(2).map(\.text)
        #expect(one.first == "1 message contains \"dinner\" (newest last):")
        #expect(one.last?.hasSuffix(" romeo@example.net romeo@example.net/a: «dinner» at eight") == true)
        #expect(one.last?.contains("[home]") == false, "one account: no need to say which")
    }

    @Test func autoAwayComesBackToEachAccountsOwnPresence() throws {
        let fixture = try connected()
        fixture.model.submit("/status --account work dnd in a meeting")
        for name in ["work", "home"] { _ = fixture.harness(name).takeWritten() }
        fixture.scheduler.advance(by: .seconds(16 * 60))
        #expect(!fixture.harness("work").takeWrittenElements().contains { $0.name == "presence" }, "dnd stays")
        #expect(
            fixture.harness("home").takeWrittenElements().first { $0.name == "presence" }?.childText("show") == "away")
        fixture.model.userActivity()
        #expect(!fixture.harness("work").takeWrittenElements().contains { $0.name == "presence" })
        let back = try #require(fixture.harness("home").takeWrittenElements().first { $0.name == "presence" })
        #expect(back.child("show") == nil && back.child("status") == nil)
        #expect(fixture.model.accountRows.map(\.presence) == [.dnd, .online])
        #expect(fixture.model.accountRows.first?.statusMessage == "in a meeting")
    }
}
