import ChatModel
import TestSupport
import Testing
import XMPPCore

/// XEP-0280 §6.1's room rules, as a client meets them: carbons of invitations, of our own
/// invitations, and of private messages through rooms we are and are not in.
@Suite struct RoomCarbonTests {
    let rooms = RoomTests()
    static let me = "hag66@shakespeare.lit"

    /// A carbon of `inner`, from our own account (or from `from`, a forger).
    func carbon(_ direction: String, _ inner: String, from: String = me) -> String {
        "<message from='\(from)' to='\(Self.me)/tern' type='chat'>"
            + "<\(direction) xmlns='urn:xmpp:carbons:2'><forwarded xmlns='urn:xmpp:forward:0'>"
            + inner + "</forwarded></\(direction)></message>"
    }

    func stored(_ fixture: ScriptedAccounts, _ conversation: String) throws -> [String] {
        try rooms.stored(fixture, conversation).map(\.body)
    }

    @Test func anInvitationAnotherDeviceReceivedIsListedHereToo() throws {
        let fixture = try rooms.connected()
        let invitation =
            "<message from='crone1@shakespeare.lit/desktop' to='\(Self.me)/phone'><body>join us</body>"
            + "<x xmlns='jabber:x:conference' jid='darkcave@macbeth.shakespeare.lit'/></message>"
        fixture.harness("main").serverSends(carbon("received", invitation))
        #expect(fixture.model.invitations(of: "main").map(\.key.address) == ["darkcave@macbeth.shakespeare.lit"])
        #expect(try stored(fixture, "crone1@shakespeare.lit").isEmpty, "the fallback body is no chat line")
        // Only our own account's copies count (XEP-0280 §11).
        fixture.harness("main").serverSends(
            carbon(
                "received", invitation.replacingOccurrences(of: "darkcave", with: "lure"), from: "mallory@evil.example")
        )
        #expect(fixture.model.invitations(of: "main").count == 1)
    }

    @Test func ourOwnInvitationsAndDeclinesSentElsewhereAreNoChatLines() throws {
        let fixture = try rooms.connected()
        let harness = fixture.harness("main")
        harness.serverSends(
            carbon(
                "sent",
                "<message from='\(Self.me)/phone' to='hecate@shakespeare.lit'><body>come</body>"
                    + "<x xmlns='jabber:x:conference' jid='\(RoomTests.room)'/></message>"))
        harness.serverSends(
            carbon(
                "sent",
                "<message from='\(Self.me)/phone' to='\(RoomTests.room)'><x xmlns='http://jabber.org/protocol/muc#user'>"
                    + "<decline to='crone1@shakespeare.lit'/></x></message>"))
        #expect(try stored(fixture, "hecate@shakespeare.lit").isEmpty)
        #expect(try stored(fixture, RoomTests.room).isEmpty)
        #expect(fixture.model.invitations(of: "main").isEmpty, "what we sent is no invitation to us")
    }

    @Test func aPrivateMessageThroughARoomWeAreInIsItsOwnChat() throws {
        let fixture = try rooms.connected()
        try rooms.enter(fixture)
        let harness = fixture.harness("main")
        harness.serverSends(
            carbon(
                "sent",
                "<message from='\(Self.me)/phone' to='\(RoomTests.room)/firstwitch' type='chat'>"
                    + "<body>from my phone</body><x xmlns='http://jabber.org/protocol/muc#user'/></message>"))
        #expect(try stored(fixture, "\(RoomTests.room)/firstwitch") == ["from my phone"])
        #expect(try stored(fixture, RoomTests.room).isEmpty)
    }

    /// §6.1: a client cannot answer a private message through a room it is not in, and must not
    /// take it for a chat with the room: it is ignored.
    @Test func aPrivateMessageThroughARoomWeAreNotInIsIgnored() throws {
        let fixture = try rooms.connected()
        let harness = fixture.harness("main")
        let room = "forres@chat.shakespeare.lit"
        harness.serverSends(
            carbon(
                "sent",
                "<message from='\(Self.me)/phone' to='\(room)/banquo' type='chat'>"
                    + "<body>psst</body><x xmlns='http://jabber.org/protocol/muc#user'/></message>"))
        harness.serverSends(
            carbon(
                "received",
                "<message from='\(room)/banquo' to='\(Self.me)/phone' type='chat'>"
                    + "<body>psst back</body><x xmlns='http://jabber.org/protocol/muc#user'/></message>"))
        #expect(try stored(fixture, room).isEmpty)
        #expect(try stored(fixture, "\(room)/banquo").isEmpty)
        #expect(fixture.model.window(of: try fixture.key("main", room)) == nil)
    }
}
