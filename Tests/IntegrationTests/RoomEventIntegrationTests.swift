import ChatModel
import Foundation
import TestServers
import TestSupport
import Testing
import XMPPCore

/// What happens to Tern in a room as a user meets it, on Prosody and ejabberd with slixmpp peers
/// (`RoomPeer`): its nick changes, subjects set both ways, a kick, and invitations both ways,
/// checked where the user sees them (Tern's model) and where the others do (the peers).
@Suite(.serialized, .servers(users: ["alice": "alice-secret", "bob": "bob-secret"]))
struct RoomEventIntegrationTests {
    typealias Check = RoomReliabilityTests

    /// Bob's new room with Tern in it, its window open.
    func bobsRoom(_ server: any XMPPTestServer, _ name: String, bob: RoomPeer, tern: RoomTern) throws -> String {
        let room = newRoom(server, name)
        try bob.join(room, nick: "Bob")
        let mark = bob.mark
        try tern.enter(room, creating: false)
        try tern.waitFor("Alice's arrival in \(room)", of: bob, from: mark) {
            Check.isPresence($0, of: "Alice", available: true) && $0.string("room") == room
        }
        return room
    }

    /// Presences of `nick` in `room` the peer saw from `mark` on.
    func presences(_ bob: RoomPeer, of nick: String, in room: String, from mark: Int) -> [RoomPeer.Event] {
        bob.events[mark...].filter { $0.name == "presence" && $0.string("nick") == nick && $0.string("room") == room }
    }

    @Test(arguments: ServerKind.allCases) func nickChangesAndSubjectsBothWays(_ kind: ServerKind) throws {
        let server = try TestServers.server(kind)
        let bob = try RoomPeer(server: server, user: "bob")
        defer { bob.stop() }
        let tern = try RoomTern(server)
        defer { tern.account.disconnect() }
        let room = try bobsRoom(server, "parlour", bob: bob, tern: tern)
        let key = try tern.key(room)

        // Tern changes its nick: the peer sees the old one leave with 303 and the new one, and
        // what Tern says next comes from the new nick.
        var mark = bob.mark
        tern.run("/nick Alicia") { $0 == "you are now known as Alicia" }
        let renamed = try tern.waitFor("Alice's nick change", of: bob, from: mark) {
            Check.isPresence($0, of: "Alice", available: false)
        }
        #expect(renamed.codes.contains(303) && renamed.string("new_nick") == "Alicia", "\(renamed)")
        try tern.waitFor("Alicia", of: bob, from: mark) { Check.isPresence($0, of: "Alicia", available: true) }
        #expect(tern.model.room(key)?.nick == "Alicia")
        #expect(tern.model.occupants(of: key).map(\.nick) == ["Bob", "Alicia"])
        tern.model.submit("a rose by any other name")
        let said = try tern.waitFor("the message from the new nick", of: bob, from: mark) {
            $0.name == "message" && $0.string("body") == "a rose by any other name"
        }
        #expect(said.string("nick") == "Alicia")
        #expect(tern.wait { tern.messages(in: room).last?.state == .delivered }, "the reflection under the new nick")
        #expect(tern.messages(in: room).last.map { $0.outgoing && $0.sender == "Alicia" } == true)

        // The peer sets the subject: the room's row and the window show it.
        try bob.setSubject(room, "Tea at five")
        #expect(tern.wait { tern.model.room(key)?.subject == "Tea at five" })
        #expect(tern.notices(tern.model.currentWindow).contains { $0.hasSuffix("Tea at five") })
        // Tern sets it: refused while only moderators may (the window says so), then the peer
        // sees it from Alicia.
        try bob.configure(room, ["muc#roomconfig_changesubject": false])
        tern.model.submit("/topic Scones, too")
        #expect(
            tern.wait {
                tern.notices(tern.model.currentWindow).last?.hasPrefix("\(room) does not let you set the subject")
                    == true
            }, "\(tern.notices(tern.model.currentWindow).suffix(2))")
        try bob.configure(room, ["muc#roomconfig_changesubject": true])
        mark = bob.mark
        tern.model.submit("/topic Scones, too")
        let subject = try tern.waitFor("Tern's subject", of: bob, from: mark) { $0.name == "subject" }
        #expect(subject.string("text") == "Scones, too" && subject.string("nick") == "Alicia", "\(subject)")
        #expect(tern.wait { tern.model.room(key)?.subject == "Scones, too" })
        #expect(tern.notices(tern.model.currentWindow).last == "Alicia set the subject: Scones, too")

