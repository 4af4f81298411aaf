import ChatStore
import Foundation
import Networking
import TestServers
import TestSupport
import Testing
import XMPPCore

/// What a hostile contact can send through a real server must neither crash the account nor stall
/// it nor end its stream, live or when the archive hands it back: the stanzas past the parser's
/// limits are dropped (and logged), the next message arrives, the catch-up gets past them.
///
/// Prosody only: ejabberd 23.01 itself goes down on the 30,000-level stanza (the whole node).
@Suite(.serialized, .prosody(users: ["alice": "alice-secret", "mallory": "mallory-secret"]))
struct HostileInputTests {
    /// 30,000 levels deep (210 KB, under Prosody's 256 KiB stanza limit) and 2,000 attributes
    /// (Prosody passes on no more).
    static func hostileMessages(to alice: JID) -> [String] {
        let levels = 30_000
        let deep =
            "<message to='\(alice)' type='chat' id='deep'><body>deep</body>" + String(repeating: "<a>", count: levels)
            + String(repeating: "</a>", count: levels) + "</message>"
        let attributes = (0..<2_000).map { "a\($0)='x'" }.joined(separator: " ")
        let wide = "<message to='\(alice)' type='chat' id='wide' \(attributes)><body>wide</body></message>"
        return [deep, wide]
    }

    @Test func nestedAndWideStanzasNeitherCrashNorStallNorEndTheStream() throws {
        let server = try TestServers.server(.prosody)
        let loop = try EventLoop()
        let alice = try LiveAccount(loop: loop, server: server, user: "alice")
        #expect(alice.connect())
        let mallory = try TestClient(loop: loop, server: server, user: "mallory")
        #expect(mallory.connect())
        let aliceJID = alice.controller.jid
        for xml in Self.hostileMessages(to: aliceJID) { mallory.connection.session.send(serialized: xml) }
        mallory.connection.send(Message.chat(to: aliceJID, body: "after", id: "after"))
        let clock = ContinuousClock()
        let start = clock.now
        #expect(alice.wait { alice.messages(with: "mallory@localhost").map(\.body) == ["after"] })
        // Prosody itself takes about 3 s to pass the 210 KB deep stanza on; what Tern spends on
        // it is bounded in ParserLimitsTests. The bound here catches a stalled or a lost stream.
        #expect(clock.now - start < .seconds(10), "no stall: \(clock.now - start)")
        #expect(alice.controller.status == .online)
        #expect(
            alice.logText.components(separatedBy: "dropped a stanza").count == 3, "both are told:\n\(alice.logText)")
        #expect(
            alice.logText.components(separatedBy: "connecting to").count == 2,
            "the stream never ended:\n\(alice.logText)")

        // Offline: the archive hands them back, wrapped three levels deeper.
        alice.disconnect()
        for xml in Self.hostileMessages(to: aliceJID) {
            mallory.connection.session.send(serialized: xml.replacingOccurrences(of: "id='", with: "id='again-"))
        }
        mallory.connection.send(Message.chat(to: aliceJID, body: "after again", id: "after2"))
        _ = mallory.request(.iq(.get, id: "sync", payload: XMLElement("ping", namespace: Namespace.ping)))
        #expect(alice.connect())
        #expect(alice.wait { alice.messages(with: "mallory@localhost").count >= 2 })
        #expect(alice.messages(with: "mallory@localhost").map(\.body) == ["after", "after again"])
        let sync = try alice.store.archiveSync(account: alice.controller.accountID, archive: aliceJID)
        #expect(sync?.lastStanzaID == alice.messages(with: "mallory@localhost").last?.stanzaID, "caught up past them")
        #expect(alice.logText.components(separatedBy: "dropped a stanza").count >= 5, "\(alice.logText)")
        mallory.disconnect()
        alice.disconnect()
    }
}
