import Foundation
import Networking
import Subprocess
import TestServers
import TestSupport
import Testing
import XMPPCore

/// `tern send` as a user runs it: the built binary with a config file.
@Suite(.serialized, .servers(users: ["alice": "alice-secret", "bob": "bob-secret"]))
struct SendCommandTests {
    var server: ProsodyServer { ProsodyServer.current! }

    static var ternBinary: String {
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("tern").path
    }

    func writeConfig(_ body: String) throws -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "tern-config-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let path = directory.appendingPathComponent("config.toml").path
        try body.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// Runs `tern` with its data beside the config file (never in this machine's own data
    /// directory, where one test's account would meet another server's).
    func run(_ arguments: [String]) throws -> (status: Int32, stderr: String) {
        let config = arguments.firstIndex(of: "--config").map { arguments[$0 + 1] } ?? "/nonexistent/config.toml"
        let data = URL(fileURLWithPath: config).deletingLastPathComponent().appendingPathComponent("data").path
        let output = try Subprocess.run(Self.ternBinary, arguments, environment: ["XDG_DATA_HOME": data])
        return (output.status, output.standardErrorText)
    }

    func config(
        tls: String, port: Int, password: String = "alice-secret", server: (any XMPPTestServer)? = nil,
        resource: String? = nil
    ) -> String {
        """
        [accounts.test]
        jid = "alice@localhost"
        password_command = "echo \(password)"
        host = "127.0.0.1"
        port = \(port)
        tls = "\(tls)"
        ca_file = "\((server ?? self.server).certificateFile)"
        \(resource.map { "resource = \"\($0)\"" } ?? "")
        """
    }

    @Test(arguments: ServerKind.allCases, ["starttls", "direct"])
    func deliversToASecondAccount(kind: ServerKind, tls: String) throws {
        let server = try TestServers.server(kind)
        let loop = try EventLoop()
        let bob = try TestClient(loop: loop, server: server, user: "bob")
        #expect(bob.connect())
        bob.sendPresence()
        let port = tls == "direct" ? server.directTLSPort : server.c2sPort
        let path = try writeConfig(config(tls: tls, port: port, server: server))
        let text = "hello over \(tls) 😀 <&>"
        let result = try run(["send", "--config", path, "bob@localhost", text])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        let message = bob.waitForStanza { $0.stanzaKind == .message && $0.childText("body") != nil }
        #expect(message?.childText("body") == text)
        #expect(message?.from?.bare.description == "alice@localhost")
        bob.disconnect()
    }

    @Test func sendsStandardInputAsOneMessageAndRecordsIt() throws {
        let loop = try EventLoop()
        let bob = try TestClient(loop: loop, server: server, user: "bob")
        #expect(bob.connect())
        bob.sendPresence()
        let path = try writeConfig(config(tls: "starttls", port: server.c2sPort))
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
        let input = directory + "/message.txt"
        try "build 42 finished\nall tests passed 😀\n\n".write(toFile: input, atomically: true, encoding: .utf8)
        let database = directory + "/tern.sqlite"
        let output = try Subprocess.run(
            Self.ternBinary, ["send", "--config", path, "--database", database, "--stdin", "bob@localhost"],
            standardInput: input)
        #expect(output.status == 0, "stderr: \(output.standardErrorText)")
        let message = bob.waitForStanza { $0.stanzaKind == .message && $0.childText("body") != nil }
        #expect(message?.childText("body") == "build 42 finished\nall tests passed 😀")
        bob.disconnect()

        let history = try Subprocess.run(
            Self.ternBinary, ["history", "--database", database, "--json", "bob@localhost"])
        let stored = try #require(
            try JSONSerialization.jsonObject(with: Data(history.standardOutputText.utf8)) as? [String: Any])
        #expect(stored["body"] as? String == "build 42 finished\nall tests passed 😀")
        #expect(stored["state"] as? String == "acked")