        // The next login enters the room with the nick chosen last.
        tern.account.disconnect()
        mark = bob.mark
        #expect(tern.account.connect())
        try tern.waitFor("Alicia back", of: bob, from: mark) { Check.isPresence($0, of: "Alicia", available: true) }
        #expect(presences(bob, of: "Alice", in: room, from: mark).isEmpty)
    }

    @Test(arguments: ServerKind.allCases) func aKickedTernStaysOutUntilAskedBack(_ kind: ServerKind) throws {
        let server = try TestServers.server(kind)
        let bob = try RoomPeer(server: server, user: "bob")
        defer { bob.stop() }
        let tern = try RoomTern(server)
        defer { tern.account.disconnect() }
        let room = try bobsRoom(server, "court", bob: bob, tern: tern)
        let window = tern.model.currentWindow
        let other = try bobsRoom(server, "garden", bob: bob, tern: tern)
        let key = try tern.key(room)

        try bob.kick(room, nick: "Alice", reason: "too loud")
        #expect(tern.wait { tern.model.room(key)?.state == .left("too loud") })
        #expect(tern.notices(window).contains("you were kicked (too loud)"), "\(tern.notices(window))")
        #expect(tern.model.occupants(of: key).isEmpty)
        #expect(!tern.model.rooms(of: "alice").contains { $0.key == key }, "no longer among the rooms")
        #expect(tern.rooms.isJoined(try JID(other)), "only that room")

        // The next login enters the other room, not the one Tern was kicked from.
        tern.account.disconnect()
        let mark = bob.mark
        #expect(tern.account.connect())
        try tern.waitFor("Alice back in the other room", of: bob, from: mark) {
            Check.isPresence($0, of: "Alice", available: true) && $0.string("room") == other
        }
        // Both would have been entered together (the join queue takes five at a time).
        tern.wait(timeout: .seconds(1), reading: [bob]) { false }
        #expect(presences(bob, of: "Alice", in: room, from: mark).isEmpty, "not entered again")
        #expect(tern.model.room(key)?.state == .left("too loud"))
        // Until the user enters it.
        tern.model.submit("/join \(room)/Alice")
        try tern.waitFor("Alice asked back", of: bob, from: mark) {
            Check.isPresence($0, of: "Alice", available: true) && $0.string("room") == room
        }
        #expect(tern.wait { tern.rooms.isJoined(try! JID(room)) })
    }

    @Test(arguments: ServerKind.allCases) func invitationsWaitForTheUserAndGoOutOfTheRightKind(_ kind: ServerKind)
        throws
    {
        let server = try TestServers.server(kind)
        let bob = try RoomPeer(server: server, user: "bob")
        defer { bob.stop() }
        let tern = try RoomTern(server)
        defer { tern.account.disconnect() }
        let (direct, membersOnly, declined) = (
            newRoom(server, "direct"), newRoom(server, "members"), newRoom(server, "declined")
        )
        for room in [direct, membersOnly, declined] { try bob.join(room, nick: "Bob") }
        try bob.configure(membersOnly, ["muc#roomconfig_membersonly": true])

        // The peer invites Tern directly (XEP-0249) and through two rooms (XEP-0045 §7.8.2):
        // they wait, listed, and Tern enters none of them.
        let mark = bob.mark
        try bob.invite(tern.account.controller.jid.description, to: direct, reason: "come over", mediated: false)
        try bob.invite(tern.account.controller.jid.description, to: membersOnly, reason: "members only")
        try bob.invite(tern.account.controller.jid.description, to: declined, reason: "or here")
        #expect(tern.wait { tern.model.invitations(of: "alice").count == 3 })
        let rows = tern.model.invitations(of: "alice")
        #expect(rows.map(\.key.address) == [declined, membersOnly, direct], "the latest first")
        #expect(rows.map(\.throughRoom) == [true, true, false])
        #expect(rows.map(\.reason) == ["or here", "members only", "come over"])
        // The rooms name the inviter by its address (ejabberd) or its nick there (Prosody).
        let inviters = rows.map { $0.inviter ?? "" }
        #expect(inviters[2].hasPrefix("bob@localhost/"), "\(inviters)")
        #expect(
            inviters[..<2].allSatisfy { $0.hasPrefix("bob@localhost") || $0.hasSuffix("@conference.localhost/Bob") },
            "\(inviters)")
        tern.wait(timeout: .milliseconds(500), reading: [bob]) { false }
        #expect(bob.events[mark...].allSatisfy { $0.name != "presence" || $0.string("nick") != "alice" })
        #expect(tern.model.rooms(of: "alice").isEmpty, "no room entered")

        // Accepted: entered (the members-only room made Tern a member when the owner invited);
        // declined: the inviter hears it through the room.
        for room in [direct, membersOnly] {
            tern.model.submit("/accept \(room)")
            // Entered with the account's name, as the invitation named no nick.
            try tern.waitFor("alice accepting \(room)", of: bob, from: mark) {
                Check.isPresence($0, of: "alice", available: true) && $0.string("room") == room
            }
        }
        tern.model.submit("/decline \(declined) busy")
        let decline = try tern.waitFor("the decline", of: bob, from: mark) { $0.name == "decline" }
        #expect(decline.string("room") == declined && decline.string("reason") == "busy", "\(decline)")
        #expect(decline.string("from")?.hasPrefix("alice@localhost") == true, "\(decline)")
        #expect(tern.wait { tern.rooms.isJoined(try! JID(direct)) && tern.rooms.isJoined(try! JID(membersOnly)) })
        #expect(!tern.rooms.isJoined(try JID(declined)) && tern.model.invitations(of: "alice").isEmpty)
    }

    @Test(arguments: ServerKind.allCases) func ternInvitesThroughAMembersOnlyRoomElseDirectly(_ kind: ServerKind)
        throws
    {
        let server = try TestServers.server(kind)
        let tern = try RoomTern(server)
        defer { tern.account.disconnect() }
        let bob = try RoomPeer(server: server, user: "bob")
        defer { bob.stop() }
        let (open, closed) = (newRoom(server, "open"), newRoom(server, "closed"))

        // An open room: a direct invitation (XEP-0249), which the peer can use.
        let openWindow = try tern.enter(open, creating: true)
        tern.run("/invite \(bob.jid) do come") { $0 == "invited \(bob.jid): do come" }
        let direct = try tern.waitFor("the direct invitation", of: bob) { $0.name == "invitation" }
        #expect(direct.string("room") == open && direct["mediated"]?.bool == false, "\(direct)")
        #expect(direct.string("reason") == "do come" && direct.string("from")?.hasPrefix("alice@localhost") == true)
        try bob.join(open, nick: "Bob")
        _ = openWindow

        // A room Tern made members-only: through the room, which makes the peer a member.
        try tern.enter(closed, creating: true)
        tern.model.submit("/config")
        try tern.set("muc#roomconfig_roomname", ["Closed Room"])
        try tern.set("muc#roomconfig_membersonly", ["1"])
        try tern.submit()
        // The room says its configuration changed; Tern asks it again (its new name shows).
        #expect(tern.wait { tern.model.room(try! tern.key(closed))?.title == "Closed Room" })
        let mark = bob.mark
        tern.run("/invite \(bob.jid)") { $0 == "invited \(bob.jid)" }
        let mediated = try tern.waitFor("the invitation through the room", of: bob, from: mark) {
            $0.name == "invitation"
        }
        #expect(mediated.string("room") == closed && mediated["mediated"]?.bool == true, "\(mediated)")
        let inviter = mediated.string("from") ?? ""
        #expect(inviter.hasPrefix("alice@localhost/") || inviter == "\(closed)/Alice", "\(mediated)")
        let joined = try bob.join(closed, nick: "Bob")
        #expect(joined.codes.contains(110))
    }
}
