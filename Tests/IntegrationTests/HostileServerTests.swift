import ChatStore
import Foundation
import Networking
import Subprocess
import TestServers
import TestSupport
import Testing
import XMPPClient
import XMPPCore

/// The account against `scripts/hostile-server` on loopback, which holds the test Prosody's
/// certificate (so TLS verifies, as for a server that went bad): redirects, mechanism downgrades
/// and a deep stanza in the negotiation. Each test counts what the client did on the wire.
@Suite(.serialized, .prosody(users: ["alice": "alice-secret"]))
struct HostileServerTests {
    let server: any XMPPTestServer

    init() throws { server = try TestServers.server(.prosody) }

    func account(against hostile: HostileServer, databasePath: String? = nil) throws -> LiveAccount {
        try LiveAccount(
            loop: try EventLoop(), server: server, user: "alice", databasePath: databasePath, port: hostile.port)
    }

    @Test func aRedirectBeforeTLSIsNotFollowed() throws {
        let hostile = try HostileServer(.redirectBeforeTLS, certificate: server.certificateFile)
        defer { hostile.stop() }
        let alice = try account(against: hostile)
        alice.controller.connect()
        alice.wait(timeout: .seconds(5)) { false }
        #expect(!alice.logText.contains("the server sends us to"), "\(alice.logText)")
        #expect(hostile.connections <= 4, "retried under the backoff: \(hostile.connections) connections in 5 s")
        #expect(hostile.connections >= 2, "and retried")
        alice.disconnect()
    }

    @Test func redirectsAfterTLSAreCappedAndBackedOff() throws {
        let hostile = try HostileServer(.redirectAfterTLS, certificate: server.certificateFile)
        defer { hostile.stop() }
        let alice = try account(against: hostile)
        alice.controller.connect()
        alice.wait(timeout: .seconds(12)) { alice.logText.contains("not following the server") }
        #expect(alice.logText.components(separatedBy: "the server sends us to 127.0.0.1:").count - 1 == 3)
        #expect(alice.logText.contains("not following the server to 127.0.0.1:\(hostile.port): 3 redirects in a row"))
        #expect(hostile.connections <= 5, "\(hostile.connections) connections")
        alice.disconnect()
    }

    @Test func anyPlusIsPreferredOverAStrongerHashWithoutIt() throws {
        let hostile = try HostileServer(
            .mechanisms, certificate: server.certificateFile,
            mechanisms: ["SCRAM-SHA-1", "SCRAM-SHA-1-PLUS", "SCRAM-SHA-256"])
        defer { hostile.stop() }
        let alice = try account(against: hostile)
        alice.controller.connect()
        alice.wait { hostile.events.contains { $0.hasPrefix("auth ") } }
        #expect(hostile.events.filter { $0.hasPrefix("auth ") }.first == "auth SCRAM-SHA-1-PLUS", "\(hostile.events)")
        alice.disconnect()
    }

