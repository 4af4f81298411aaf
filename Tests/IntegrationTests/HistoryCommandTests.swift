import ChatStore
import Foundation
import Subprocess
import TernConfig
import TestServers
import Testing
import XMPPCore

/// `tern history` and `tern search` as a user runs them, against a database another store holds open.
@Suite struct HistoryCommandTests {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tern-history-\(UUID().uuidString)")
        .path
    var database: String { directory + "/tern.sqlite" }

    func populate() throws -> ChatStore {
        let store = try ChatStore(path: database)
        let account = try store.account(jid: try JID("alice@example.org"), name: "work")
        let romeo = try JID("romeo@example.net")
        var messages: [NewMessage] = []
        for index in 0..<120 {
            messages.append(
                NewMessage(
                    conversation: romeo, outgoing: index % 3 == 0,
                    sender: index % 3 == 0 ? "alice@example.org/tern" : "romeo@example.net/phone",
                    senderKey: index % 3 == 0 ? "alice@example.org" : "romeo@example.net", body: "message \(index)",
                    timestamp: 1_700_000_000_000 + Int64(index) * 60_000, stanzaID: "s\(index)",
                    stanzaIDBy: "alice@example.org"))
        }
        messages.append(
            NewMessage(
                conversation: romeo, outgoing: false, sender: "romeo@example.net/phone", senderKey: "romeo@example.net",
                body: "evil \u{1B}]0;owned\u{07} café", timestamp: 1_800_000_000_000))
        _ = try store.insert(messages, account: account)
        return store
    }

    func tern(_ arguments: [String]) throws -> Subprocess.Output {
        try Subprocess.run(SendCommandTests.ternBinary, arguments)
    }

