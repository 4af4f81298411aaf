import ChatModel
import TerminalUI
import TestSupport
import Testing
import XMPPCore

/// What a user sees of invitations (under Requests, accepted with Enter, declined with d) and of
/// a moderated message (its text replaced by who removed it and why), on the headless screen.
@Suite struct RoomInvitationAndModerationViewTests {
    static let room = "darkcave@macbeth.shakespeare.lit"

    func rosterRows(_ ui: UIFixture) -> [String] {
        let width = ui.controller.layout?.roster?.width ?? 0
        return ui.render().split(separator: "\n", omittingEmptySubsequences: false).map {
            String($0.prefix(width)).trimmingCharacters(in: .whitespaces)
        }
    }

    func invite(_ ui: UIFixture, room: String = room, from: String = "crone1@shakespeare.lit/desktop") {
        ui.harness.serverSends(
            "<message from='\(from)'><x xmlns='jabber:x:conference' jid='\(room)' reason='come\u{9B}31m'/></message>")
        ui.render()
    }

    @Test func anInvitationWaitsUnderRequestsAndEnterAcceptsIt() throws {
        let ui = UIFixture(rows: 30, columns: 120)
        ui.connect(roster: "<item jid='crone1@shakespeare.lit' subscription='both'/>")
        _ = ui.harness.takeWritten()
        invite(ui)
        let rows = rosterRows(ui)
        let header = try #require(rows.firstIndex(of: "Requests"), "\(rows)")
        #expect(rows[header + 1].hasPrefix("⇥ darkcave@macbeth"), "the room first (the pane cuts the rest)")
        let screen = ui.render()
        #expect(screen.contains("invites you to \(Self.room): come"), "the log says so")
        #expect(!screen.contains("\u{9B}"), "with the terminal control (C1 CSI) made visible")

        ui.press(.key(.function(2)))
        #expect(ui.controller.selectedContact?.address == Self.room)
        ui.press(.key(.enter))
        #expect(ui.model.currentWindow.jid?.description == Self.room)
        #expect(!rosterRows(ui).contains { $0.hasPrefix("⇥") }, "answered: no longer waiting")
        let asked = ui.harness.takeWrittenElements().compactMap { $0[attribute: "to"] }
        #expect(asked.contains(Self.room), "entering the room starts")
    }

    @Test func dDeclinesAnInvitationAfterAskingWhy() throws {
        let ui = UIFixture(rows: 30, columns: 120)
        ui.connect(roster: "<item jid='crone1@shakespeare.lit' subscription='both'/>")
        _ = ui.harness.takeWritten()
        ui.harness.serverSends(
            "<message from='coven@chat.shakespeare.lit'><x xmlns='http://jabber.org/protocol/muc#user'>"
                + "<invite from='crone1@shakespeare.lit/desktop'/></x></message>")
        ui.press(.key(.function(2)))
        ui.press(.character("d"))
        #expect(ui.render().contains("Decline the invitation to coven@chat.shakespeare.lit"))
        ui.type("too busy")
        ui.press(.key(.enter))
        let decline = try #require(ui.harness.takeWrittenElements().first { $0.name == "message" })
        #expect(
            decline.matches(
                "<message to='coven@chat.shakespeare.lit' id='*'><x xmlns='http://jabber.org/protocol/muc#user'>"
                    + "<decline to='crone1@shakespeare.lit/desktop'><reason>too busy</reason></decline></x></message>"))
        #expect(!rosterRows(ui).contains { $0.hasPrefix("⇥") })
    }

    @Test func aModeratedMessageShowsWhoRemovedItAndWhy() throws {
        let ui = UIFixture(rows: 20, columns: 100, settings: .withoutRoster)
        ui.connect()
        let coven = "coven@chat.shakespeare.lit"
        ui.account.feature(RoomsFeature.self)?.join(try JID(coven), nick: "thirdwitch")
        let query = try #require(ui.harness.takeWrittenElements().first { $0[attribute: "to"] == coven })
        ui.harness.serverSends(
            "<iq type='result' id='\(query.id!)' from='\(coven)'><query xmlns='http://jabber.org/protocol/disco#info'>"
                + "<identity category='conference' type='text'/><feature var='http://jabber.org/protocol/muc'/>"
                + "<feature var='urn:xmpp:sid:0'/></query></iq>")
        ui.harness.serverSends(
            "<presence from='\(coven)/thirdwitch'><x xmlns='http://jabber.org/protocol/muc#user'>"
                + "<item affiliation='none' role='participant'/><status code='110'/></x></presence>")
        ui.model.openChat(ui.model.conversation(try JID(coven), on: ui.account), focus: true)
        ui.harness.serverSends(
            "<message from='\(coven)/firstwitch' type='groupchat'><body>buy cheap cauldrons</body>"
                + "<stanza-id xmlns='urn:xmpp:sid:0' id='s1' by='\(coven)'/></message>")
        #expect(ui.chatRows().contains { $0.contains("firstwitch: buy cheap cauldrons") })
        ui.harness.serverSends(
            "<message type='groupchat' from='\(coven)'><retract id='s1' xmlns='urn:xmpp:message-retract:1'>"
                + "<moderated by='\(coven)/macbeth' xmlns='urn:xmpp:message-moderate:1'/>"
                + "<reason>spam</reason></retract></message>")
        let rows = ui.chatRows()
        #expect(rows.contains { $0.contains("firstwitch: (removed by a moderator, macbeth: spam)") }, "\(rows)")
        #expect(!rows.contains { $0.contains("cauldrons") })
    }
}
