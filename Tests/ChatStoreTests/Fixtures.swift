import Foundation
import XMPPCore

@testable import ChatStore

let me = try! JID("alice@example.org")
let romeo = try! JID("romeo@example.net")
let mallory = try! JID("mallory@evil.example")

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

extension ChatStore {
    func all(_ conversation: JID = romeo, account: AccountID) throws -> [StoredMessage] {
        try lastMessages(account: account, conversation: conversation, limit: 10_000)
    }
}
