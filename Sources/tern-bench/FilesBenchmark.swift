import ChatModel
import Foundation
import HTTPTransfer
import Networking
import Subprocess
import TestServers
import TestSupport
import XMPPClient
import XMPPCore
import XMPPExtensions

/// HTTP file upload and download of one large file to the test Prosody's file share
/// (XEP-0363): Tern's libcurl transfers beside the `curl` program on slots of the same service,
/// then the whole client in tmux uploading the file while keys are typed (their latency, from
/// `TERN_KEY_LATENCY_LOG`).
enum FilesBenchmark {
    static func run(megabytes: Int, runs: Int = 3) {
        let server: ProsodyServer
        do {
            server = try ProsodyServer(users: ["alice": "alice-password", "bob": "bob-password"])
        } catch {
            print("files: cannot start Prosody: \(error)")
            return
        }
        defer { server.stop() }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "tern-filesbench-\(UUID().uuidString)"
        ).path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            let file = directory + "/bench.bin"
            try makeFile(file, megabytes: megabytes)
            try transfers(server: server, file: file, megabytes: megabytes, runs: runs, directory: directory)
            try client(server: server, file: file, megabytes: megabytes)
        } catch {
            print("files: \(error)")
        }
    }

    static func makeFile(_ path: String, megabytes: Int) throws {
        var generator = SplitMix64(state: 0x363)
        let chunk = Data((0..<1_048_576).map { _ in UInt8(truncatingIfNeeded: generator.next()) })
        _ = FileManager.default.createFile(atPath: path, contents: nil)
        guard let handle = FileHandle(forWritingAtPath: path) else { throw FixtureError("cannot write \(path)") }
        for _ in 0..<megabytes { try handle.write(contentsOf: chunk) }
        try handle.close()
    }

    /// A slot for `file` from the service (a fresh name each time: a slot takes one PUT).
    static func slot(_ connection: XMPPConnection, _ loop: EventLoop, service: JID, name: String, size: Int64)
        throws -> HTTPUpload.Slot
    {
        var answer: Result<XMLElement, IQFailure>?
        connection.sendIQ(
            HTTPUpload.request(
                to: service, filename: name, size: size, contentType: "application/octet-stream", id: name)
        ) { answer = $0 }
        guard loop.run(for: .seconds(30), until: { answer != nil }), case .success(let result) = answer else {
            throw FixtureError("no slot: \(String(describing: answer))")
        }
        return try HTTPUpload.Slot(result: result)
    }

    /// Tern's transfer client and `curl` alternately, `runs` times each way; MB/s of the best run.
    static func transfers(server: ProsodyServer, file: String, megabytes: Int, runs: Int, directory: String) throws {
        let (loop, connection) = try IMBenchmark.connect(server: server, user: "alice", resource: "files")
        defer { IMBenchmark.close(loop, connection) }
        let service = try JID(server.uploadService)
        let size = Int64(megabytes) * 1_048_576
        let client = HTTPTransferClient(loop: loop, extraAnchor: nil, opener: "true", downloadDirectory: directory)
        var ternUp: [Double] = []
        var curlUp: [Double] = []
        var ternDown: [Double] = []
        var curlDown: [Double] = []
        for run in 0..<runs {
            let mine = try slot(connection, loop, service: service, name: "tern-\(run).bin", size: size)
            ternUp.append(
                try timed(
                    client, loop,
                    TransferRequest(
                        url: mine.putURL,
                        method: .put(
                            file: file, size: size, contentType: "application/octet-stream",
                            headers: mine.headers.map { "\($0.name): \($0.value)" }))))
            let theirs = try slot(connection, loop, service: service, name: "curl-\(run).bin", size: size)
            let headers = theirs.headers.flatMap { ["-H", "\($0.name): \($0.value)"] }
            curlUp.append(
                try curl(
                    ["-sS", "-f", "-o", "/dev/null", "-T", file, "-H", "Content-Type: application/octet-stream"]
                        + ["-H", "Expect:"] + headers + [theirs.putURL]))
            let saved = directory + "/down-\(run).bin"
            ternDown.append(
                try timed(client, loop, TransferRequest(url: mine.getURL, method: .get(destination: saved))))
            try FileManager.default.removeItem(atPath: saved)
            curlDown.append(try curl(["-sS", "-f", "-o", saved, mine.getURL]))
            try FileManager.default.removeItem(atPath: saved)
        }
        let megabyte = Double(size) / 1e6
        func rate(_ times: [Double]) -> String { format(megabyte / (times.min() ?? 1), digits: 1) + " MB/s" }
        print("files: upload of \(megabytes) MiB to Prosody's file share: Tern \(rate(ternUp)), curl \(rate(curlUp))")
        print("files: download of \(megabytes) MiB: Tern \(rate(ternDown)), curl \(rate(curlDown))")
    }

    /// Runs one transfer on the loop; its wall time (seconds).
    static func timed(_ client: HTTPTransferClient, _ loop: EventLoop, _ request: TransferRequest) throws -> Double {
        var outcome: TransferOutcome?
        let start = Date()
        _ = client.start(request, progress: { _, _ in }, completion: { outcome = $0 })
        guard loop.run(for: .seconds(600), until: { outcome != nil }), outcome?.succeeded == true else {
            throw FixtureError("the transfer failed: \(String(describing: outcome))")
        }
        return Date().timeIntervalSince(start)
    }

    /// Runs the `curl` program; its wall time (seconds).
    static func curl(_ arguments: [String]) throws -> Double {
        let start = Date()
        let output = try Subprocess.run("/usr/bin/curl", arguments)
        guard output.status == 0 else { throw FixtureError("curl failed: \(output.standardErrorText)") }
        return Date().timeIntervalSince(start)
    }

    /// Tern in tmux uploads the file to Bob while a key is typed every 100 ms: the upload's rate
    /// as the user sees it (Enter to the file line on screen) and the keys' latency.
    static func client(server: ProsodyServer, file: String, megabytes: Int) throws {
        let home = try ProcessBenchmark.Home(server: server, user: "alice")
        defer { home.remove() }
        let log = home.directory + "/keys.log"
        try ProcessBenchmark.session(home, environment: ["TERN_KEY_LATENCY_LOG": log]) { tmux, _ in
            try tmux.waitFor("connected as", timeout: .seconds(30))
            try tmux.send("/msg bob@\(server.domain)")
            try tmux.press("Enter")
            try tmux.waitFor("bob@\(server.domain) — ", timeout: .seconds(30))
            Thread.sleep(forTimeInterval: 2)
            try tmux.send("/upload \(file)")
            let start = Date()
            try tmux.press("Enter")
            try tmux.waitFor("↑ bench.bin", timeout: .seconds(30))
            let keys = try RoomsBenchmark.KeyTyping(tmux: tmux, log: log)
            var nextLook = 0.0
            while true {
                let elapsed = Date().timeIntervalSince(start)
                guard elapsed < 600 else { throw FixtureError("the upload did not end:\n\(try tmux.screen())") }
                try keys.typeIfDue()
                if elapsed >= nextLook {
                    if try tmux.screen().contains("[file] bench.bin") { break }
                    nextLook = elapsed + 0.05
                }
                Thread.sleep(forTimeInterval: 0.005)
            }
            let wall = Date().timeIntervalSince(start)
            let latencies = try keys.latencies()
            try tmux.press("C-u")
            let rate = Double(megabytes) * 1_048_576 / 1e6 / wall
            print(
                "files: client upload of \(megabytes) MiB (Enter to the file line): \(format(rate, digits: 1)) MB/s;"
                    + " keys typed meanwhile: read → drawn \(Spread(latencies.map(\.readToDrawn)).tail),"
                    + " typed → drawn \(Spread(latencies.map(\.typedToDrawn)).tail)")
        }
    }
}
