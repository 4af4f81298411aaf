import ChatModel
import ChatStore
import Foundation
import Networking
import TestServers
import TestSupport
import Testing
import XMPPCore

/// Rooms never lose a line: Tern (through the model) behind a `FaultProxy` that cuts its
/// connection while a slixmpp peer floods a room with numbered messages and Tern talks too, on
/// Prosody and ejabberd. Afterwards every message is stored once, in the room's order (its
/// archive, as the peer reads it), and each of Tern's reached the room and the peer once and was
/// confirmed by its reflection.
@Suite(.serialized, .servers(users: ["alice": "alice-secret", "bob": "bob-secret"]))
struct RoomReliabilityTests {
    /// Bob's new room with Tern in it, through a proxy, with a keep-alive that notices a dead
    /// link in 3 s (the proxy and peer stop when released; `stop()` logs Tern out first).
    struct Scene {
        let room: String
        let proxy: FaultProxy
        let bob: RoomPeer
        let tern: RoomTern
        let jid: JID

        init(_ kind: ServerKind, room name: String) throws {
            let server = try TestServers.server(kind)
            proxy = try FaultProxy(targetPort: UInt16(server.c2sPort))
            room = newRoom(server, name)
            jid = try JID(room)
            bob = try RoomPeer(server: server, user: "bob")
            try bob.join(room, nick: "Bob")
            tern = try RoomTern(server, port: Int(proxy.port), keepAlive: ReliabilityTests.quickKeepAlive)
            try tern.enter(room, creating: false)
            try bob.waitFor("Alice's arrival") { RoomReliabilityTests.isPresence($0, of: "Alice", available: true) }
        }

        func stop() {
            tern.account.disconnect()
            bob.stop()
            proxy.stop()
        }
    }

    static func isPresence(_ event: RoomPeer.Event, of nick: String, available: Bool) -> Bool {
        event.name == "presence" && event.string("nick") == nick
            && event.string("type") == (available ? "available" : "unavailable")
    }

    /// Tern's messages in `room`: those it typed (`outgoing`) or the others'.
    static func stored(_ tern: RoomTern, _ room: String, outgoing: Bool) -> [StoredMessage] {
        tern.messages(in: room).filter { $0.outgoing == outgoing }
    }

    /// What the peer heard from Alice.
    static func heard(by bob: RoomPeer) -> [String] {
        bob.events.filter { $0.name == "message" && $0.string("nick") == "Alice" }.compactMap { $0.string("body") }
    }

    /// Everything arrived: the peer's floods are answered, Tern stored `theirs` of the others'
    /// messages, its `ours` are all confirmed, and the peer heard them.
    static func arrived(_ tern: RoomTern, _ bob: RoomPeer, room: String, floods: [String], theirs: Int, ours: Int)
        -> Bool
    {
        floods.allSatisfy(bob.hasReplied) && stored(tern, room, outgoing: false).count >= theirs
            && stored(tern, room, outgoing: true).filter { $0.state == .delivered }.count >= ours
            && heard(by: bob).count >= ours
    }

    /// The room's archive (read by the peer) has `theirs` of Bob's messages and Tern's `ours` once
    /// each, in the order typed; Tern stored Bob's once each in the archive's order and its own
    /// once each, delivered; the peer heard each of Tern's once.
    static func expectEverythingOnce(_ tern: RoomTern, _ bob: RoomPeer, room: String, theirs: Int, ours: [String])
        throws
    {
        for flood in bob.events where flood.name == "error" { Issue.record("the peer failed: \(flood)") }
        let archive = try bob.queryArchive(room)
        let archivedTheirs = archive.filter { $0.string("nick") == "Bob" }.compactMap { $0.string("body") }
        let archivedOurs = archive.filter { $0.string("nick") == "Alice" }.compactMap { $0.string("body") }
        #expect(archivedTheirs.count == theirs && Set(archivedTheirs).count == theirs, "the room kept each once")
        #expect(
            archivedOurs == ours,
            "the room got each of ours once, in the order typed: \(archivedOurs.count) of \(ours.count)")

