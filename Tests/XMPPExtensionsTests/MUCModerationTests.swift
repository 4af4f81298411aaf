import Testing
import XMPPCore
import XMPPExtensions

/// Moderated message retraction, from XEP-0425's own examples (0.3, and 0.2 for the older form).
@Suite struct MUCModerationTests {
    func stanza(_ xml: String) throws -> XMLElement { try #require(XMLElement.parse(xml)) }
    let room = try! JID("room@muc.example.com")

    /// XEP-0425 0.3 Example 5: The MUC sends a moderation message to all participants.
    static let announcement = """
        <message type="groupchat" id='retraction-id-1' from='room@muc.example.com' to="room@muc.example.com/macbeth">
          <retract id="stanza-id-1" xmlns='urn:xmpp:message-retract:1'>
            <moderated by='room@muc.example.com/macbeth' xmlns='urn:xmpp:message-moderate:1'>
              <occupant-id xmlns="urn:xmpp:occupant-id:0" id="dd72603deec90a38ba552f7c68cbcc61bca202cd" />
            </moderated>
            <reason>This message contains inappropriate content for this forum</reason>
          </retract>
        </message>
        """

    /// XEP-0425 0.3 Example 4.
    @Test func theRequestNamesTheStanzaIDTheRoomStamped() throws {
        #expect(
            ModeratedMessage.request(
                room: room, stanzaID: "stanza-id-1",
                reason: "This message contains inappropriate content for this forum", id: "retract-request-1"
            ).matches(
                "<iq type='set' to='room@muc.example.com' id='retract-request-1'>"
                    + "<moderate id='stanza-id-1' xmlns='urn:xmpp:message-moderate:1'>"
                    + "<retract xmlns='urn:xmpp:message-retract:1'/>"
                    + "<reason>This message contains inappropriate content for this forum</reason></moderate></iq>"))
        #expect(
            ModeratedMessage.request(room: try JID("room@muc.example.com/nick"), stanzaID: "s", id: "r").matches(
                "<iq type='set' to='room@muc.example.com' id='r'><moderate id='s' xmlns='urn:xmpp:message-moderate:1'>"
                    + "<retract xmlns='urn:xmpp:message-retract:1'/></moderate></iq>"), "to the bare room, no reason")
    }

    /// XEP-0425 0.2 Example 4: the older request, inside XEP-0422 `<apply-to/>`.
    @Test func theLegacyRequestIsFastenedToTheStanzaID() {
        #expect(
            ModeratedMessage.request(
                room: room, stanzaID: "stanza-id-1",
                reason: "This message contains inappropriate content for this forum", version: .legacy,
                id: "retract-request-1"
            ).matches(
                "<iq type='set' to='room@muc.example.com' id='retract-request-1'>"
                    + "<apply-to id='stanza-id-1' xmlns='urn:xmpp:fasten:0'>"
                    + "<moderate xmlns='urn:xmpp:message-moderate:0'><retract xmlns='urn:xmpp:message-retract:0'/>"
                    + "<reason>This message contains inappropriate content for this forum</reason></moderate>"
                    + "</apply-to></iq>"))
    }

    @Test func theRoomsAnnouncementNamesTargetModeratorAndReason() throws {
        let moderated = try #require(ModeratedMessage(stanza(Self.announcement), room: room))
        #expect(moderated.stanzaID == "stanza-id-1")
        #expect(moderated.moderator == (try JID("room@muc.example.com/macbeth")))
        #expect(moderated.moderatorNick(in: room) == "macbeth")
        #expect(moderated.moderatorOccupantID == "dd72603deec90a38ba552f7c68cbcc61bca202cd")
        #expect(moderated.reason == "This message contains inappropriate content for this forum")
        #expect(moderated.version == .current)
    }

    /// XEP-0425 0.2 Example 5: the older announcement.
    @Test func theLegacyAnnouncementIsRead() throws {
        let moderated = try #require(
            ModeratedMessage(
                stanza(
                    """
                    <message type="groupchat" id='retraction-id-1' from='room@muc.example.com' to="room@muc.example.com/macbeth">
                      <apply-to id="stanza-id-1" xmlns="urn:xmpp:fasten:0">
                        <moderated by='room@muc.example.com/macbeth' xmlns='urn:xmpp:message-moderate:0'>
                          <retract xmlns='urn:xmpp:message-retract:0' />
                          <reason>This message contains inappropriate content for this forum</reason>
                        </moderated>
                      </apply-to>
                    </message>
                    """),
                room: room))
        #expect(
            moderated
                == ModeratedMessage(
                    stanzaID: "stanza-id-1", moderator: try JID("room@muc.example.com/macbeth"),
                    reason: "This message contains inappropriate content for this forum", version: .legacy))
    }

    /// Rooms that speak both send both forms in one message; the current one wins.
    @Test func anAnnouncementInBothFormsIsReadOnce() throws {
        let moderated = try #require(
            ModeratedMessage(
                stanza(
                    "<message type='groupchat' from='room@muc.example.com'>"
                        + "<apply-to id='old-id' xmlns='urn:xmpp:fasten:0'>"
                        + "<moderated by='room@muc.example.com/macbeth' xmlns='urn:xmpp:message-moderate:0'>"
                        + "<retract xmlns='urn:xmpp:message-retract:0'/></moderated></apply-to>"
                        + "<retract id='new-id' xmlns='urn:xmpp:message-retract:1'>"
                        + "<moderated by='witch@shakespeare.example' xmlns='urn:xmpp:message-moderate:1'/></retract>"
                        + "</message>"),
                room: room))
        #expect(moderated.stanzaID == "new-id")
        #expect(moderated.version == .current)
        #expect(moderated.moderator == (try JID("witch@shakespeare.example")))
        #expect(moderated.moderatorNick(in: room) == nil, "a real JID is no nick")
    }

    /// XEP-0425 §5: only the room itself may announce a moderation; an occupant (or anyone) can
    /// send the same payload from elsewhere.
    @Test func anAnnouncementFromAnyoneButTheRoomIsRefused() throws {
        func from(_ sender: String) throws -> XMLElement {
            try stanza(Self.announcement.replacingFirst("from='room@muc.example.com'", with: "from='\(sender)'"))
        }
        #expect(ModeratedMessage(try from("room@muc.example.com"), room: room) != nil)
        #expect(ModeratedMessage(try from("room@muc.example.com/oldhag"), room: room) == nil, "an occupant")
        #expect(ModeratedMessage(try from("other@muc.example.com"), room: room) == nil, "another room")
        #expect(ModeratedMessage(try from("muc.example.com"), room: room) == nil, "the service")
        #expect(ModeratedMessage(try from("@@"), room: room) == nil)
        #expect(
            ModeratedMessage(
                try stanza(Self.announcement.replacingFirst("from='room@muc.example.com' ", with: "")), room: room)
                == nil, "no sender")
        #expect(ModeratedMessage(try from("room@muc.example.com"), room: try JID("other@muc.example.com")) == nil)
    }

    @Test func retractionsThatAreNoModerationAreNotRead() throws {
        #expect(
            ModeratedMessage(
                try stanza(
                    "<message from='room@muc.example.com'><retract id='x' xmlns='urn:xmpp:message-retract:1'/></message>"
                ),
                room: room) == nil, "a plain XEP-0424 retraction")
        #expect(
            ModeratedMessage(
                try stanza(
                    "<message from='room@muc.example.com'><retract xmlns='urn:xmpp:message-retract:1'>"
                        + "<moderated xmlns='urn:xmpp:message-moderate:1'/></retract></message>"),
                room: room) == nil, "no target id")
        #expect(
            ModeratedMessage(
                try stanza(
                    "<message from='room@muc.example.com'><apply-to id='x' xmlns='urn:xmpp:fasten:0'>"
                        + "<moderated xmlns='urn:xmpp:message-moderate:0'/></apply-to></message>"),
                room: room) == nil, "a legacy moderation of something else than a retraction")
        #expect(
            ModeratedMessage(
                try stanza(
                    "<message from='room@muc.example.com' type='error'><retract id='x' xmlns='urn:xmpp:message-retract:1'>"
                        + "<moderated xmlns='urn:xmpp:message-moderate:1'/></retract></message>"),
                room: room) == nil)
        let anonymous = try #require(
            ModeratedMessage(
                try stanza(
                    "<message from='room@muc.example.com'><retract id='x' xmlns='urn:xmpp:message-retract:1'>"
                        + "<moderated by='@@' xmlns='urn:xmpp:message-moderate:1'/></retract></message>"),
                room: room))
        #expect(anonymous.moderator == nil)
        #expect(anonymous.moderatorNick(in: room) == nil)
    }

    @Test func theNamespacesAreTheXEPs() {
        #expect(Namespace.messageModerate == "urn:xmpp:message-moderate:1")
        #expect(Namespace.messageModerate0 == "urn:xmpp:message-moderate:0")
        #expect(Namespace.messageRetract == "urn:xmpp:message-retract:1")
        #expect(Namespace.messageRetract0 == "urn:xmpp:message-retract:0")
        #expect(Namespace.fasten == "urn:xmpp:fasten:0")
    }
}

extension String {
    fileprivate func replacingFirst(_ target: String, with replacement: String) -> String {
        guard let range = range(of: target) else { return self }
        return replacingCharacters(in: range, with: replacement)
    }
}
