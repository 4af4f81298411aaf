import ChatModel
import TerminalUI
import TestSupport
import Testing
import XMPPCore

/// A room is text from strangers everywhere: its name, its subject, its occupants' nicks. None of
/// it reaches the terminal with controls, escape sequences or bidi overrides in it.
@Suite struct RoomHostileTextTests {
    static let room = "coven@chat.shakespeare.lit"
    static let hostile: [Character] = ["\u{9B}", "\u{202E}", "\u{200B}", "\u{85}"]

    @Test func aRoomsNameSubjectAndNicksAreSanitisedEverywhere() throws {
        let ui = UIFixture(rows: 30, columns: 140)
        ui.connect()
        ui.account.feature(RoomsFeature.self)?.join(try JID(Self.room), nick: "thirdwitch")
        let query = try #require(ui.harness.takeWrittenElements().first { $0[attribute: "to"] == Self.room })
        ui.harness.serverSends(
            "<iq type='result' id='\(query.id!)' from='\(Self.room)'><query xmlns='http://jabber.org/protocol/disco#info'>"
                + "<identity category='conference' type='text' name='Dark\u{9B}2J Cave\u{202E}'/>"
                + "<feature var='http://jabber.org/protocol/muc'/></query></iq>")
        ui.harness.serverSends(
            "<presence from='\(Self.room)/evil\u{200B}witch'><x xmlns='http://jabber.org/protocol/muc#user'>"
                + "<item affiliation='owner' role='moderator'/></x></presence>")
        ui.harness.serverSends(
            "<presence from='\(Self.room)/thirdwitch'><x xmlns='http://jabber.org/protocol/muc#user'>"
                + "<item affiliation='none' role='participant'/><status code='110'/></x></presence>")
        ui.harness.serverSends(
            "<message from='\(Self.room)/evil\u{200B}witch' type='groupchat'><subject>Spells\u{85}\u{9B}31m"
                + "\u{202E}gnp.exe</subject></message>")
        ui.harness.serverSends(
            "<message from='\(Self.room)/evil\u{200B}witch' type='groupchat'><body>hail\u{9B}1m</body></message>")
        ui.model.openChat(ui.model.conversation(try JID(Self.room), on: ui.account), focus: true)
        let screen = ui.render()
        #expect(screen.contains("Spells"), "the subject is shown: \(screen)")
        #expect(screen.contains("hail"))
        #expect(screen.contains("Dark"), "the room's name is shown")
        #expect(screen.contains("evil"), "the nick is shown, in the pane and the window")
        for character in Self.hostile {
            #expect(
                !screen.contains(character),
                "U+\(String(character.unicodeScalars.first!.value, radix: 16)) reached the screen")
        }
    }
}