    @Test func rosterPrintsTheStoredContactsSortedAndSafely() throws {
        let store = try ChatStore(path: database)
        let account = try store.account(jid: try JID("alice@example.org"), name: "work")
        try store.replaceRoster(
            [
                RosterItem(
                    jid: try JID("romeo@example.net"), name: "Romeo", groups: ["Friends", "Verona"],
                    subscription: .both),
                RosterItem(
                    jid: try JID("mallory@evil.example"), name: "Eve \u{1B}[2J", subscription: .none,
                    pendingOut: true),
                RosterItem(jid: try JID("nurse@example.com"), subscription: .from),
            ], version: "v1", account: account)
        let text = try tern(["roster", "--database", database])
        #expect(text.status == 0, "\(text.standardErrorText)")
        #expect(
            text.standardOutputText.split(separator: "\n") == [
                "Eve ␛[2J\tmallory@evil.example\t-\tnone (pending)",
                "-\tnurse@example.com\t-\tfrom",
                "Romeo\tromeo@example.net\tFriends, Verona\tboth",
            ])
        let json = try tern(["roster", "--database", database, "--json"])
        let objects = try json.standardOutputText.split(separator: "\n").map {
            try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
        #expect(
            objects.map { $0["jid"] as? String } == ["mallory@evil.example", "nurse@example.com", "romeo@example.net"])
        #expect(objects[2]["groups"] as? [String] == ["Friends", "Verona"])
        #expect(objects[0]["pending"] as? Bool == true)
        #expect(objects[1]["name"] is NSNull)
    }

    @Test func printsTheNewestMessagesOldestFirstSafely() throws {
        _ = try populate()
        let output = try tern(["history", "--database", database, "romeo@example.net", "--limit", "3"])
        #expect(output.status == 0, "\(output.standardErrorText)")
        let lines = output.standardOutputText.split(separator: "\n")
        #expect(lines.count == 3)
        #expect(lines[0].hasSuffix("romeo@example.net/phone: message 118"))
        #expect(lines[1].hasSuffix("romeo@example.net/phone: message 119"))
        #expect(lines[2].hasSuffix("romeo@example.net/phone: evil ␛]0;owned␇ café"))
        #expect(!output.standardOutputText.contains("\u{1B}"), "no escape sequence reaches the terminal")
    }

    @Test func jsonLinesPageBackwards() throws {
        _ = try populate()
        let first = try tern(["history", "--database", database, "romeo@example.net", "--limit", "2", "--json"])
        let objects = try first.standardOutputText.split(separator: "\n").map {
            try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
        #expect(objects.count == 2)
        #expect(objects[0]["body"] as? String == "message 119")
        #expect(objects[0]["stanza_id"] as? String == "s119")
        #expect(objects[0]["time"] as? String == "2023-11-15T00:12:20.000Z")
        #expect(
            first.standardOutputText.contains("\"from\":\"romeo@example.net/phone\"")
                || first.standardOutputText.contains("\"from\":\"alice@example.org/tern\""),
            "slashes as they are, not \\/: \(first.standardOutputText)")
        let id = try #require(objects[0]["id"] as? Int)
        let older = try tern(
            ["history", "--database", database, "romeo@example.net", "--limit", "2", "--before", String(id), "--json"])
        #expect(older.standardOutputText.contains("\"body\":\"message 117\""))
        #expect(
            older.standardOutputText.contains("\"state\":null")
                || older.standardOutputText.contains("\"outgoing\":true"))
    }

    @Test func aRoomsLinesNameTheirOccupantsByTheirRoomJIDs() throws {
        let store = try ChatStore(path: database)
        let account = try store.account(jid: try JID("alice@example.org"), name: "work")
        let room = try JID("coven@chat.shakespeare.lit")
        func said(_ nick: String, _ body: String, minute: Int64, outgoing: Bool = false, key: String? = nil)
            -> NewMessage
        {
            NewMessage(
                conversation: room, kind: .groupchat, outgoing: outgoing, sender: nick,
                senderKey: key ?? "\(room)/\(nick)", body: body, timestamp: 1_700_000_000_000 + minute * 60_000,
                type: "groupchat")
        }
        _ = try store.insert(
            [
                said("", "This room is now non-anonymous", minute: 0),
                said("firstwitch", "When shall we three meet again", minute: 1, key: "occupant:f1"),
                said("thirdwitch", "There to meet with Macbeth", minute: 2, outgoing: true),
                said("second\u{1B}[2Jwitch", "In thunder", minute: 3),
            ], account: account)
        let text = try tern(["history", "--database", database, room.description])
        #expect(text.status == 0, "\(text.standardErrorText)")
        let lines = text.standardOutputText.split(separator: "\n")
        #expect(lines.count == 4)
        #expect(lines[0].hasSuffix("  coven@chat.shakespeare.lit: This room is now non-anonymous"), "the room itself")
        #expect(lines[1].hasSuffix("  coven@chat.shakespeare.lit/firstwitch: When shall we three meet again"))
        #expect(lines[2].hasSuffix("  me: There to meet with Macbeth"))
        #expect(lines[3].hasSuffix("  coven@chat.shakespeare.lit/second␛[2Jwitch: In thunder"))
        let json = try tern(["history", "--database", database, room.description, "--json"])
        let objects = try json.standardOutputText.split(separator: "\n").map {
            try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
        #expect(objects.map { $0["nick"] as? String } == [nil, "firstwitch", "thirdwitch", "second\u{1B}[2Jwitch"])
        #expect(objects[0]["nick"] is NSNull)
        #expect(objects[1]["occupant_key"] as? String == "occupant:f1")
        #expect(objects[2]["occupant_key"] as? String == "coven@chat.shakespeare.lit/thirdwitch")
        #expect(objects[1]["from"] as? String == "coven@chat.shakespeare.lit/firstwitch")
        #expect(objects.allSatisfy { $0["type"] as? String == "groupchat" })
        _ = try populate()
        let chat = try tern(["history", "--database", database, "romeo@example.net", "--limit", "1", "--json"])
        #expect(!chat.standardOutputText.contains("\"nick\""), "a chat's messages have no nick")
    }

    @Test func readsWhileAnotherProcessWrites() throws {
        let store = try populate()
        let account = try store.account(jid: try JID("alice@example.org"))
        try store.transaction {
            _ = try store.insert(
                NewMessage(
                    conversation: try JID("romeo@example.net"), outgoing: false, sender: "romeo@example.net/x",
                    senderKey: "romeo@example.net", body: "uncommitted", timestamp: 1_900_000_000_000),
                account: account)
            let output = try tern(["history", "--database", database, "romeo@example.net", "--limit", "1"])
            #expect(output.status == 0, "\(output.standardErrorText)")
            #expect(output.standardOutputText.contains("evil"))
        }
    }

    @Test func searchAcrossConversations() throws {
        _ = try populate()
        let output = try tern(["search", "--database", database, "cafe"])
        #expect(output.status == 0)
        #expect(output.standardOutputText.contains("romeo@example.net  romeo@example.net/phone: evil"))
        let json = try tern(["search", "--database", database, "message 11", "--json", "--limit", "100"])
        #expect(json.standardOutputText.split(separator: "\n").count == 11, "message 11 and 110-119")
    }

    @Test func unknownJIDIsEmptyAndBadArgumentsAreUsageErrors() throws {
        _ = try populate()
        let unknown = try tern(["history", "--database", database, "nobody@example.net"])
        #expect(unknown.status == 0)
        #expect(unknown.standardOutputText.isEmpty)
        let bad = try tern(["history", "--database", database, "not a jid"])
        #expect(bad.status == 64)
        #expect(bad.standardErrorText.contains("is not a valid JID"))
        #expect(try tern(["history", "--database", database, "romeo@example.net", "--limit", "0"]).status == 64)
        #expect(try tern(["history", "--database", database, "romeo@example.net", "--limit", "x"]).status == 64)
        let account = try tern(["history", "--database", database, "--account", "home", "romeo@example.net"])
        #expect(account.status == 1)
        #expect(account.standardErrorText == "tern: no history for an account named \"home\"\n")
    }
}

