import ChatModel
import ChatStore
import Foundation
import Networking
import Subprocess
import TestServers
import TestSupport
import Testing
import XMPPCore

/// `tern send --groupchat` and `tern history ROOM` as a user runs them, with a slixmpp occupant
/// (`RoomPeer`) in the room, on both servers.
extension SendCommandTests {
    func newRoom(_ server: any XMPPTestServer, _ name: String) -> String {
        "\(name)-\(UUID().uuidString.prefix(8).lowercased())@\(server.conferenceDomain)"
    }

    /// `tern send --groupchat` as alice, recorded in `database`.
    func sendToRoom(_ room: String, _ text: String, server: any XMPPTestServer, database: String) throws -> (
        status: Int32, stderr: String
    ) {
        let path = try writeConfig(config(tls: "starttls", port: server.c2sPort, server: server))
        return try run(["send", "--config", path, "--database", database, "--groupchat", room, text])
    }

    func history(_ conversation: String, database: String, json: Bool = false) throws -> [String] {
        let output = try Subprocess.run(
            Self.ternBinary, ["history", "--database", database, conversation] + (json ? ["--json"] : []))
        return output.standardOutputText.split(separator: "\n").map(String.init)
    }

    /// A new room on `kind`'s server with bob in it as Bob.
    func roomWithBob(_ kind: ServerKind, _ name: String) throws -> (any XMPPTestServer, String, RoomPeer) {
        let server = try TestServers.server(kind)
        let room = newRoom(server, name)
        let bob = try RoomPeer(server: server, user: "bob")
        try bob.join(room, nick: "Bob")
        return (server, room, bob)
    }

    func object(_ line: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
    }

