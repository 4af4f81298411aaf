import ChatModel
import ChatRuntime
import ChatStore
import Networking
import TestServers
import TestSupport
import Testing
import XMPPCore
import XMPPExtensions

/// The accounts of `OMEMORoomIntegrationTests`: one pair per test run, since a peer's device stays
/// in its account's device list after it quits.
private let omemoRoomUsers = Dictionary(
    uniqueKeysWithValues: (1...4).flatMap { ["roomtern\($0)", "roompeer\($0)"] }.map { ($0, "\($0)-secret") })

/// Tern's OMEMO in a room (XEP-0384 §Group Chats) against slixmpp-omemo (`OMEMOXMPPPeer`) on both
/// servers and in both versions: the peer creates a non-anonymous, members-only room with Tern as
/// a member; Tern turns OMEMO on in its window, and each side's message reaches the other
/// decrypted (Tern's stored in plaintext, never the fallback).
@Suite(.serialized, .servers(users: omemoRoomUsers))
struct OMEMORoomIntegrationTests {
    @Test(arguments: ServerKind.allCases, OMEMOVersion.allCases)
    func ternAndThePeerWriteEncryptedInARoom(_ kind: ServerKind, _ version: OMEMOVersion) throws {
        let server = try TestServers.server(kind)
        let index = (kind == ServerKind.allCases.first ? 1 : 3) + (version == .omemo2 ? 0 : 1)
        let loop = try EventLoop()
        let tern = try LiveAccount(loop: loop, server: server, user: "roomtern\(index)")
        let model = AppModel(
            accounts: [tern.controller], settings: UISettings(), scheduler: EventLoopScheduler(loop: loop))
        #expect(tern.connect())
        let omemo = try #require(tern.controller.feature(OMEMOFeature.self))
        #expect(tern.wait { omemo.announced.count == 2 }, "Tern's device was not published\n\(tern.logText)")
        let peer = try OMEMOXMPPPeer(server: server, user: "roompeer\(index)", versions: [version])
        defer { peer.stop() }
        let room = newRoom(server, "omemo")
        let ternJID = tern.controller.jid.description
        #expect(try peer.join(room, nick: "Peer", members: [ternJID]).created)

        let roomJID = try JID(room)
        let rooms = try #require(tern.controller.feature(RoomsFeature.self))
        rooms.join(roomJID, nick: "Tern")
        let window = model.openChat(model.conversation(roomJID, on: tern.controller), focus: true)
        #expect(tern.wait(timeout: .seconds(15)) { rooms.isJoined(roomJID) }, "\(tern.logText)")
        try peer.waitFor("Tern's arrival") { $0.name == "presence" && $0.string("nick") == "Tern" }
        model.submit("/omemo on")
        #expect(omemo.isOn(for: roomJID), "\(model.noticesOf(window).map(\.text))")

        rooms.send("hello from tern", to: roomJID)
        let delivered = tern.wait(timeout: .seconds(20)) {
            tern.messages(with: room).contains { $0.body == "hello from tern" && $0.state == .delivered }
        }
        #expect(delivered, "\(model.noticesOf(window).map(\.text))\n\(tern.messages(with: room).map(\.body))")
        let atPeer = try peer.expectMessage(from: room, nick: "Tern")
        #expect(atPeer.body == "hello from tern" && atPeer.version == version, "\(atPeer)")
        #expect(atPeer.senderJID == ternJID && atPeer.type == "groupchat")

        try peer.send("hello from python", to: room)
        let received = tern.wait(timeout: .seconds(20)) {
            tern.messages(with: room).contains { $0.body == "hello from python" && !$0.outgoing }
        }
        #expect(received, "\(tern.messages(with: room).map(\.body))\n\(model.noticesOf(window).map(\.text))")
        let answer = tern.messages(with: room).first { $0.body == "hello from python" }
        #expect(answer?.encryption?.hasPrefix(version == .omemo2 ? "OMEMO 2" : "OMEMO 0.3") == true)
        #expect(tern.messages(with: room).filter { $0.body == "hello from tern" }.count == 1)
        #expect(!tern.messages(with: room).contains { $0.body.contains("OMEMO encrypted message") })
    }
}
