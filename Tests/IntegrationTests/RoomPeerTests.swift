import Foundation
import TestServers
import TestSupport
import Testing

/// The group-chat test infrastructure itself, on both servers: their room services (stanza-ids
/// by the room, archives, occupant ids where supported, room locking) as slixmpp peers
/// (`RoomPeer`) see them, and the fixture's bounded failures.
@Suite(.serialized, .servers(users: ["alice": "alice-secret", "bob": "bob-secret"]))
struct RoomPeerTests {
    /// A fresh room name on the server's room service.
    private func newRoom(_ server: any XMPPTestServer, _ name: String) -> String {
        "\(name)-\(UUID().uuidString.prefix(8).lowercased())@\(server.conferenceDomain)"
    }

    @Test(arguments: ServerKind.allCases) func twoPeersShareARoom(_ kind: ServerKind) throws {
        let server = try TestServers.server(kind)
        let room = newRoom(server, "peers")
        let alice = try RoomPeer(server: server, user: "alice")
        defer { alice.stop() }
        let bob = try RoomPeer(server: server, user: "bob")
        defer { bob.stop() }

        let created = try alice.join(room, nick: "Alice")
        #expect(created["created"]?.bool == true)
        #expect(created.codes.contains(110) && created.codes.contains(201), "\(created)")
        let joined = try bob.join(room, nick: "Bob")
        #expect(joined["created"]?.bool == false && !joined.codes.contains(201), "\(joined)")
        let arrival = try alice.waitFor("Bob's arrival") {
            $0.name == "presence" && $0.string("nick") == "Bob" && $0.string("type") == "available"
        }
        #expect(arrival.string("role") == "participant" && arrival.string("affiliation") == "none")

        let features = try bob.discoFeatures(room)
        #expect(features.contains("urn:xmpp:mam:2") && features.contains("urn:xmpp:sid:0"), "\(features)")
        #expect(features.contains("urn:xmpp:occupant-id:0") == (kind == .prosody), "\(features)")

        // A message: the origin-id survives, the room adds a stanza-id by its own bare JID.
        let sent = try alice.say(room, "hello room", originID: "origin-1")
        let heard = try bob.waitFor("Alice's message") { $0.name == "message" && $0.string("body") == "hello room" }
        #expect(heard.string("type") == "groupchat" && heard.string("nick") == "Alice" && heard.string("room") == room)
        #expect(heard.string("origin_id") == "origin-1")
        #expect(heard.string("stanza_id_by") == room)
        #expect(heard.string("stanza_id") != nil && heard.string("stanza_id") == sent.string("stanza_id"))
        if kind == .prosody {
            #expect(heard.string("occupant_id") != nil, "Prosody adds XEP-0421 occupant ids")
            #expect(heard.string("occupant_id") == arrivalOccupantID(alice, of: "Alice"))
        } else {
            #expect(heard.string("occupant_id") == nil, "ejabberd 23.01 has no XEP-0421")
        }

        // A nick change: the old nick leaves with 303 and the new one, then the new nick arrives.
        let beforeNick = alice.mark
        try bob.changeNick(room, to: "Robert")
        let renamed = try alice.waitFor("Bob's nick change", from: beforeNick) {
            $0.name == "presence" && $0.string("nick") == "Bob" && $0.string("type") == "unavailable"
        }
        #expect(renamed.codes.contains(303) && renamed.string("new_nick") == "Robert", "\(renamed)")
        try alice.waitFor("Robert's presence", from: beforeNick) {
            $0.name == "presence" && $0.string("nick") == "Robert" && $0.string("type") == "available"
        }

        try alice.setSubject(room, "Peers only")
        let subject = try bob.waitFor("the new subject") { $0.name == "subject" && $0.string("text") == "Peers only" }
        #expect(subject.string("nick") == "Alice" && subject.string("room") == room)

        // The room's archive keeps a flood, in order, with the stanza-ids the room stamped.
        try alice.sayMany(room, count: 200, prefix: "archived")
        let archive = try bob.queryArchive(room)
        let flood = archive.compactMap { $0.string("body") }.filter { $0.hasPrefix("archived ") }
        let inOrder = flood == (1...200).map { "archived \($0)" }
        #expect(inOrder, "\(flood.count) archived: \(flood.prefix(3)) … \(flood.suffix(3))")
        let first = try #require(archive.first { $0.string("body") == "hello room" })
        #expect(first.string("result_id") == sent.string("stanza_id"))
        #expect(first.string("origin_id") == "origin-1" && first.string("delay") != nil)

        // A kick: the kicked occupant sees its own unavailable presence with 110 and 307.
        let beforeKick = (alice.mark, bob.mark)
        try alice.kick(room, nick: "Robert", reason: "testing kicks")
        let kicked = try bob.waitFor("the kick", from: beforeKick.1) {
            $0.name == "presence" && $0.string("type") == "unavailable" && $0.codes.contains(110)
        }
        #expect(kicked.codes.contains(307) && kicked.string("reason") == "testing kicks", "\(kicked)")
        #expect(kicked.string("role") == "none")
        let seen = try alice.waitFor("Robert leaving", from: beforeKick.0) {
            $0.name == "presence" && $0.string("nick") == "Robert" && $0.string("type") == "unavailable"
        }
        #expect(seen.codes.contains(307) && !seen.codes.contains(110), "\(seen)")
    }

