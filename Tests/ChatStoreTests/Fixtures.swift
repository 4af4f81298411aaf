import Foundation
import XMPPCore

@testable import ChatStore

let me = try! JID("alice@example.org")
let romeo = try! JID("romeo@example.net")
let mallory = try! JID("mallory@evil.example")
let room = try! JID("coven@chat.shakespeare.lit")

/// A fresh temporary directory for one test.
func temporaryDirectory() -> String {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("tern-store-\(UUID().uuidString)").path
    try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

/// An incoming 1:1 message from romeo (or `from`).
func incoming(
    _ body: String,
    at timestamp: Int64 = 1_000,
    from: JID = romeo,
    id: String? = nil,
    originID: String? = nil,
    stanzaID: String? = nil,
    corrects: String? = nil
) -> NewMessage {
    NewMessage(
        conversation: from, outgoing: false, sender: from.description + "/phone", senderKey: from.description,
        recipient: me.description, body: body, timestamp: timestamp, idAttribute: id, originID: originID,
        stanzaID: stanzaID, stanzaIDBy: stanzaID == nil ? nil : me.description, corrects: corrects)
}

/// An outgoing 1:1 message to romeo.
func outgoing(_ body: String, at timestamp: Int64 = 1_000, id: String, stanzaID: String? = nil) -> NewMessage {
    NewMessage(
        conversation: romeo, outgoing: true, sender: me.description + "/tern", senderKey: me.description,
        recipient: romeo.description, body: body, timestamp: timestamp, idAttribute: id, originID: id,
        stanzaID: stanzaID, stanzaIDBy: stanzaID == nil ? nil : me.description)
}

/// A message in `room` from the occupant `nick` (whom the room vouches for as `occupant:NICK`),
/// stamped with the room's `stanzaID` when given.
func said(
    _ body: String,
    by nick: String = "thirdwitch",
    at timestamp: Int64 = 1_000,
    id: String? = nil,
    originID: String? = nil,
    stanzaID: String? = nil,
    corrects: String? = nil
) -> NewMessage {
    NewMessage(
        conversation: room, kind: .groupchat, outgoing: false, sender: nick, senderKey: "occupant:\(nick)",
        body: body, timestamp: timestamp, type: "groupchat", idAttribute: id, originID: originID,
        stanzaID: stanzaID, stanzaIDBy: stanzaID == nil ? nil : room.description, corrects: corrects)
}

extension ChatStore {
    func all(_ conversation: JID = romeo, account: AccountID) throws -> [StoredMessage] {
        try lastMessages(account: account, conversation: conversation, limit: 10_000)
    }

    /// A conversation read back from its newest message a page at a time (PageUp): the bodies,
    /// oldest first.
    func pagedBack(_ conversation: JID = romeo, account: AccountID, pageSize: Int) throws -> [String] {
        var page = try lastMessages(account: account, conversation: conversation, limit: pageSize)
        var bodies = page.map(\.body)
        while let oldest = page.first {
            page = try messages(before: oldest.id, limit: pageSize)
            bodies = page.map(\.body) + bodies
        }
        return bodies
    }
}
