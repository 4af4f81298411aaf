import ChatModel
import TestSupport
import Testing
import XMPPCore

/// Finding rooms (XEP-0045 §6): the account's conference service, `/rooms` with result set
/// paging, and `/info` about a room, with the XEP's examples as the server's answers.
@Suite struct RoomDiscoveryTests {
    let rooms = RoomTests()
    static let discoItems = "http://jabber.org/protocol/disco#items"
    static let discoInfo = "http://jabber.org/protocol/disco#info"

    /// The next query of `namespace` the account wrote (to `to`, when given).
    func query(_ harness: SessionHarness, _ namespace: String, to: String? = nil) throws -> XMLElement {
        try #require(
            harness.takeWrittenElements().first {
                $0.name == "iq" && $0.child("query", namespace: namespace) != nil
                    && (to == nil || $0[attribute: "to"] == to)
            }, "a \(namespace) query\(to.map { " to \($0)" } ?? "")")
    }

    func answerInfo(_ harness: SessionHarness, _ query: XMLElement, _ body: String) {
        harness.serverSends(
            "<iq type='result' id='\(query.id!)' from='\(query[attribute: "to"]!)'>"
                + "<query xmlns='\(Self.discoInfo)'>\(body)</query></iq>")
    }

    func notices(_ fixture: ScriptedAccounts) -> [String] {
        fixture.model.noticesOf(fixture.model.currentWindow).map(\.text)
            + fixture.model.log.map(\.text)
    }

    /// XEP-0045 Examples 1-4: the server lists its services; the first text conference service
    /// with the MUC feature is the account's (a gateway to IRC, also a conference, is not).
    @Test func theFirstTextConferenceServiceOfTheServerIsTheAccounts() throws {
        let fixture = try ScriptedAccounts([(name: "main", jid: "hag66@shakespeare.lit")])
        fixture.connect("main")
        let harness = fixture.harness("main")
        let items = try query(harness, Self.discoItems, to: "shakespeare.lit")
        harness.serverSends(
            "<iq type='result' id='\(items.id!)' from='shakespeare.lit'><query xmlns='\(Self.discoItems)'>"
                + "<item jid='irc.shakespeare.lit' name='IRC gateway'/>"
                + "<item jid='shakespeare.lit' node='announcements'/>"
                + "<item jid='chat.shakespeare.lit' name='Chatroom Service'/>"
                + "<item jid='upload.shakespeare.lit'/></query></iq>")
        let irc = try query(harness, Self.discoInfo, to: "irc.shakespeare.lit")
        answerInfo(
            harness, irc,
            "<identity category='conference' type='irc' name='IRC'/>"
                + "<feature var='http://jabber.org/protocol/muc'/>")
        let chat = try query(harness, Self.discoInfo, to: "chat.shakespeare.lit")
        answerInfo(
            harness, chat,
            "<identity category='conference' type='text' name='Shakespearean Chat Service'/>"
                + "<feature var='http://jabber.org/protocol/muc'/>")
        #expect(harness.takeWrittenElements().isEmpty, "no service is asked after the first that is one")
        let feature = try #require(fixture.account("main").feature(RoomsFeature.self))
        #expect(feature.conferenceService == (try JID("chat.shakespeare.lit")))

        // `/join coven` enters the room on that service.
        fixture.model.submit("/join coven")
        let join = try query(harness, Self.discoInfo, to: "coven@chat.shakespeare.lit")
        #expect(join[attribute: "to"] == "coven@chat.shakespeare.lit")
        #expect(fixture.model.currentWindow.conversation?.address == "coven@chat.shakespeare.lit")
    }

    @Test func aServerWithoutAConferenceServiceSaysSoWhenAskedForRooms() throws {
        let fixture = try ScriptedAccounts([(name: "main", jid: "hag66@shakespeare.lit")])
        fixture.connect("main")
        let harness = fixture.harness("main")
        let items = try query(harness, Self.discoItems, to: "shakespeare.lit")
        harness.serverSends(
            "<iq type='error' id='\(items.id!)' from='shakespeare.lit'><query xmlns='\(Self.discoItems)'/>"
                + "<error type='cancel'><service-unavailable xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></iq>"
        )
        fixture.model.submit("/rooms")
        #expect(notices(fixture).contains { $0.contains("your server offers no conference service") })
        fixture.model.submit("/join coven")
        #expect(notices(fixture).contains { $0.contains("give the room's full address") })
        fixture.model.submit("/rooms coven@chat.shakespeare.lit")
        #expect(notices(fixture).contains { $0.contains("is not a service address") })
    }

    /// XEP-0045 Examples 5-7: a service with many rooms pages its list (XEP-0059); `/rooms`
    /// follows the pages and lists the rooms by name.
    @Test func roomsFollowsThePagesOfTheServicesList() throws {
        let fixture = try rooms.connected()
        let harness = fixture.harness("main")
        fixture.model.submit("/rooms chat.shakespeare.lit")
        let first = try query(harness, Self.discoItems, to: "chat.shakespeare.lit")
        let set = first.child("query", namespace: Self.discoItems)?.child(
            "set", namespace: "http://jabber.org/protocol/rsm")
        #expect(set?.childText("max", namespace: "http://jabber.org/protocol/rsm") == "100")
        harness.serverSends(
            "<iq type='result' id='\(first.id!)' from='chat.shakespeare.lit'><query xmlns='\(Self.discoItems)'>"
                + "<item jid='heath@chat.shakespeare.lit' name='A Lonely Heath'/>"
                + "<item jid='coven@chat.shakespeare.lit' name='A Dark Cave'/>"
                + "<set xmlns='http://jabber.org/protocol/rsm'><first index='0'>heath@chat.shakespeare.lit</first>"
                + "<last>coven@chat.shakespeare.lit</last><count>3</count></set></query></iq>")
        let second = try query(harness, Self.discoItems, to: "chat.shakespeare.lit")
        #expect(
            second.child("query", namespace: Self.discoItems)?.child(
                "set", namespace: "http://jabber.org/protocol/rsm")?
                .childText("after", namespace: "http://jabber.org/protocol/rsm") == "coven@chat.shakespeare.lit")
        harness.serverSends(
            "<iq type='result' id='\(second.id!)' from='chat.shakespeare.lit'><query xmlns='\(Self.discoItems)'>"
                + "<item jid='forres@chat.shakespeare.lit' name='forres'/>"
                + "<set xmlns='http://jabber.org/protocol/rsm'><first index='2'>forres@chat.shakespeare.lit</first>"
                + "<last>forres@chat.shakespeare.lit</last><count>3</count></set></query></iq>")
        #expect(harness.takeWrittenElements().isEmpty, "all 3 are listed: no further page")
        let lines = notices(fixture)
        let start = try #require(lines.firstIndex { $0.hasPrefix("rooms on chat.shakespeare.lit (3)") })
        #expect(
            Array(lines[(start + 1)...].prefix(3)) == [
                "  A Dark Cave — coven@chat.shakespeare.lit", "  A Lonely Heath — heath@chat.shakespeare.lit",
                "  forres@chat.shakespeare.lit",
            ])
    }

    @Test func aServiceThatRefusesTheListIsReported() throws {
        let fixture = try rooms.connected()
        let harness = fixture.harness("main")
        fixture.model.submit("/rooms chat.shakespeare.lit")
        let request = try query(harness, Self.discoItems, to: "chat.shakespeare.lit")
        harness.serverSends(
            "<iq type='error' id='\(request.id!)' from='chat.shakespeare.lit'>"
                + "<error type='auth'><forbidden xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></iq>")
        #expect(notices(fixture).contains("chat.shakespeare.lit did not list its rooms: forbidden"))
        fixture.model.submit("/rooms chat.shakespeare.lit")
        let empty = try query(harness, Self.discoItems, to: "chat.shakespeare.lit")
        harness.serverSends(
            "<iq type='result' id='\(empty.id!)' from='chat.shakespeare.lit'><query xmlns='\(Self.discoItems)'/></iq>")
        #expect(notices(fixture).contains("chat.shakespeare.lit lists no rooms"))
    }

    /// XEP-0045 Example 10: `/info` about a room says what it is before you enter it.
    @Test func infoAboutARoomSaysWhoSeesYourAddressAndWhatItKeeps() throws {
        let fixture = try rooms.connected()
        let harness = fixture.harness("main")
        fixture.model.submit("/info coven@chat.shakespeare.lit")
        let request = try query(harness, Self.discoInfo, to: "coven@chat.shakespeare.lit")
        answerInfo(
            harness, request,
            "<identity category='conference' name='A Dark Cave' type='text'/>"
                + "<feature var='http://jabber.org/protocol/muc'/><feature var='muc_passwordprotected'/>"
                + "<feature var='muc_hidden'/><feature var='muc_temporary'/><feature var='muc_open'/>"
                + "<feature var='muc_unmoderated'/><feature var='muc_nonanonymous'/>"
                + "<feature var='urn:xmpp:mam:2'/><feature var='urn:xmpp:sid:0'/>"
                + "<x xmlns='jabber:x:data' type='result'>"
                + "<field var='FORM_TYPE' type='hidden'><value>http://jabber.org/protocol/muc#roominfo</value></field>"
                + "<field var='muc#roominfo_description'><value>The place for all good witches!</value></field>"
                + "<field var='muc#roominfo_occupants'><value>3</value></field>"
                + "<field var='muc#roominfo_subject'><value>Spells</value></field>"
                + "<field var='muc#roominfo_lang'><value>en</value></field></x>")
        let lines = notices(fixture)
        let start = try #require(lines.firstIndex(of: "coven@chat.shakespeare.lit is a room:"))
        #expect(
            Array(lines[(start + 1)...]) == [
                "  name: A Dark Cave", "  description: The place for all good witches!", "  subject: Spells",
                "  occupants: 3", "  language: en",
                "  room: non-anonymous (every occupant sees your address), password protected, hidden, temporary",
                "  keeps: an archive (XEP-0313), message ids (XEP-0359)",
            ])
        // Asked again, the room is asked again: its occupants and subject change.
        fixture.model.submit("/info coven@chat.shakespeare.lit")
        _ = try query(harness, Self.discoInfo, to: "coven@chat.shakespeare.lit")
    }
}
