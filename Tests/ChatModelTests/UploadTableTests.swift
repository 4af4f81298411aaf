import ChatStore
import Foundation
import Testing
import XMPPCore

@testable import ChatModel

/// The `upload` table's states, as a restart finds them.
@Suite struct UploadTableTests {
    func table() throws -> (UploadTable, ChatStore) {
        let store = try ChatStore.inMemory()
        try store.migrate(feature: FilesFeature.name, FilesFeature.tables)
        let account = try store.account(jid: try JID("romeo@montague.tld"))
        return (UploadTable(store: store, account: account), store)
    }

    @Test func anUploadGoesFromRequestedThroughUploadingToSentOrFailed() throws {
        let (table, store) = try table()
        let juliet = try JID("juliet@capulet.lit")
        let first = try table.insert(
            conversation: juliet, path: "/tmp/a.jpg", size: 10, contentType: "image/jpeg", encrypted: false, now: 1)
        let second = try table.insert(
            conversation: juliet, path: "/tmp/b.txt", size: 20, contentType: "text/plain", encrypted: true, now: 2)
        #expect(try table.unfinished().map(\.state) == [.requested, .requested])

        try table.slotGranted(
            first.id, putURL: "https://u/p", getURL: "https://d/g", headers: ["Cookie: a=b", "Expires: x"])
        let granted = try #require(try table.unfinished().first)
        #expect(granted.state == .uploading)
        #expect(granted.headers == ["Cookie: a=b", "Expires: x"])
        #expect(granted.name == "a.jpg")
        #expect(!granted.encrypted && granted.uploadSize == 10)
        #expect(try table.unfinished().last?.encrypted == true)
        #expect(try table.unfinished().last?.uploadSize == 36)
        #expect(try table.getURLs() == ["https://d/g"])

        try table.failed(second.id, reason: "the service refused")
        #expect(
            try store.featureRows("SELECT error FROM upload WHERE id = ?", [second.id.sql], { $0.text(0) }) == [
                "the service refused"
            ])
        #expect(try table.unfinished().map(\.id) == [first.id])
        try table.sent(first.id, message: nil)
        #expect(try table.unfinished().isEmpty)
        #expect(
            try store.featureRows("SELECT state FROM upload ORDER BY id", [], { $0.text(0) }) == ["sent", "failed"])
        #expect(throws: (any Error).self, "the states are checked by the schema") {
            try store.featureWrite("UPDATE upload SET state = 'done'")
        }
    }

    @Test func theMessageOfAnUploadIsFoundByItsURLInItsConversationOnly() throws {
        let (table, store) = try table()
        let account = try store.account(jid: try JID("romeo@montague.tld"))
        let juliet = try JID("juliet@capulet.lit")
        let stored = try store.enqueue(
            NewMessage(
                conversation: juliet, outgoing: true, sender: "romeo@montague.tld/tern",
                senderKey: "romeo@montague.tld",
                body: "https://d/g", timestamp: 1, idAttribute: "m1", originID: "m1"),
            stanza: "<message/>", account: account)
        func record(_ url: String, in conversation: JID, encrypted: Bool = false) -> UploadRecord {
            UploadRecord(
                id: 1, conversation: conversation, path: "/tmp/g", size: 1, contentType: "text/plain",
                state: .uploading, getURL: url, headers: [], encrypted: encrypted)
        }
        #expect(try table.sentMessage(of: record("https://d/g", in: juliet)) == stored.row)
        #expect(try table.sentMessage(of: record("https://d/g", in: try JID("nurse@capulet.lit"))) == nil)
        #expect(try table.sentMessage(of: record("https://d/other", in: juliet)) == nil)
        #expect(try table.sentMessage(of: record("https://d/g", in: juliet, encrypted: true)) == nil)
    }

    /// An encrypted upload's message is its `aesgcm` URL with whatever key it was sent with.
    @Test func theMessageOfAnEncryptedUploadIsFoundWhateverItsKey() throws {
        let (table, store) = try table()
        let account = try store.account(jid: try JID("romeo@montague.tld"))
        let juliet = try JID("juliet@capulet.lit")
        let stored = try store.enqueue(
            NewMessage(
                conversation: juliet, outgoing: true, sender: "romeo@montague.tld/tern",
                senderKey: "romeo@montague.tld", body: "aesgcm://d/g%20h.txt#" + String(repeating: "0a", count: 44),
                timestamp: 1, idAttribute: "m1", originID: "m1"),
            stanza: "<message/>", account: account)
        func record(_ url: String) -> UploadRecord {
            UploadRecord(
                id: 1, conversation: juliet, path: "/tmp/g", size: 1, contentType: "application/octet-stream",
                state: .uploading, getURL: url, headers: [], encrypted: true)
        }
        #expect(try table.sentMessage(of: record("https://d/g%20h.txt")) == stored.row)
        #expect(try table.sentMessage(of: record("https://d/g")) == nil, "another file's URL is not a prefix match")
    }

    @Test func urlsSharedWithOOBAreKeptOnce() throws {
        let (table, _) = try table()
        try table.addShared("https://s/f.png")
        try table.addShared("https://s/f.png")
        #expect(try table.sharedURLs() == ["https://s/f.png"])
    }
}
