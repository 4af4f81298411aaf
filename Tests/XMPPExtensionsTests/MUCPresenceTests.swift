import Testing
import XMPPCore
import XMPPExtensions

/// Room presences, from XEP-0045's own examples (the coven of Macbeth's witches).
@Suite struct MUCPresenceTests {
    func stanza(_ xml: String) throws -> XMLElement { try #require(XMLElement.parse(xml)) }

    /// XEP-0045 Example 18 (entering a room) and §7.2.5 (no history), Example 27 (password).
    @Test func joiningSendsPresenceToRoomSlashNick() throws {
        let room = try JID("coven@chat.shakespeare.lit")
        let join = try MUCJoin.presence(room: room, nick: "thirdwitch", historyStanzas: 0)
        #expect(join[attribute: "to"] == "coven@chat.shakespeare.lit/thirdwitch")
        let x = try #require(join.child("x", namespace: Namespace.muc))
        #expect(x.child("history", namespace: Namespace.muc)?[attribute: "maxstanzas"] == "0")
        #expect(x.child("password", namespace: Namespace.muc) == nil)
        let guarded = try MUCJoin.presence(room: room, nick: "thirdwitch", password: "cauldronburn")
        let payload = try #require(guarded.child("x", namespace: Namespace.muc))
        #expect(payload.childText("password", namespace: Namespace.muc) == "cauldronburn")
        #expect(payload.child("history", namespace: Namespace.muc) == nil, "the room's default history")
        let leave = try MUCJoin.leave(room: room, nick: "thirdwitch")
        #expect(leave[attribute: "type"] == "unavailable")
        #expect(leave[attribute: "to"] == "coven@chat.shakespeare.lit/thirdwitch")
        #expect(throws: JIDError.self) { try MUCJoin.presence(room: room, nick: "") }
    }

    /// XEP-0045 Example 21: an existing occupant, in a non-anonymous room (real JID shown).
    @Test func anOccupantsPresenceCarriesItsAffiliationRoleAndRealJID() throws {
        let presence = try #require(
            MUCOccupantPresence(
                stanza(
                    "<presence from='coven@chat.shakespeare.lit/firstwitch' id='3DCB0401'"
                        + " to='hag66@shakespeare.lit/pda'><x xmlns='http://jabber.org/protocol/muc#user'>"
                        + "<item affiliation='owner' jid='crone1@shakespeare.lit/desktop' role='moderator'/>"
                        + "</x></presence>")))
        #expect(presence.room == (try JID("coven@chat.shakespeare.lit")))
        #expect(presence.nick == "firstwitch")
        #expect(presence.isAvailable)
        #expect(presence.affiliation == .owner)
        #expect(presence.role == .moderator)
        #expect(presence.realJID == (try JID("crone1@shakespeare.lit/desktop")))
        #expect(!presence.isSelf)
        #expect(presence.departure == nil)
    }

