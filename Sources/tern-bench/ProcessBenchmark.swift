import ChatStore
import Foundation
import Glibc
import Networking
import TestServers
import TestSupport
import XMPPClient
import XMPPCore

/// The release `tern` as a user runs it: in tmux (200×50) against a private Prosody, the screen
/// read with capture-pane and the process read from /proc. Launch → "connected" and → roster
/// names on screen with a stored roster, resident memory after login and after a flood, and the
/// CPU the process spends per received message during that flood, with a large roster and with
/// one contact.
enum ProcessBenchmark {
    static func run(messages: Int, contacts: Int, launches: Int) {
        let server: ProsodyServer
        do {
            server = try ProsodyServer(users: [
                "alice": "alice-password", "carol": "carol-password", "bob": "bob-password",
            ])
        } catch {
            print("client: cannot start Prosody: \(error)")
            return
        }
        defer { server.stop() }
        do {
            try IMBenchmark.fillRoster(server: server, user: "alice", count: contacts, extra: ["bob"])
            try IMBenchmark.fillRoster(server: server, user: "carol", count: 0, extra: ["bob"])
            let large = try Home(server: server, user: "alice")
            let small = try Home(server: server, user: "carol")
            defer {
                large.remove()
                small.remove()
            }
            if launches > 0 { try startUp(home: large, contacts: contacts, launches: launches) }
            for (home, count) in [(large, contacts), (small, 1)] {
                try flood(server: server, home: home, contacts: count, messages: messages)
            }
        } catch {
            print("client: \(error)")
        }
    }

    /// A configuration and data directory for `user` (the account `bench`), or for several
    /// accounts; `user` is the first one's (the one a flood goes to).
    struct Home {
        let directory: String
        let user: String
        var database: String { directory + "/data/tern/tern.sqlite" }

        init(server: ProsodyServer, user: String) throws {
            try self.init(server: server, accounts: [(name: "bench", user: user)])
        }

        /// One `[accounts.NAME]` table per account, in this order, then `extraConfig`.
        init(server: ProsodyServer, accounts: [(name: String, user: String)], extraConfig: String = "") throws {
            user = accounts[0].user
            directory =
                FileManager.default.temporaryDirectory.appendingPathComponent(
                    "tern-clientbench-\(UUID().uuidString)"
                ).path
            try FileManager.default.createDirectory(
                atPath: directory + "/config/tern", withIntermediateDirectories: true)
            try accounts.map { account in
                """
                [accounts.\(account.name)]
                jid = "\(account.user)@\(server.domain)"
                password_command = "echo \(server.users[account.user]!)"
                host = "127.0.0.1"
                port = \(server.c2sPort)
                tls = "starttls"
                ca_file = "\(server.certificateFile)"
                """
            }.joined(separator: "\n\n").appending("\n\n" + extraConfig).write(
                toFile: directory + "/config/tern/config.toml", atomically: true, encoding: .utf8)
        }

        /// Starts the release `tern` (with `arguments`, and `environment` besides the home's) in
        /// tmux, 200 columns by `rows`; the shell writes the launch time (ns) to `started`.
        /// `TERN_BENCH_WRAPPER` runs it under a profiler (e.g. `valgrind --tool=callgrind`).
        func launch(arguments: String = "", rows: Int = 50, environment: [String: String] = [:]) throws
            -> TmuxSession
        {
            try? FileManager.default.removeItem(atPath: started)
            let wrapper = ProcessInfo.processInfo.environment["TERN_BENCH_WRAPPER"].map { $0 + " " } ?? ""
            return try TmuxSession(
                command: "sh -c 'date +%s%N > \(started); exec \(wrapper)\(ternBinary) \(arguments)'", columns: 200,
                rows: rows,
                environment: [
                    "XDG_CONFIG_HOME": directory + "/config", "XDG_DATA_HOME": directory + "/data",
                    "HOME": directory, "TZ": "UTC",
                ].merging(environment) { $1 })
        }

        var started: String { directory + "/started" }

        func remove() { try? FileManager.default.removeItem(atPath: directory) }
    }

    static var ternBinary: String {
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("tern").path
    }

