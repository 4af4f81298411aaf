import Foundation
import Networking
import Subprocess
import TestServers
import TestSupport
import Testing
import XMPPCore

/// Three accounts in one interactive Tern, in tmux, against the suite's Prosody: what the screen
/// shows for each and what each stores. One peer, bob, writes to all three, so the three windows
/// are all "bob@localhost" and only their account tells them apart: a message in the wrong
/// account's window, or stored under the wrong account, is seen. The `club` account connects
/// through a `FaultProxy` that cuts it and takes its network down.
@Suite(
    .serialized,
    .prosody(users: [
        "alice": "alice-secret", "bob": "bob-secret", "carol": "carol-secret", "dave": "dave-secret",
        "erin": "erin-secret", "frank": "frank-secret", "gina": "gina-secret",
    ]))
struct SeveralAccountsTmuxTests {
    var server: ProsodyServer { ProsodyServer.current! }

    @Test func threeAccountsChatSideBySideThroughACutAnOutageAndADisconnect() throws {
        let proxy = try FaultProxy(targetPort: UInt16(server.c2sPort))
        defer { proxy.stop() }
        let tern = try ThreeAccounts(
            server: server, users: ["work": "alice", "home": "carol", "club": "dave"], proxied: "club",
            proxyPort: proxy.port)
        defer { tern.stop() }
        let names = ThreeAccounts.names

        // 1. Every configured account connects at start: all three online, each with its roster header.
        var screen = try tern.waitForScreen("three accounts online", timeout: .seconds(30)) { screen in
            names.allSatisfy { ThreeAccounts.statusBar(of: screen).contains("[\($0): online]") }
        }
        #expect(
            ThreeAccounts.statusBar(of: screen).contains("[club: online] [home: online] [work: online]"),
            "the status bar names each account, in order: \(ThreeAccounts.statusBar(of: screen))")
        screen = try tern.waitForScreen("the roster headers") { screen in
            names.allSatisfy { screen.contains("▾ \($0) · online") }
        }

        // /account lists them with their addresses and state.
        try tern.type("/account")
        screen = try tern.waitForScreen("the /account list") { screen in
            [("club", "dave"), ("home", "carol"), ("work", "alice")].allSatisfy {
                screen.contains("\($0.0): \($0.1)@localhost — online")
            }
        }
        let current = screen.components(separatedBy: "@localhost — online (current)").count - 1
        #expect(current == 1, "one account is the console's current one:\n\(screen)")

        // 2. A message from bob to each account opens that account's window and is stored under it;
        // what is typed in each window reaches bob from that account.
        try tern.bobConnects()
        for name in names { try tern.bobSends("\(name)-in-1", to: name) }
        try tern.waitForStored(["club-in-1"], in: "club")
        try tern.waitForStored(["home-in-1"], in: "home")
        try tern.waitForStored(["work-in-1"], in: "work")
        for name in names {
            screen = try tern.focus(name)
            ThreeAccounts.expect(screen, shows: "bob: \(name)-in-1", "\(name)'s window shows its message")
            tern.expectOnlyOwnMessages(on: screen, in: name)
            let bar = ThreeAccounts.statusBar(of: screen)
            #expect(bar.contains(":bob@localhost (\(name))]"), "the window is named with its account: \(bar)")
            try tern.typeMessage("\(name)-out-1", in: name)
        }
        for name in names {
            #expect(tern.bobReceived(from: name) == ["\(name)-out-1"], "bob got each typed message from its account")
        }
        try tern.expectStoredExactly()

        // 3. club's connection is cut: it resumes its stream while the others keep chatting.
        try tern.focus("work")
        proxy.cutAll()
        for number in 0..<20 { try tern.bobSends("club-cut-\(number)", to: "club") }
        try tern.bobSends("work-in-2", to: "work")
        try tern.waitForScreen("work's message during the cut", timeout: .seconds(5)) {
            $0.contains("bob: work-in-2")
        }
        try tern.waitForScreen("club back online", timeout: .seconds(30)) {
            ThreeAccounts.statusBar(of: $0).contains("[club: online]")
        }
        try tern.press("M-1")
        screen = try tern.waitForScreen("club resumes its stream", timeout: .seconds(20)) {
            $0.contains("resumed the stream as dave@localhost")
        }