@Suite struct ManPageTests {
    /// docs/tern.1 is generated from the command and key tables; it must not drift from them.
    @Test func committedManPageIsCurrent() throws {
        let output = try Subprocess.run(SendCommandTests.ternBinary, ["manpage"])
        let committed = try String(contentsOfFile: repositoryRoot + "/docs/tern.1", encoding: .utf8)
        #expect(output.standardOutputText == committed, "regenerate it: tern manpage > docs/tern.1")
        #expect(committed.contains(".B /roster add jid [name]"))
        #expect(committed.contains("Alt\\-1 … Alt\\-9, Alt\\-0"))
    }

    /// The README's key and command tables come from the same tables as /help and the man page.
    @Test func theReadmesKeyAndCommandTablesAreCurrent() throws {
        let tables = try Subprocess.run(SendCommandTests.ternBinary, ["manpage", "--markdown"]).standardOutputText
        let readme = try String(contentsOfFile: repositoryRoot + "/README.md", encoding: .utf8)
        #expect(
            readme.contains(tables), "regenerate them: tern manpage --markdown (from ### Keys to the commands table)")
        #expect(tables.contains("| `/join room[@service][/nick] [password]` |"))
        #expect(tables.contains("**Roster (after F2)**"))
    }

    /// The README names every element a theme may style (`group.a|b|c`), and no other.
    @Test func theReadmeNamesEveryThemeElement() throws {
        let readme = try String(contentsOfFile: repositoryRoot + "/README.md", encoding: .utf8)
        let start = try #require(readme.range(of: "\nElements: "))
        let end = try #require(readme.range(of: "Themes are looked up", range: start.upperBound..<readme.endIndex))
        let paragraph = readme[start.upperBound..<end.lowerBound]
        var named: Set<String> = []
        for code in paragraph.split(separator: "`", omittingEmptySubsequences: false).enumerated().filter({
            $0.offset % 2 == 1
        }).map(\.element) {
            let parts = code.split(separator: ".", maxSplits: 1)
            guard parts.count == 2 else { continue }
            for leaf in parts[1].split(separator: "|") { named.insert("\(parts[0]).\(leaf)") }
        }
        #expect(named == ThemeDefinition.elements, "missing: \(ThemeDefinition.elements.subtracting(named))")
    }
}
