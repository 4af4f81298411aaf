import Foundation
import Networking
import TestServers
import TestSupport
import XMPPClient
import XMPPCore
import XMPPExtensions

/// Group chat in the whole program, as `tern-bench client` runs it: the release `tern` in tmux
/// (200×50) against a private Prosody, the screen read with capture-pane, the process from /proc.
/// Entering a room of 500 occupants whose archive holds 10,000 messages, beside the same join by
/// a bare client (what the server takes); a flood of room messages at a set rate beside the same
/// flood one-to-one, with keys typed during both; and a login with 50 bookmarked rooms to enter.
/// Prints figures; fails on none.
enum RoomsBenchmark {
    static let occupants = 500
    static let archived = 10_000

    static func run(launches: Int, messages: Int, rate: Int) {
        do {
            let server = try ProsodyServer(users: [
                "alice": "alice-password", "bob": "bob-password", "crowd": "crowd-password",
            ])
            defer { server.stop() }
            try IMBenchmark.fillRoster(server: server, user: "alice", count: 0, extra: ["bob"])
            // The occupants stay until the end: 500 leaving keep the server busy for a while.
            let crowd = try largeRoom(server: server)
            defer { crowd.disconnect() }
            try joins(server: server, crowd: crowd, launches: launches)
            try floods(server: server, messages: messages, rate: rate, runs: max(1, launches / 2))
        } catch {
            print("rooms: \(error)")
        }
        do {
            try autojoin(rooms: 50, launches: launches)
        } catch {
            print("rooms: \(error)")
        }
    }

    // MARK: A large room

    /// The large room: its archive filled, then its occupants in.
    static func largeRoom(server: ProsodyServer) throws -> RoomCrowd {
        let room = try JID("large@\(server.conferenceDomain)")
        let clock = ContinuousClock()
        let filling = clock.now
        try fillArchive(server: server, room: room)
        print("rooms: \(archived) messages archived in \(room) in \(IMBenchmark.seconds(clock.now - filling)) (setup)")
        let gathering = clock.now
        let crowd = try RoomCrowd(server: server, user: "crowd", count: occupants, room: room)
        print("rooms: \(occupants) occupants entered in \(IMBenchmark.seconds(clock.now - gathering)) (setup)")
        return crowd
    }

    /// Launches that alternate between Tern's join of the crowd's room (a fresh home each: a
    /// first join, which fetches the newest page of the archive) and the same join by a bare
    /// client.
    static func joins(server: ProsodyServer, crowd: RoomCrowd, launches: Int) throws {
        var joins: [TernJoin] = []
        var bare: [BareJoin] = []
        for _ in 0..<launches {
            bare.append(try bareJoin(server: server, room: crowd.room))
            let home = try ProcessBenchmark.Home(server: server, user: "alice")
            defer { home.remove() }
            joins.append(try ternJoin(home: home, room: crowd.room))
        }
        report(joins, bare)
    }

    /// `bob` creates `room` (kept when empty) and says `archived` numbered things in it, which
    /// the room's archive keeps: `room message 1` … .
    static func fillArchive(server: ProsodyServer, room: JID) throws {
        let owner = try RoomPeer(server: server, user: "bob")
        defer { owner.stop() }
        try owner.join(room.description, nick: "owner")
        try owner.configure(room.description, ["muc#roomconfig_persistentroom": .bool(true)])
        try owner.sayMany(room.description, count: archived, prefix: "room message", timeout: .seconds(900))
        try owner.leave(room.description)
    }

    /// Tern's join, from the Enter after `/join ROOM` (seconds).
    struct TernJoin {
        /// The title says we are in, and how many it counted then.
        var joined: Double
        var countWhenJoined: Int
        /// The occupants pane counts every occupant.
        var paneReady: Double
        /// The newest archived message is on screen.
        var newest: Double
        /// Tern's CPU (utime + stime) from the Enter until all three.
        var cpu: Double
    }

    static func ternJoin(home: ProcessBenchmark.Home, room: JID) throws -> TernJoin {
        var join: TernJoin?
        let everyone = occupants + 1
        try ProcessBenchmark.session(home) { tmux, pid in
            try tmux.waitFor("connected as", timeout: .seconds(30))
            Thread.sleep(forTimeInterval: 1)
            try tmux.send("/join \(room)")
            let cpu = try ProcessBenchmark.cpuSeconds(pid: pid)
            let start = Date()
            try tmux.press("Enter")
            var joined: (Double, Int)?
            var paneReady: Double?
            var newest: Double?
            while joined == nil || paneReady == nil || newest == nil {
                let screen = try tmux.screen()
                let now = Date().timeIntervalSince(start)
                guard now < 60 else { throw FixtureError("the join did not finish; the screen shows:\n\(screen)") }
                if joined == nil, let match = screen.firstMatch(of: /alice, (\d+) here/) {
                    joined = (now, Int(match.1) ?? 0)
                }
                if paneReady == nil && screen.contains("Participants (\(everyone))") { paneReady = now }
                if newest == nil && screen.contains("room message \(archived)") { newest = now }
            }
            guard let joined, let paneReady, let newest else { return }
            join = TernJoin(
                joined: joined.0, countWhenJoined: joined.1, paneReady: paneReady, newest: newest,
                cpu: try ProcessBenchmark.cpuSeconds(pid: pid) - cpu)
        }
        guard let join else { throw FixtureError("the join was not measured") }
        return join
    }

