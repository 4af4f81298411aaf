import ChatStore
import Foundation
import TestServers
import TestSupport
import XMPPCore

/// Several accounts in the whole program: the release `tern` in tmux (200×50) against a private
/// Prosody with three accounts of 1,000 contacts each (stored rosters) and 100,000 messages in
/// the database spread over them, compared with the same home started with `--account` (one
/// account, the same database). Launch → every account online in the status bar and → roster
/// names on screen, resident memory after login, and the CPU per message of a flood to one
/// account while three or one are connected. Prints figures; fails on none.
enum AccountsBenchmark {
    /// The accounts (config name, user), in Tern's order (by name); the flood goes to the first.
    static let accounts = [
        (name: "alpha", user: "alice"), (name: "bravo", user: "carol"), (name: "charlie", user: "dave"),
    ]

    static func run(launches: Int, messages: Int, contacts: Int = 1000, stored: Int = 100_000) {
        let server: ProsodyServer
        do {
            server = try ProsodyServer(users: [
                "alice": "alice-password", "carol": "carol-password", "dave": "dave-password", "bob": "bob-password",
            ])
        } catch {
            print("accounts: cannot start Prosody: \(error)")
            return
        }
        defer { server.stop() }
        do {
            for (index, account) in accounts.enumerated() {
                try IMBenchmark.fillRoster(
                    server: server, user: account.user, count: contacts, extra: index == 0 ? ["bob"] : [])
            }
            let home = try ProcessBenchmark.Home(server: server, accounts: accounts)
            defer { home.remove() }
            try populate(home.database, server: server, contacts: contacts, messages: stored)
            print(
                "accounts: \(accounts.count) accounts × \(contacts) contacts, \(stored) stored messages;"
                    + " one account: the same home with --account \(accounts[0].name)")
            let one = "--account \(accounts[0].name)"
            // A first run of each stores the rosters (and catches up with the empty archives).
            try ProcessBenchmark.session(home) { tmux, _ in try waitOnline(tmux, several: true) }
            try ProcessBenchmark.session(home, arguments: one) { tmux, _ in try waitOnline(tmux, several: false) }
            if launches > 0 {
                var three = Launches()
                var single = Launches()
                // Alternating, so that the machine's changing speed weighs on both alike.
                for _ in 0..<launches {
                    try three.measure(home, arguments: "", several: true)
                    try single.measure(home, arguments: one, several: false)
                }
                print(
                    "accounts launch → every account online in the status bar: 3 accounts \(three.ms(\.online))"
                        + " | 1 account \(single.ms(\.online))")
                print(
                    "accounts launch → roster names on screen (stored rosters): 3 accounts \(three.ms(\.roster))"
                        + " | 1 account \(single.ms(\.roster))")
                print(
                    "accounts Tern's own CPU until every account is online: 3 accounts \(three.ms(\.cpu))"
                        + " | 1 account \(single.ms(\.cpu))")
                print(
                    "accounts memory after login: 3 accounts \(three.medianMemory) | 1 account \(single.medianMemory)")
            }
            let threeFlood = try ProcessBenchmark.flood(server: server, home: home, messages: messages, tag: "three-") {
                try waitOnline($0, several: true)
            }
            try markBobRead(home: home, server: server)
            let oneFlood = try ProcessBenchmark.flood(
                server: server, home: home, messages: messages, arguments: one, tag: "one-"
            ) {
                try waitOnline($0, several: false)
            }
            print("accounts flood of \(messages) messages to \(accounts[0].name), 3 connected: \(threeFlood)")
            print("accounts flood of \(messages) messages to \(accounts[0].name), 1 connected: \(oneFlood)")
        } catch {
            print("accounts: \(error)")
        }
    }

    /// Launch figures of one configuration.
    struct Launches {
        struct Launch {
            var online: Double
            var roster: Double
            /// Tern's own CPU time (utime + stime) when every account was online.
            var cpu: Double
            var memory: ProcessBenchmark.Memory
        }
        var runs: [Launch] = []

