import ChatModel
import ChatStore
import Foundation
import Networking
import TestServers
import TestSupport
import Testing
import XMPPCore

/// Never lose a message: Tern behind a proxy that cuts and black-holes its connection to a real
/// server (Prosody and ejabberd). Every scenario counts numbered messages: none lost, none twice.
@Suite(.serialized, .servers(users: ["alice": "alice-secret", "bob": "bob-secret", "carol": "carol-secret"]))
struct ReliabilityTests {
    static let quickKeepAlive = (interval: Duration.seconds(2), timeout: Duration.seconds(1))

    /// `user` logged in through `proxy`, with a keep-alive that notices a black hole within 3 s.
    static func connected(
        _ user: String,
        through proxy: FaultProxy,
        server: any XMPPTestServer,
        loop: EventLoop,
        databasePath: String? = nil
    ) throws -> LiveAccount {
        let account = try LiveAccount(
            loop: loop, server: server, user: user, databasePath: databasePath, port: Int(proxy.port),
            keepAlive: quickKeepAlive)
        guard account.connect() else { throw FixtureError("\(user) could not log in through the proxy") }
        return account
    }

    /// Sends `count` numbered chat messages from `client` to `to`, starting at `first`.
    static func flood(from client: TestClient, to: JID, prefix: String, range: Range<Int>) {
        for number in range {
            client.connection.send(Message.chat(to: to, body: "\(prefix)-\(number)", id: "\(prefix)\(number)"))
        }
    }

    /// Bodies with `prefix` among the messages a test client received.
    static func received(by client: TestClient, prefix: String) -> [String] {
        client.stanzas.filter { $0.name == "message" }.compactMap { $0.childText("body") }.filter {
            $0.hasPrefix(prefix + "-")
        }
    }

    @Test(arguments: ServerKind.allCases) func aFloodThroughTenCutsIsStoredExactlyOnce(_ kind: ServerKind) throws {
        let server = try TestServers.server(kind)
        let loop = try EventLoop()
        let proxy = try FaultProxy(targetPort: UInt16(server.c2sPort))
        defer { proxy.stop() }
        let alice = try Self.connected("alice", through: proxy, server: server, loop: loop)
        let bob = try TestClient(loop: loop, server: server, user: "bob")
        #expect(bob.connect())

        for cut in 0..<10 {
            Self.flood(from: bob, to: alice.controller.jid, prefix: "flood", range: cut * 200..<(cut + 1) * 200)
            loop.run(for: .milliseconds(150)) { false }
            proxy.cutAll()
            // The next cut once Tern is back (a cut during the login itself only adds a retry).
            alice.wait(timeout: .seconds(5)) { alice.controller.status != .online }
            alice.wait { alice.controller.status == .online }
        }
        let complete = alice.wait(timeout: .seconds(60)) { alice.messages(with: "bob@localhost").count >= 2_000 }
        #expect(complete, "\(alice.messages(with: "bob@localhost").count) of 2000 arrived")
        loop.run(for: .milliseconds(500)) { false }
        let bodies = alice.messages(with: "bob@localhost").map(\.body)
        #expect(bodies.count == 2_000, "none twice")
        let missing = Set((0..<2_000).map { "flood-\($0)" }).subtracting(bodies)
        #expect(missing.isEmpty, "none lost; missing \(missing.count)")
        if !missing.isEmpty { print(alice.logText + "\n" + server.log.suffix(20_000)) }
        #expect(proxy.acceptedCount >= 11, "every cut was followed by a reconnection")
        let resumed = alice.events.filter {
            if case .log(let entry) = $0 { entry.text.hasPrefix("resumed the stream") } else { false }
        }
        #expect(resumed.count >= 5, "the streams were resumed, not replaced")
        bob.disconnect()
        alice.disconnect()
    }

