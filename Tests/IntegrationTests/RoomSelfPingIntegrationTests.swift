import Foundation
import Networking
import TestServers
import TestSupport
import Testing
import XMPPCore

@testable import ChatModel

/// XEP-0410 self-pings against real room services, on Prosody and ejabberd with a slixmpp peer:
/// Tern's clock is a `SkippingScheduler`, so fifteen silent minutes pass at once while the
/// servers run in real time. A room that still counts Tern in answers and keeps it; a room that
/// forgot Tern without a word (its service lost it, as a crash or a restart without its state
/// does: `crashRoom`) answers with an error, and Tern enters it again, its archive filling the gap.
/// Whether a ping is out and what its answer did is read from the feature itself (`@testable`): a
/// room that keeps us tells the user nothing.
@Suite(.serialized, .servers(users: ["alice": "alice-secret", "bob": "bob-secret"]))
struct RoomSelfPingIntegrationTests {
    typealias Check = RoomReliabilityTests

    @Test(arguments: ServerKind.allCases) func aSilentRoomIsAskedAndEnteredAgainOnceItForgotTern(_ kind: ServerKind)
        throws
    {
        let server = try TestServers.server(kind)
        let room = newRoom(server, "quiet")
        let bob = try RoomPeer(server: server, user: "bob")
        defer { bob.stop() }
        try bob.join(room, nick: "Bob")
        // Persistent: the service keeps the room (not its occupants) through the crash below.
        try bob.configure(room, ["muc#roomconfig_persistentroom": true])

        let loop = try EventLoop()
        let clock = SkippingScheduler(loop: loop)
        let tern = try RoomTern(server, loop: loop, scheduler: clock)
        defer { tern.account.disconnect() }
        // Fifteen minutes without a key press would also set Tern away (and tell the server it
        // is not looking); this test is about the room alone.
        tern.account.controller.behaviour.autoAwayMinutes = 0
        let window = try tern.enter(room, creating: false)
        let jid = try JID(room)
        let state = try #require(tern.rooms.rooms[jid])
        try tern.waitFor("Alice's arrival", of: bob) { Check.isPresence($0, of: "Alice", available: true) }
        var mark = bob.mark

        // Fourteen silent minutes: nothing is asked. By the sixteenth (the silences are looked
        // at every minute): a ping to our own occupant JID, which the room answers; Tern stays in
        // and the next fifteen minutes start.
        clock.skip(by: .seconds(14 * 60))
        #expect(!state.selfPinging)
        clock.skip(by: .seconds(2 * 60))
        #expect(state.selfPinging, "a self-ping is out")
        let asked = clock.now
        #expect(tern.wait { !state.selfPinging }, "the room answered")
        #expect(state.lastHeard >= asked, "the answer said Tern is in")
        #expect(tern.rooms.isJoined(jid) && state.state == .joined)
        tern.wait(timeout: .milliseconds(300), reading: [bob]) { false }
        #expect(Self.presences(bob, of: "Alice", from: mark).isEmpty, "nothing was entered again")

        // The service forgets the room; Bob enters it again and speaks, which Tern, no longer
        // counted in, does not hear.
        try server.crashRoom(room)
        try bob.join(room, nick: "Bob")
        try bob.say(room, "while you were out")
        mark = bob.mark
        tern.wait(timeout: .milliseconds(300), reading: [bob]) { false }
        #expect(!tern.messages(in: room).contains { $0.body == "while you were out" })
        #expect(tern.rooms.isJoined(jid), "Tern still thinks it is in")

        // Sixteen more silent minutes: the ping's error says Tern is out; it enters the room
        // again, and the room's archive brings what it missed.
        clock.skip(by: .seconds(16 * 60))
        #expect(tern.wait { tern.notices(window).contains { $0.contains("no longer counts you in") } })
        try tern.waitFor("Alice entering again", of: bob, from: mark) {
            Check.isPresence($0, of: "Alice", available: true)
        }
        #expect(
            tern.wait {
                tern.rooms.isJoined(jid) && tern.messages(in: room).contains { $0.body == "while you were out" }
            },
            "\(tern.notices(window).suffix(3)) \(tern.messages(in: room).map(\.body))")
        #expect(tern.messages(in: room).filter { $0.body == "while you were out" }.count == 1)
        try bob.say(room, "welcome back")
        #expect(tern.wait { tern.messages(in: room).last?.body == "welcome back" })
    }

    static func presences(_ bob: RoomPeer, of nick: String, from mark: Int) -> [RoomPeer.Event] {
        bob.events[mark...].filter { $0.name == "presence" && $0.string("nick") == nick }
    }
}
