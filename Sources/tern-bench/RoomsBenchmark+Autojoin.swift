import Foundation
import TestServers
import TestSupport
import XMPPCore

/// A login with many bookmarked rooms to enter (XEP-0402, autojoin): time from the launch until
/// the roster's Rooms section shows every room entered, and what Tern sent the server before the
/// first room had taken it in, counted from Prosody's debug log.
extension RoomsBenchmark {
    /// One launch, in seconds from the launch.
    struct AutojoinLaunch {
        var online: Double
        var firstEntered: Double
        var allEntered: Double
        var sent: SentBeforeFirstRoom
    }

    /// A server of its own (its debug log counts what Tern sends) with `count` kept rooms, all in
    /// alice's bookmarks with autojoin; launches alternate between a fresh home (the bookmarks come
    /// from the server) and one restarted (the rooms are in its store too).
    static func autojoin(rooms count: Int, launches: Int) throws {
        let server = try ProsodyServer(users: ["alice": "alice-password", "bob": "bob-password"], logLevel: "debug")
        defer { server.stop() }
        let rooms = (0..<count).map { "r\(String(format: "%02d", $0))@\(server.conferenceDomain)" }
        do {
            let owner = try RoomPeer(server: server, user: "bob")
            defer { owner.stop() }
            for room in rooms {
                try owner.join(room, nick: "owner")
                try owner.configure(room, ["muc#roomconfig_persistentroom": .bool(true)])
                try owner.leave(room)
            }
            let alice = try RoomPeer(server: server, user: "alice")
            defer { alice.stop() }
            for room in rooms { try alice.bookmark(room, in: .pep, autojoin: true) }
        }
        let restarted = try autojoinHome(server: server)
        defer { restarted.remove() }
        _ = try autojoinLaunch(restarted, server: server, rooms: count)
        var fresh: [AutojoinLaunch] = []
        var again: [AutojoinLaunch] = []
        for _ in 0..<launches {
            let home = try autojoinHome(server: server)
            defer { home.remove() }
            fresh.append(try autojoinLaunch(home, server: server, rooms: count))
            again.append(try autojoinLaunch(restarted, server: server, rooms: count))
        }
        for (name, runs) in [("fresh home, bookmarks from the server", fresh), ("restarted, rooms stored", again)] {
            print(
                "rooms \(count) bookmarked rooms with autojoin, \(name) (medians of \(runs.count)): launch → online"
                    + " \(Spread(runs.map(\.online)).ms), → first room entered \(Spread(runs.map(\.firstEntered)).ms),"
                    + " → all \(count) entered \(Spread(runs.map(\.allEntered)).ms)")
            let sent = runs.map(\.sent).sorted { $0.stanzas < $1.stanzas }[runs.count / 2]
            print("rooms   sent before the server took Tern into the first room (Prosody's log): \(sent)")
        }
    }

    /// A home whose roster pane fits every room (200×60 without the log pane), with a theme that
    /// draws a room we are in green and one we are entering plain.
    static func autojoinHome(server: ProsodyServer) throws -> ProcessBenchmark.Home {
        let home = try ProcessBenchmark.Home(
            server: server, accounts: [(name: "bench", user: "alice")],
            extraConfig: "[ui]\ntheme = \"bench\"\nlog_visible = false\n")
        try FileManager.default.createDirectory(
            atPath: home.directory + "/config/tern/themes", withIntermediateDirectories: true)
        try "[roster]\nonline = \"green\"\noffline = \"default\"\n".write(
            toFile: home.directory + "/config/tern/themes/bench.toml", atomically: true, encoding: .utf8)
        return home
    }

