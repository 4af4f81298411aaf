import ChatStore
import Foundation
import HTTPTransfer
import Networking
import TestServers
import TestSupport
import Testing
import XMPPCore

@testable import ChatModel

/// HTTP file upload (XEP-0363) against Prosody's `http_file_share` on loopback: Alice uploads a
/// file to Bob, whose client gets the URL with its OOB element and downloads it byte-identical.
/// (ejabberd's mod_http_upload needs an HTTP listener the test ejabberd does not run.)
@Suite(.serialized, .prosody(users: ["alice": "alice-secret", "bob": "bob-secret"]))
struct FileUploadIntegrationTests {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tern-files-\(UUID().uuidString)")
        .path

    func account(_ user: String, on loop: EventLoop, server: ProsodyServer) throws -> LiveAccount {
        let account = try LiveAccount(loop: loop, server: server, user: user)
        account.controller.fileTransfers = HTTPTransferClient(
            loop: loop, extraAnchor: nil, opener: "true", downloadDirectory: directory + "/\(user)-downloads")
        return account
    }

    /// A file of `size` pseudo-random bytes.
    func makeFile(_ name: String, size: Int) throws -> (path: String, bytes: Data) {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        var generator = SplitMix64(state: UInt64(size))
        let bytes = Data((0..<size).map { _ in UInt8(truncatingIfNeeded: generator.next()) })
        let path = directory + "/" + name
        try bytes.write(to: URL(fileURLWithPath: path))
        return (path, bytes)
    }

    @Test func aFileUploadedByOneAccountIsDownloadedByteIdenticalByTheOther() throws {
        let server = try #require(ProsodyServer.current)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let loop = try EventLoop()
        let alice = try account("alice", on: loop, server: server)
        let bob = try account("bob", on: loop, server: server)
        #expect(alice.connect())
        #expect(bob.connect())
        let aliceFiles = try #require(alice.controller.feature(FilesFeature.self))
        #expect(alice.wait { aliceFiles.service != nil })
        #expect(aliceFiles.service?.jid.description == server.uploadService)
        #expect((aliceFiles.service?.maximumFileSize ?? 0) >= 100_000_000)

        let (path, bytes) = try makeFile("report 2026.pdf", size: 300_000)
        let bobJID = try JID("bob@localhost")
        try aliceFiles.upload(path, to: bobJID)
        let aliceJID = try JID("alice@localhost")
        // The suite's other tests sent files too (the archive brings them): this one is by its name.
        var received: StoredMessage?
        #expect(
            bob.wait(timeout: .seconds(20)) {
                let messages = try? bob.store.lastMessages(
                    account: bob.controller.accountID, conversation: aliceJID, limit: 20)
                received = messages?.last { $0.body.hasSuffix("/report%202026.pdf") }
                return received != nil
            })
        let body = try #require(received?.body)
        let bobFiles = try #require(bob.controller.feature(FilesFeature.self))
        // The body is the GET URL and came with an OOB element: a file, named from the URL.
        let file = try #require(bobFiles.sharedFile(in: body))
        #expect(file.name == "report 2026.pdf")
        #expect(body.hasPrefix("http://127.0.0.1:\(server.httpPort)/"))

        try bobFiles.open(body, in: aliceJID)
        let saved = directory + "/bob-downloads/report 2026.pdf"
        #expect(bob.wait(timeout: .seconds(20)) { Self.done(bobFiles, saved) })
        #expect(FileManager.default.contents(atPath: saved) == bytes)
        // A second download never replaces the first.
        try bobFiles.open(body, in: aliceJID)
        let second = directory + "/bob-downloads/report 2026-1.pdf"
        #expect(bob.wait(timeout: .seconds(20)) { Self.done(bobFiles, second) })
        #expect(FileManager.default.contents(atPath: second) == bytes)

        // Sent once, and the upload is stored as sent.
        let sent = try alice.store.lastMessages(account: alice.controller.accountID, conversation: bobJID, limit: 20)
        #expect(sent.filter { (message: StoredMessage) in message.body == body }.count == 1)
        let states = try alice.store.featureRows("SELECT state FROM upload", [], { $0.text(0) })
        #expect(states == ["sent"])
        bob.disconnect()
        alice.disconnect()
    }

    /// No transfer runs and `path` exists.
    static func done(_ files: FilesFeature, _ path: String) -> Bool {
        files.transfers.isEmpty && FileManager.default.fileExists(atPath: path)
    }

    @Test func aFileOverTheServersLimitIsRefusedBeforeAnythingIsAsked() throws {
        let server = try #require(ProsodyServer.current)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let loop = try EventLoop()
        let alice = try account("alice", on: loop, server: server)
        #expect(alice.connect())
        let files = try #require(alice.controller.feature(FilesFeature.self))
        #expect(alice.wait { files.service != nil })
        files.service?.maximumFileSize = 1000
        let (path, _) = try makeFile("big.bin", size: 1001)
        #expect(
            throws: CommandError.failed(
                "\(path) is 1.0 KB (1001 bytes); the server takes files up to 1.0 KB (1000 bytes)")
        ) {
            try files.upload(path, to: try JID("bob@localhost"))
        }
        #expect(try alice.store.featureRows("SELECT count(*) FROM upload", [], { $0.int(0) }) == [0])
        alice.disconnect()
    }
}
