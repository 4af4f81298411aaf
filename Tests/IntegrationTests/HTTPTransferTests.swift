import ChatModel
import Foundation
import HTTPTransfer
import Networking
import TestServers
import TestSupport
import Testing
import XMPPCore

/// Tern's libcurl client at the edge, against Prosody's file share: what it refuses, what it
/// never overwrites, cancelling, and the size a HEAD request gives.
@Suite(.serialized, .prosody(users: ["carol": "carol-secret"]))
struct HTTPTransferTests {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tern-http-\(UUID().uuidString)")
        .path

    func run(_ client: HTTPTransferClient, _ loop: EventLoop, _ request: TransferRequest, cancel: Bool = false)
        -> TransferOutcome?
    {
        var outcome: TransferOutcome?
        let stop = client.start(request, progress: { _, _ in }, completion: { outcome = $0 })
        if cancel { stop() }
        loop.run(for: .seconds(30)) { outcome != nil }
        return outcome
    }

    @Test func onlyHTTPIsSpokenAnExistingFileIsNeverReplacedAndACancelStops() throws {
        let server = try #require(ProsodyServer.current)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let loop = try EventLoop()
        let client = HTTPTransferClient(loop: loop, extraAnchor: nil, opener: "true", downloadDirectory: directory)
        let carol = try LiveAccount(loop: loop, server: server, user: "carol")
        carol.controller.fileTransfers = client
        #expect(carol.connect())
        let files = try #require(carol.controller.feature(FilesFeature.self))
        #expect(carol.wait { files.service != nil })

        // Another protocol is refused by curl itself, even if a slot or a redirect named it.
        let target = directory + "/passwd"
        let other = run(client, loop, TransferRequest(url: "file:///etc/passwd", method: .get(destination: target)))
        #expect(other?.succeeded == false)
        if case .failed(let reason) = other {
            #expect(reason.lowercased().contains("protocol"))
        } else {
            Issue.record("expected a failure, got \(String(describing: other))")
        }

        // A file that is there is not replaced, whatever the name chosen earlier said.
        let existing = directory + "/existing.txt"
        #expect(FileManager.default.createFile(atPath: existing, contents: Data("mine".utf8)))
        let url = "http://127.0.0.1:\(server.httpPort)/file_share/none"
        let overwrite = run(client, loop, TransferRequest(url: url, method: .get(destination: existing)))
        #expect(overwrite == .failed("cannot create \(existing): File exists"))
        #expect(FileManager.default.contents(atPath: existing) == Data("mine".utf8))

        // A PUT without the slot's headers is refused by the server; the outcome says how.
        let source = directory + "/source.bin"
        #expect(FileManager.default.createFile(atPath: source, contents: Data(repeating: 1, count: 4_000_000)))
        let put = TransferRequest(
            url: "http://127.0.0.1:\(server.httpPort)/file_share/forged/x.bin",
            method: .put(file: source, size: 4_000_000, contentType: "application/octet-stream", headers: []))
        let refused = run(client, loop, put)
        #expect(refused?.succeeded == false)
        #expect(refused?.problem.hasPrefix("the server answered HTTP 4") == true)
        #expect(run(client, loop, put, cancel: true) == .cancelled)
        carol.disconnect()
    }
}
