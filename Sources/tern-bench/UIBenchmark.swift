import ChatModel
import ChatStore
import Foundation
import Subprocess
import TerminalUI
import TestServers
import XMPPCore

/// The interactive client's responsiveness: start-up to the first full screen with a large store
/// and roster, and the cost of a keystroke and of PageUp, rendered into an in-memory screen.
enum UIBenchmark {
    static let me = try! JID("alice@example.org")

    static func run() {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "tern-uibench-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        do {
            let database = directory.appendingPathComponent("data/tern/tern.sqlite").path
            try populate(database)
            try startup(directory: directory.path, database: database)
            try interaction(database: database)
            try styledPaging()
        } catch {
            print("ui: \(error)")
        }
    }

    /// 1,000 contacts, 100,000 messages: 90,000 with one of them, the rest spread over the others.
    static func populate(_ path: String) throws {
        let store = try ChatStore(path: path)
        let account = try store.account(jid: me, name: "bench")
        let contacts = try (0..<1000).map { try JID("contact\($0)@example.net") }
        try store.replaceRoster(
            contacts.enumerated().map { index, jid in
                RosterItem(jid: jid, name: "Contact \(index)", groups: ["Group \(index % 12)"], subscription: .both)
            }, version: "v1", account: account)
        var generator = SplitMix64(state: 3)
        for batch in 0..<200 {
            let messages = (0..<500).map { offset -> NewMessage in
                let index = batch * 500 + offset
                let peer = index % 10 == 0 ? contacts[1 + index % 999] : contacts[0]
                return NewMessage(
                    conversation: peer, outgoing: index % 3 == 0, sender: index % 3 == 0 ? "\(me)/tern" : "\(peer)/x",
                    senderKey: index % 3 == 0 ? me.description : peer.description,
                    body: "message \(index) " + String(repeating: "lorem ipsum ", count: Int(generator.next() % 8)),
                    timestamp: 1_700_000_000_000 + Int64(index) * 30_000, stanzaID: "s\(index)",
                    stanzaIDBy: me.description)
            }
            _ = try store.insert(messages, account: account)
        }
    }

    /// Whole process: `tern --offline` in a pseudo-terminal until its first full screen is drawn.
    static func startup(directory: String, database: String) throws {
        let config = directory + "/config/tern/config.toml"
        try FileManager.default.createDirectory(atPath: directory + "/config/tern", withIntermediateDirectories: true)
        try """
        [accounts.bench]
        jid = "alice@example.org"
        password_command = "echo unused"
        host = "127.0.0.1"
        port = 1
        """.write(toFile: config, atomically: true, encoding: .utf8)
        let tern = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent(
            "tern"
        ).path
        let command =
            "env TERM=xterm-256color COLUMNS=200 LINES=50 \(tern) --offline --exit-after-first-frame"
            + " --config \(config) --database \(database) > /dev/null"
        var times: [Duration] = []
        let clock = ContinuousClock()
        for _ in 0..<21 {
            // `script` gives the process a terminal of its own.
            let elapsed = try clock.measure {
                _ = try Subprocess.run("script", ["-qec", "stty cols 200 rows 50; \(command)", "/dev/null"])
            }
            times.append(elapsed)
        }
        let shell = try clock.measure {
            _ = try Subprocess.run("script", ["-qec", "stty cols 200 rows 50; true", "/dev/null"])
        }
        times.sort()
        func ms(_ duration: Duration) -> String { format(duration.seconds * 1000) + " ms" }
        print(
            "ui start → first full screen (100k messages, 1,000 contacts, 200×50): median \(ms(times[10] - shell)),"
                + " min \(ms(times[0] - shell)) (process start to exit, less \(ms(shell)) for the pty wrapper)")
    }

    /// Keystroke → redrawn input line, and PageUp through 90,000 messages, on an in-memory screen.
    static func interaction(database: String) throws {
        let (account, model, controller, screen) = try offlineScreen(ChatStore(path: database))
        controller.render(on: screen)
        model.openChat(model.conversation(try JID("contact0@example.net"), on: account), focus: true)
        controller.render(on: screen)
        let clock = ContinuousClock()
        var typing: [Duration] = []
        for index in 0..<2000 {
            let characters: [Character] = ["a", "b", "c", " ", "你", "😀", "é"]
            let character = characters[index % characters.count]
            typing.append(
                clock.measure {
                    controller.handle(.character(character))
                    controller.render(on: screen)
                })
            if index % 200 == 199 {
                controller.handle(.control("u"))
                controller.render(on: screen)
            }
        }
        report("keystroke → input line redrawn", typing)
        var paging: [Duration] = []
        var pages = 0
        // contact0's oldest message is "message 1".
        while !screen.text.contains("message 1 ") && pages < 20_000 {
            paging.append(
                clock.measure {
                    controller.handle(.key(.pageUp))
                    controller.render(on: screen)
                })
            // As the app does between key presses, after the screen is up to date.
            controller.idleWork()
            pages += 1
        }
        report("PageUp → chat redrawn (\(pages) pages back to the first of 90,000 messages)", paging)
    }

    /// The interface of the bench account on `store`, offline, on a 200×50 in-memory screen.
    static func offlineScreen(
        _ store: ChatStore
    ) throws -> (AccountController, AppModel, UIController, ScreenBuffer) {
        TextWidth.prepareLocale()
        let scheduler = BenchScheduler()
        let account = try AccountController(name: "bench", jid: me, store: store, scheduler: scheduler) { _ in
            fatalError("the benchmark does not connect")
        }
        let model = AppModel(accounts: [account], settings: UISettings(), scheduler: scheduler)
        let controller = UIController(
            model: model, themes: ThemeLibrary(), colorCount: 256, rows: 50, columns: 200, clock: { scheduler.now })
        return (account, model, controller, ScreenBuffer(rows: 50, columns: 200))
    }

    static func report(_ label: String, _ times: [Duration]) {
        let sorted = times.sorted()
        func ms(_ duration: Duration) -> String { format(duration.seconds * 1000, digits: 3) + " ms" }
        print(
            "ui \(label): median \(ms(sorted[sorted.count / 2])), p99 \(ms(sorted[sorted.count * 99 / 100])),"
                + " max \(ms(sorted.last!))")
    }
}

final class BenchScheduler: Scheduler {
    var now: Int64 { Clock.nowMilliseconds() }
    func schedule(after delay: Duration, _ body: @escaping () -> Void) -> ScheduledTimer { ScheduledTimer {} }
}
