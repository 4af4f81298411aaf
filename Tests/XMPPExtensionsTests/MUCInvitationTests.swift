import Testing
import XMPPCore
import XMPPExtensions

/// Invitations and declines, from XEP-0249's and XEP-0045 §7.8's own examples.
@Suite struct MUCInvitationTests {
    func stanza(_ xml: String) throws -> XMLElement { try #require(XMLElement.parse(xml)) }

    /// XEP-0249 Example 1: a direct invitation.
    @Test func aDirectInvitationNamesRoomSenderPasswordAndReason() throws {
        let invitation = try #require(
            MUCInvitation(
                stanza(
                    """
                    <message from='crone1@shakespeare.lit/desktop' to='hecate@shakespeare.lit'>
                      <x xmlns='jabber:x:conference'
                         jid='darkcave@macbeth.shakespeare.lit'
                         password='cauldronburn'
                         reason='Hey Hecate, this is the place for all good witches!'/>
                    </message>
                    """)))
        #expect(invitation.kind == .direct)
        #expect(invitation.room == (try JID("darkcave@macbeth.shakespeare.lit")))
        #expect(invitation.inviter == (try JID("crone1@shakespeare.lit/desktop")))
        #expect(invitation.password == "cauldronburn")
        #expect(invitation.reason == "Hey Hecate, this is the place for all good witches!")
        #expect(!invitation.isContinuation)
        #expect(invitation.thread == nil)
    }

