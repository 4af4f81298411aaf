import Foundation
import Networking
import Subprocess
import TestServers
import TestSupport
import XMPPClient
import XMPPCore
import XMPPExtensions

/// Messages arriving at a set rate in the open window, in a room and one-to-one, with keys typed
/// meanwhile: Tern's CPU per message and how long each key took to show.
extension RoomsBenchmark {
    /// What a flood is: where it goes (a room's window, nil: bob's), how many messages at what
    /// rate, whether the server archives them (Prosody then stores each before passing it on),
    /// and how many occupants the room has (the large room's crowd stays in it).
    struct FloodTarget {
        var room: String?
        var archived = true
        var occupants = 2
        var messages: Int
        var rate: Int

        var name: String {
            let kind = room == nil ? "one-to-one" : "groupchat (\(occupants) occupants)"
            return "\(messages) \(kind) messages at \(rate)/s, \(archived ? "archived" : "not archived")"
        }

        /// The messages' `type`.
        var type: String { room == nil ? "chat" : "groupchat" }

        /// The floods measured: at `rate` in a room and one-to-one, archived or not; and slower
        /// ones in the large room and in a small one (a frame per message, or nearly).
        static func all(messages: Int, rate: Int) -> [FloodTarget] {
            [true, false].flatMap { archived in
                [
                    FloodTarget(
                        room: archived ? "archived" : "unarchived", archived: archived, messages: messages, rate: rate),
                    FloodTarget(room: nil, archived: archived, messages: messages, rate: rate),
                ]
            } + [
                FloodTarget(room: "large", occupants: RoomsBenchmark.occupants + 2, messages: 300, rate: 20),
                FloodTarget(room: "archived", messages: 300, rate: 20),
                FloodTarget(room: nil, messages: 300, rate: 20),
            ]
        }
    }

    /// One flood: what it cost and the keys typed before (nothing arriving) and during it.
    struct FloodRun {
        var figures: ProcessBenchmark.FloodFigures
        var idleKeys: [KeyLatency]
        var keys: [KeyLatency]
    }

    /// `runs` floods of each kind, one after the other, each in a fresh home (whose first login
    /// fetches the newest messages of alice's archive: each flood's messages differ from the
    /// others', or Tern would take them for those again).
    static func floods(server: ProsodyServer, messages: Int, rate: Int, runs: Int) throws {
        let targets = FloodTarget.all(messages: messages, rate: rate)
        var results: [String: [FloodRun]] = [:]
        for run in 0..<runs {
            for (index, target) in targets.enumerated() {
                for user in ["alice", "bob"] {
                    try archivePreference(server: server, user: user, always: target.archived)
                }
                let home = try ProcessBenchmark.Home(server: server, user: "alice")
                defer { home.remove() }
                let flood = try flood(server: server, home: home, target: target, tag: "\(run)\(index)-")
                results[target.name, default: []].append(flood)
            }
        }
        report(targets, results)
    }

    static func report(_ targets: [FloodTarget], _ results: [String: [FloodRun]]) {
        var perMessage: [String: Double] = [:]
        for target in targets {
            let floods = results[target.name] ?? []
            let figures = floods.map(\.figures).sorted { $0.perMessage < $1.perMessage }
            guard let median = figures.dropFirst(figures.count / 2).first else { continue }
            perMessage[target.name] = median.perMessage
            let arrival = floods.map { Double($0.figures.messages) / $0.figures.wall }.sorted()
            print(
                "rooms flood of \(target.name) (runs: \(floods.count), median; arrived at"
                    + " \(Int(arrival[arrival.count / 2])) messages/s): \(median)")
            let keys = floods.flatMap(\.keys)
            let idle = floods.flatMap(\.idleKeys)
            print(
                "rooms   keys typed during it: typed → drawn \(Spread(keys.map(\.typedToDrawn)).tail);"
                    + " read → drawn inside Tern \(Spread(keys.map(\.readToDrawn)).tail); before it (nothing"
                    + " arriving): typed → drawn \(Spread(idle.map(\.typedToDrawn)).tail)")
        }
        // Each small room's flood beside the one-to-one flood like it.
        let pairs = targets.filter { $0.room != nil && $0.occupants == 2 }.compactMap { room -> String? in
            var chat = room
            chat.room = nil
            guard let inRoom = perMessage[room.name], let oneToOne = perMessage[chat.name] else { return nil }
            return
                "\(room.rate)/s \(room.archived ? "archived" : "not archived") \(format(inRoom / oneToOne, digits: 2))×"
        }
        print("rooms CPU per message, groupchat ÷ one-to-one: " + pairs.joined(separator: ", "))
        let keys = targets.flatMap { results[$0.name] ?? [] }.flatMap(\.keys)
        let longest = Spread(keys.map(\.typedToDrawn)).max
        print(
            "rooms the longest any key waited during a flood: typed → drawn \(format(longest * 1000)) ms (target"
                + " ≤ 50 ms: \(longest <= 0.05 ? "met" : "NOT met")), read → drawn inside Tern"
                + " \(format(Spread(keys.map(\.readToDrawn)).max * 1000)) ms")
    }

