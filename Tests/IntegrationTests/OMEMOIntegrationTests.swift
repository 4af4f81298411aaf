import ChatModel
import ChatRuntime
import ChatStore
import Foundation
import Networking
import Subprocess
import TestServers
import TestSupport
import Testing
import XMPPCore
import XMPPExtensions

/// The accounts of `OMEMOIntegrationTests`: one pair per test and version, since a peer's device
/// stays in its account's device list after it quits.
private let omemoUsers = Dictionary(
    uniqueKeysWithValues: (1...12).flatMap { ["tern\($0)", "peer\($0)"] }.map { ($0, "\($0)-secret") })

/// Tern's OMEMO against an independent client, slixmpp-omemo (`OMEMOXMPPPeer`), on both servers
/// and in both versions: Tern writes first (fetching the peer's device list and bundle, X3DH), or
/// the peer does (Tern answers a key exchange it receives); every text arrives as typed, stored
/// here in plaintext with its encryption recorded, and the fallback body is never what is stored.
@Suite(.serialized, .servers(users: omemoUsers))
struct OMEMOIntegrationTests {
    /// A Tern account and a peer of `version`, both online, each with its own accounts.
    private func pair(_ server: any XMPPTestServer, _ version: OMEMOVersion, _ index: Int) throws -> (
        LiveAccount, OMEMOXMPPPeer
    ) {
        let loop = try EventLoop()
        let tern = try LiveAccount(loop: loop, server: server, user: "tern\(index)")
        #expect(tern.connect())
        let announced = tern.wait { tern.controller.feature(OMEMOFeature.self)?.announced.count == 2 }
        #expect(announced, "Tern's device was not published\n\(tern.logText)")
        let peer = try OMEMOXMPPPeer(server: server, user: "peer\(index)", versions: [version])
        let published = try peer.devices(of: tern.controller.jid.description)
        #expect(published.count == 1, "Tern's device as the peer sees it: \(published)\n\(tern.logText)")
        return (tern, peer)
    }

    private func omemo(_ tern: LiveAccount) throws -> OMEMOFeature {
        try #require(tern.controller.feature(OMEMOFeature.self))
    }

    /// Sends `text` from Tern and waits until the server has it (held messages go once the keys are here).
    private func send(_ text: String, from tern: LiveAccount, to peer: OMEMOXMPPPeer) throws {
        let messaging = try #require(tern.controller.feature(MessagingFeature.self))
        messaging.send(text, to: try JID(peer.jid))
        let sent = tern.wait(timeout: .seconds(20)) {
            tern.messages(with: peer.jid).contains { $0.body == text && $0.outgoing && $0.state == .acked }
        }
        #expect(sent, "not sent: \(text)\n\(tern.logText)")
    }

    /// The message from the peer with `text`, once stored.
    private func received(_ text: String, by tern: LiveAccount, from peer: OMEMOXMPPPeer) -> StoredMessage? {
        tern.wait(timeout: .seconds(20)) { tern.messages(with: peer.jid).contains { $0.body == text && !$0.outgoing } }
        return tern.messages(with: peer.jid).first { $0.body == text && !$0.outgoing }
    }

    @Test(arguments: ServerKind.allCases, OMEMOVersion.allCases)
    func ternWritesFirstAndThePeerAnswers(_ kind: ServerKind, _ version: OMEMOVersion) throws {
        let server = try TestServers.server(kind)
        let (tern, peer) = try pair(server, version, version == .omemo2 ? 1 : 2)
        defer { peer.stop() }
        try omemo(tern).set(try JID(peer.jid), on: true)
        for text in ["hello from tern", "zweite Nachricht – ü 🔐"] {
            try send(text, from: tern, to: peer)
            let atPeer = try peer.expectMessage(from: tern.controller.jid.description)
            #expect(atPeer.body == text, "\(atPeer)")
            #expect(atPeer.version == version)
        }
        try peer.send("hello from python", to: tern.controller.jid.description)
        let reply = try #require(received("hello from python", by: tern, from: peer), "\(tern.logText)")
        #expect(reply.encryption?.hasPrefix(version == .omemo2 ? "OMEMO 2" : "OMEMO 0.3") == true)
        #expect(!tern.messages(with: peer.jid).contains { $0.body.contains("OMEMO encrypted message") })
    }

    @Test(arguments: ServerKind.allCases, OMEMOVersion.allCases)
    func thePeerWritesFirstAndTernAnswers(_ kind: ServerKind, _ version: OMEMOVersion) throws {
        let server = try TestServers.server(kind)
        let (tern, peer) = try pair(server, version, version == .omemo2 ? 3 : 4)
        defer { peer.stop() }
        try peer.send("first contact", to: tern.controller.jid.description)
        let first = try #require(
            received("first contact", by: tern, from: peer),
            "\(tern.messages(with: peer.jid).map(\.body))\n\(tern.logText)")
        #expect(first.encryption != nil)
        #expect(try omemo(tern).isOn(for: JID(peer.jid)), "a chat the contact encrypts is encrypted both ways")
        try send("answer from tern", from: tern, to: peer)
        #expect(try peer.expectMessage(from: tern.controller.jid.description).body == "answer from tern")
        for index in 1...3 { try peer.send("burst \(index)", to: tern.controller.jid.description) }
        for index in 1...3 { #expect(received("burst \(index)", by: tern, from: peer) != nil) }
    }