    /// XEP-0045 Example 24: our own presence (status 110), and 100 (the room is non-anonymous),
    /// 201 (the room was created), 210 (the room changed our nick).
    @Test func ourOwnPresenceIsMarkedBy110() throws {
        let presence = try #require(
            MUCOccupantPresence(
                stanza(
                    "<presence from='coven@chat.shakespeare.lit/thirdwitch' id='n13mt3l'"
                        + " to='hag66@shakespeare.lit/pda'><x xmlns='http://jabber.org/protocol/muc#user'>"
                        + "<item affiliation='member' role='participant'/><status code='100'/>"
                        + "<status code='110'/><status code='210'/></x></presence>")))
        #expect(presence.isSelf)
        #expect(presence.statusCodes == [100, 110, 210])
        #expect(presence.affiliation == .member)
        #expect(presence.role == .participant)
        #expect(presence.realJID == nil)
    }

    /// XEP-0045 Example 51 (nick change: unavailable with 303 and the new nick), Example 91
    /// (kicked: 307, reason and actor), Example 114 (banned: 301), and 321, 322, 332.
    @Test func whyAnOccupantLeft() throws {
        func departure(_ codes: [Int], item: String = "<item affiliation='member' role='none'/>") throws
            -> MUCOccupantPresence.Departure?
        {
            let status = codes.map { "<status code='\($0)'/>" }.joined()
            return MUCOccupantPresence(
                try stanza(
                    "<presence from='coven@chat.shakespeare.lit/thirdwitch' type='unavailable'>"
                        + "<x xmlns='http://jabber.org/protocol/muc#user'>\(item)\(status)</x></presence>"))?.departure
        }
        #expect(try departure([]) == .left)
        #expect(
            try departure([303], item: "<item affiliation='member' nick='oldhag' role='participant'/>")
                == .nickChanged("oldhag"))
        #expect(try departure([303]) == .left, "303 without a new nick is a plain departure")
        #expect(try departure([301]) == .banned)
        #expect(try departure([321]) == .affiliationChanged)
        #expect(try departure([322]) == .membersOnly)
        #expect(try departure([332]) == .serviceShutdown)
        let kicked = try #require(
            MUCOccupantPresence(
                stanza(
                    "<presence from='harfleur@chat.shakespeare.lit/pistol' to='pistol@shakespeare.lit/harfleur'"
                        + " type='unavailable'><x xmlns='http://jabber.org/protocol/muc#user'>"
                        + "<item affiliation='none' role='none'><actor nick='Fluellen'/>"
                        + "<reason>Avaunt, you cullion!</reason></item><status code='110'/><status code='307'/>"
                        + "</x></presence>")))
        #expect(kicked.departure == .kicked)
        #expect(kicked.isSelf)
        #expect(kicked.reason == "Avaunt, you cullion!")
        #expect(kicked.actor == "Fluellen")
    }

    /// XEP-0421 Example 1: the room's occupant id.
    @Test func theOccupantIDIsRead() throws {
        let presence = try #require(
            MUCOccupantPresence(
                stanza(
                    "<presence from='room@muc.example.com/nick'><x xmlns='http://jabber.org/protocol/muc#user'>"
                        + "<item affiliation='none' role='participant'/></x>"
                        + "<occupant-id xmlns='urn:xmpp:occupant-id:0' id='dd72603deec90a38ba552f7c68cbcc61bca202cd'/>"
                        + "</presence>")))
        #expect(presence.occupantID == "dd72603deec90a38ba552f7c68cbcc61bca202cd")
    }

    @Test func presencesThatAreNotARoomsAreNotRead() throws {
        #expect(MUCOccupantPresence(try stanza("<presence from='juliet@capulet.lit/balcony'/>")) == nil)
        #expect(
            MUCOccupantPresence(
                try stanza(
                    "<presence from='coven@chat.shakespeare.lit'><x xmlns='http://jabber.org/protocol/muc#user'/>"
                        + "</presence>")) == nil, "no nick: the room itself")
        #expect(
            MUCOccupantPresence(
                try stanza(
                    "<presence from='coven@chat.shakespeare.lit/thirdwitch' type='error'>"
                        + "<x xmlns='http://jabber.org/protocol/muc#user'/></presence>")) == nil)
    }

    /// XEP-0045 Examples 26 (password), 29 (members only), 30 (banned), 32 (nick conflict), 34
    /// (room full), 36 (locked room).
    @Test func aRefusedJoinSaysWhy() throws {
        func refusal(_ condition: String, type: String = "cancel") throws -> MUCJoinError? {
            MUCJoinError(
                try stanza(
                    "<presence from='coven@chat.shakespeare.lit/thirdwitch' type='error'>"
                        + "<x xmlns='http://jabber.org/protocol/muc'/><error by='coven@chat.shakespeare.lit'"
                        + " type='\(type)'><\(condition) xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error>"
                        + "</presence>"))
        }
        #expect(try refusal("not-authorized", type: "auth") == .passwordRequired)
        #expect(try refusal("registration-required", type: "auth") == .membersOnly)
        #expect(try refusal("forbidden", type: "auth") == .banned)
        #expect(try refusal("conflict") == .nickInUse)
        #expect(try refusal("service-unavailable", type: "wait") == .roomFull)
        #expect(try refusal("item-not-found") == .roomNotFound)
        guard case .other(let error)? = try refusal("not-allowed") else {
            Issue.record("an unexpected condition is kept as it came")
            return
        }
        #expect(error.condition == .notAllowed)
        #expect(MUCJoinError(try stanza("<presence from='coven@chat.shakespeare.lit/thirdwitch'/>")) == nil)
    }
}
