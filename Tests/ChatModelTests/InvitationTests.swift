import ChatModel
import TestSupport
import Testing
import XMPPCore

/// Invitations to rooms both ways (XEP-0249 direct, XEP-0045 §7.8.2 mediated), with the XEPs'
/// examples: shown, never acted on until the user answers, and bounded.
@Suite struct InvitationTests {
    let rooms = RoomTests()
    static let room = "darkcave@macbeth.shakespeare.lit"
    static let crone = "<item jid='crone1@shakespeare.lit' subscription='both'/>"

    /// hecate, with crone1 in the roster.
    func connected() throws -> ScriptedAccounts {
        let fixture = try ScriptedAccounts([(name: "main", jid: "hecate@shakespeare.lit")])
        fixture.connect("main", rosterItems: Self.crone)
        _ = fixture.harness("main").takeWritten()
        return fixture
    }

    func invitations(_ fixture: ScriptedAccounts) -> [InvitationRow] { fixture.model.invitations(of: "main") }

    /// XEP-0249 Example 1.
    static func direct(from: String = "crone1@shakespeare.lit/desktop", room: String = room) -> String {
        "<message from='\(from)' to='hecate@shakespeare.lit'>"
            + "<x xmlns='jabber:x:conference' jid='\(room)' password='cauldronburn'"
            + " reason='Hey Hecate, this is the place for all good witches!'/></message>"
    }

    /// XEP-0045 Example 57, as the room passes it on.
    static let mediated =
        "<message from='coven@chat.shakespeare.lit' id='nzd143v8' to='hecate@shakespeare.lit'>"
        + "<x xmlns='http://jabber.org/protocol/muc#user'><invite from='crone1@shakespeare.lit/desktop'>"
        + "<reason>Hey Hecate, this is the place for all good witches!</reason></invite>"
        + "<password>cauldronburn</password></x></message>"

    @Test func aDirectInvitationWaitsForTheUserAndAcceptingItEntersTheRoom() throws {
        let fixture = try connected()
        let harness = fixture.harness("main")
        // Clients put a fallback body in for those that do not know invitations: it is no chat.
        harness.serverSends(
            Self.direct().replacingOccurrences(
                of: "<x ", with: "<body>crone1 invites you to darkcave</body><x "))
        #expect(
            try fixture.store.lastMessages(
                account: fixture.account("main").accountID, conversation: JID("crone1@shakespeare.lit"), limit: 10
            ).isEmpty)
        let shown = try #require(invitations(fixture).first)
        #expect(invitations(fixture).count == 1)
        #expect(shown.key == (try fixture.key("main", Self.room)))
        #expect(shown.inviter == "crone1@shakespeare.lit/desktop")
        #expect(shown.reason == "Hey Hecate, this is the place for all good witches!")
        #expect(!shown.throughRoom)
        #expect(harness.takeWrittenElements().isEmpty, "nothing is joined before the user says so")
        let line = try #require(fixture.model.log.last?.text)
        #expect(line.contains("crone1@shakespeare.lit/desktop invites you to \(Self.room)"))
        #expect(line.contains("/accept \(Self.room)"))