    /// The same join by a bare client (what the server takes): disco#info of the room, the join
    /// presence until our own presence after everyone else's, and the archive's newest page of
    /// 100 (seconds each).
    struct BareJoin {
        var disco: Double
        var presences: Double
        var presenceCount: Int
        var archivePage: Double
        var total: Double { disco + presences + archivePage }
    }

    static func bareJoin(server: ProsodyServer, room: JID) throws -> BareJoin {
        let archive = ArchiveManager(disco: DiscoClient())
        let (loop, connection) = try IMBenchmark.connect(
            server: server, user: "crowd", resource: "bare", extensions: [archive])
        defer { IMBenchmark.close(loop, connection) }
        var presences = 0
        var inRoom: Bool?
        connection.onEvent = { event in
            guard case .stanza(let stanza) = event, let presence = MUCOccupantPresence(stanza), presence.room == room
            else { return }
            if presence.isSelf { inRoom = presence.isAvailable } else if presence.isAvailable { presences += 1 }
        }
        func timed(_ what: String, _ body: () throws -> Bool) throws -> Double {
            let start = Date()
            guard try body() else { throw FixtureError("the bare client's \(what) got no answer") }
            return Date().timeIntervalSince(start)
        }
        func answered(_ payload: XMLElement) -> Bool {
            var answer: Result<XMLElement, IQFailure>?
            connection.sendIQ(.iq(.get, id: UUID().uuidString, to: room, payload: payload)) { answer = $0 }
            return loop.run(for: .seconds(30)) { answer != nil }
        }
        let disco = try timed("disco#info") { answered(XMLElement("query", namespace: Namespace.discoInfo)) }
        let join = try timed("join") {
            _ = connection.send(try MUCJoin.presence(room: room, nick: "bare", historyStanzas: 0))
            return loop.run(for: .seconds(30)) { inRoom == true }
        }
        let page = try timed("archive query") {
            var answer: Result<ArchivePage, IQFailure>?
            archive.query(ArchiveQuery(before: "", max: 100), in: connection.session, archive: room) { answer = $0 }
            return loop.run(for: .seconds(30)) { answer != nil }
        }
        _ = connection.send(try MUCJoin.leave(room: room, nick: "bare"))
        loop.run(for: .seconds(10)) { inRoom == false }
        return BareJoin(disco: disco, presences: join, presenceCount: presences, archivePage: page)
    }

    static func report(_ joins: [TernJoin], _ bare: [BareJoin]) {
        let server = Spread(bare.map(\.presences))
        let joined = Spread(joins.map(\.joined))
        print(
            "rooms: the server alone (a bare client; medians of \(bare.count)): disco#info of the room"
                + " \(Spread(bare.map(\.disco)).ms), join → own presence after \(bare.map(\.presenceCount).max() ?? 0)"
                + " others' \(server.ms), newest archive page of 100 \(Spread(bare.map(\.archivePage)).ms);"
                + " together \(Spread(bare.map(\.total)).ms)")
        print(
            "rooms: Tern, Enter after /join (\(occupants) occupants, \(archived) archived; fresh home; medians of"
                + " \(joins.count)): \"joined\" in the title \(joined.ms) (counting"
                + " \(joins.map(\.countWhenJoined).min() ?? 0)-\(joins.map(\.countWhenJoined).max() ?? 0)),"
                + " occupants pane counting all \(occupants + 1) \(Spread(joins.map(\.paneReady)).ms),"
                + " newest message on screen \(Spread(joins.map(\.newest)).ms);"
                + " Tern's CPU until then \(Spread(joins.map(\.cpu)).ms)")
        let overServer = joined.median - server.median - Spread(bare.map(\.disco)).median
        print(
            "rooms: joined − what the server takes (disco#info + presences): \(format(overServer * 1000)) ms"
                + " (target < 500 ms: \(overServer < 0.5 ? "met" : "NOT met")); newest on screen − what the server"
                + " takes for that too (and the archive page):"
                + " \(format((Spread(joins.map(\.newest)).median - Spread(bare.map(\.total)).median) * 1000)) ms")
    }
}