    @Test(arguments: ServerKind.allCases)
    func aRoomGetsTheMessageOnceFromAShortVisitAndTheHistoryKeepsIt(kind: ServerKind) throws {
        let (server, room, bob) = try roomWithBob(kind, "coven")
        defer { bob.stop() }
        let mark = bob.mark
        let database = FileManager.default.temporaryDirectory.appendingPathComponent("tern-\(UUID()).sqlite").path
        let result = try sendToRoom(room, "Harpier cries: 'tis time <&>", server: server, database: database)
        #expect(result.status == 0, "stderr: \(result.stderr)")
        #expect(result.stderr.isEmpty)
        // Bob's own line after it: whatever the visit caused reached him before its reflection.
        try bob.say(room, "after the visit")
        let messages = bob.events[mark...].filter { $0.name == "message" && $0.string("room") == room }
        #expect(
            messages.map { [$0.string("nick"), $0.string("body")] } == [
                ["alice", "Harpier cries: 'tis time <&>"], ["Bob", "after the visit"],
            ], "once, as alice (the account's name)")
        #expect(
            bob.events[mark...].contains { $0.name == "presence" && $0.string("nick") == "alice" },
            "a visitor nobody else is in the room as comes and goes")

        let lines = try history(room, database: database)
        #expect(lines.count == 1)
        #expect(lines.first?.hasSuffix("  me: Harpier cries: 'tis time <&>") == true, "\(lines)")
        let stored = try object(try #require(try history(room, database: database, json: true).first))
        #expect(stored["type"] as? String == "groupchat")
        #expect(stored["nick"] as? String == "alice")
        #expect(stored["state"] as? String == "delivered", "the room passed it on")
        #expect(stored["stanza_id_by"] as? String == room, "the room's archive id: \(stored)")
        #expect(stored["origin_id"] as? String == stored["id_attribute"] as? String)
    }

    @Test(arguments: ServerKind.allCases)
    func aRoomThatIsMissingLockedOrTakenFailsWithTheReason(kind: ServerKind) throws {
        let server = try TestServers.server(kind)
        let database = FileManager.default.temporaryDirectory.appendingPathComponent("tern-\(UUID()).sqlite").path
        let missing = newRoom(server, "nowhere")
        let gone = try sendToRoom(missing, "anyone?", server: server, database: database)
        #expect(gone.status == 1)
        #expect(gone.stderr == "tern: \(missing) does not exist\n")
        let bob = try RoomPeer(server: server, user: "bob")
        defer { bob.stop() }

        let locked = newRoom(server, "locked")
        try bob.join(locked, nick: "Bob")
        // Prosody protects a room that has a secret; ejabberd has a switch for it as well.
        var secret: [String: JSONValue] = ["muc#roomconfig_roomsecret": "cauldron"]
        if kind == .ejabberd { secret["muc#roomconfig_passwordprotectedroom"] = .bool(true) }
        try bob.configure(locked, secret)
        let refused = try sendToRoom(locked, "let me in", server: server, database: database)
        #expect(refused.status == 1)
        #expect(
            refused.stderr
                == "tern: cannot enter \(locked): the room needs a password (tern send uses the one you entered it"
                + " with in Tern: /join \(locked)/NICK PASSWORD there first)\n")

        let taken = newRoom(server, "taken")
        try bob.join(taken, nick: "alice")
        let conflict = try sendToRoom(taken, "who has my nick?", server: server, database: database)
        #expect(conflict.status == 1)
        #expect(conflict.stderr == "tern: cannot enter \(taken): the nick is taken\n")
        for room in [missing, locked, taken] {
            #expect(try history(room, database: database).isEmpty, "nothing went out to \(room)")
        }
    }

    /// With the interactive client in the room, the visit is one more session of its occupant
    /// (its nick from the database), the client stays in the room and shows the message once as
    /// its own, and `tern history ROOM` prints the room's lines.
    @Test(arguments: ServerKind.allCases)
    func besideTheInteractiveClientTheVisitUsesItsNick(kind: ServerKind) throws {
        let (server, room, bob) = try roomWithBob(kind, "heath")
        defer { bob.stop() }
        let loop = try EventLoop()
        let alice = try LiveAccount(loop: loop, server: server, user: "alice")
        #expect(alice.connect())
        let rooms = try #require(alice.controller.feature(RoomsFeature.self))
        rooms.join(try JID(room), nick: "Alice")
        #expect(alice.wait { rooms.isJoined(try! JID(room)) })
        try bob.say(room, "Fair is foul")
        #expect(alice.wait { alice.messages(with: room).contains { $0.body == "Fair is foul" } })

        let mark = bob.mark
        let result = try sendToRoom(room, "and foul is fair", server: server, database: alice.databasePath)
        #expect(result.status == 0, "stderr: \(result.stderr)")
        try bob.say(room, "hover through the fog")
        let seen = bob.events[mark...]
        #expect(
            seen.filter { $0.name == "message" && $0.string("nick") == "Alice" }.map { $0.string("body") } == [
                "and foul is fair"
            ])
        // Both servers join the sessions of one occupant: the others never see Alice leave (her
        // presence may be sent again, available, when the visit comes and goes).
        let presences = seen.filter { $0.name == "presence" && $0.string("nick") == "Alice" }
        #expect(presences.allSatisfy { $0.string("type") == "available" }, "\(presences)")
        #expect(alice.wait { alice.messages(with: room).last?.body == "hover through the fog" })
        #expect(rooms.isJoined(try JID(room)), "the interactive client is still in the room: \(alice.logText)")
        let ours = alice.messages(with: room).filter { $0.body == "and foul is fair" }
        #expect(ours.count == 1, "stored once, whoever stored it first")
        #expect(ours.first?.outgoing == true)
        #expect(ours.first?.state == .delivered)

        let lines = try history(room, database: alice.databasePath)
        #expect(lines.contains { $0.hasSuffix("  \(room)/Bob: Fair is foul") }, "\(lines)")
        #expect(lines.contains { $0.hasSuffix("  me: and foul is fair") }, "\(lines)")
        #expect(lines.last?.hasSuffix("  \(room)/Bob: hover through the fog") == true, "\(lines)")
        alice.disconnect()
    }

    /// XEP-0045 §7.9 leaves it to the room whether someone outside it may send it a message;
    /// neither test server allows it, which is why `tern send --groupchat` enters the room.
    @Test(arguments: ServerKind.allCases)
    func neitherServerTakesARoomMessageFromOutside(kind: ServerKind) throws {
        let (server, room, bob) = try roomWithBob(kind, "closed")
        defer { bob.stop() }
        let alice = try RoomPeer(server: server, user: "alice")
        defer { alice.stop() }
        let mark = alice.mark
        try alice.sendRaw(
            "<message to='\(room)' type='groupchat' id='outside-1'><body>from outside</body></message>")
        let error = try alice.waitFor("the room's answer", from: mark) {
            $0.name == "message_error" && $0.string("id") == "outside-1"
        }
        #expect(error.string("condition")?.hasPrefix("not-acceptable") == true, "\(error)")
    }
}