        // Then its network goes down for a while (every attempt reset): the others are unaffected.
        try tern.focus("work")
        proxy.down()
        try tern.waitForScreen("club not online", timeout: .seconds(15)) {
            !ThreeAccounts.statusBar(of: $0).contains("[club: online]")
        }
        for number in 0..<20 { try tern.bobSends("club-down-\(number)", to: "club") }
        try tern.bobSends("work-in-3", to: "work")
        try tern.bobSends("home-in-3", to: "home")
        screen = try tern.waitForScreen("work's message during the outage", timeout: .seconds(5)) {
            $0.contains("bob: work-in-3")
        }
        try tern.typeMessage("work-out-3", in: "work")
        try tern.waitForStored(["home-in-1", "home-in-3"], in: "home", timeout: .seconds(5))
        #expect(tern.bobReceived(from: "work") == ["work-out-1", "work-out-3"])
        screen = try tern.screen()
        #expect(
            !ThreeAccounts.statusBar(of: screen).contains("[club: online]"),
            "that was during the outage: \(ThreeAccounts.statusBar(of: screen))")
        #expect(ThreeAccounts.statusBar(of: screen).contains("[home: online] [work: online]"))
        proxy.restore()
        try tern.waitForScreen("club back online after the outage", timeout: .seconds(40)) {
            ThreeAccounts.statusBar(of: $0).contains("[club: online]")
        }
        // Everything sent to club while it was away is there once, in its window and its store.
        let clubExpected = ["club-in-1"] + (0..<20).map { "club-cut-\($0)" } + (0..<20).map { "club-down-\($0)" }
        try tern.waitForStored(clubExpected, in: "club", timeout: .seconds(30))
        screen = try tern.focus("club")
        ThreeAccounts.expect(screen, shows: "bob: club-down-19", "club's window shows what came during the outage")
        tern.expectOnlyOwnMessages(on: screen, in: "club")
        try tern.press("M-1")
        screen = try tern.waitForScreen("the console") { ThreeAccounts.line(0, of: $0).contains("Tern — console") }
        ThreeAccounts.expect(screen, shows: "resumed the stream as dave@localhost", "the console says club resumed")
        let replaced = screen.contains("starting a new session")
        #expect(!replaced, "the stream was resumed each time, not replaced:\n\(screen)")
        try tern.expectStoredExactly()

        // 4. /disconnect of one leaves the other two online, and their messages still arrive.
        try tern.type("/disconnect club")
        try tern.waitForScreen("club offline") { ThreeAccounts.statusBar(of: $0).contains("[club: offline]") }
        try tern.pause(.seconds(1))
        screen = try tern.screen()
        #expect(
            ThreeAccounts.statusBar(of: screen).contains("[club: offline] [home: online] [work: online]"),
            "\(ThreeAccounts.statusBar(of: screen))")
        try tern.bobSends("work-in-4", to: "work")
        try tern.bobSends("home-in-4", to: "home")
        try tern.bobSends("club-offline-1", to: "club")
        try tern.waitForStored(["home-in-1", "home-in-3", "home-in-4"], in: "home")
        try tern.focus("work")
        screen = try tern.waitForScreen("work's message with club offline") { $0.contains("bob: work-in-4") }
        tern.expectOnlyOwnMessages(on: screen, in: "work")
        try tern.focus("home")
        try tern.typeMessage("home-out-4", in: "home")
        #expect(tern.bobReceived(from: "home") == ["home-out-1", "home-out-4"])
        #expect(try tern.incoming("club") == clubExpected, "nothing reaches an account that is offline")
        // Back on: what came meanwhile is caught up once.
        try tern.type("/connect club")
        try tern.waitForScreen("club online again", timeout: .seconds(20)) {
            ThreeAccounts.statusBar(of: $0).contains("[club: online]")
        }
        try tern.waitForStored(clubExpected + ["club-offline-1"], in: "club", timeout: .seconds(20))
        try tern.pause(.seconds(1))
        try tern.expectStoredExactly()
    }

    /// 5. A crash with three accounts online: what the peers send while Tern is dead is stored
    /// once per account after the restart.
    @Test func killMinus9WithThreeAccountsLosesNothingAndDuplicatesNothing() throws {
        let proxy = try FaultProxy(targetPort: UInt16(server.c2sPort))
        defer { proxy.stop() }
        let tern = try ThreeAccounts(
            server: server, users: ["work": "erin", "home": "frank", "club": "gina"], proxied: "club",
            proxyPort: proxy.port)
        defer { tern.stop() }
        try tern.waitForScreen("three accounts online", timeout: .seconds(30)) { screen in
            ThreeAccounts.statusBar(of: screen).contains("[club: online] [home: online] [work: online]")
        }
        try tern.bobConnects()
        for name in ThreeAccounts.names {
            for number in 0..<10 { try tern.bobSends("\(name)-before-\(number)", to: name) }
        }
        try tern.waitForStored((0..<10).map { "club-before-\($0)" }, in: "club")
        try tern.waitForStored((0..<10).map { "home-before-\($0)" }, in: "home")
        try tern.waitForStored((0..<10).map { "work-before-\($0)" }, in: "work")
        try tern.focus("home")
        try tern.typeMessage("home-out-1", in: "home")

        try tern.tmux.killProgram()
        for name in ThreeAccounts.names {
            for number in 0..<30 { try tern.bobSends("\(name)-dead-\(number)", to: name) }
        }
        try tern.pause(.milliseconds(500))
        try tern.restart()
        try tern.waitForScreen("three accounts online after the restart", timeout: .seconds(40)) { screen in
            ThreeAccounts.statusBar(of: screen).contains("[club: online] [home: online] [work: online]")
        }
        // Each account resumes the stream it stored before the crash.
        try tern.waitForScreen("three resumptions") { screen in
            ["erin", "frank", "gina"].allSatisfy { screen.contains("resumed the stream as \($0)@localhost") }
        }
        for name in ThreeAccounts.names {
            try tern.waitForStored(
                (0..<10).map { "\(name)-before-\($0)" } + (0..<30).map { "\(name)-dead-\($0)" }, in: name,
                timeout: .seconds(40))
        }
        try tern.pause(.seconds(1))
        try tern.expectStoredExactly()
        // The windows come back with their account's messages, and each still sends as its own.
        let screen = try tern.focus("club")
        try tern.waitForScreen("club's window after the restart") { $0.contains("bob: club-dead-29") }
        tern.expectOnlyOwnMessages(on: screen, in: "club")
        try tern.typeMessage("club-out-1", in: "club")
        #expect(tern.bobReceived(from: "club") == ["club-out-1"])
        #expect(tern.bobReceived(from: "home") == ["home-out-1"])
        #expect(tern.bobReceived(from: "work") == [])
    }
}

