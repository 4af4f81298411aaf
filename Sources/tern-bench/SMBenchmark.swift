import ChatModel
import ChatRuntime
import ChatStore
import Foundation
import Networking
import TestServers
import XMPPClient
import XMPPCore

/// Stream management (XEP-0198) against a private Prosody on loopback: how long after the
/// network comes back the stream is resumed, and what acks cost a message flood.
enum SMBenchmark {
    static func run(outages: Int, messages: Int) {
        let server: ProsodyServer
        do {
            server = try ProsodyServer(users: ["bench": "bench-password", "peer": "peer-password"])
        } catch {
            print("sm: cannot start Prosody: \(error)")
            return
        }
        defer { server.stop() }
        do {
            try resumption(server: server, outages: outages)
            try linkReset(server: server, runs: 5)
            try deadLink(server: server)
            // Alternating rounds: the server's own pace drifts over a run.
            var on: [Sample] = []
            var off: [Sample] = []
            for _ in 0..<3 {
                on.append(try flood(server: server, messages: messages, streamManagement: true))
                off.append(try flood(server: server, messages: messages, streamManagement: false))
            }
            print(
                "sm flood of \(messages) messages received and stored (median of 3): acks on \(describe(on, messages)),"
                    + " acks off \(describe(off, messages))")
        } catch {
            print("sm: \(error)")
        }
    }

    /// An account as the interactive client runs it, through `port`, on a fresh store.
    static func account(
        server: ProsodyServer,
        loop: EventLoop,
        port: Int,
        streamManagement: Bool,
        database: String
    ) throws -> AccountController {
        var settings = IMBenchmark.settings(server: server, user: "bench")
        settings.port = port
        settings.session.streamManagement = streamManagement
        let controller = try AccountController(
            name: "bench", jid: JID("bench@\(server.domain)"), store: try ChatStore(path: database),
            scheduler: EventLoopScheduler(loop: loop)
        ) { LiveConnection(loop: loop, settings: $0.applied(to: settings)) }
        controller.behaviour.initialArchiveMessages = 0
        return controller
    }

