import ChatModel
import ChatRuntime
import ChatStore
import Foundation
import Networking
import TestServers
import TestSupport
import Testing
import XMPPCore
import XMPPExtensions

/// Everyday IM against real servers (Prosody and ejabberd): roster versioning, carbons, archive
/// catch-up, receipts.
@Suite(.serialized, .servers(users: ["alice": "alice-secret", "bob": "bob-secret", "carol": "carol-secret"]))
struct IMIntegrationTests {

    @Test(arguments: ServerKind.allCases) func rosterVersioningAvoidsTheFullRosterOnTheNextLogin(_ kind: ServerKind)
        throws
    {
        let server = try TestServers.server(kind)
        let loop = try EventLoop()
        let alice = try LiveAccount(loop: loop, server: server, user: "carol")
        #expect(alice.connect())
        alice.controller.feature(RosterFeature.self)!.addContact(
            try JID("bob@localhost"), name: "Bob", groups: ["Work"])
        // Two pushes: the item, then the pending subscription request.
        alice.wait { alice.controller.roster[try! JID("bob@localhost")]?.pendingOut == true }
        let version = try alice.store.rosterVersion(account: alice.controller.accountID)
        #expect(version != nil, "Prosody versions rosters")
        alice.disconnect()

        var updates: [RosterManager.Update] = []
        let previous = alice.controller.feature(RosterFeature.self)!.manager.onUpdate
        alice.controller.feature(RosterFeature.self)!.manager.onUpdate = { update in
            updates.append(update)
            previous(update)
        }
        #expect(alice.connect())
        // The roster result is empty (Prosody may then push what is still pending, as a delta).
        let first = try #require(updates.first)
        #expect(
            !first.replacesAll && first.items.isEmpty && first.removed.isEmpty && first.version == nil, "\(updates)")
        #expect(!updates.contains { $0.replacesAll }, "the full roster is never sent again")
        #expect(alice.controller.roster[try JID("bob@localhost")]?.name == "Bob", "the stored roster stays")
        alice.disconnect()
    }

    @Test(arguments: ServerKind.allCases) func aMessageSentFromAnotherResourceArrivesAsACarbon(_ kind: ServerKind)
        throws
    {
        let server = try TestServers.server(kind)
        let loop = try EventLoop()
        let alice = try LiveAccount(loop: loop, server: server, user: "alice")
        #expect(alice.connect())
        let phone = try TestClient(loop: loop, server: server, user: "alice", resource: "phone")
        #expect(phone.connect())
        phone.sendPresence()
        phone.connection.send(Message.chat(to: try JID("bob@localhost"), body: "sent from my phone", id: "phone-1"))
        #expect(alice.wait { alice.messages(with: "bob@localhost").contains { $0.body == "sent from my phone" } })
        let copy = try #require(alice.messages(with: "bob@localhost").first { $0.body == "sent from my phone" })
        #expect(copy.outgoing)
        #expect(copy.sender == "alice@localhost/phone")
        phone.disconnect()
        alice.disconnect()
    }

    @Test(arguments: ServerKind.allCases) func messagesSentWhileOfflineArriveOnceThroughTheArchive(_ kind: ServerKind)
        throws
    {
        let server = try TestServers.server(kind)
        let loop = try EventLoop()
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("tern-mam-\(UUID().uuidString).sqlite")
            .path
        var alice: LiveAccount? = try LiveAccount(loop: loop, server: server, user: "alice", databasePath: path)
        #expect(alice!.connect())
        alice!.disconnect()
        alice = nil

        let bob = try TestClient(loop: loop, server: server, user: "bob")
        #expect(bob.connect())
        for index in 0..<25 {
            bob.connection.send(
                Message.chat(to: try JID("alice@localhost"), body: "while you were away \(index)", id: "away-\(index)"))
        }
        _ = bob.request(.iq(.get, id: "sync", payload: XMLElement("ping", namespace: Namespace.ping)))
        bob.disconnect()

        // Prosody delivers these again as offline messages after presence: still once each.
        let back = try LiveAccount(loop: loop, server: server, user: "alice", databasePath: path)
        #expect(back.connect())
        back.wait(timeout: .seconds(2)) { false }
        let stored = back.messages(with: "bob@localhost").filter { $0.body.hasPrefix("while you were away") }
        #expect(stored.count == 25, "got \(stored.count)")
        #expect(Set(stored.map(\.body)).count == 25, "none twice")
        #expect(stored.allSatisfy { $0.stanzaID != nil })
        back.disconnect()
    }

    @Test(arguments: ServerKind.allCases) func aReceiptMarksTheMessageDelivered(_ kind: ServerKind) throws {
        let server = try TestServers.server(kind)
        let loop = try EventLoop()
        let alice = try LiveAccount(loop: loop, server: server, user: "alice")
        #expect(alice.connect())
        let bob = try TestClient(loop: loop, server: server, user: "bob")
        #expect(bob.connect())
        bob.sendPresence()
        let id = try #require(
            alice.controller.feature(MessagingFeature.self)!.send("please confirm", to: try JID("bob@localhost")))
        let received = try #require(bob.waitForStanza { $0.childText("body") == "please confirm" })
        #expect(received.child("request", namespace: Namespace.receipts) != nil)
        bob.connection.send(
            OutgoingMessage.receipt(to: received.from!, for: received.id!, newID: "receipt-1"))
        #expect(alice.wait { (try? alice.store.message(id: id))?.state == .delivered })
        bob.disconnect()
        alice.disconnect()
    }
}