        fixture.model.acceptInvitation(try fixture.key("main", Self.room))
        let join = try #require(
            rooms.answerDisco(fixture, room: Self.room, features: []).first { $0.name == "presence" })
        #expect(join[attribute: "to"] == "\(Self.room)/hecate")
        #expect(
            join.child("x", namespace: "http://jabber.org/protocol/muc")?.childText(
                "password", namespace: "http://jabber.org/protocol/muc") == "cauldronburn")
        #expect(invitations(fixture).isEmpty)
        #expect(fixture.model.currentWindow.conversation == (try fixture.key("main", Self.room)))
    }

    /// XEP-0045 Examples 57-58: declining a mediated invitation tells the inviter through the
    /// room; a direct one is declined by ignoring it (XEP-0249 §2).
    @Test func decliningAMediatedInvitationTellsTheInviterThroughTheRoom() throws {
        let fixture = try connected()
        let harness = fixture.harness("main")
        harness.serverSends(Self.mediated)
        #expect(invitations(fixture).first?.throughRoom == true)
        fixture.model.submit("/decline coven@chat.shakespeare.lit Sorry, I'm too busy right now.")
        let decline = try #require(harness.takeWrittenElements().first)
        #expect(
            decline.matches(
                "<message to='coven@chat.shakespeare.lit' id='*'><x xmlns='http://jabber.org/protocol/muc#user'>"
                    + "<decline to='crone1@shakespeare.lit/desktop'><reason>Sorry, I'm too busy right now.</reason>"
                    + "</decline></x></message>"))
        #expect(invitations(fixture).isEmpty)

        harness.serverSends(Self.direct())
        fixture.model.submit("/decline")
        #expect(harness.takeWrittenElements().isEmpty, "a direct invitation is declined by ignoring it")
        #expect(invitations(fixture).isEmpty)
        fixture.model.submit("/accept")
        #expect(fixture.model.log.last?.text.contains("no invitation waits") == true)
    }

    @Test func aStrangersInvitationIsMarkedOrDroppedAsTheAccountSays() throws {
        let fixture = try connected()
        let harness = fixture.harness("main")
        harness.serverSends(Self.direct(from: "mallory@evil.example/x", room: "lure@evil.example"))
        #expect(
            fixture.model.log.last?.text.hasPrefix("mallory@evil.example/x (not in your roster) invites you") == true)
        #expect(invitations(fixture).map(\.key.address) == ["lure@evil.example"])
        fixture.account("main").behaviour.strangers = .drop
        harness.serverSends(Self.direct(from: "mallory@evil.example/x", room: "trap@evil.example"))
        #expect(invitations(fixture).map(\.key.address) == ["lure@evil.example"])
        #expect(harness.takeWrittenElements().isEmpty, "nothing is joined")
    }

    @Test func aFloodOfInvitationsKeepsOnlyTheNewestTwenty() throws {
        let fixture = try connected()
        let harness = fixture.harness("main")
        for index in 1...30 { harness.serverSends(Self.direct(room: "room\(index)@chat.shakespeare.lit")) }
        // The same room again replaces its invitation rather than adding one.
        harness.serverSends(Self.direct(room: "room30@chat.shakespeare.lit"))
        let shown = invitations(fixture).map(\.key.address)
        #expect(shown == (11...30).reversed().map { "room\($0)@chat.shakespeare.lit" })
    }

    @Test func anInvitationThatNamesNoRoomIsDropped() throws {
        let fixture = try connected()
        let harness = fixture.harness("main")
        harness.serverSends(Self.direct(room: "chat.shakespeare.lit"))
        harness.serverSends(Self.direct(room: "hecate@shakespeare.lit"))
        harness.serverSends(
            "<message from='crone1@shakespeare.lit/desktop'><x xmlns='jabber:x:conference' jid='not a jid@@'/></message>"
        )
        #expect(invitations(fixture).isEmpty)
    }

    /// XEP-0045 §7.8.2: a members-only room passes our invitation on (Example 56); another room's
    /// goes directly (XEP-0249 Example 1), with the room's password.
    @Test func inviteGoesThroughAMembersOnlyRoomAndDirectlyOtherwise() throws {
        let fixture = try rooms.connected()
        let harness = fixture.harness("main")
        try rooms.enter(fixture, features: ["muc_membersonly"])
        fixture.model.openChat(try fixture.key("main", RoomTests.room), focus: true)
        _ = harness.takeWritten()
        fixture.model.submit("/invite hecate@shakespeare.lit Hey Hecate, this is the place for all good witches!")
        let mediated = try #require(harness.takeWrittenElements().first)
        #expect(
            mediated.matches(
                "<message to='\(RoomTests.room)' id='*'><x xmlns='http://jabber.org/protocol/muc#user'>"
                    + "<invite to='hecate@shakespeare.lit'><reason>Hey Hecate, this is the place for all good"
                    + " witches!</reason></invite></x></message>"))

        let open = "heath@chat.shakespeare.lit"
        rooms.rooms(fixture).join(try JID(open), nick: "thirdwitch", password: "cauldronburn")
        _ = try rooms.answerDisco(fixture, room: open, features: [])
        harness.serverSends(rooms.presence("thirdwitch", codes: [110], room: open))
        fixture.model.openChat(try fixture.key("main", open), focus: true)
        _ = harness.takeWritten()
        fixture.model.submit("/invite hecate@shakespeare.lit")
        let direct = try #require(harness.takeWrittenElements().first)
        #expect(
            direct.matches(
                "<message to='hecate@shakespeare.lit' id='*'><x xmlns='jabber:x:conference' jid='\(open)'"
                    + " password='cauldronburn'/></message>"))
        fixture.model.submit("/invite not a jid")
        #expect(fixture.model.noticesOf(fixture.model.currentWindow).last?.text.contains("is not a JID") == true)
    }

    /// XEP-0045 Example 59: the room tells us the invitee declined; only a room we know may.
    @Test func aDeclineShowsInTheRoomsWindow() throws {
        let fixture = try rooms.connected()
        let harness = fixture.harness("main")
        try rooms.enter(fixture)
        harness.serverSends(
            "<message from='\(RoomTests.room)' id='jk2vs61v' to='hag66@shakespeare.lit/pda'>"
                + "<x xmlns='http://jabber.org/protocol/muc#user'><decline from='hecate@shakespeare.lit'>"
                + "<reason>Sorry, I'm too busy right now.</reason></decline></x></message>")
        harness.serverSends(
            "<message from='lure@evil.example'><x xmlns='http://jabber.org/protocol/muc#user'>"
                + "<decline from='hecate@shakespeare.lit'/></x></message>")
        let key = try fixture.key("main", RoomTests.room)
        let notices = fixture.model.window(of: key).map { fixture.model.noticesOf($0).map(\.text) } ?? []
        #expect(notices.contains("hecate@shakespeare.lit declined your invitation: Sorry, I'm too busy right now."))
        #expect(fixture.model.window(of: try fixture.key("main", "lure@evil.example")) == nil)
    }

    /// XEP-0249 §3: our disco#info lists direct invitations.
    @Test func weSayWeTakeDirectInvitations() throws {
        let fixture = try connected()
        let harness = fixture.harness("main")
        harness.serverSends(
            "<iq type='get' id='disco1' from='crone1@shakespeare.lit/desktop'>"
                + "<query xmlns='http://jabber.org/protocol/disco#info'/></iq>")
        let answer = try #require(harness.takeWrittenElements().first { $0.id == "disco1" })
        let features = answer.child("query", namespace: "http://jabber.org/protocol/disco#info")?.children(
            "feature", namespace: "http://jabber.org/protocol/disco#info"
        ).compactMap { $0[attribute: "var"] }
        #expect(features?.contains("jabber:x:conference") == true)
    }
}
