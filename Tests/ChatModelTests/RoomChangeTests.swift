import ChatModel
import TestSupport
import Testing
import XMPPCore
import XMPPExtensions

/// What a room changes under us, with XEP-0045's examples: a subject it will not take from us
/// (§8.1), and its configuration changed by an owner (§10.2.1), after which Tern asks the room
/// what it is now.
@Suite struct RoomChangeTests {
    let rooms = RoomTests()

    /// In the room (its archive caught up), its window current.
    func entered() throws -> ScriptedAccounts {
        let fixture = try RoomSelfPingTests().entered()
        fixture.model.openChat(try fixture.key("main", RoomTests.room), focus: true)
        return fixture
    }

    func notices(_ fixture: ScriptedAccounts) -> [String] {
        fixture.model.noticesOf(fixture.model.currentWindow).map(\.text)
    }

    /// XEP-0045 Example 170: a room whose occupants may not change the subject says forbidden,
    /// and the window says so.
    @Test func aSubjectTheRoomRefusesIsSaid() throws {
        let fixture = try entered()
        let harness = fixture.harness("main")
        fixture.model.submit("/topic Fire Burn and Cauldron Bubble!")
        let request = try #require(harness.takeWrittenElements().first)
        #expect(
            request.matches(
                "<message to='\(RoomTests.room)' type='groupchat' id='*'><subject>Fire Burn and Cauldron Bubble!</subject>"
                    + "</message>"))
        harness.serverSends(
            "<message from='\(RoomTests.room)' id='\(request.id!)' to='hag66@shakespeare.lit/tern' type='error'>"
                + "<subject>Fire Burn and Cauldron Bubble!</subject><error by='\(RoomTests.room)' type='auth'>"
                + "<forbidden xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></message>")
        #expect(notices(fixture).last == "\(RoomTests.room) does not let you set the subject (forbidden)")
        #expect(fixture.model.room(try fixture.key("main", RoomTests.room))?.subject == nil)

        // Taken (Example 169, sent back to us): shown as the room's subject, and a later error
        // with that id is no longer about it.
        fixture.model.submit("/topic Fire Burn and Cauldron Bubble!")
        let again = try #require(harness.takeWrittenElements().first)
        harness.serverSends(
            "<message from='\(RoomTests.room)/thirdwitch' id='\(again.id!)' type='groupchat'>"
                + "<subject>Fire Burn and Cauldron Bubble!</subject></message>")
        #expect(
            fixture.model.room(try fixture.key("main", RoomTests.room))?.subject == "Fire Burn and Cauldron Bubble!")
        harness.serverSends(
            "<message from='\(RoomTests.room)' id='\(again.id!)' type='error'><error type='auth'>"
                + "<forbidden xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></message>")
        #expect(!notices(fixture).last!.contains("does not let you set the subject"))
    }

    /// XEP-0045 Example 188: the room's configuration changed; Tern asks the room again what it
    /// is: its new name shows, and an invitation then goes through it now that it is members-only.
    @Test func aChangedConfigurationIsAskedForAgain() throws {
        let fixture = try entered()
        let harness = fixture.harness("main")
        harness.serverSends(
            "<message from='\(RoomTests.room)' id='80349046-F26A-44F3-A7A6-54825064DD9E'"
                + " to='hag66@shakespeare.lit/tern' type='groupchat'>"
                + "<x xmlns='http://jabber.org/protocol/muc#user'><status code='104'/></x></message>")
        try harness.answerRoomInfo(
            RoomTests.room, name: "A Darker Cave", features: ["urn:xmpp:mam:2", "urn:xmpp:sid:0", "muc_membersonly"])
        #expect(fixture.model.room(try fixture.key("main", RoomTests.room))?.title == "A Darker Cave")
        fixture.model.submit("/invite hecate@shakespeare.lit")
        let invitation = try #require(harness.takeWrittenElements().first)
        #expect(
            invitation.matches(
                "<message to='\(RoomTests.room)' id='*'><x xmlns='http://jabber.org/protocol/muc#user'>"
                    + "<invite to='hecate@shakespeare.lit'/></x></message>"), "through the room")
    }

    /// Only the room itself speaks for its configuration: the same status from an occupant, or a
    /// status that is not about the configuration, asks nothing.
    @Test func onlyTheRoomsOwnNoticeOfAChangeCounts() throws {
        let fixture = try entered()
        let harness = fixture.harness("main")
        for (from, code) in [("\(RoomTests.room)/firstwitch", 104), (RoomTests.room, 100)] {
            harness.serverSends(
                "<message from='\(from)' type='groupchat'>"
                    + "<x xmlns='http://jabber.org/protocol/muc#user'><status code='\(code)'/></x></message>")
        }
        #expect(harness.takeWrittenElements().isEmpty)
    }
}
