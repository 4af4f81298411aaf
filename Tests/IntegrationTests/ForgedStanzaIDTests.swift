import ChatModel
import ChatStore
import Foundation
import Networking
import TestServers
import TestSupport
import Testing
import XMPPCore

/// A stranger's `<stanza-id by='alice'/>` must not become alice's archive sync point, on either
/// server; and a sync point the archive does not know is filled from its time, not skipped.
@Suite(.serialized, .servers(users: ["alice": "alice-secret", "mallory": "mallory-secret"]))
struct ForgedStanzaIDTests {
    @Test(arguments: ServerKind.allCases) func aForgedStanzaIDCannotMoveTheSyncPoint(_ kind: ServerKind) throws {
        let server = try TestServers.server(kind)
        let loop = try EventLoop()
        let alice = try LiveAccount(loop: loop, server: server, user: "alice")
        #expect(alice.connect(), "\(alice.logText)")
        #expect(
            alice.wait {
                alice.controller.feature(ArchiveFeature.self)!.manager.stampingArchives.contains(alice.controller.jid)
            })
        let mallory = try TestClient(loop: loop, server: server, user: "mallory")
        #expect(mallory.connect())
        let aliceJID = alice.controller.jid
        mallory.connection.session.send(
            serialized: "<message to='\(aliceJID)' type='chat' id='f1'><body>forged</body>"
                + "<stanza-id xmlns='urn:xmpp:sid:0' by='\(aliceJID)' id='forged-by-mallory'/></message>")
        #expect(alice.wait { alice.messages(with: "mallory@localhost").count == 1 }, "\(alice.logText)")
        let received = try #require(alice.messages(with: "mallory@localhost").first)
        #expect(received.stanzaID != "forged-by-mallory")
        let sync = try alice.store.archiveSync(account: alice.controller.accountID, archive: aliceJID)
        #expect(sync?.lastStanzaID != "forged-by-mallory")

        // What comes while alice is away is caught up from where the archive really is.
        alice.disconnect()
        mallory.connection.send(Message.chat(to: aliceJID, body: "while away", id: "w1"))
        _ = mallory.request(.iq(.get, id: "sync", payload: XMLElement("ping", namespace: Namespace.ping)))
        #expect(alice.connect(), "\(alice.logText)")
        #expect(alice.messages(with: "mallory@localhost").map(\.body) == ["forged", "while away"], "\(alice.logText)")
        #expect(!alice.logText.contains("does not know where we left off"), "\(alice.logText)")
        mallory.disconnect()
        alice.disconnect()
    }

    @Test(arguments: ServerKind.allCases) func aSyncPointTheArchiveDoesNotKnowIsFilledFromItsTime(_ kind: ServerKind)
        throws
    {
        let server = try TestServers.server(kind)
        let loop = try EventLoop()
        let alice = try LiveAccount(loop: loop, server: server, user: "alice")
        let mallory = try TestClient(loop: loop, server: server, user: "mallory")
        #expect(mallory.connect())
        let aliceJID = alice.controller.jid
        let before = Int64(Date().timeIntervalSince1970 * 1000)
        for index in 1...3 {
            mallory.connection.send(Message.chat(to: aliceJID, body: "gap \(index)", id: "g\(index)"))
        }
        _ = mallory.request(.iq(.get, id: "sync", payload: XMLElement("ping", namespace: Namespace.ping)))
        // As after an archive reset or a forged id stored by an older Tern: an id the archive
        // never issued, at a time just before the messages.
        _ = try alice.store.storeArchivePage(
            [],
            sync: ArchiveSyncState(
                archive: aliceJID.description, lastStanzaID: "not-an-archive-id", lastTimestamp: before,
                syncedAt: before),
            account: alice.controller.accountID)
        #expect(alice.connect(), "\(alice.logText)")
        #expect(alice.wait { alice.messages(with: "mallory@localhost").count >= 3 }, "\(alice.logText)")
        // The hour of slack also brings back what the previous test sent: stored, once each.
        #expect(alice.messages(with: "mallory@localhost").map(\.body).suffix(3) == ["gap 1", "gap 2", "gap 3"])
        #expect(
            Set(alice.messages(with: "mallory@localhost").map(\.stanzaID)).count
                == alice.messages(with: "mallory@localhost").count)
        if kind == .prosody {
            // ejabberd's archive ids are times: it pages from any id without an error.
            #expect(alice.logText.contains("fetching everything since"), "\(alice.logText)")
        }
        let sync = try alice.store.archiveSync(account: alice.controller.accountID, archive: aliceJID)
        #expect(sync?.lastStanzaID == alice.messages(with: "mallory@localhost").last?.stanzaID)
        mallory.disconnect()
        alice.disconnect()
    }
}