/// One Tern with the accounts `work`, `home` and `club` (one of them through a proxy), in tmux,
/// and bob, who writes to all three and reads what they send. Tracks what each account must have
/// stored, to compare with `tern history --account NAME`.
final class ThreeAccounts {
    /// The account names as Tern orders them (by name).
    static let names = ["club", "home", "work"]
    static let rows = 40

    let server: any XMPPTestServer
    /// Config name → test user.
    let users: [String: String]
    let home: TernHome
    private(set) var tmux: TmuxSession
    let loop: EventLoop
    private(set) var bob: TestClient?
    /// What bob sent to each account, in order.
    private(set) var sent: [String: [String]] = [:]
    /// What was typed in each account's window, in order.
    private(set) var typed: [String: [String]] = [:]

    init(server: any XMPPTestServer, users: [String: String], proxied: String, proxyPort: UInt16) throws {
        self.server = server
        self.users = users
        home = try TernHome(
            server: server,
            accounts: Self.names.map { name in
                TernHome.Account(
                    name: name, user: users[name]!, port: name == proxied ? Int(proxyPort) : nil,
                    // A keep-alive that notices a dead link within 3 s.
                    extraKeys: name == proxied ? "ping_interval = 2\nping_timeout = 1" : "")
            })
        loop = try EventLoop()
        tmux = try home.start(rows: Self.rows)
    }