        /// One launch: the time until the roster's first name and until every account is online
        /// are on screen, and memory 2 s after that.
        mutating func measure(_ home: ProcessBenchmark.Home, arguments: String, several: Bool) throws {
            var launch: Launch?
            try ProcessBenchmark.session(home, arguments: arguments) { tmux, pid in
                var online: Double?
                var roster: Double?
                var cpu = 0.0
                let deadline = Date().addingTimeInterval(30)
                while (online == nil || roster == nil) && Date() < deadline {
                    let screen = try tmux.screen()
                    let now = Date().timeIntervalSince1970
                    if roster == nil && screen.contains("Contact 0") { roster = now }
                    if online == nil && AccountsBenchmark.allOnline(screen, several: several) {
                        online = now
                        cpu = try ProcessBenchmark.cpuSeconds(pid: pid)
                    }
                }
                guard let online, let roster else {
                    throw FixtureError("the screen never showed the roster and every account online")
                }
                let launched = try ProcessBenchmark.launchTime(home)
                Thread.sleep(forTimeInterval: 2)
                launch = Launch(
                    online: online - launched, roster: roster - launched, cpu: cpu, memory: try .init(pid: pid))
            }
            if let launch { runs.append(launch) }
        }

        func ms(_ figure: KeyPath<Launch, Double>) -> String {
            let sorted = runs.map { $0[keyPath: figure] }.sorted()
            guard !sorted.isEmpty else { return "-" }
            return "median \(format(sorted[sorted.count / 2] * 1000)) ms (min \(format(sorted[0] * 1000)) ms)"
        }

        var medianMemory: String {
            let sorted = runs.map(\.memory).sorted { $0.rss < $1.rss }
            return sorted.isEmpty ? "-" : sorted[sorted.count / 2].description
        }
    }

    /// The status bar shows every account online: `[alpha: online] [bravo: online] ...` with
    /// several, `[alice@localhost: online]` with one.
    static func allOnline(_ screen: String, several: Bool) -> Bool {
        several
            ? accounts.allSatisfy { screen.contains("[\($0.name): online]") }
            : screen.contains("[\(accounts[0].user)@localhost: online]")
    }

    static func waitOnline(_ tmux: TmuxSession, several: Bool) throws {
        try tmux.waitFor(timeout: .seconds(30)) { allOnline($0, several: several) }
    }

    /// `messages` messages spread over the accounts and their contacts (a third outgoing), all
    /// read, in batches of 500.
    static func populate(_ path: String, server: ProsodyServer, contacts: Int, messages: Int) throws {
        let store = try ChatStore(path: path)
        let ids = try accounts.map { try store.account(jid: JID("\($0.user)@\(server.domain)"), name: $0.name) }
        let peers = try (0..<contacts).map { try JID("contact\($0)@example.net") }
        let start: Int64 = 1_700_000_000_000
        var generator = SplitMix64(state: 7)
        var index = 0
        while index < messages {
            var batches = Array(repeating: [NewMessage](), count: accounts.count)
            for _ in 0..<min(500, messages - index) {
                let account = index % accounts.count
                let me = "\(accounts[account].user)@\(server.domain)"
                let peer = peers[(index / accounts.count) % contacts]
                let outgoing = index % 3 == 0
                batches[account].append(
                    NewMessage(
                        conversation: peer, outgoing: outgoing, sender: outgoing ? "\(me)/tern" : "\(peer)/x",
                        senderKey: outgoing ? me : peer.description,
                        body: "message \(index) " + String(repeating: "lorem ipsum ", count: Int(generator.next() % 8)),
                        timestamp: start + Int64(index) * 10_000, stanzaID: "s\(index)", stanzaIDBy: me))
                index += 1
            }
            for (account, batch) in batches.enumerated() { _ = try store.insert(batch, account: ids[account]) }
        }
        let end = start + Int64(messages) * 10_000
        for id in ids {
            for peer in peers { try store.markRead(account: id, conversation: peer, upTo: end) }
        }
    }

    /// After a flood: bob's messages read, so that the next flood ends at `bob (MESSAGES)` again.
    static func markBobRead(home: ProcessBenchmark.Home, server: ProsodyServer) throws {
        let store = try ChatStore(path: home.database)
        guard let account = try store.accounts().first(where: { $0.jid == "\(home.user)@\(server.domain)" }) else {
            throw FixtureError("no account \(home.user)")
        }
        try store.markRead(
            account: account.id, conversation: JID("bob@\(server.domain)"),
            upTo: Int64(Date().timeIntervalSince1970 * 1000))
    }
}