    static func temporaryDatabase() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("tern-smbench-\(UUID().uuidString).sqlite").path
    }

    /// The bench account behind a fresh fault proxy, logged in with a resumable stream. Its
    /// events after that go to `onEvent`.
    final class ProxiedAccount {
        let proxy: FaultProxy
        let loop: EventLoop
        let controller: AccountController
        let database = temporaryDatabase()
        var onEvent: (AccountEvent) -> Void = { _ in }

        init(server: ProsodyServer) throws {
            proxy = try FaultProxy(targetPort: UInt16(server.c2sPort))
            loop = try EventLoop()
            controller = try account(
                server: server, loop: loop, port: Int(proxy.port), streamManagement: true, database: database)
            var resumable = false
            controller.onEvent = { [unowned self] event in
                if case .log(let entry) = event, entry.text.hasPrefix("stream management on, resumable") {
                    resumable = true
                }
                onEvent(event)
            }
            controller.connect()
            guard loop.run(for: .seconds(10), until: { resumable && !controller.isCatchingUp }) else {
                finish()
                throw FixtureError("bench could not log in with a resumable stream")
            }
        }

        func finish() {
            controller.disconnect()
            loop.run(for: .seconds(5)) { controller.status == .offline }
            proxy.stop()
            IMBenchmark.removeDatabase(database)
        }
    }

    // MARK: Network back → stream resumed

    /// The network goes down (every connection refused) for half a second, then comes back.
    /// Measured from the moment it is back: until the stream is resumed on its own (the backoff
    /// wait included) and, separately, from the reconnection attempt to the resumed stream.
    static func resumption(server: ProsodyServer, outages: Int) throws {
        let bench = try ProxiedAccount(server: server)
        defer { bench.finish() }
        let (proxy, loop, controller) = (bench.proxy, bench.loop, bench.controller)
        let clock = ContinuousClock()
        var resumedAt: ContinuousClock.Instant?
        var attemptAt: ContinuousClock.Instant?
        var networkBack = false
        bench.onEvent = { event in
            switch event {
            case .statusChanged(.connecting) where networkBack && attemptAt == nil: attemptAt = clock.now
            case .log(let entry) where entry.text.hasPrefix("resumed the stream"): resumedAt = clock.now
            default: break
            }
        }
        var total: [Duration] = []
        var attempt: [Duration] = []
        for _ in 0..<outages {
            proxy.down()
            loop.run(for: .seconds(5)) { controller.status != .online }
            loop.run(for: .milliseconds(500)) { false }
            resumedAt = nil
            attemptAt = nil
            networkBack = true
            let back = clock.now
            proxy.restore()
            guard loop.run(for: .seconds(30), until: { resumedAt != nil }), let resumedAt, let attemptAt else {
                throw FixtureError("the stream was not resumed")
            }
            networkBack = false
            total.append(resumedAt - back)
            attempt.append(resumedAt - max(attemptAt, back))
        }
        total.sort()
        attempt.sort()
        func ms(_ duration: Duration) -> String { format(duration.seconds * 1000) + " ms" }
        print(
            "sm network back → stream resumed (\(outages) outages): median \(ms(total[total.count / 2])),"
                + " max \(ms(total.last!)) (backoff wait included)")
        print(
            "sm reconnection attempt → stream resumed (TCP, TLS, SCRAM, <resume/>): median"
                + " \(ms(attempt[attempt.count / 2])), max \(ms(attempt.last!))")
    }

    // MARK: Link reset during traffic, dead link

    /// A connection reset in the middle of 50 incoming messages: from the reset until all 50
    /// are stored (and none twice).
    static func linkReset(server: ProsodyServer, runs: Int) throws {
        let account = try ProxiedAccount(server: server)
        defer { account.finish() }
        let (proxy, loop, controller) = (account.proxy, account.loop, account.controller)
        let (_, peer) = try IMBenchmark.connect(server: server, user: "peer", loop: loop)
        defer { IMBenchmark.close(loop, peer) }
        var bodies: [String] = []
        account.onEvent = { event in
            if case .messageStored(let conversation, let id, true, false, _) = event, conversation.localpart == "peer",
                let body = try? controller.store.message(id: id)?.body
            {
                bodies.append(body)
            }
        }
        let bench = try JID("bench@\(server.domain)")
        let clock = ContinuousClock()
        var times: [Duration] = []
        for run in 0..<runs {
            bodies.removeAll()
            for index in 0..<50 {
                peer.send(Message.chat(to: bench, body: "reset \(run) \(index)", id: "reset-\(run)-\(index)"))
                if index == 24 {
                    loop.run(for: .milliseconds(20)) { false }
                    proxy.cutAll()
                }
            }
            let cut = clock.now
            guard loop.run(for: .seconds(30), until: { bodies.count >= 50 }) else {
                throw FixtureError("\(bodies.count) of 50 messages arrived after the reset")
            }
            times.append(clock.now - cut)
            loop.run(for: .milliseconds(200)) { false }
            guard bodies.count == 50, Set(bodies).count == 50 else {
                throw FixtureError("\(bodies.count) messages stored for 50 sent")
            }
        }
        let first = times.removeFirst()
        times.sort()
        func ms(_ duration: Duration) -> String { format(duration.seconds * 1000) + " ms" }
        print(
            "sm link reset during 50 incoming messages → all 50 stored, none twice (\(runs) runs): first"
                + " \(ms(first)) (reconnected at once), then median \(ms(times[times.count / 2])), max"
                + " \(ms(times.last!)) (resets soon after a login wait 1 s)")
    }

    /// Packets silently dropped, with the default keep-alive (ping after 20 s of silence, 10 s to
    /// answer): when the link is found dead, and how long after the network is back the stream
    /// is resumed.
    static func deadLink(server: ProsodyServer) throws {
        let account = try ProxiedAccount(server: server)
        defer { account.finish() }
        let (proxy, loop, controller) = (account.proxy, account.loop, account.controller)
        var resumed = false
        account.onEvent = { event in
            if case .log(let entry) = event, entry.text.hasPrefix("resumed the stream") { resumed = true }
        }
        // An idle link (the login's traffic answered): the worst case, found by the keep-alive.
        loop.run(for: .seconds(3)) { false }
        let clock = ContinuousClock()
        proxy.blackHole()
        let start = clock.now
        guard loop.run(for: .seconds(60), until: { controller.status != .online }) else {
            throw FixtureError("the dead link was not noticed within 60 s")
        }
        let noticed = clock.now - start
        proxy.restore()
        let back = clock.now
        guard loop.run(for: .seconds(30), until: { resumed }) else { throw FixtureError("the stream was not resumed") }
        let resumedAfter = clock.now - back
        print(
            "sm dead link (packets dropped on an idle link, default keep-alive) noticed after"
                + " \(IMBenchmark.seconds(noticed)),"
                + " stream resumed \(IMBenchmark.seconds(resumedAfter)) after the network is back (backoff included)")
    }

    // MARK: Flood with and without acks

    /// Wall time of a flood, and this process's CPU time during it (both clients: the sender's
    /// share is the same with and without acks).
    struct Sample {
        var wall: Duration
        var cpu: Duration
    }

    static func describe(_ samples: [Sample], _ messages: Int) -> String {
        let wall = samples.map(\.wall).sorted()[samples.count / 2]
        let cpu = samples.map(\.cpu).sorted()[samples.count / 2]
        let rate = Int((Double(messages) / wall.seconds).rounded())
        let perMessage = format(cpu.seconds * 1_000_000 / Double(messages))
        return "\(IMBenchmark.seconds(wall)) (\(rate) messages/s, client CPU \(perMessage) µs/message)"
    }

    static func processCPU() -> Duration {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        let micros =
            Int64(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) * 1_000_000
            + Int64(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec)
        return .microseconds(micros)
    }

    /// `messages` chat messages from `peer`, timed from the first sent to the last stored.
    static func flood(server: ProsodyServer, messages: Int, streamManagement: Bool) throws -> Sample {
        let database = temporaryDatabase()
        defer { IMBenchmark.removeDatabase(database) }
        let loop = try EventLoop()
        let controller = try account(
            server: server, loop: loop, port: server.c2sPort, streamManagement: streamManagement, database: database)
        var stored = 0
        controller.onEvent = { event in
            if case .messageStored(_, _, true, false, _) = event { stored += 1 }
        }
        controller.connect()
        guard loop.run(for: .seconds(10), until: { controller.status == .online && !controller.isCatchingUp }) else {
            throw FixtureError("bench could not log in")
        }
        let (_, peer) = try IMBenchmark.connect(server: server, user: "peer", loop: loop)
        let bench = try JID("bench@\(server.domain)")
        let run = UUID().uuidString.prefix(8)
        let clock = ContinuousClock()
        let start = clock.now
        let startCPU = processCPU()
        for index in 0..<messages {
            peer.send(Message.chat(to: bench, body: "flood \(run) \(index)", id: "\(run)-\(index)"))
            if index % 500 == 499 { loop.run(for: .milliseconds(1)) { false } }
        }
        guard loop.run(for: .seconds(300), until: { stored >= messages }) else {
            throw FixtureError("\(stored) of \(messages) messages arrived")
        }
        let sample = Sample(wall: clock.now - start, cpu: processCPU() - startCPU)
        IMBenchmark.close(loop, peer)
        controller.disconnect()
        loop.run(for: .seconds(5)) { controller.status == .offline }
        return sample
    }
}