    // MARK: Start-up

    /// Launches after a first run that stored the roster: time until the roster's first name and
    /// until "connected" are on screen, and memory once logged in.
    static func startUp(home: Home, contacts: Int, launches: Int) throws {
        try session(home) { tmux, _ in try tmux.waitFor("connected as", timeout: .seconds(30)) }
        var roster: [Double] = []
        var connected: [Double] = []
        var memory: [Memory] = []
        for _ in 0..<launches {
            try session(home) { tmux, pid in
                var seen: [String: Double] = [:]
                let deadline = Date().addingTimeInterval(30)
                while seen.count < 2 && Date() < deadline {
                    let screen = try tmux.screen()
                    let now = Date().timeIntervalSince1970
                    for mark in ["Contact 0", "connected as"] where seen[mark] == nil && screen.contains(mark) {
                        seen[mark] = now
                    }
                }
                guard let rosterShown = seen["Contact 0"], let online = seen["connected as"] else {
                    throw FixtureError("the screen never showed the roster and the connection")
                }
                let launched = try launchTime(home)
                roster.append(rosterShown - launched)
                connected.append(online - launched)
                Thread.sleep(forTimeInterval: 2)
                memory.append(try Memory(pid: pid))
            }
        }
        func ms(_ values: [Double]) -> String {
            let sorted = values.sorted()
            return "median \(format(sorted[sorted.count / 2] * 1000)) ms (min \(format(sorted[0] * 1000)) ms)"
        }
        print("client launch → roster names on screen (\(contacts) contacts, stored roster): \(ms(roster))")
        print("client launch → \"connected\" on screen: \(ms(connected))")
        let median = memory.sorted { $0.rss < $1.rss }[memory.count / 2]
        print("client memory after login (\(contacts) contacts): \(median)")
    }

    static func launchTime(_ home: Home) throws -> Double {
        let text = try String(contentsOfFile: home.started, encoding: .utf8)
        guard let nanoseconds = Double(text.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            throw FixtureError("no launch time recorded")
        }
        return nanoseconds / 1e9
    }

    /// Runs `body` with Tern (given `arguments`, in a terminal of `rows`, with `environment`)
    /// running in tmux, then quits it with /quit.
    static func session(
        _ home: Home, arguments: String = "", rows: Int = 50, environment: [String: String] = [:],
        _ body: (TmuxSession, Int32) throws -> Void
    ) throws {
        let tmux = try home.launch(arguments: arguments, rows: rows, environment: environment)
        defer { tmux.kill() }
        var pid: Int32?
        for _ in 0..<200 where pid == nil {
            pid = try tmux.programPIDs().first
            if pid == nil { Thread.sleep(forTimeInterval: 0.01) }
        }
        guard let pid else { throw FixtureError("tern did not start") }
        try body(tmux, pid)
        try tmux.send("/quit")
        try tmux.press("Enter")
        _ = try tmux.exitStatus()
    }

    // MARK: Flood

    /// `bob` sends `messages` chat messages to the home's user while Tern runs, as fast as the
    /// server takes them; the CPU Tern used from the first to the last one on screen.
    static func flood(server: ProsodyServer, home: Home, contacts: Int, messages: Int) throws {
        let figures = try flood(server: server, home: home, messages: messages) { tmux in
            try tmux.waitFor("connected as", timeout: .seconds(30))
        }
        print("client flood of \(messages) messages, \(contacts) contacts: \(figures)")
    }

    /// What a flood cost the process.
    struct FloodFigures: CustomStringConvertible {
        var messages: Int
        var cpu: Double
        var wall: Double
        var memoryAfter: Memory

        var perMessage: Double { cpu * 1000 / Double(messages) }

        var description: String {
            "\(format(perMessage, digits: 3)) ms CPU per message"
                + " (\(format(cpu, digits: 2)) s CPU in \(format(wall, digits: 2)) s); memory after: \(memoryAfter)"
        }
    }