    @Test(arguments: ServerKind.allCases) func messagesSentThroughCutsAndBlackHolesArriveExactlyOnce(_ kind: ServerKind)
        throws
    {
        let server = try TestServers.server(kind)
        let loop = try EventLoop()
        let proxy = try FaultProxy(targetPort: UInt16(server.c2sPort))
        defer { proxy.stop() }
        let alice = try Self.connected("alice", through: proxy, server: server, loop: loop)
        let bob = try TestClient(loop: loop, server: server, user: "bob", resource: "desk")
        #expect(bob.connect())
        bob.sendPresence()
        let bobJID = try JID("bob@localhost")

        for batch in 0..<10 {
            for number in batch * 50..<(batch + 1) * 50 {
                alice.controller.feature(MessagingFeature.self)!.send("core-\(number)", to: bobJID)
            }
            loop.run(for: .milliseconds(100)) { false }
            if batch % 3 == 2 {
                // Packets vanish: only the ack timeout can tell.
                proxy.blackHole()
                loop.run(for: .milliseconds(2_500)) { false }
                proxy.restore()
            } else {
                proxy.cutAll()
            }
        }
        let delivered = alice.wait(timeout: .seconds(60)) {
            (try? alice.store.outbox(account: alice.controller.accountID).isEmpty) == true
                && Self.received(by: bob, prefix: "core").count >= 500
        }
        #expect(delivered, "\(Self.received(by: bob, prefix: "core").count) of 500 arrived")
        loop.run(for: .milliseconds(500)) { false }
        let bodies = Self.received(by: bob, prefix: "core")
        #expect(bodies.count == 500, "none twice")
        let missing = Set((0..<500).map { "core-\($0)" }).subtracting(bodies)
        #expect(missing.isEmpty, "none lost; missing \(missing.count)")
        let states = alice.messages(with: "bob@localhost").filter(\.outgoing).map(\.state)
        #expect(
            states.count == 500 && states.allSatisfy { $0 == .acked || $0 == .delivered },
            "each confirmed by the server once: \(Dictionary(grouping: states, by: { $0 }).mapValues(\.count))")
        bob.disconnect()
        alice.disconnect()
    }

    @Test(arguments: ServerKind.allCases) func aRestartWithinTheWindowResumesTheStoredStream(_ kind: ServerKind) throws
    {
        let server = try TestServers.server(kind)
        let proxy = try FaultProxy(targetPort: UInt16(server.c2sPort))
        defer { proxy.stop() }
        let path = FileManager.default.temporaryDirectory.appendingPathComponent(
            "tern-restart-\(UUID().uuidString).sqlite"
        )
        .path
        // The first run has a loop of its own that stops running at the "crash".
        let crashed = try Self.connected(
            "alice", through: proxy, server: server, loop: try EventLoop(), databasePath: path)
        let loop = try EventLoop()
        let bob = try TestClient(loop: loop, server: server, user: "bob", resource: "restart")
        #expect(bob.connect())
        let alice = crashed.controller.jid
        Self.flood(from: bob, to: alice, prefix: "restart", range: 0..<300)
        loop.run(for: .milliseconds(50)) { false }
        crashed.wait(timeout: .milliseconds(100)) { false }
        proxy.cutAll()
        Self.flood(from: bob, to: alice, prefix: "restart", range: 300..<400)
        loop.run(for: .milliseconds(50)) { false }

        let restarted = try LiveAccount(
            loop: loop, server: server, user: "alice", databasePath: path, port: Int(proxy.port),
            keepAlive: Self.quickKeepAlive)
        restarted.controller.connect()
        let expected = Set((0..<400).map { "restart-\($0)" })
        func stored() -> [String] {
            restarted.messages(with: "bob@localhost").map(\.body).filter { $0.hasPrefix("restart-") }
        }
        #expect(restarted.wait(timeout: .seconds(20)) { stored().count >= 400 }, "\(stored().count) of 400")
        loop.run(for: .milliseconds(300)) { false }
        #expect(restarted.logText.contains("resumed the stream"), "\(restarted.logText)")
        #expect(stored().count == 400, "none twice")
        #expect(expected.subtracting(stored()).isEmpty, "none lost")
        bob.disconnect()
        restarted.disconnect()
    }

    // MARK: The UI in tmux

    func makeHome(user: String, port: UInt16, server: any XMPPTestServer) throws -> TernHome {
        try TernHome(server: server, user: user, port: Int(port), extraConfig: "ping_interval = 2\nping_timeout = 1")
    }

    func start(_ home: TernHome) throws -> TmuxSession { try home.start() }

    @Test(arguments: ServerKind.allCases) func messagesTypedThroughCutsAndAnOutageArriveExactlyOnce(_ kind: ServerKind)
        throws
    {
        let server = try TestServers.server(kind)
        let loop = try EventLoop()
        let proxy = try FaultProxy(targetPort: UInt16(server.c2sPort))
        defer { proxy.stop() }
        let bob = try TestClient(loop: loop, server: server, user: "bob", resource: "ui")
        #expect(bob.connect())
        bob.sendPresence()
        let home = try makeHome(user: "carol", port: proxy.port, server: server)
        let tmux = try start(home)
        defer { tmux.kill() }
        try tmux.waitFor("connected as carol@localhost")
        try tmux.send("/msg bob@localhost")
        try tmux.press("Enter")
        for number in 0..<100 {
            try tmux.send("ui-\(number)")
            try tmux.press("Enter")
            switch number {
            case 20, 45, 80: proxy.cutAll()
            case 60: proxy.down()
            case 70: proxy.restore()
            default: break
            }
            if number == 65 { try tmux.waitFor("queued") }
        }
        let arrived = loop.run(for: .seconds(60)) { Self.received(by: bob, prefix: "ui").count >= 100 }
        #expect(arrived, "\(Self.received(by: bob, prefix: "ui").count) of 100 arrived")
        loop.run(for: .milliseconds(500)) { false }
        let bodies = Self.received(by: bob, prefix: "ui")
        #expect(bodies.count == 100, "none twice")
        #expect(bodies == (0..<100).map { "ui-\($0)" }, "none lost, in the order typed")
        bob.disconnect()
    }

    @Test(arguments: ServerKind.allCases) func killMinus9DuringAFloodLosesNothing(_ kind: ServerKind) throws {
        let server = try TestServers.server(kind)
        let loop = try EventLoop()
        let proxy = try FaultProxy(targetPort: UInt16(server.c2sPort))
        defer { proxy.stop() }
        let home = try makeHome(user: "carol", port: proxy.port, server: server)
        var tmux = try start(home)
        defer { tmux.kill() }
        try tmux.waitFor("connected as carol@localhost")
        let carol = try JID("carol@localhost")
        let bob = try TestClient(loop: loop, server: server, user: "bob", resource: "flood")
        #expect(bob.connect())
        bob.sendPresence()

        // Queued while the network is down: in the outbox when the process dies.
        proxy.down()
        try tmux.send("/msg bob@localhost")
        try tmux.press("Enter")
        for number in 0..<5 {
            try tmux.send("queued-\(number)")
            try tmux.press("Enter")
        }
        try tmux.waitFor("queued-4")
        proxy.restore()
        try tmux.waitFor { $0.contains("resumed the stream") || $0.contains("connected as carol@localhost") }
        Self.flood(from: bob, to: carol, prefix: "storm", range: 0..<300)
        loop.run(for: .milliseconds(100)) { false }
        try tmux.killProgram()
        Self.flood(from: bob, to: carol, prefix: "storm", range: 300..<400)

        tmux.kill()
        tmux = try start(home)
        try tmux.waitFor("resumed the stream", timeout: .seconds(20))
        let expected = Set((0..<400).map { "storm-\($0)" })
        var stored: [String] = []
        let complete = loop.run(for: .seconds(30)) {
            stored = Self.storedBodies(in: home.database, from: "bob@localhost")
            return stored.count >= 400 && Self.received(by: bob, prefix: "queued").count >= 5
        }
        #expect(complete, "\(stored.count) of 400 stored, \(Self.received(by: bob, prefix: "queued").count) of 5 sent")
        loop.run(for: .milliseconds(500)) { false }
        stored = Self.storedBodies(in: home.database, from: "bob@localhost")
        #expect(stored.count == 400, "none twice")
        #expect(expected.subtracting(stored).isEmpty, "none lost; missing \(expected.subtracting(stored).count)")
        #expect(Self.received(by: bob, prefix: "queued") == (0..<5).map { "queued-\($0)" }, "the outbox went once")
        let store = try ChatStore(path: home.database)
        #expect(throws: Never.self) { try store.checkIntegrity(full: true) }
        bob.disconnect()
    }

    static func storedBodies(in path: String, from contact: String) -> [String] {
        guard let store = try? ChatStore(path: path),
            let account = try? store.account(jid: try JID("carol@localhost"), name: "test"),
            let messages = try? store.lastMessages(account: account, conversation: try JID(contact), limit: 10_000)
        else { return [] }
        return messages.filter { !$0.outgoing }.map(\.body)
    }
}