@Suite(.serialized, .servers(users: ["dave": "dave-secret", "erin": "erin-secret"]))
struct ArchiveScrollBackTests {

    @Test(arguments: ServerKind.allCases) func scrollingBackPastTheStoreFetchesOlderPagesFromTheArchive(
        _ kind: ServerKind
    ) throws {
        let server = try TestServers.server(kind)
        let loop = try EventLoop()
        // Dave reads these on his phone (so they are not held as offline messages): the history
        // lives in the archive.
        let phone = try TestClient(loop: loop, server: server, user: "dave", resource: "phone")
        #expect(phone.connect())
        phone.sendPresence()
        let erin = try TestClient(loop: loop, server: server, user: "erin")
        #expect(erin.connect())
        for index in 0..<150 {
            erin.connection.send(
                Message.chat(to: try JID("dave@localhost"), body: String(format: "old %03d", index), id: "old-\(index)")
            )
        }
        _ = erin.request(.iq(.get, id: "sync", payload: XMLElement("ping", namespace: Namespace.ping)))
        erin.disconnect()
        phone.waitForStanza { $0.childText("body") == "old 149" }
        phone.disconnect()

        // A brand-new install fetches only a bounded recent window.
        let dave = try LiveAccount(loop: loop, server: server, user: "dave")
        dave.controller.behaviour.initialArchiveMessages = 20
        dave.controller.behaviour.archivePageSize = 40
        #expect(dave.connect())
        dave.wait(timeout: .milliseconds(500)) { false }
        #expect(dave.messages(with: "erin@localhost").count == 20)

        let model = AppModel(
            accounts: [dave.controller], settings: UISettings(), scheduler: EventLoopScheduler(loop: loop))
        let window = model.openChat(model.conversation(try JID("erin@localhost"), on: dave.controller), focus: true)
        for _ in 0..<20 where window.messages.count < 150 {
            // What scrolling up does at the top of the loaded messages.
            if window.hasOlder { model.loadOlder(window) } else { model.fetchFromArchive(window) }
            dave.wait { !window.fetchingArchive }
        }
        let bodies = window.messages.map(\.body)
        #expect(bodies.count == 150, "got \(bodies.count)")
        #expect(bodies == (0..<150).map { String(format: "old %03d", $0) }, "every archived message, in order, once")
        dave.disconnect()
    }
}