    static func autojoinLaunch(_ home: ProcessBenchmark.Home, server: ProsodyServer, rooms: Int) throws
        -> AutojoinLaunch
    {
        let logStart =
            (try? FileManager.default.attributesOfItem(atPath: server.directory + "/prosody.log")[.size])
            as? Int ?? 0
        var launch: AutojoinLaunch?
        try ProcessBenchmark.session(home, rows: 60) { tmux, _ in
            var online: Double?
            var first: Double?
            var all: Double?
            let deadline = Date().addingTimeInterval(60)
            while all == nil {
                let screen = try tmux.screen(styles: true)
                let now = Date().timeIntervalSince1970
                guard Date() < deadline else { throw FixtureError("not every room was entered:\n\(screen)") }
                let entered = enteredRooms(screen)
                if online == nil && screen.contains("[alice@\(server.domain): ") && screen.contains("online") {
                    online = now
                }
                if first == nil && entered > 0 { first = now }
                if entered == rooms { all = now }
            }
            let launched = try ProcessBenchmark.launchTime(home)
            launch = AutojoinLaunch(
                online: (online ?? .nan) - launched, firstEntered: (first ?? .nan) - launched,
                allEntered: (all ?? .nan) - launched,
                sent: try SentBeforeFirstRoom(log: server.directory + "/prosody.log", from: logStart, user: "alice"))
        }
        guard let launch else { throw FixtureError("the launch was not measured") }
        return launch
    }

    /// How many room rows (`# rNN`) the roster draws green (the bench theme's `roster.online`: a
    /// room we are in), read from a screen captured with its escape sequences.
    static func enteredRooms(_ screen: String) -> Int {
        var count = 0
        for line in screen.split(separator: "\n") {
            var foreground: Int?
            for (index, piece) in line.split(separator: "\u{1b}", omittingEmptySubsequences: false).enumerated() {
                var text = Substring(piece)
                if index > 0, piece.hasPrefix("["), let end = piece.firstIndex(of: "m") {
                    foreground = sgrForeground(piece[piece.index(after: piece.startIndex)..<end], current: foreground)
                    text = piece[piece.index(after: end)...]
                }
                if foreground == 2 && text.contains(/# r\d\d/) { count += 1 }
            }
        }
        return count
    }

    /// The foreground colour after an SGR sequence's parameters (nil: the default).
    static func sgrForeground(_ parameters: Substring, current: Int?) -> Int? {
        var foreground = current
        var codes = parameters.split(separator: ";", omittingEmptySubsequences: false).map { Int($0) ?? 0 }[...]
        while let code = codes.popFirst() {
            switch code {
            case 0, 39: foreground = nil
            case 30...37: foreground = code - 30
            case 90...97: foreground = code - 90 + 8
            case 38:
                if codes.popFirst() == 5 { foreground = codes.popFirst() }
            default: break
            }
        }
        return foreground
    }

    /// What Prosody received from a client's sessions between a point in its debug log and the
    /// line where its room took the user in for the first time (the room sends the user's own
    /// presence in the same step): stanzas by kind, and other elements (STARTTLS, SASL, stream
    /// management; Prosody logs each element it takes from a stream, but not the stream headers).
    /// Only this client logs in meanwhile.
    struct SentBeforeFirstRoom: CustomStringConvertible {
        var kinds: [String: Int] = [:]
        var stanzas: Int { ["iq", "presence", "message"].reduce(0) { $0 + kinds[$1, default: 0] } }
        var others: Int { kinds.values.reduce(0, +) - stanzas }

        init(log path: String, from offset: Int, user: String) throws {
            guard let handle = FileHandle(forReadingAtPath: path) else { throw FixtureError("no log at \(path)") }
            defer { try? handle.close() }
            try handle.seek(toOffset: UInt64(offset))
            let text = String(decoding: try handle.readToEnd() ?? Data(), as: UTF8.self)
            var admitted = false
            for line in text.split(separator: "\n") {
                if line.contains("creating new occupant object for \(user)@") {
                    admitted = true
                    break
                }
                // `Received[c2s_unauthed]` before the resource is bound, `Received[c2s]` after.
                guard let marker = line.range(of: "Received[c2s"),
                    let range = line[marker.upperBound...].range(of: "]: <")
                else { continue }
                let name = line[range.upperBound...].prefix { $0.isLetter || $0 == ":" }
                kinds[String(name), default: 0] += 1
            }
            guard admitted else { throw FixtureError("the log never shows \(user) taken into a room") }
        }

        var description: String {
            let detail = ["iq", "presence", "message"].map { "\(kinds[$0, default: 0]) \($0)" }.joined(separator: ", ")
            let other = kinds.filter { !["iq", "presence", "message"].contains($0.key) }.sorted { $0.key < $1.key }
                .map { "\($0.value) \($0.key)" }.joined(separator: ", ")
            return "\(stanzas) stanzas (\(detail)) and \(others) other elements (\(other))"
        }
    }
}