    /// What a client must not trust: a stanza-id claiming to be the room's is replaced on both
    /// servers, but an occupant-id from the sender passes through ejabberd 23.01 (which does not
    /// implement XEP-0421): a client may believe occupant ids only where the room's disco#info
    /// lists `urn:xmpp:occupant-id:0`.
    @Test(arguments: ServerKind.allCases) func forgedIDsInAGroupchatMessage(_ kind: ServerKind) throws {
        let server = try TestServers.server(kind)
        let room = newRoom(server, "forged")
        let alice = try RoomPeer(server: server, user: "alice")
        defer { alice.stop() }
        let bob = try RoomPeer(server: server, user: "bob")
        defer { bob.stop() }
        try alice.join(room, nick: "Alice")
        try bob.join(room, nick: "Bob")
        try alice.sendRaw(
            "<message to='\(room)' type='groupchat' id='forged-1'><body>forged ids</body>"
                + "<stanza-id xmlns='urn:xmpp:sid:0' by='\(room)' id='forged-stanza-id'/>"
                + "<occupant-id xmlns='urn:xmpp:occupant-id:0' id='forged-occupant-id'/></message>")
        let heard = try bob.waitFor("the forged message") { $0.name == "message" && $0.string("body") == "forged ids" }
        let stanzaIDs = heard["stanza_ids"]?.array?.compactMap { $0["id"]?.string } ?? []
        #expect(!stanzaIDs.contains("forged-stanza-id") && stanzaIDs.count == 1, "\(heard)")
        if kind == .prosody {
            #expect(heard.string("occupant_id") != "forged-occupant-id" && heard.string("occupant_id") != nil)
        } else {
            #expect(heard.string("occupant_id") == "forged-occupant-id", "ejabberd 23.01 passes it on")
        }
    }

    /// Prosody keeps a new room locked until its owner submits the configuration form, refusing
    /// other joins with item-not-found; ejabberd 23.01 lets them in at once.
    @Test(arguments: ServerKind.allCases) func aNewRoomIsLockedUntilConfiguredOnProsodyOnly(_ kind: ServerKind) throws {
        let server = try TestServers.server(kind)
        let room = newRoom(server, "locked")
        let alice = try RoomPeer(server: server, user: "alice")
        defer { alice.stop() }
        let bob = try RoomPeer(server: server, user: "bob")
        defer { bob.stop() }
        let created = try alice.join(room, nick: "Alice", unlock: false)
        #expect(created.codes.contains(201))
        let refusal = Result { try bob.join(room, nick: "Bob", timeout: .seconds(5)) }
        switch (kind, refusal) {
        case (.prosody, .failure(let error)):
            #expect("\(error)".contains("item-not-found"), "\(error)")
        case (.ejabberd, .success(let joined)):
            #expect(joined.codes.contains(110))
        default:
            Issue.record("\(kind): \(refusal)")
        }
        try alice.configure(room, ["muc#roomconfig_persistentroom": false])
        let joined = try bob.join(room, nick: "Bob2")
        #expect(joined.codes.contains(110))
    }

    /// The fixture's own failures come in time and say what was missing and what the peer said.
    @Test func waitsAndFailedCommandsFailInTimeWithThePeersOutput() throws {
        let server = try TestServers.server(.prosody)
        let alice = try RoomPeer(server: server, user: "alice")
        defer { alice.stop() }
        let started = ContinuousClock.now
        #expect {
            try alice.waitFor("a unicorn", timeout: .seconds(1)) { $0.name == "unicorn" }
        } throws: { "\($0)".contains("no a unicorn within 1") && "\($0)".contains("last events") }
        #expect(ContinuousClock.now - started < .seconds(5))
        #expect {
            try alice.configure(newRoom(server, "missing"), ["muc#roomconfig_membersonly": true])
        } throws: { "\($0)".contains("configure-") && "\($0)".contains("failed") }
        #expect {
            try alice.command("no_such_command")
        } throws: { "\($0)".contains("unknown command") }
        alice.stop()
        #expect(throws: FixtureError.self) { try alice.say("x@\(server.conferenceDomain)", "after the end") }
    }

    /// The occupant id in the first presence of `nick` that `peer` saw.
    private func arrivalOccupantID(_ peer: RoomPeer, of nick: String) -> String? {
        peer.events.first { $0.name == "presence" && $0.string("nick") == nick }?.string("occupant_id")
    }
}