    /// Whether the server archives `user`'s one-to-one messages (XEP-0313 §6: the default rule).
    static func archivePreference(server: ProsodyServer, user: String, always: Bool) throws {
        let (loop, connection) = try IMBenchmark.connect(server: server, user: user, resource: "prefs")
        defer { IMBenchmark.close(loop, connection) }
        var answer: Result<XMLElement, IQFailure>?
        let prefs = XMLElement("prefs", namespace: Namespace.mam, ["default": always ? "always" : "never"])
        connection.sendIQ(.iq(.set, id: "prefs", payload: prefs)) { answer = $0 }
        guard loop.run(for: .seconds(30), until: { answer != nil }), case .success = answer else {
            throw FixtureError("\(user)'s archive preference was not set: \(String(describing: answer))")
        }
    }

    /// Tern started with the target's window open; keys typed with nothing arriving, then `bob`
    /// sends the flood while keys go on being typed, until the last message is on screen.
    static func flood(server: ProsodyServer, home: ProcessBenchmark.Home, target: FloodTarget, tag: String) throws
        -> FloodRun
    {
        let log = home.directory + "/keys.log"
        var run: FloodRun?
        try ProcessBenchmark.session(home, environment: ["TERN_KEY_LATENCY_LOG": log]) { tmux, pid in
            try tmux.waitFor("connected as", timeout: .seconds(30))
            let (loop, bob) = try IMBenchmark.connect(server: server, user: "bob", resource: "flood")
            defer { IMBenchmark.close(loop, bob) }
            let recipient: String
            if let name = target.room {
                let room = try JID("\(name)@\(server.conferenceDomain)")
                try enter(room, as: "bob", archived: target.archived, connection: bob, loop: loop)
                try tmux.send("/join \(room)")
                try tmux.press("Enter")
                try tmux.waitFor("alice, \(target.occupants) here", timeout: .seconds(30))
                recipient = room.description
            } else {
                try tmux.send("/msg bob@\(server.domain)")
                try tmux.press("Enter")
                try tmux.waitFor("<bob@\(server.domain)>", timeout: .seconds(30))
                recipient = "alice@\(server.domain)"
            }
            // The first login's or join's archive catch-up is over (the large room's five pages of
            // 100 take Prosody some 2.5 s).
            Thread.sleep(forTimeInterval: 4)
            let idle = try KeyTyping(tmux: tmux, log: log)
            while idle.typed < 20 {
                try idle.typeIfDue()
                Thread.sleep(forTimeInterval: 0.005)
            }
            let idleKeys = try idle.latencies()
            let keys = try KeyTyping(tmux: tmux, log: log)
            let figures = try paced(
                bob, loop: loop, to: recipient, target: target, tag: tag, tmux: tmux, pid: pid, keys: keys)
            run = FloodRun(figures: figures, idleKeys: idleKeys, keys: try keys.latencies())
            try tmux.press("C-u")
        }
        guard let run else { throw FixtureError("the flood was not measured") }
        return run
    }

    /// Enters `room` with a bare connection and waits for its own presence; a room it created
    /// (status 201, locked) is opened with the default configuration (XEP-0045 §10.1.2), with its
    /// archive off unless `archived`.
    static func enter(
        _ room: JID, as nick: String, archived: Bool, connection: XMPPConnection, loop: EventLoop
    ) throws {
        var own: MUCOccupantPresence?
        connection.onEvent = { event in
            if case .stanza(let stanza) = event, let presence = MUCOccupantPresence(stanza), presence.room == room,
                presence.isSelf
            {
                own = presence
            }
        }
        _ = connection.send(try MUCJoin.presence(room: room, nick: nick, historyStanzas: 0))
        guard loop.run(for: .seconds(30), until: { own != nil }), let own, own.isAvailable else {
            throw FixtureError("\(nick) could not enter \(room)")
        }
        guard own.statusCodes.contains(201) else { return }
        var form = XMLElement("x", namespace: Namespace.dataForms, ["type": "submit"])
        if !archived {
            for (name, value) in [("FORM_TYPE", Namespace.mucRoomConfig), ("muc#roomconfig_enablearchiving", "0")] {
                form.append(XMLElement("field", ["var": name], elements: [XMLElement("value", [:], text: value)]))
            }
        }
        var query = XMLElement("query", namespace: Namespace.mucOwner)
        query.append(form)
        var opened: Result<XMLElement, IQFailure>?
        connection.sendIQ(.iq(.set, id: "open", to: room, payload: query)) { opened = $0 }
        guard loop.run(for: .seconds(30), until: { opened != nil }), case .success = opened else {
            throw FixtureError("\(room) stayed locked: \(String(describing: opened))")
        }
    }