        let empty = directory + "/empty.txt"
        try "\n".write(toFile: empty, atomically: true, encoding: .utf8)
        let nothing = try Subprocess.run(
            Self.ternBinary, ["send", "--config", path, "--stdin", "bob@localhost"], standardInput: empty)
        #expect(nothing.status == 1)
        #expect(nothing.standardErrorText == "tern: nothing to send on standard input\n")
    }

    /// The README's own example configures `resource = "tern"`: `tern send` must not take that
    /// resource from the running client (the server would end the client's session).
    @Test(arguments: ServerKind.allCases)
    func neverTakesOverTheInteractiveClientsResource(kind: ServerKind) throws {
        let server = try TestServers.server(kind)
        let loop = try EventLoop()
        let alice = try LiveAccount(loop: loop, server: server, user: "alice", resource: "tern")
        #expect(alice.connect())
        let bound = alice.controller.boundJID
        let connects = alice.events.filter { if case .statusChanged(.connecting) = $0 { true } else { false } }.count
        let path = try writeConfig(config(tls: "starttls", port: server.c2sPort, server: server, resource: "tern"))
        let result = try run(["send", "--config", path, "bob@localhost", "from a script"])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        // The carbon of the script's message reaches the running client on its own session.
        #expect(alice.wait { alice.messages(with: "bob@localhost").contains { $0.body == "from a script" } })
        let copy = try #require(alice.messages(with: "bob@localhost").first { $0.body == "from a script" })
        #expect(copy.sender.hasPrefix("alice@localhost/tern-send-"), "\(copy.sender)")
        #expect(alice.controller.status == .online)
        #expect(alice.controller.boundJID == bound)
        #expect(!alice.logText.contains("conflict"), "\(alice.logText)")
        #expect(
            alice.events.filter { if case .statusChanged(.connecting) = $0 { true } else { false } }.count == connects,
            "the client kept its session")
        alice.disconnect()
    }

    @Test(arguments: ServerKind.allCases)
    func aMessageToAUserWhoDoesNotExistFailsWithTheServersReason(kind: ServerKind) throws {
        let server = try TestServers.server(kind)
        let path = try writeConfig(config(tls: "starttls", port: server.c2sPort, server: server))
        let database = URL(fileURLWithPath: path).deletingLastPathComponent().path + "/tern.sqlite"
        let result = try run(["send", "--config", path, "--database", database, "nobody@localhost", "hello?"])
        #expect(result.status == 1)
        #expect(
            result.stderr == "tern: the message to nobody@localhost came back: service-unavailable\n", "\(kind)")
        let history = try Subprocess.run(
            Self.ternBinary, ["history", "--database", database, "--json", "nobody@localhost"])
        let stored = try #require(
            try JSONSerialization.jsonObject(with: Data(history.standardOutputText.utf8)) as? [String: Any])
        #expect(stored["state"] as? String == "failed", "the history does not claim it was delivered")
        #expect(stored["error"] as? String == "service-unavailable")
    }

    @Test func failuresExitNonZeroWithOneLine() throws {
        let wrong = try writeConfig(config(tls: "starttls", port: server.c2sPort, password: "wrong"))
        let result = try run(["send", "--config", wrong, "bob@localhost", "x"])
        #expect(result.status == 1)
        #expect(result.stderr.hasPrefix("tern: wrong user name or password"))
        #expect(result.stderr.filter { $0 == "\n" }.count == 1)

        let closed = try writeConfig(config(tls: "starttls", port: try freePort()))
        let refused = try run(["send", "--config", closed, "bob@localhost", "x"])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("Connection refused"), "\(refused.stderr)")

        let bad = try writeConfig("[accounts.test]\njid = 42\n")
        let invalid = try run(["send", "--config", bad, "bob@localhost", "x"])
        #expect(invalid.status == 1)
        #expect(invalid.stderr.contains("config.toml:2: accounts.test.jid: expected a string, found an integer"))

        let usage = try run(["send", "--config", bad, "not a jid", "x"])
        #expect(usage.status == 64)
    }
}