    @Test func aPinnedMechanismIsNotDowngradedAndNotRetried() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("tern-pin-\(UUID()).sqlite").path
        do {
            let store = try ChatStore(path: path)
            let id = try store.account(jid: try JID("alice@localhost"), name: "alice")
            try store.setPinnedMechanism("SCRAM-SHA-1-PLUS", account: id)
        }
        let hostile = try HostileServer(
            .mechanisms, certificate: server.certificateFile, mechanisms: ["SCRAM-SHA-1", "SCRAM-SHA-256", "PLAIN"])
        defer { hostile.stop() }
        let alice = try account(against: hostile, databasePath: path)
        alice.controller.connect()
        alice.wait { if case .failed = alice.controller.status { true } else { false } }
        guard case .failed(let reason) = alice.controller.status else {
            Issue.record("expected a refused login, got \(alice.controller.status)\n\(alice.logText)")
            return
        }
        #expect(reason.contains("logged in with SCRAM-SHA-1-PLUS before"))
        #expect(reason.contains("allow_mechanism_downgrade = true"))
        alice.wait(timeout: .seconds(3)) { false }
        #expect(hostile.events.filter { $0.hasPrefix("auth") }.isEmpty, "no password proof sent: \(hostile.events)")
        #expect(hostile.connections == 1, "not retried")
    }

    @Test func aServersErrorTextReachesStandardErrorWithoutItsControls() throws {
        let hostile = try HostileServer(.errorText, certificate: server.certificateFile)
        defer { hostile.stop() }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tern-err-\(UUID())").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let config = directory + "/config.toml"
        try """
        [accounts.test]
        jid = "alice@localhost"
        password_command = "echo alice-secret"
        host = "127.0.0.1"
        port = \(hostile.port)
        tls = "starttls"
        ca_file = "\(server.certificateFile)"
        """.write(toFile: config, atomically: true, encoding: .utf8)
        let binary = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
            .appendingPathComponent("tern").path
        let output = try Subprocess.run(
            binary, ["send", "--config", config, "--database", directory + "/tern.sqlite", "bob@localhost", "hi"])
        #expect(output.status != 0)
        let stderr = output.standardErrorText
        #expect(stderr.contains("pwned"), "the text is shown: \(stderr)")
        let controls = stderr.unicodeScalars.filter {
            ($0.value < 0x20 && $0 != "\n") || (0x7F...0x9F).contains($0.value) || $0.value == 0x202E
        }
        #expect(controls.isEmpty, "no terminal control reaches stderr: \(controls.map { String($0.value, radix: 16) })")
    }

    @Test func deepFeaturesEndTheLoginWithAClearError() throws {
        let hostile = try HostileServer(.deepFeatures, certificate: server.certificateFile)
        defer { hostile.stop() }
        let alice = try account(against: hostile)
        alice.controller.connect()
        alice.wait { alice.logText.contains("during negotiation") }
        #expect(alice.logText.contains("the server sent"), "\(alice.logText)")
        #expect(alice.logText.contains("during negotiation"), "\(alice.logText)")
        alice.disconnect()
    }

    /// The server asks for an ack right after a message, with more messages behind it in the same
    /// write: the ack may leave only once that message is committed (it looks in the database the
    /// moment the ack arrives, and the commit is slowed down).
    @Test func anAckLeavesOnlyAfterWhatItAcknowledgesIsCommitted() throws {
        let hostile = try HostileServer(.ackBurst, certificate: server.certificateFile)
        defer { hostile.stop() }
        let alice = try account(against: hostile)
        alice.controller.connect()
        alice.wait { hostile.events.contains("enabled") }
        // A slow commit: an ack written before it would be seen before the message is stored.
        let connection = try #require(alice.connection)
        let burst = try #require(connection.inputBurst)
        connection.inputBurst = InputBurstHandler(began: burst.began) {
            Thread.sleep(forTimeInterval: 0.5)
            return burst.ended()
        }
        try hostile.go(database: alice.databasePath)
        alice.wait { hostile.events.contains { $0.hasPrefix("ack ") } }
        let acks = hostile.events.filter { $0.hasPrefix("ack ") }
        // One ack, counting the message (and what was read with it), sent after the commit.
        #expect(acks.count == 1, "\(hostile.events)")
        #expect(acks.first?.hasSuffix(" stored") == true, "\(hostile.events)")
        #expect((acks.first?.split(separator: " ").dropFirst().first.flatMap { Int($0) } ?? 0) >= 1)
        // The rest of the write may still be on its way through later (equally slow) bursts.
        let mallory = try JID("mallory@localhost")
        func stored() -> Int {
            (try? alice.store.lastMessages(account: alice.controller.accountID, conversation: mallory, limit: 400))?
                .count ?? 0
        }
        alice.wait(timeout: .seconds(20)) { stored() >= 301 }
        #expect(stored() == 301)
        alice.disconnect()
    }
}
