import ChatModel
import ChatStore
import Foundation
import Networking
import ProsodyFixture
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
        ) { XMPPConnection(loop: loop, settings: $0.applied(to: settings)) }
        controller.behaviour.initialArchiveMessages = 0
        return controller
    }

    static func temporaryDatabase() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("tern-smbench-\(UUID().uuidString).sqlite").path
    }

    // MARK: Network back → stream resumed

    /// The network goes down (every connection refused) for half a second, then comes back.
    /// Measured from the moment it is back: until the stream is resumed on its own (the backoff
    /// wait included) and, separately, from the reconnection attempt to the resumed stream.
    static func resumption(server: ProsodyServer, outages: Int) throws {
        let proxy = try FaultProxy(targetPort: UInt16(server.c2sPort))
        defer { proxy.stop() }
        let database = temporaryDatabase()
        defer { IMBenchmark.removeDatabase(database) }
        let loop = try EventLoop()
        let controller = try account(
            server: server, loop: loop, port: Int(proxy.port), streamManagement: true, database: database)
        let clock = ContinuousClock()
        var resumedAt: ContinuousClock.Instant?
        var attemptAt: ContinuousClock.Instant?
        var networkBack = false
        var resumable = false
        controller.onEvent = { event in
            switch event {
            case .statusChanged(.connecting) where networkBack && attemptAt == nil: attemptAt = clock.now
            case .log(let entry) where entry.text.hasPrefix("resumed the stream"): resumedAt = clock.now
            case .log(let entry) where entry.text.hasPrefix("stream management on, resumable"): resumable = true
            default: break
            }
        }
        controller.connect()
        guard loop.run(for: .seconds(10), until: { resumable && !controller.isCatchingUp }) else {
            throw FixtureError("bench could not log in with a resumable stream")
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
        controller.disconnect()
        loop.run(for: .seconds(5)) { controller.status == .offline }
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