    /// A home for `tern send` as a script runs it: a config file for `user` and a data directory.
    private func ternHome(_ server: any XMPPTestServer, user: String) throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tern-omemo-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try """
        [accounts.test]
        jid = "\(user)@\(server.domain)"
        password_command = "echo \(server.users[user] ?? "")"
        host = "127.0.0.1"
        port = \(server.c2sPort)
        tls = "starttls"
        ca_file = "\(server.certificateFile)"
        """.write(to: directory.appendingPathComponent("config.toml"), atomically: true, encoding: .utf8)
        return directory
    }

    /// Runs the built `tern send` in `home`: exit status and standard error.
    private func ternSend(_ home: URL, _ arguments: [String]) throws -> (Int32, String) {
        let output = try Subprocess.run(
            SendCommandTests.ternBinary,
            ["send", "--config", home.appendingPathComponent("config.toml").path] + arguments,
            environment: ["XDG_DATA_HOME": home.appendingPathComponent("data").path])
        return (output.status, output.standardErrorText)
    }

    @Test(arguments: ServerKind.allCases, OMEMOVersion.allCases)
    func ternSendOMEMOReachesThePeerEncrypted(_ kind: ServerKind, _ version: OMEMOVersion) throws {
        let server = try TestServers.server(kind)
        let user = version == .omemo2 ? "tern5" : "tern6"
        let peer = try OMEMOXMPPPeer(server: server, user: version == .omemo2 ? "peer5" : "peer6", versions: [version])
        defer { peer.stop() }
        let home = try ternHome(server, user: user)
        let (status, errors) = try ternSend(home, ["--omemo", peer.jid, "from a script 🔐"])
        #expect(status == 0, "\(errors)")
        let message = try peer.expectMessage(from: "\(user)@\(server.domain)")
        #expect(message.body == "from a script 🔐" && message.version == version, "\(message)")
        // The chat is encrypted now: a later send without the flag is encrypted too.
        let (again, againErrors) = try ternSend(home, [peer.jid, "no flag this time"])
        #expect(again == 0, "\(againErrors)")
        let second = try peer.expectMessage(from: "\(user)@\(server.domain)")
        #expect(second.body == "no flag this time" && second.version == version, "\(second)")
    }

    /// Nothing goes in plaintext to someone without OMEMO: the script fails and says why.
    @Test(arguments: ServerKind.allCases) func ternSendOMEMOFailsForAContactWithoutDevices(_ kind: ServerKind) throws {
        let server = try TestServers.server(kind)
        let loop = try EventLoop()
        let plain = try TestClient(loop: loop, server: server, user: "peer7")
        #expect(plain.connect())
        plain.sendPresence()
        let home = try ternHome(server, user: "tern7")
        let (status, errors) = try ternSend(home, ["--omemo", "peer7@\(server.domain)", "secret"])
        #expect(status == 1)
        #expect(errors.contains("has no OMEMO device you trust"), "\(errors)")
        #expect(plain.waitForStanza(timeout: .seconds(2)) { $0.childText("body") != nil } == nil)
        plain.disconnect()
    }

    /// 1,000 encrypted messages written while Tern was offline (the first a key exchange) come in
    /// when it is back (Prosody's offline delivery and the archive catch-up, one of each stored),
    /// all decrypted in order, and the session still works both ways after.
    @Test func anArchiveCatchUpOfAThousandEncryptedMessagesKeepsTheSession() throws {
        let server = try TestServers.server(.prosody)
        let (tern, peer) = try pair(server, .omemo2, 8)
        defer { peer.stop() }
        tern.disconnect()
        let count = 1_000
        for index in 1...count { try peer.send("archived \(index)", to: tern.controller.jid.description) }
        #expect(tern.connect(timeout: .seconds(120)))
        let all = tern.wait(timeout: .seconds(120)) {
            tern.messages(with: peer.jid).filter { $0.body.hasPrefix("archived ") }.count == count
        }
        let bodies = tern.messages(with: peer.jid).map(\.body).filter { $0.hasPrefix("archived ") }
        #expect(all, "\(bodies.count) of \(count) decrypted\n\(tern.logText.suffix(2000))")
        #expect(bodies == (1...count).map { "archived \($0)" }, "in order")
        #expect(!tern.messages(with: peer.jid).contains { $0.body.contains("without a session") })
        try send("after the catch-up", from: tern, to: peer)
        #expect(try peer.expectMessage(from: tern.controller.jid.description).body == "after the catch-up")
        try peer.send("still talking", to: tern.controller.jid.description)
        #expect(received("still talking", by: tern, from: peer)?.encryption != nil)
    }

    /// Closing Tern and starting it again on the same database: the same device, the same
    /// sessions and trust, no new key exchange needed, messages both ways.
    @Test(arguments: OMEMOVersion.allCases) func sessionsSurviveARestart(_ version: OMEMOVersion) throws {
        let server = try TestServers.server(.prosody)
        let (first, peer) = try pair(server, version, version == .omemo2 ? 9 : 10)
        defer { peer.stop() }
        try omemo(first).set(try JID(peer.jid), on: true)
        try send("before the restart", from: first, to: peer)
        #expect(try peer.expectMessage(from: first.controller.jid.description).body == "before the restart")
        let device = try omemo(first).ownDeviceID
        first.disconnect()
        let tern = try LiveAccount(
            loop: first.loop, server: server, user: first.controller.name, databasePath: first.databasePath)
        #expect(tern.connect())
        #expect(try omemo(tern).ownDeviceID == device, "the same device after a restart")
        #expect(try omemo(tern).isOn(for: JID(peer.jid)), "the chat stays encrypted")
        try send("after the restart", from: tern, to: peer)
        #expect(try peer.expectMessage(from: tern.controller.jid.description).body == "after the restart")
        try peer.send("welcome back", to: tern.controller.jid.description)
        #expect(received("welcome back", by: tern, from: peer)?.encryption != nil, "\(tern.logText)")
        #expect(try peer.devices(of: tern.controller.jid.description).count == 1, "no second device published")
    }
}