        let rows = stored(tern, room, outgoing: false)
        let incoming = rows.map(\.body)
        let missing = Set(archivedTheirs).subtracting(incoming)
        #expect(incoming.count == theirs, "none twice: \(incoming.count) stored of \(theirs)")
        #expect(missing.isEmpty, "none lost: \(missing.count) missing, e.g. \(missing.sorted().prefix(5))")
        let disorder = zip(incoming, archivedTheirs).enumerated().first { $0.element.0 != $0.element.1 }
        let around = disorder.map { rows[max(0, $0.offset - 2)..<min(rows.count, $0.offset + 3)] }.map {
            $0.map { "\($0.body) at \($0.timestamp)" }
        }
        #expect(
            disorder == nil, "in the room's order; first difference: \(String(describing: disorder)) \(around ?? [])")
        let sent = stored(tern, room, outgoing: true)
        #expect(sent.count == ours.count && Set(sent.map(\.body)) == Set(ours), "ours stored once each: \(sent.count)")
        let states = Dictionary(grouping: sent, by: { $0.state.map { "\($0)" } ?? "none" }).mapValues(\.count)
        #expect(sent.allSatisfy { $0.state == .delivered }, "each confirmed by its reflection: \(states)")
        let heard = heard(by: bob)
        #expect(
            heard.count == ours.count && Set(heard) == Set(ours), "the peer heard each of ours once: \(heard.count)")
    }

    @Test(arguments: ServerKind.allCases) func cutsDuringRoomTrafficAreResumedWithNothingLostOrDoubled(
        _ kind: ServerKind
    ) throws {
        let scene = try Scene(kind, room: "storm")
        defer { scene.stop() }
        let (room, jid, proxy, bob, tern) = (scene.room, scene.jid, scene.proxy, scene.bob, scene.tern)
        let settled = bob.mark

        // Three rounds: the peer floods 100, Tern types 10 before the cut and 5 after it (in the
        // outbox until the stream is resumed).
        var floods: [String] = []
        var ours: [String] = []
        for round in 0..<3 {
            floods.append(try bob.startSayMany(room, count: 100, prefix: "flood\(round)"))
            for number in 0..<15 {
                if number == 10 { proxy.cutAll() }
                ours.append("alice \(round)-\(number)")
                tern.rooms.send(ours.last!, to: jid)
                if number < 10 { tern.wait(timeout: .milliseconds(10), reading: [bob]) { false } }
            }
            tern.wait(timeout: .seconds(5), reading: [bob]) { tern.account.controller.status != .online }
            #expect(tern.wait(reading: [bob]) { tern.account.controller.status == .online }, "back after cut \(round)")
        }
        let arrived = tern.wait(timeout: .seconds(60), reading: [bob]) {
            Self.arrived(tern, bob, room: room, floods: floods, theirs: 300, ours: ours.count)
        }
        #expect(
            arrived,
            "\(Self.stored(tern, room, outgoing: false).count) of 300 stored, \(Self.heard(by: bob).count) heard")
        tern.wait(timeout: .milliseconds(500), reading: [bob]) { false }
        try Self.expectEverythingOnce(tern, bob, room: room, theirs: 300, ours: ours)

        // A resumed stream is still in the room: nothing was entered again.
        let log = tern.logText
        #expect(log.components(separatedBy: "resumed the stream").count - 1 >= 3, "every cut resumed:\n\(log)")
        #expect(!log.contains("starting a new session"))
        let presences = bob.events[settled...].filter { $0.name == "presence" && $0.string("nick") == "Alice" }
        #expect(presences.isEmpty, "Alice never left nor entered again: \(presences)")
        #expect(tern.rooms.isJoined(jid))
        #expect(tern.model.occupants(of: try tern.key(room)).map(\.nick) == ["Bob", "Alice"])
    }
}

/// A network outage longer than the server keeps a broken stream (two seconds on these servers):
/// the next connection is a new session, Tern enters the room again and its archive fills the gap.
@Suite(.serialized, .servers(users: ["alice": "alice-secret", "bob": "bob-secret"], resumptionSeconds: 2))
struct RoomNewSessionTests {
    typealias Check = RoomReliabilityTests

    @Test(arguments: ServerKind.allCases) func aNewSessionEntersTheRoomAgainAndItsArchiveFillsTheGap(
        _ kind: ServerKind
    ) throws {
        let scene = try Check.Scene(kind, room: "gap")
        defer { scene.stop() }
        let (room, jid, proxy, bob, tern) = (scene.room, scene.jid, scene.proxy, scene.bob, scene.tern)

        // Traffic both ways, all of it confirmed before the outage.
        let before = try bob.startSayMany(room, count: 100, prefix: "before")
        let ours = (0..<20).map { "alice \($0)" }
        for body in ours.prefix(10) { tern.rooms.send(body, to: jid) }
        let confirmed = tern.wait(timeout: .seconds(30), reading: [bob]) {
            Check.arrived(tern, bob, room: room, floods: [before], theirs: 100, ours: 10)
        }
        #expect(confirmed, "\(Check.stored(tern, room, outgoing: false).count) of 100 before the outage")

        // The network goes down while the peer floods and Tern types; it stays down until the
        // server has ended Tern's session, which takes Alice out of the room.
        let mark = bob.mark
        let during = try bob.startSayMany(room, count: 100, prefix: "during")
        proxy.down()
        for body in ours.suffix(10) { tern.rooms.send(body, to: jid) }
        try bob.waitFor("Alice's session ended", from: mark, timeout: .seconds(20)) {
            Check.isPresence($0, of: "Alice", available: false)
        }
        try bob.reply(to: during, timeout: .seconds(60))
        proxy.restore()
        tern.account.controller.reconnectNow()

        let caughtUp = tern.wait(timeout: .seconds(60), reading: [bob]) {
            Check.arrived(tern, bob, room: room, floods: [before, during], theirs: 200, ours: 20)
        }
        #expect(
            caughtUp, "\(Check.stored(tern, room, outgoing: false).count) of 200, \(Check.heard(by: bob).count) heard")
        tern.wait(timeout: .milliseconds(500), reading: [bob]) { false }
        #expect(tern.logText.contains("starting a new session"), "the window had passed")
        let back = bob.events[mark...].filter { Check.isPresence($0, of: "Alice", available: true) }
        #expect(back.count == 1, "Alice entered the room again, once: \(back)")
        #expect(tern.rooms.isJoined(jid))
        try Check.expectEverythingOnce(tern, bob, room: room, theirs: 200, ours: ours)
    }
}
