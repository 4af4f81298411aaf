import ChatStore
import Foundation
import TestServers
import XMPPCore

/// Store figures: insert throughput, paging and search latency with a million messages, database
/// size, open-to-first-query time.
enum StoreBenchmark {
    static let me = try! JID("alice@example.org")
    static let words = [
        "hello", "meeting", "tomorrow", "lunch", "coffee", "project", "deadline", "review", "café", "weekend",
        "train", "late", "sorry", "thanks", "great", "idea", "call", "later", "tonight", "dinner", "movie", "book",
        "release", "server", "deploy", "bug", "fixed", "test", "merge", "branch", "你好", "明天", "見る",
    ]

    /// A UUID-like id, as servers and clients generate them (random, so index inserts scatter).
    static func randomID(_ generator: inout SplitMix64) -> String {
        let hex = Array("0123456789abcdef")
        return String((0..<32).map { _ in hex[Int(generator.next() % 16)] })
    }

    /// Messages as they arrive: ids equal origin-ids (as modern clients send them), archive ids are
    /// random, and consecutive messages belong to `conversations` different peers in turn.
    static func messages(
        count: Int,
        startingAt start: Int,
        conversations: Int = 50,
        generator: inout SplitMix64
    ) -> [NewMessage] {
        (start..<start + count).map { index in
            let peer = try! JID("contact\(index % conversations)@example.net")
            let id = randomID(&generator)
            let outgoing = index % 3 == 0
            var body = ""
            for _ in 0..<Int(generator.next() % 12 + 3) {
                body += words[Int(generator.next() % UInt64(words.count))] + " "
            }
            body += "#\(index)"
            return NewMessage(
                conversation: peer, outgoing: outgoing,
                sender: outgoing ? "alice@example.org/tern" : "\(peer)/phone",
                senderKey: outgoing ? "alice@example.org" : peer.description, body: body,
                timestamp: 1_600_000_000_000 + Int64(index) * 1000, idAttribute: id, originID: id,
                stanzaID: randomID(&generator), stanzaIDBy: "alice@example.org")
        }
    }

    static func run() {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tern-bench-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        do {
            try insertThroughput(path: directory.appendingPathComponent("insert.sqlite").path)
            try millionMessages(path: directory.appendingPathComponent("million.sqlite").path)
        } catch {
            print("store: \(error)")
        }
    }

    static func runInsertOnly() {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tern-bench-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        try? insertThroughput(path: directory.appendingPathComponent("insert.sqlite").path)
    }

    static func insertThroughput(path: String) throws {
        for conversations in [1, 50] {
            let file = path + "-\(conversations)"
            let store = try ChatStore(path: file)
            let account = try store.account(jid: me)
            var generator = SplitMix64(state: 1)
            let batches = (0..<1000).map {
                messages(count: 100, startingAt: $0 * 100, conversations: conversations, generator: &generator)
            }
            let clock = ContinuousClock()
            let elapsed = try clock.measure {
                for batch in batches { _ = try store.insert(batch, account: account) }
            }
            print(
                "store insert: 100,000 messages from \(conversations) conversation(s) in batches of 100 (dedup, FTS) in"
                    + " \(format(elapsed.seconds, digits: 2)) s = \(Int(100_000 / elapsed.seconds)) messages/s")
        }
    }

    static func millionMessages(path: String) throws {
        let clock = ContinuousClock()
        do {
            let store = try ChatStore(path: path)
            let account = try store.account(jid: me)
            var generator = SplitMix64(state: 2)
            let build = try clock.measure {
                for chunk in 0..<2000 {
                    _ = try store.insert(
                        messages(count: 500, startingAt: chunk * 500, generator: &generator), account: account)
                }
            }
            print("store: built 1,000,000 messages in \(format(build.seconds, digits: 1)) s")
        }
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        let walSize = (try? FileManager.default.attributesOfItem(atPath: path + "-wal")[.size] as? Int) ?? 0
        print(
            "store size: \(format(Double(size + walSize) / 1_048_576)) MiB = \(format(Double(size + walSize) / 1_000_000, digits: 0)) bytes per message"
        )

        var store: ChatStore!
        var first: [StoredMessage] = []
        let open = try clock.measure {
            store = try ChatStore(path: path)
            let account = try store.account(jid: me)
            first = try store.lastMessages(account: account, conversation: try JID("contact7@example.net"), limit: 50)
        }
        print("store open → first 50 messages: \(format(open.seconds * 1000, digits: 2)) ms (\(first.count) messages)")
        let account = try store.account(jid: me)

        var lastTimes: [Duration] = []
        for index in 0..<200 {
            let peer = try JID("contact\(index % 50)@example.net")
            lastTimes.append(
                try clock.measure { _ = try store.lastMessages(account: account, conversation: peer, limit: 50) })
        }
        report("last 50 of a conversation (1M messages)", lastTimes)

        var pageTimes: [Duration] = []
        var page = first
        for _ in 0..<200 {
            guard let oldest = page.first else { break }
            pageTimes.append(try clock.measure { page = try store.messages(before: oldest.id, limit: 50) })
        }
        report("PageUp: 50 before a message", pageTimes)

        for query in ["deadline", "coffee tonight", "café", "明天", "#123456", "zzzz-not-there"] {
            var times: [Duration] = []
            var hits = 0
            for _ in 0..<21 {
                times.append(try clock.measure { hits = try store.search(query, account: account, limit: 50).count })
            }
            report("search \"\(query)\" across 1M (\(hits) shown)", times)
        }
        let check = try clock.measure { try store.checkIntegrity() }
        print("store quick_check of 1M messages: \(format(check.seconds * 1000, digits: 0)) ms")
    }

    static func report(_ label: String, _ times: [Duration]) {
        let sorted = times.sorted()
        func ms(_ duration: Duration) -> String { format(duration.seconds * 1000, digits: 3) + " ms" }
        print(
            "store \(label): median \(ms(sorted[sorted.count / 2])), p99 \(ms(sorted[min(sorted.count - 1, sorted.count * 99 / 100)]))"
        )
    }
}
