import Foundation
import Networking
import ProsodyFixture
import Subprocess
import TestSupport
import Testing
import XMPPCore

/// `tern send` as a user runs it: the built binary with a config file.
@Suite(.serialized, .prosody(users: ["alice": "alice-secret", "bob": "bob-secret"]))
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

    func run(_ arguments: [String]) throws -> (status: Int32, stderr: String) {
        let output = try Subprocess.run(Self.ternBinary, arguments)
        return (output.status, output.standardErrorText)
    }

    func config(tls: String, port: Int, password: String = "alice-secret") -> String {
        """
        [accounts.test]
        jid = "alice@localhost"
        password_command = "echo \(password)"
        host = "127.0.0.1"
        port = \(port)
        tls = "\(tls)"
        ca_file = "\(server.certificateFile)"
        """
    }

    @Test(arguments: ["starttls", "direct"])
    func deliversToASecondAccount(tls: String) throws {
        let loop = try EventLoop()
        let bob = try TestClient(loop: loop, server: server, user: "bob")
        #expect(bob.connect())
        bob.sendPresence()
        let port = tls == "direct" ? server.directTLSPort : server.c2sPort
        let path = try writeConfig(config(tls: tls, port: port))
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

    @Test func failuresExitNonZeroWithOneLine() throws {
        let wrong = try writeConfig(config(tls: "starttls", port: server.c2sPort, password: "wrong"))
        let result = try run(["send", "--config", wrong, "bob@localhost", "x"])
        #expect(result.status == 1)
        #expect(result.stderr.hasPrefix("tern: wrong user name or password"))
        #expect(result.stderr.filter { $0 == "\n" }.count == 1)

        let closed = try writeConfig(config(tls: "starttls", port: try ProsodyServer.freePort()))
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