/// Resumption windows that run out during an outage (a two-second window on these servers).
@Suite(.serialized, .servers(users: ["alice": "alice-secret", "bob": "bob-secret"], resumptionSeconds: 2))
struct ExpiredResumptionTests {

    @Test(arguments: ServerKind.allCases) func aNewSessionResendsTheOutboxAndCatchesUpExactlyOnce(_ kind: ServerKind)
        throws
    {
        let server = try TestServers.server(kind)
        let loop = try EventLoop()
        let proxy = try FaultProxy(targetPort: UInt16(server.c2sPort))
        defer { proxy.stop() }
        let alice = try ReliabilityTests.connected("alice", through: proxy, server: server, loop: loop)
        let bob = try TestClient(loop: loop, server: server, user: "bob", resource: "desk")
        #expect(bob.connect())
        bob.sendPresence()
        let bobJID = try JID("bob@localhost")

        for number in 0..<50 { alice.controller.feature(MessagingFeature.self)!.send("before-\(number)", to: bobJID) }
        ReliabilityTests.flood(from: bob, to: alice.controller.jid, prefix: "in", range: 0..<50)
        // The server has acknowledged what went before the outage (on a loaded machine an ack in
        // flight when the link goes down would make the server's later count decide instead).
        #expect(alice.wait { (try? alice.store.outbox(account: alice.controller.accountID).isEmpty) == true })
        proxy.down()
        for number in 50..<70 { alice.controller.feature(MessagingFeature.self)!.send("during-\(number)", to: bobJID) }
        ReliabilityTests.flood(from: bob, to: alice.controller.jid, prefix: "in", range: 50..<100)
        // Longer than the window: the server ends the session.
        loop.run(for: .seconds(4)) { false }
        proxy.restore()
        alice.controller.reconnectNow()

        let done = alice.wait(timeout: .seconds(40)) {
            alice.messages(with: "bob@localhost").filter { !$0.outgoing }.count >= 100
                && (try? alice.store.outbox(account: alice.controller.accountID).isEmpty) == true
                && ReliabilityTests.received(by: bob, prefix: "during").count >= 20
        }
        #expect(done)
        loop.run(for: .milliseconds(500)) { false }
        let replaced = alice.events.contains {
            if case .log(let entry) = $0 { entry.text.contains("starting a new session") } else { false }
        }
        #expect(replaced, "the window had passed: a new session, not a resumption")
        let inbound = alice.messages(with: "bob@localhost").filter { !$0.outgoing }.map(\.body)
        #expect(inbound.count == 100, "none twice")
        #expect(Set(inbound).count == 100, "none lost")
        let sent =
            ReliabilityTests.received(by: bob, prefix: "before") + ReliabilityTests.received(by: bob, prefix: "during")
        #expect(sent.count == 70, "none twice")
        #expect(Set(sent) == Set((0..<50).map { "before-\($0)" } + (50..<70).map { "during-\($0)" }), "none lost")
        bob.disconnect()
        alice.disconnect()
    }
}