    func stop() {
        tmux.kill()
        bob?.disconnect()
    }

    /// Starts Tern again on the same home in a new tmux session (after `killProgram`).
    func restart() throws {
        tmux.kill()
        tmux = try home.start(rows: Self.rows)
    }

    func bobConnects() throws {
        let client = try TestClient(loop: loop, server: server, user: "bob", resource: "peer")
        guard client.connect() else { throw FixtureError("bob could not log in") }
        client.sendPresence()
        bob = client
    }

    func jid(of name: String) throws -> JID { try JID("\(users[name]!)@localhost") }

    func bobSends(_ body: String, to name: String) throws {
        guard let bob else { throw FixtureError("bob is not connected") }
        bob.connection.send(Message.chat(to: try jid(of: name), body: body, id: body))
        sent[name, default: []].append(body)
    }

    /// The bodies bob received from an account, in order.
    func bobReceived(from name: String) -> [String] {
        let address = "\(users[name]!)@localhost"
        return (bob?.stanzas ?? []).filter { $0.name == "message" && $0.from?.bare.description == address }
            .compactMap { $0.childText("body") }
    }

    // MARK: The screen

    func screen() throws -> String { try tmux.screen() }

    static func line(_ index: Int, of screen: String) -> String {
        let lines = screen.split(separator: "\n", omittingEmptySubsequences: false)
        return lines.indices.contains(index) ? String(lines[index]) : ""
    }

    /// The status bar: the second-to-last row.
    static func statusBar(of screen: String) -> String { line(rows - 2, of: screen) }

    /// Waits until the screen satisfies `condition`, running bob's connection meanwhile.
    @discardableResult
    func waitForScreen(
        _ what: String, timeout: Duration = .seconds(15), _ condition: (String) -> Bool
    ) throws -> String {
        var text = ""
        try wait(what, timeout: timeout) {
            text = try screen()
            return condition(text)
        } report: {
            "the screen shows:\n\(text)"
        }
        return text
    }

    /// Waits until `condition` holds (checked every 50 ms, at most `timeout`), running bob's loop.
    func wait(
        _ what: String, timeout: Duration, _ condition: () throws -> Bool, report: () -> String = { "" }
    ) throws {
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        while clock.now < deadline {
            if try condition() { return }
            loop.run(for: .milliseconds(50)) { false }
        }
        if try condition() { return }
        throw FixtureError("timed out after \(timeout) waiting for \(what); \(report())")
    }

    func pause(_ duration: Duration) throws { loop.run(for: duration) { false } }

    func type(_ line: String) throws {
        try tmux.send(line)
        try tmux.press("Enter")
    }

    func press(_ key: String) throws { try tmux.press(key) }

    /// Goes to the account's window with bob and returns the screen once its title names the
    /// account.
    @discardableResult
    func focus(_ name: String) throws -> String {
        try type("/msg --account \(name) bob@localhost")
        return try waitForScreen("the \(name) window with bob") {
            Self.line(0, of: $0).hasPrefix(" [\(name)] bob@localhost")
        }
    }