    /// Starts Tern with `arguments`, waits until `ready`, and floods the home's first account;
    /// checks that every message was stored (bob's conversation must have no unread messages
    /// before: the flood is over when the roster shows `bob (MESSAGES)`).
    static func flood(
        server: ProsodyServer, home: Home, messages: Int, arguments: String = "", tag: String = "",
        ready: (TmuxSession) throws -> Void
    ) throws -> FloodFigures {
        let bob = try JID("bob@\(server.domain)")
        func stored() throws -> Int {
            let store = try ChatStore(path: home.database)
            guard let account = try store.accounts().first(where: { $0.jid == "\(home.user)@\(server.domain)" })
            else { return 0 }
            return try store.lastMessages(account: account.id, conversation: bob, limit: 10_000_000).count
        }
        let storedBefore = try stored()
        var figures: FloodFigures?
        try session(home, arguments: arguments) { tmux, pid in
            try ready(tmux)
            Thread.sleep(forTimeInterval: 2)
            let before = try cpuSeconds(pid: pid)
            let start = Date()
            try send(server: server, to: "\(home.user)@\(server.domain)", count: messages, tag: tag)
            try tmux.waitFor("bob (\(messages))", timeout: .seconds(600))
            let wall = Date().timeIntervalSince(start)
            let cpu = try cpuSeconds(pid: pid) - before
            figures = FloodFigures(messages: messages, cpu: cpu, wall: wall, memoryAfter: try Memory(pid: pid))
        }
        let added = try stored() - storedBefore
        guard added == messages else { throw FixtureError("\(added) of \(messages) messages stored") }
        guard let figures else { throw FixtureError("the flood was not measured") }
        return figures
    }

    /// `bob` sends `count` numbered messages in rounds of 250, each closed by a ping. `tag` makes
    /// the ids and bodies differ from another flood's (Tern takes a message with the id and text
    /// of a stored one from the same sender for that one again).
    static func send(server: ProsodyServer, to recipient: String, count: Int, tag: String = "") throws {
        let (loop, sender) = try IMBenchmark.connect(server: server, user: "bob")
        defer { IMBenchmark.close(loop, sender) }
        var sent = 0
        while sent < count {
            let round = min(250, count - sent)
            for index in sent..<(sent + round) {
                _ = sender.send(floodMessage(to: recipient, tag: tag, index: index))
            }
            sent += round
            var answered = false
            sender.sendIQ(.iq(.get, id: "p\(sent)", payload: XMLElement("ping", namespace: Namespace.ping))) { _ in
                answered = true
            }
            guard loop.run(for: .seconds(60), until: { answered }) else { throw FixtureError("the server stalled") }
        }
    }

    /// Message `index` of a flood: `flood message TAGINDEX with some ordinary chat text`.
    static func floodMessage(to recipient: String, type: String = "chat", tag: String, index: Int) -> XMLElement {
        XMLElement(
            "message", namespace: Namespace.client, ["to": recipient, "type": type, "id": "flood-\(tag)\(index)"],
            elements: [XMLElement("body", [:], text: "flood message \(tag)\(index) with some ordinary chat text")])
    }

    /// utime + stime of a process, in seconds.
    static func cpuSeconds(pid: Int32) throws -> Double {
        let stat = try String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)
        // The fields after the command name (which is in parentheses and may hold spaces).
        guard let close = stat.lastIndex(of: ")") else { throw FixtureError("unreadable /proc/\(pid)/stat") }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 13, let user = Double(fields[11]), let system = Double(fields[12]) else {
            throw FixtureError("unreadable /proc/\(pid)/stat")
        }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    /// Resident memory from /proc/PID/status.
    struct Memory: CustomStringConvertible {
        var rss: Double
        var anonymous: Double

        init(pid: Int32) throws {
            let status = try String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)
            func kilobytes(_ key: String) -> Double {
                guard let line = status.split(separator: "\n").first(where: { $0.hasPrefix(key + ":") }) else {
                    return 0
                }
                return Double(line.split(separator: " ").dropFirst().first ?? "") ?? 0
            }
            rss = kilobytes("VmRSS") / 1024
            anonymous = kilobytes("RssAnon") / 1024
        }

        var description: String { "RSS \(format(rss)) MiB (anonymous \(format(anonymous)) MiB)" }
    }
}
