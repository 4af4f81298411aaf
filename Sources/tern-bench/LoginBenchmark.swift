import Networking
import TestServers
import XMPPClient
import XMPPCore
import XMPPExtensions

/// Time from "connect" to an established session (STARTTLS, SCRAM, bind) against a private
/// Prosody on loopback, and the same over direct TLS.
enum LoginBenchmark {
    static func run(runs: Int) {
        let server: ProsodyServer
        do {
            server = try ProsodyServer(users: ["bench": "bench-password"])
        } catch {
            print("login: cannot start Prosody: \(error)")
            return
        }
        defer { server.stop() }
        for mode in [ConnectionSettings.TLSMode.startTLS, .direct] {
            var times: [Duration] = []
            for _ in 0..<runs {
                guard let time = login(server: server, mode: mode) else {
                    print("login (\(mode.rawValue)): failed")
                    return
                }
                times.append(time)
            }
            times.sort()
            func ms(_ duration: Duration) -> String { format(duration.seconds * 1000) + " ms" }
            print(
                "login (\(mode.rawValue)): median \(ms(times[times.count / 2])) over \(runs) runs"
                    + " (min \(ms(times.first!)), max \(ms(times.last!)))")
        }
    }

    static func login(server: ProsodyServer, mode: ConnectionSettings.TLSMode) -> Duration? {
        guard let loop = try? EventLoop(), let jid = try? JID("bench@\(server.domain)") else { return nil }
        let settings = ConnectionSettings(
            session: SessionConfiguration(jid: jid, password: "bench-password"), host: "127.0.0.1",
            port: mode == .direct ? server.directTLSPort : server.c2sPort, tlsMode: mode,
            caFile: server.certificateFile)
        let connection = XMPPConnection(loop: loop, settings: settings, extensions: [PingResponder()])
        var established = false
        var ended = false
        let origin = loop.now
        connection.onEvent = { event in
            if CommandLine.arguments.contains("--phases") {
                print("  \(format((loop.now - origin).seconds * 1000)) ms: \(event)".prefix(100))
            }
            switch event {
            case .established: established = true
            case .disconnected: ended = true
            default: break
            }
        }
        let start = loop.now
        connection.connect()
        while !established && !ended && loop.now - start < .seconds(10) { loop.runOnce(maximumWait: .seconds(1)) }
        let elapsed = loop.now - start
        connection.disconnect()
        while !ended && loop.now - start < .seconds(15) { loop.runOnce(maximumWait: .milliseconds(100)) }
        return established ? elapsed : nil
    }
}