    /// Types a message in the account's window (which must be current) and waits until it is on
    /// screen and bob has it.
    func typeMessage(_ body: String, in name: String) throws {
        try type(body)
        typed[name, default: []].append(body)
        try waitForScreen("\(body) on screen") { $0.contains("\(self.users[name]!): \(body)") }
        try wait("bob to receive \(body)", timeout: .seconds(10)) { bobReceived(from: name).contains(body) }
    }

    /// No message meant for another account is on this account's screen.
    func expectOnlyOwnMessages(
        on screen: String, in name: String, sourceLocation: SourceLocation = #_sourceLocation
    ) {
        #expect(
            Self.line(0, of: screen).hasPrefix(" [\(name)] bob@localhost"), "\(Self.line(0, of: screen))",
            sourceLocation: sourceLocation)
        let foreign = Self.names.filter { $0 != name && screen.contains("\($0)-") }
        #expect(
            foreign.isEmpty, "messages of \(foreign) are in \(name)'s window:\n\(screen)",
            sourceLocation: sourceLocation)
    }

    /// Expects `text` on the screen (the screen is printed when it is not).
    static func expect(
        _ screen: String, shows text: String, _ what: String, sourceLocation: SourceLocation = #_sourceLocation
    ) {
        let shown = screen.contains(text)
        #expect(shown, "\(what): \"\(text)\" is not on the screen:\n\(screen)", sourceLocation: sourceLocation)
    }

    // MARK: The store

    /// The account's stored conversation with bob, as `tern history --account NAME` prints it.
    func history(_ name: String) throws -> [(body: String, outgoing: Bool)] {
        let output = try Subprocess.run(
            SendCommandTests.ternBinary,
            [
                "history", "--config", home.config, "--database", home.database, "--account", name,
                "bob@localhost", "--json", "--limit", "100000",
            ])
        guard output.status == 0 else {
            throw FixtureError("tern history --account \(name) failed: \(output.standardErrorText)")
        }
        return try output.standardOutputText.split(separator: "\n").map { line in
            guard let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                let body = object["body"] as? String, let outgoing = object["outgoing"] as? Bool
            else { throw FixtureError("not a message: \(line)") }
            return (body, outgoing)
        }
    }

    func incoming(_ name: String) throws -> [String] { try history(name).filter { !$0.outgoing }.map(\.body) }

    /// Waits until the account has stored at least these incoming messages.
    func waitForStored(_ bodies: [String], in name: String, timeout: Duration = .seconds(15)) throws {
        var stored: [String] = []
        try wait("\(name) to store \(bodies.count) messages", timeout: timeout) {
            stored = try incoming(name)
            return Set(bodies).isSubset(of: stored)
        } report: {
            "missing: \(Set(bodies).subtracting(stored).sorted()); the screen shows:\n\((try? self.screen()) ?? "")"
        }
    }

    /// Each account stores exactly what bob sent it and what was typed in its window: each once,
    /// none of another account's.
    func expectStoredExactly(sourceLocation: SourceLocation = #_sourceLocation) throws {
        for name in Self.names {
            let history = try history(name)
            let incoming = history.filter { !$0.outgoing }.map(\.body)
            let outgoing = history.filter(\.outgoing).map(\.body)
            let expected = sent[name] ?? []
            let missing: [String] = Set(expected).subtracting(incoming).sorted()
            let twice: [String] = Dictionary(grouping: incoming, by: { $0 }).filter { $0.value.count > 1 }.keys.sorted()
            let foreign: [String] = Set(incoming).subtracting(expected).sorted()
            let problem = "missing \(missing), twice \(twice), foreign \(foreign)"
            #expect(
                incoming.sorted() == expected.sorted(),
                "\(name) stored each of its \(expected.count) messages once: \(incoming.count) stored; \(problem)",
                sourceLocation: sourceLocation)
            #expect(
                outgoing == (typed[name] ?? []), "\(name) stored what was typed in its window once",
                sourceLocation: sourceLocation)
        }
    }
}
