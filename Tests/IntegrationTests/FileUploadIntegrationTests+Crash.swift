import ChatModel
import ChatStore
import Foundation
import Networking
import TestServers
import TestSupport
import Testing
import XMPPCore

/// `kill -9` of the real `tern` in the middle of an upload, then a restart: the upload resumes
/// and its URL reaches Bob once.
extension FileUploadIntegrationTests {
    /// The states of the uploads in a Tern database.
    static func uploadStates(in path: String) -> [String] {
        guard let store = try? ChatStore(path: path) else { return [] }
        return (try? store.featureRows("SELECT state FROM upload ORDER BY id", [], { $0.text(0) })) ?? []
    }

    /// A file of `megabytes` MiB: one random MiB repeated.
    func makeLargeFile(_ name: String, megabytes: Int) throws -> String {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        var generator = SplitMix64(state: 363)
        let chunk = Data((0..<1_048_576).map { _ in UInt8(truncatingIfNeeded: generator.next()) })
        let path = directory + "/" + name
        _ = FileManager.default.createFile(atPath: path, contents: nil)
        let handle = try #require(FileHandle(forWritingAtPath: path))
        for _ in 0..<megabytes { try handle.write(contentsOf: chunk) }
        try handle.close()
        return path
    }

    @Test func killMinus9DuringAnUploadThenARestartSendsTheURLOnce() throws {
        let server = try #require(ProsodyServer.current)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let loop = try EventLoop()
        let bob = try account("bob", on: loop, server: server)
        #expect(bob.connect())
        let path = try makeLargeFile("big.bin", megabytes: 24)
        let home = try TernHome(
            server: server, user: "alice", extraConfig: "[files]\nopener = \"true\"\ndownloads = \"\(directory)\"\n")
        var tmux = try home.start()
        defer { tmux.kill() }
        try tmux.waitFor("connected as alice@localhost")
        try tmux.send("/msg bob@localhost")
        try tmux.press("Enter")
        try tmux.send("/upload \(path)")
        try tmux.press("Enter")
        #expect(loop.run(for: .seconds(20)) { Self.uploadStates(in: home.database) == ["uploading"] })
        try tmux.waitFor("↑ big.bin")
        try tmux.killProgram()
        #expect(Self.uploadStates(in: home.database) == ["uploading"], "killed before the upload ended")

        tmux.kill()
        tmux = try home.start()
        try tmux.waitFor { $0.contains("resumed the stream") || $0.contains("connected as alice@localhost") }
        try tmux.send("/msg bob@localhost")
        try tmux.press("Enter")
        try tmux.waitFor("resuming the upload of big.bin", timeout: .seconds(20))
        let alice = try JID("alice@localhost")
        // The suite's other tests sent files too: this one is big.bin.
        func bigFiles() -> [String] {
            let messages = try? bob.store.lastMessages(
                account: bob.controller.accountID, conversation: alice, limit: 20)
            return (messages ?? []).map(\.body).filter { $0.hasSuffix("/big.bin") }
        }
        let arrived = bob.wait(timeout: .seconds(120)) { !bigFiles().isEmpty }
        #expect(arrived, "the URL reached Bob; the screen: \((try? tmux.screen()) ?? "")")
        bob.wait(timeout: .seconds(1)) { false }
        #expect(bigFiles().count == 1, "sent once")
        #expect(Self.uploadStates(in: home.database) == ["sent"])
        bob.disconnect()
    }
}
