import ChatModel
import TestSupport
import Testing
import XMPPCore
import XMPPExtensions

/// What a room changes under us, with XEP-0045's examples: a subject it will not take from us
/// (§8.1).
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
}
