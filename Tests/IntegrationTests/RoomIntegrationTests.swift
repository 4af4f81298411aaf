import ChatModel
import ChatStore
import Foundation
import Networking
import TestServers
import TestSupport
import Testing
import XMPPCore

/// Tern in rooms on real servers, with slixmpp peers (`RoomPeer`) as the other occupants.
@Suite(.serialized, .servers(users: ["alice": "alice-secret", "bob": "bob-secret"]))
struct RoomIntegrationTests {
    private func newRoom(_ server: any XMPPTestServer, _ name: String) -> String {
        "\(name)-\(UUID().uuidString.prefix(8).lowercased())@\(server.conferenceDomain)"
    }

    private func roomMessages(_ alice: LiveAccount, _ room: String) -> [StoredMessage] {
        (try? alice.store.lastMessages(
            account: alice.controller.accountID, conversation: try JID(room), limit: 1000)) ?? []
    }

    @Test(arguments: ServerKind.allCases) func aRoomsArchiveIsShownOnceInOrderAndWeTalkBothWays(_ kind: ServerKind)
        throws
    {
        let server = try TestServers.server(kind)
        let room = newRoom(server, "coven")
        let bob = try RoomPeer(server: server, user: "bob")
        defer { bob.stop() }
        try bob.join(room, nick: "Bob")
        try bob.sayMany(room, count: 200, prefix: "line")

        let loop = try EventLoop()
        let alice = try LiveAccount(loop: loop, server: server, user: "alice")
        #expect(alice.connect())
        let rooms = try #require(alice.controller.feature(RoomsFeature.self))
        rooms.join(try JID(room), nick: "Alice")
        #expect(
            alice.wait(timeout: .seconds(30)) {
                rooms.isJoined(try! JID(room)) && roomMessages(alice, room).count >= 200
            })
        let archived = roomMessages(alice, room)
        #expect(archived.map(\.body) == (1...200).map { "line \($0)" }, "once each, in the room's order")
        #expect(archived.allSatisfy { $0.sender == "Bob" && $0.stanzaIDBy == room })

        // Live, both ways: Bob's line arrives once; ours reaches Bob and comes back as delivered.
        try bob.say(room, "welcome, Alice")
        #expect(alice.wait { roomMessages(alice, room).last?.body == "welcome, Alice" })
        let mark = bob.events.count
        rooms.send("thank you, Bob", to: try JID(room))
        #expect(alice.wait { roomMessages(alice, room).last.map { $0.outgoing && $0.state == .delivered } == true })
        try bob.waitFor("Alice's message", from: mark) {
            $0.name == "message" && $0.string("nick") == "Alice" && $0.string("body") == "thank you, Bob"
        }
        let ours = roomMessages(alice, room).filter { $0.body == "thank you, Bob" }
        #expect(ours.count == 1, "the reflection is our message, not a second one")

        // A new session: the room is entered again, and what was said meanwhile comes from its
        // archive, once.
        alice.disconnect()
        try bob.say(room, "while you were away")
        #expect(alice.connect())
        #expect(alice.wait(timeout: .seconds(20)) { roomMessages(alice, room).last?.body == "while you were away" })
        #expect(rooms.isJoined(try JID(room)))
        let bodies = roomMessages(alice, room).map(\.body)
        #expect(Set(bodies).count == bodies.count, "nothing doubled after the rejoin")
        alice.disconnect()
    }
}
