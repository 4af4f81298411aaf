import ChatModel
import TestSupport
import Testing
import XMPPCore

/// What the roster pane, the title line and the chat read from the model: contact rows with their
/// marks, the names shown for senders and chats, and answering a request.
@Suite struct ReadSideTests {
    static let roster =
        "<item jid='romeo@example.net' name='Romeo' subscription='both'><group>Verona</group></item>"
        + "<item jid='juliet@example.com' subscription='none' ask='subscribe'/>"
        + "<item jid='tybalt@example.org' subscription='to'/>"

    @Test func contactRowsCarryWhatTheRosterMarks() throws {
        let fixture = ModelFixture.connected(rosterItems: Self.roster)
        fixture.harness.serverSends(
            "<presence from='romeo@example.net/orchard'><show>away</show><status>in the orchard</status></presence>")
        fixture.receive(from: "romeo@example.net/orchard", "hist!")
        fixture.receive(from: "romeo@example.net/orchard", "Juliet!")
        fixture.model.submit("/mute tybalt@example.org")
        let block = try #require(fixture.harness.takeWrittenElements().first { $0.child("blocklist") != nil })
        fixture.harness.serverSends(
            "<iq type='result' id='\(block.id!)'><blocklist xmlns='urn:xmpp:blocking'>"
                + "<item jid='tybalt@example.org'/></blocklist></iq>")
        let rows = Dictionary(uniqueKeysWithValues: fixture.model.contacts(of: "test").map { ($0.key.address, $0) })
        #expect(rows.count == 3)
        let romeo = try #require(rows["romeo@example.net"])
        #expect(romeo.name == "Romeo" && romeo.groups == ["Verona"])
        #expect(romeo.presence == .away && romeo.statusMessage == "in the orchard")
        #expect(romeo.unread == 2 && !romeo.muted && !romeo.blocked && !romeo.pendingOut)
        let juliet = try #require(rows["juliet@example.com"])
        #expect(juliet.pendingOut && juliet.presence == .offline && juliet.name == nil)
        let tybalt = try #require(rows["tybalt@example.org"])
        #expect(tybalt.muted && tybalt.blocked)
        #expect(fixture.model.contact(try fixture.key("nurse@example.com")) == nil, "not in the roster")
        #expect(fixture.model.contacts(of: "nobody").isEmpty)
        #expect(fixture.model.groups(of: "test") == ["Verona"])
    }

    @Test func sendersAndChatsAreNamedByRosterNameElseLocalPart() throws {
        let fixture = ModelFixture.connected(rosterItems: Self.roster)
        fixture.receive(from: "romeo@example.net/orchard", "from a contact")
        fixture.receive(from: "tybalt@example.org/street", "from one without a name")
        fixture.model.submit("/msg romeo@example.net from me")
        let romeo = fixture.model.currentWindow.messages
        #expect(romeo.map { fixture.model.senderName(of: $0, account: "test") } == ["Romeo", "alice"])
        let tybalt = try #require(fixture.model.window(of: try fixture.key("tybalt@example.org")))
        #expect(tybalt.messages.map { fixture.model.senderName(of: $0, account: "test") } == ["tybalt"])
        #expect(fixture.model.displayName(of: try fixture.key("romeo@example.net")) == "Romeo")
        #expect(fixture.model.displayName(of: try fixture.key("tybalt@example.org")) == "tybalt@example.org")
        #expect(
            fixture.model.displayName(of: ConversationKey(account: "gone", jid: try JID("romeo@example.net")))
                == "romeo@example.net", "an account that is not configured")
    }

    @Test func allowingARequestAlsoAsksToSeeTheirsUnlessWeDo() throws {
        let fixture = ModelFixture.connected(rosterItems: Self.roster)
        _ = fixture.harness.takeWritten()
        for contact in ["nurse@example.com", "tybalt@example.org", "juliet@example.com"] {
            fixture.harness.serverSends("<presence from='\(contact)' type='subscribe'/>")
        }
        #expect(
            fixture.model.requests(of: "test").map(\.key.address)
                == ["juliet@example.com", "nurse@example.com", "tybalt@example.org"], "in order")
        #expect(fixture.model.requests(of: "test").allSatisfy { $0.askedForPresence && !$0.wrote })
        func answered(_ line: String) -> [String] {
            fixture.model.submit(line)
            return fixture.harness.takeWrittenElements().map {
                "\($0[attribute: "type"] ?? "") \($0[attribute: "to"] ?? "")"
            }
        }
        #expect(
            answered("/sub allow nurse@example.com")
                == ["subscribed nurse@example.com", "subscribe nurse@example.com"], "a stranger: we ask back")
        #expect(answered("/sub allow tybalt@example.org") == ["subscribed tybalt@example.org"], "we see him already")
        #expect(answered("/sub allow juliet@example.com") == ["subscribed juliet@example.com"], "we asked already")
        #expect(fixture.model.requests(of: "test").isEmpty)
        #expect(
            answered("/sub allow romeo@example.net") == ["subscribed romeo@example.net"], "a pre-approval asks nothing")
    }
}
