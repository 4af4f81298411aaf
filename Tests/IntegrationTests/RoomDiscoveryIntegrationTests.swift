import ChatModel
import Foundation
import Networking
import TestServers
import TestSupport
import Testing
import XMPPCore
import XMPPExtensions

/// Finding rooms on the servers people run: the account's conference service found at login,
/// `/rooms` listing a room a slixmpp peer made, and `/info` about it.
@Suite(.serialized, .servers(users: ["alice": "alice-secret", "bob": "bob-secret"]))
struct RoomDiscoveryIntegrationTests {
    @Test(arguments: ServerKind.allCases) func theConferenceServiceListsARoomAndInfoDescribesIt(_ kind: ServerKind)
        throws
    {
        let server = try TestServers.server(kind)
        let room = "lobby-\(UUID().uuidString.prefix(8).lowercased())@\(server.conferenceDomain)"
        let bob = try RoomPeer(server: server, user: "bob")
        defer { bob.stop() }
        try bob.join(room, nick: "Bob")
        try bob.configure(
            room, ["muc#roomconfig_roomname": .string("The Lobby"), "muc#roomconfig_publicroom": .bool(true)])

        let loop = try EventLoop()
        let alice = try LiveAccount(loop: loop, server: server, user: "alice")
        #expect(alice.connect())
        let rooms = try #require(alice.controller.feature(RoomsFeature.self))
        #expect(alice.wait { rooms.conferenceService != nil }, "\(alice.logText)")
        #expect(rooms.conferenceService?.description == server.conferenceDomain)

        var listed: [DiscoItem]?
        rooms.listRooms(on: try JID(server.conferenceDomain)) { result in
            if case .success(let (items, _)) = result { listed = items }
        }
        #expect(alice.wait { listed != nil })
        let entry = try #require(listed?.first { $0.jid.description == room }, "\(listed ?? [])")
        // ejabberd adds how many are in it: "The Lobby (1)".
        #expect(entry.name?.hasPrefix("The Lobby") == true, "\(entry)")

        var lines: [String]?
        try #require(alice.controller.feature(DiscoFeature.self)).information(about: try JID(room)) { lines = $0 }
        #expect(alice.wait { lines != nil })
        let info = lines ?? []
        #expect(info.first == "\(room) is a room:", "\(info)")
        #expect(info.contains("  name: The Lobby"), "\(info)")
        #expect(info.contains { $0.hasPrefix("  keeps: an archive (XEP-0313)") }, "\(info)")
        alice.disconnect()
    }
}
