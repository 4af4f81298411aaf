import ChatModel
import ChatRuntime
import Foundation
import Networking
import TestServers
import TestSupport
import Testing
import XMPPCore
import XMPPExtensions

/// Bookmarks shared with another client of the same account (a slixmpp peer logged in as Alice
/// on another resource), on both servers: Prosody 0.12 lists `urn:xmpp:bookmarks:1#compat`, so
/// XEP-0402 is used; ejabberd 23.01 does not (and refuses XEP-0402's publish-options), so the
/// bookmarks live in XEP-0048 private storage, whose changes ejabberd mirrors to PEP.
@Suite(.serialized, .servers(users: ["alice": "alice-secret", "bob": "bob-secret"]))
struct BookmarkIntegrationTests {
    private func newRoom(_ server: any XMPPTestServer, _ name: String) -> String {
        "\(name)-\(UUID().uuidString.prefix(8).lowercased())@\(server.conferenceDomain)"
    }

    private func storage(_ kind: ServerKind) -> (RoomPeer.BookmarkStorage, BookmarksManager.Storage) {
        kind == .prosody ? (.pep, .pep) : (.privateStorage, .privateStorage)
    }

    /// A fresh room with Bob in it, and Alice's other client (the peers stop when released).
    private func roomWithPeers(_ server: any XMPPTestServer, _ name: String) throws -> (String, RoomPeer, RoomPeer) {
        let room = newRoom(server, name)
        let bob = try RoomPeer(server: server, user: "bob")
        try bob.join(room, nick: "Bob")
        return (room, bob, try RoomPeer(server: server, user: "alice"))
    }

    @Test(arguments: ServerKind.allCases) func anotherClientsBookmarkJoinsLiveAtLoginAndItsRemovalLeaves(
        _ kind: ServerKind
    ) throws {
        let server = try TestServers.server(kind)
        let (peerStorage, ternStorage) = storage(kind)
        let (room, bob, phone) = try roomWithPeers(server, "bookmarked")
        defer {
            bob.stop()
            phone.stop()
        }
        let features = try phone.discoFeatures("alice@\(server.domain)")
        #expect(features.contains("urn:xmpp:bookmarks:1#compat") == (kind == .prosody), "\(features)")

        // A running Tern joins a room the other client bookmarks with autojoin.
        let loop = try EventLoop()
        let running = try LiveAccount(loop: loop, server: server, user: "alice")
        #expect(running.connect())
        let bookmarks = try #require(running.controller.feature(BookmarksFeature.self))
        #expect(running.wait { bookmarks.storage == ternStorage }, "\(running.logText)")
        let rooms = try #require(running.controller.feature(RoomsFeature.self))
        let jid = try JID(room)
        try phone.bookmark(room, in: peerStorage, autojoin: true, name: "The Coven", nick: "Alice")
        #expect(running.wait(timeout: .seconds(20)) { rooms.isJoined(jid) }, "\(running.logText)")
        #expect(bookmarks.bookmarks[jid]?.name == "The Coven")
        try bob.waitFor("Alice entering") {
            $0.name == "presence" && $0.string("nick") == "Alice" && $0.string("type") == "available"
        }
        running.disconnect()

        // A fresh Tern (nothing stored) enters it at login.
        let beforeFresh = bob.mark
        let fresh = try LiveAccount(loop: loop, server: server, user: "alice")
        #expect(fresh.connect())
        let freshRooms = try #require(fresh.controller.feature(RoomsFeature.self))
        #expect(fresh.wait(timeout: .seconds(20)) { freshRooms.isJoined(jid) }, "\(fresh.logText)")
        try bob.waitFor("Alice entering again, as the bookmark's nick", from: beforeFresh) {
            $0.name == "presence" && $0.string("nick") == "Alice" && $0.string("type") == "available"
        }

        // The other client removes the bookmark: Tern leaves the room.
        let mark = bob.mark
        try phone.unbookmark(room, in: peerStorage)
        #expect(fresh.wait(timeout: .seconds(20)) { !freshRooms.isJoined(jid) }, "\(fresh.logText)")
        try bob.waitFor("Alice leaving", from: mark) {
            $0.name == "presence" && $0.string("nick") == "Alice" && $0.string("type") == "unavailable"
        }
        let freshBookmarks = try #require(fresh.controller.feature(BookmarksFeature.self))
        #expect(freshBookmarks.bookmarks[jid] == nil)
        fresh.disconnect()
    }

    @Test(arguments: ServerKind.allCases) func aBookmarkAddedInTernIsSeenByTheOtherClient(_ kind: ServerKind) throws {
        let server = try TestServers.server(kind)
        let (peerStorage, ternStorage) = storage(kind)
        let (room, bob, phone) = try roomWithPeers(server, "kept")
        defer {
            bob.stop()
            phone.stop()
        }
        // Someone else's bookmark kept in the same storage must survive Tern's write.
        let other = newRoom(server, "other")
        try phone.bookmark(other, in: peerStorage, autojoin: false, name: "Not Tern's")

        let loop = try EventLoop()
        let alice = try LiveAccount(loop: loop, server: server, user: "alice")
        #expect(alice.connect())
        let bookmarks = try #require(alice.controller.feature(BookmarksFeature.self))
        #expect(alice.wait { bookmarks.storage == ternStorage && bookmarks.bookmarks[try! JID(other)] != nil })
        let model = AppModel(
            accounts: [alice.controller], settings: UISettings(), scheduler: EventLoopScheduler(loop: loop))
        let rooms = try #require(alice.controller.feature(RoomsFeature.self))
        let jid = try JID(room)
        rooms.join(jid, nick: "Alice")
        #expect(alice.wait { rooms.isJoined(jid) })
        let window = model.openChat(model.conversation(jid, on: alice.controller), focus: true)
        model.submit("/bookmark add")
        #expect(alice.wait { model.noticesOf(window).contains { $0.text.hasPrefix("bookmarked \(room)") } })

        let seen = try phone.bookmarks(in: peerStorage)
        let ours = try #require(seen.first { $0["room"]?.string == room }, "\(seen)")
        #expect(ours["autojoin"]?.bool == true && ours["nick"]?.string == "Alice", "\(ours)")
        #expect(seen.contains { $0["room"]?.string == other && $0["name"]?.string == "Not Tern's" }, "\(seen)")
        try phone.unbookmark(other, in: peerStorage)
        alice.disconnect()
    }
}