    /// XEP-0249 Example 2: a direct invitation that continues a one-to-one chat.
    @Test func aDirectInvitationCanContinueAThread() throws {
        let invitation = try #require(
            MUCInvitation(
                stanza(
                    """
                    <message from='crone1@shakespeare.lit/desktop' to='hecate@shakespeare.lit'>
                      <x xmlns='jabber:x:conference' continue='true' jid='darkcave@macbeth.shakespeare.lit'
                         password='cauldronburn' reason='Hey Hecate, this is the place for all good witches!'
                         thread='e0ffe42b28561960c6b12b944a092794b9683a38'/>
                    </message>
                    """)))
        #expect(invitation.isContinuation)
        #expect(invitation.thread == "e0ffe42b28561960c6b12b944a092794b9683a38")
        let one = try #require(
            MUCInvitation(
                stanza(
                    "<message from='a@b/c'><x xmlns='jabber:x:conference' jid='r@muc.b' continue='1'/></message>")))
        #expect(one.isContinuation, "xs:boolean: 1 is true")
        let no = try #require(
            MUCInvitation(
                stanza(
                    "<message from='a@b/c'><x xmlns='jabber:x:conference' jid='r@muc.b' continue='false'/></message>")))
        #expect(!no.isContinuation)
    }

    /// Building Example 2 and reading it back gives the same invitation.
    @Test func aBuiltDirectInvitationMatchesTheXEPAndReadsBack() throws {
        let room = try JID("darkcave@macbeth.shakespeare.lit")
        let message = MUCInvitation.direct(
            to: try JID("hecate@shakespeare.lit"), room: room, reason: "Hey Hecate", password: "cauldronburn",
            continuing: "e0ff")
        #expect(
            message.matches(
                "<message to='hecate@shakespeare.lit'><x xmlns='jabber:x:conference' continue='true'"
                    + " jid='darkcave@macbeth.shakespeare.lit' password='cauldronburn' reason='Hey Hecate'"
                    + " thread='e0ff'/></message>"))
        var received = message
        received[attribute: "from"] = "crone1@shakespeare.lit/desktop"
        #expect(
            MUCInvitation(received)
                == MUCInvitation(
                    room: room, inviter: try JID("crone1@shakespeare.lit/desktop"), reason: "Hey Hecate",
                    password: "cauldronburn", isContinuation: true, thread: "e0ff", kind: .direct))
        let plain = MUCInvitation.direct(to: try JID("hecate@shakespeare.lit"), room: room, id: "i1")
        #expect(
            plain.matches(
                "<message to='hecate@shakespeare.lit' id='i1'>"
                    + "<x xmlns='jabber:x:conference' jid='darkcave@macbeth.shakespeare.lit'/></message>"))
    }

    /// XEP-0045 Example 56: the mediated invitation goes to the room, as a normal message.
    @Test func aMediatedInvitationIsSentToTheRoom() throws {
        let message = MUCInvitation.mediated(
            room: try JID("coven@chat.shakespeare.lit"), invitees: [try JID("hecate@shakespeare.lit")],
            reason: "Hey Hecate, this is the place for all good witches!", id: "nzd143v8")
        #expect(
            message.matches(
                "<message id='nzd143v8' to='coven@chat.shakespeare.lit'>"
                    + "<x xmlns='http://jabber.org/protocol/muc#user'><invite to='hecate@shakespeare.lit'>"
                    + "<reason>Hey Hecate, this is the place for all good witches!</reason></invite></x></message>"))
        #expect(message[attribute: "type"] == nil)
    }

    /// XEP-0045 Example 63: one message invites several, continuing a thread.
    @Test func aMediatedInvitationCanInviteSeveralAndContinueAThread() throws {
        let message = MUCInvitation.mediated(
            room: try JID("coven@chat.shakespeare.lit"),
            invitees: [try JID("wiccarocks@shakespeare.lit/laptop"), try JID("hag66@shakespeare.lit")],
            reason: "This coven needs both wiccarocks and hag66.",
            continuing: "e0ffe42b28561960c6b12b944a092794b9683a38", id: "gl3s85n7")
        let reason = "<reason>This coven needs both wiccarocks and hag66.</reason>"
        let resume = "<continue thread='e0ffe42b28561960c6b12b944a092794b9683a38'/>"
        #expect(
            message.matches(
                "<message id='gl3s85n7' to='coven@chat.shakespeare.lit'>"
                    + "<x xmlns='http://jabber.org/protocol/muc#user'>"
                    + "<invite to='wiccarocks@shakespeare.lit/laptop'>\(reason)\(resume)</invite>"
                    + "<invite to='hag66@shakespeare.lit'>\(reason)\(resume)</invite></x></message>"))
    }

    /// XEP-0045 Example 57: the room relays it, naming the inviter and adding the password.
    @Test func aRelayedMediatedInvitationNamesTheInviterTheRoomVouchesFor() throws {
        let invitation = try #require(
            MUCInvitation(
                stanza(
                    """
                    <message from='coven@chat.shakespeare.lit' id='nzd143v8' to='hecate@shakespeare.lit'>
                      <x xmlns='http://jabber.org/protocol/muc#user'>
                        <invite from='crone1@shakespeare.lit/desktop'>
                          <reason>
                            Hey Hecate, this is the place for all good witches!
                          </reason>
                        </invite>
                        <password>cauldronburn</password>
                      </x>
                    </message>
                    """)))
        #expect(invitation.kind == .mediated)
        #expect(invitation.room == (try JID("coven@chat.shakespeare.lit")))
        #expect(invitation.inviter == (try JID("crone1@shakespeare.lit/desktop")))
        #expect(invitation.reason == "Hey Hecate, this is the place for all good witches!", "trimmed")
        #expect(invitation.password == "cauldronburn")
        #expect(!invitation.isContinuation)
    }

    /// XEP-0045 Example 64: delivered from an occupant JID, with the continue flag.
    @Test func aRelayedInvitationFromAnOccupantJIDNamesTheBareRoom() throws {
        let invitation = try #require(
            MUCInvitation(
                stanza(
                    """
                    <message from='coven@chat.shakespeare.lit/firstwitch' id='DB0414CB-AFBA-407E-9DE3-0E014E84860F'
                        to='wiccarocks@shakespeare.lit/laptop'>
                      <x xmlns='http://jabber.org/protocol/muc#user'>
                        <invite from='crone1@shakespeare.lit'>
                          <reason>This coven needs both wiccarocks and hag66.</reason>
                          <continue thread='e0ffe42b28561960c6b12b944a092794b9683a38'/>
                        </invite>
                      </x>
                    </message>
                    """)))
        #expect(invitation.room == (try JID("coven@chat.shakespeare.lit")))
        #expect(invitation.inviter == (try JID("crone1@shakespeare.lit")))
        #expect(invitation.isContinuation)
        #expect(invitation.thread == "e0ffe42b28561960c6b12b944a092794b9683a38")
        #expect(invitation.password == nil)
    }

    /// XEP-0045 §7.8.2 implementation note: some rooms add the old conference payload.
    @Test func aMediatedInvitationWithTheLegacyPayloadIsReadAsMediated() throws {
        let invitation = try #require(
            MUCInvitation(
                stanza(
                    "<message from='coven@chat.shakespeare.lit'><x xmlns='http://jabber.org/protocol/muc#user'>"
                        + "<invite from='crone1@shakespeare.lit/desktop'/></x>"
                        + "<x xmlns='jabber:x:conference' jid='elsewhere@chat.evil.lit'>reason</x></message>")))
        #expect(invitation.kind == .mediated)
        #expect(invitation.room == (try JID("coven@chat.shakespeare.lit")))
    }

    /// XEP-0045 Example 58: the invitee declines through the room.
    @Test func aDeclineIsSentToTheRoomForTheInviter() throws {
        let message = MUCDecline.message(
            room: try JID("coven@chat.shakespeare.lit"), inviter: try JID("crone1@shakespeare.lit"),
            reason: "Sorry, I'm too busy right now.", id: "jk2vs61v")
        #expect(
            message.matches(
                "<message id='jk2vs61v' to='coven@chat.shakespeare.lit'>"
                    + "<x xmlns='http://jabber.org/protocol/muc#user'><decline to='crone1@shakespeare.lit'>"
                    + "<reason>Sorry, I&apos;m too busy right now.</reason></decline></x></message>"))
        #expect(MUCInvitation(message) == nil, "a decline is no invitation")
    }

    /// XEP-0045 Example 59: the room tells the inviter.
    @Test func aRelayedDeclineNamesWhoDeclined() throws {
        let decline = try #require(
            MUCDecline(
                stanza(
                    """
                    <message from='coven@chat.shakespeare.lit' id='jk2vs61v' to='crone1@shakespeare.lit/desktop'>
                      <x xmlns='http://jabber.org/protocol/muc#user'>
                        <decline from='hecate@shakespeare.lit'>
                          <reason>
                            Sorry, I'm too busy right now.
                          </reason>
                        </decline>
                      </x>
                    </message>
                    """)))
        #expect(
            decline
                == MUCDecline(
                    room: try JID("coven@chat.shakespeare.lit"), decliner: try JID("hecate@shakespeare.lit"),
                    reason: "Sorry, I'm too busy right now."))
        #expect(MUCDecline(try stanza("<message from='coven@chat.shakespeare.lit'><body>hi</body></message>")) == nil)
    }

    @Test func messagesThatAreNoInvitationAreNotRead() throws {
        #expect(MUCInvitation(try stanza("<message from='a@b/c'><body>hello</body></message>")) == nil)
        #expect(
            MUCInvitation(try stanza("<message from='a@b/c'><x xmlns='jabber:x:conference'/></message>")) == nil,
            "no room")
        #expect(
            MUCInvitation(try stanza("<message from='a@b/c'><x xmlns='jabber:x:conference' jid='@@'/></message>"))
                == nil, "not a JID")
        #expect(
            MUCInvitation(try stanza("<message><x xmlns='jabber:x:conference' jid='r@muc.b'/></message>")) == nil,
            "no sender")
        #expect(
            MUCInvitation(
                try stanza(
                    "<message from='a@b/c' type='error'><x xmlns='jabber:x:conference' jid='r@muc.b'/></message>"))
                == nil)
        #expect(
            MUCInvitation(
                try stanza(
                    "<message><x xmlns='http://jabber.org/protocol/muc#user'><invite/></x></message>")) == nil,
            "a mediated invitation needs the room as sender")
        #expect(
            MUCInvitation(
                try stanza(
                    "<presence from='r@muc.b'><x xmlns='http://jabber.org/protocol/muc#user'><invite/></x></presence>"))
                == nil)
        let anonymous = try #require(
            MUCInvitation(
                try stanza(
                    "<message from='r@muc.b'><x xmlns='http://jabber.org/protocol/muc#user'><invite from='??@'/>"
                        + "</x></message>")))
        #expect(anonymous.inviter == nil, "an invalid inviter is dropped, the invitation kept to show")
    }
}
