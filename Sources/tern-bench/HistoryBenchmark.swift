import ChatModel
import ChatRuntime
import ChatStore
import Foundation
import Networking
import TerminalUI
import TestServers
import XMPPClient
import XMPPCore

/// History as a user meets it on a fresh install: a private Prosody whose archive holds MESSAGES
/// messages from one contact (stamped to the second, as Prosody does), a new store, the account
/// and the UI on a 200×50 in-memory screen. Measures login → the newest message at the bottom of
/// the opened chat, then PageUp until the first archived message is on screen, checking every
/// screen is in the archive's order and that every message is stored once.
enum HistoryBenchmark {
    static func run(messages: Int) {
        let server: ProsodyServer
        do {
            server = try ProsodyServer(users: ["bench": "bench-password", "peer": "peer-password"])
        } catch {
            print("history: cannot start Prosody: \(error)")
            return
        }
        defer { server.stop() }
        do {
            let clock = ContinuousClock()
            let fill = try clock.measure { try IMBenchmark.fillArchive(server: server, count: messages) }
            print("history: \(messages) messages archived by the server in \(IMBenchmark.seconds(fill)) (setup)")
            try IMBenchmark.withTemporaryStore { store in
                try scrollBack(server: server, store: store, messages: messages)
            }
        } catch {
            print("history: \(error)")
        }
    }

    static func scrollBack(server: ProsodyServer, store: ChatStore, messages: Int) throws {
        let clock = ContinuousClock()
        let loop = try EventLoop()
        let scheduler = EventLoopScheduler(loop: loop)
        let bench = try JID("bench@\(server.domain)")
        let peer = try JID("peer@\(server.domain)")
        let settings = IMBenchmark.settings(server: server, user: "bench")
        let account = try AccountController(name: "bench", jid: bench, store: store, scheduler: scheduler) {
            LiveConnection(loop: loop, settings: $0.applied(to: settings))
        }
        let model = AppModel(accounts: [account], settings: UISettings(), scheduler: scheduler)
        TextWidth.prepareLocale()
        let screen = ScreenBuffer(rows: 50, columns: 200)
        let controller = UIController(
            model: model, themes: ThemeLibrary(environment: ["HOME": "/nonexistent"]), colorCount: 256, rows: 50,
            columns: 200, clock: { Clock.nowMilliseconds() })
        let newest = "numbered message \(messages - 1) "
        let start = clock.now
        account.connect()
        guard loop.run(for: .seconds(30), until: { account.status == .online && !account.isCatchingUp }) else {
            throw FixtureError("the first login did not finish")
        }
        model.openChat(model.conversation(peer, on: account), focus: true)
        controller.render(on: screen)
        guard
            screen.text.split(separator: "\n").last(where: { $0.contains("numbered message") })?.contains(newest)
                == true
        else {
            throw FixtureError("the newest message is not on screen:\n\(screen.text)")
        }
        print(
            "history: fresh install, login → newest of \(messages) at the bottom of the chat: "
                + "\(IMBenchmark.seconds(clock.now - start)) (first login fetches the newest 500)")

        var seen = Set(numbers(screen))
        var presses: [Duration] = []
        var outOfOrder = 0
        let scrolling = clock.now
        while !seen.contains(0) && presses.count < messages {
            let pressed = clock.now
            controller.handle(.key(.pageUp))
            controller.render(on: screen)
            controller.idleWork()
            // What arrives from the archive meanwhile (the pane says "loading older messages…").
            loop.run(for: .seconds(10)) { !model.currentWindow.fetchingArchive }
            controller.render(on: screen)
            presses.append(clock.now - pressed)
            let shown = numbers(screen)
            if let first = shown.first, shown != Array(first..<(first + shown.count)) { outOfOrder += 1 }
            seen.formUnion(shown)
        }
        let total = clock.now - scrolling
        let sorted = presses.sorted()
        let stored = try store.lastMessages(account: account.accountID, conversation: peer, limit: messages * 2)
        let inOrder = stored.map(\.body) == (0..<messages).map { "numbered message \($0) with some ordinary chat text" }
        print(
            "history: PageUp to the first message: \(presses.count) presses in \(IMBenchmark.seconds(total)), "
                + "median \(ms(sorted[sorted.count / 2])), p99 \(ms(sorted[sorted.count * 99 / 100])) per press "
                + "(archive pages fetched ahead)")
        print(
            "history: reached \(seen.count) of \(messages) on screen, \(outOfOrder) screens out of order; "
                + "stored \(stored.count), \(inOrder ? "all in the archive's order, none twice" : "NOT in order")")
        account.disconnect()
        loop.run(for: .seconds(2)) { account.status == .offline }
    }

    /// The numbers of the messages on screen, top to bottom.
    static func numbers(_ screen: ScreenBuffer) -> [Int] {
        (0..<screen.rows).compactMap { row in
            let text = screen.text(row: row)
            guard let range = text.range(of: "numbered message ") else { return nil }
            return Int(text[range.upperBound...].prefix { $0.isNumber })
        }
    }

    static func ms(_ duration: Duration) -> String { format(duration.seconds * 1000, digits: 1) + " ms" }
}