    /// Sends the flood at `rate` (each tick sends what is due), typing keys when due, until the
    /// last message is on screen; Tern's CPU from the first message to then.
    static func paced(
        _ sender: XMPPConnection, loop: EventLoop, to recipient: String, target: FloodTarget, tag: String,
        tmux: TmuxSession, pid: Int32, keys: KeyTyping
    ) throws -> ProcessBenchmark.FloodFigures {
        let messages = target.messages
        let last = "flood message \(tag)\(messages - 1) with"
        let before = try ProcessBenchmark.cpuSeconds(pid: pid)
        let start = Date()
        var sent = 0
        var nextLook = 0.0
        while true {
            let elapsed = Date().timeIntervalSince(start)
            guard elapsed < 300 else {
                throw FixtureError("the flood did not end on screen (\(sent) sent); it shows:\n\(try tmux.screen())")
            }
            let due = min(messages, Int(elapsed * Double(target.rate)) + 1)
            while sent < due {
                _ = sender.send(ProcessBenchmark.floodMessage(to: recipient, type: target.type, tag: tag, index: sent))
                sent += 1
            }
            try keys.typeIfDue()
            if sent == messages && elapsed >= nextLook {
                if try tmux.screen().contains(last) { break }
                nextLook = elapsed + 0.05
            }
            loop.runOnce(maximumWait: .milliseconds(2))
        }
        let wall = Date().timeIntervalSince(start)
        return ProcessBenchmark.FloodFigures(
            messages: messages, cpu: try ProcessBenchmark.cpuSeconds(pid: pid) - before, wall: wall,
            memoryAfter: try ProcessBenchmark.Memory(pid: pid))
    }

    /// How long a key took to show (seconds): from just before tmux was asked to type it, and from
    /// when Tern read it, to when Tern handed the frame that drew it to the terminal.
    struct KeyLatency {
        var typedToDrawn: Double
        var readToDrawn: Double
    }

    /// Types a key every `interval`, letters and every 40th a Ctrl-U that empties the line (as
    /// someone typing short lines would), and pairs each with its line in Tern's key latency log
    /// (`TERN_KEY_LATENCY_LOG`: `READ DRAWN` in µs, one line per key, in order). The keys go
    /// through a tmux control-mode client kept open for them (`tmux -C`, told neither the pane's
    /// output nor to size the window), so that typing one starts no process: the time a key is
    /// typed is when its command is written to tmux.
    final class KeyTyping {
        let log: String
        let interval: Double
        private let control: ChildProcess
        private let session: String
        /// Lines the log had before the first key typed here.
        private let before: Int
        private var typedAt: [Int64] = []
        private var next = Date()

        init(tmux: TmuxSession, log: String, interval: Double = 0.1) throws {
            self.log = log
            self.interval = interval
            session = tmux.name
            control = try ChildProcess(
                "tmux", ["-L", tmux.socket, "-C", "attach-session", "-t", tmux.name, "-f", "no-output,ignore-size"])
            before = Self.lines(log).count
        }

        deinit { control.kill() }

        var typed: Int { typedAt.count }

        func typeIfDue() throws {
            let now = Date()
            guard now >= next else { return }
            typedAt.append(Int64(now.timeIntervalSince1970 * 1_000_000))
            let key = typedAt.count % 40 == 0 ? "C-u" : "-l " + String(UnicodeScalar(UInt8(97 + typedAt.count % 26)))
            guard control.write(Array("send-keys -t \(session) \(key)\n".utf8)) else {
                throw FixtureError("tmux's control client is gone")
            }
            // Its answers (%begin … %end) are read so that they never fill the pipe.
            _ = control.read(timeout: .zero)
            next = now.addingTimeInterval(interval)
        }

        /// Waits until every key typed is in the log and pairs them.
        func latencies() throws -> [KeyLatency] {
            var lines = Self.lines(log)
            let deadline = Date().addingTimeInterval(10)
            while lines.count < before + typedAt.count && Date() < deadline {
                Thread.sleep(forTimeInterval: 0.05)
                lines = Self.lines(log)
            }
            guard lines.count == before + typedAt.count else {
                throw FixtureError("\(lines.count - before) of \(typedAt.count) keys were drawn")
            }
            return zip(typedAt, lines.dropFirst(before)).map { typed, line in
                KeyLatency(
                    typedToDrawn: Double(line.drawn - typed) / 1e6, readToDrawn: Double(line.drawn - line.read) / 1e6)
            }
        }

        static func lines(_ path: String) -> [(read: Int64, drawn: Int64)] {
            let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
            return text.split(separator: "\n").compactMap { line in
                let fields = line.split(separator: " ").compactMap { Int64($0) }
                return fields.count == 2 ? (fields[0], fields[1]) : nil
            }
        }
    }
}
