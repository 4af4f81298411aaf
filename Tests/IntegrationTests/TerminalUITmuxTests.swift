import ChatStore
import Foundation
import Networking
import TestServers
import TestSupport
import Testing
import XMPPCore
import XMPPExtensions

/// The interactive client in tmux, against real servers (Prosody and ejabberd): keys in, screen out.
@Suite(.serialized, .servers(users: ["alice": "alice-secret", "bob": "bob-secret"]))
struct TerminalUITmuxTests {
    var server: ProsodyServer { ProsodyServer.current! }

    func makeHome(
        user: String = "alice", extraConfig: String = "", on kind: ServerKind = .prosody, strangers: String = "window"
    ) throws -> TernHome {
        try TernHome(server: try TestServers.server(kind), user: user, extraConfig: extraConfig, strangers: strangers)
    }

    @Test func aStrangersMessagesWaitUnderRequestsUntilOpened() throws {
        let server = try TestServers.server(.prosody)
        let tmux = try start(try makeHome(strangers: "requests"))
        try tmux.waitFor("connected as alice@localhost")
        let loop = try EventLoop()
        let bob = try TestClient(loop: loop, server: server, user: "bob")
        #expect(bob.connect())
        for index in 1...3 {
            bob.connection.send(Message.chat(to: try JID("alice@localhost"), body: "hello \(index)", id: "st\(index)"))
        }
        let screen = try tmux.waitFor("✉ bob@localhost (3)")
        #expect(screen.contains("bob@localhost (not in your roster) wrote"))
        #expect(!screen.contains("[Act:"), "no window was opened")
        try tmux.send("/msg bob@localhost")
        try tmux.press("Enter")
        let opened = try tmux.waitFor("bob: hello 3")
        #expect(opened.contains("bob: hello 1"))
        bob.disconnect()
    }

    func start(_ home: TernHome, arguments: String = "", columns: Int = 120, rows: Int = 40) throws -> TmuxSession {
        try home.start(arguments: arguments, columns: columns, rows: rows)
    }

    @Test(arguments: ServerKind.allCases) func receivingAMessageShowsItAndNotifies(_ kind: ServerKind) throws {
        let server = try TestServers.server(kind)
        let notified = FileManager.default.temporaryDirectory.appendingPathComponent("tern-notify-\(UUID().uuidString)")
            .path
        let home = try makeHome(
            extraConfig: """

                [notifications]
                command = 'printf "%s|%s|%s" "$TERN_FROM" "$TERN_SENDER" "$TERN_TEXT" > \(notified)'
                """, on: kind)
        let tmux = try start(home)
        try tmux.waitFor("connected as alice@localhost")
        let loop = try EventLoop()
        let bob = try TestClient(loop: loop, server: server, user: "bob")
        #expect(bob.connect())
        bob.connection.send(Message.chat(to: try JID("alice@localhost"), body: "Hello Alice — 你好 😀", id: "tmux-1"))
        try tmux.waitFor("[Act: 2]")
        // The message arrived in a window not on screen: the notify command ran with it.
        var notification = ""
        for _ in 0..<100 where notification.isEmpty {
            notification = (try? String(contentsOfFile: notified, encoding: .utf8)) ?? ""
            if notification.isEmpty { usleep(50_000) }
        }
        #expect(notification == "bob@localhost|bob@localhost|Hello Alice — 你好 😀")
        try tmux.press("M-2")
        let screen = try tmux.waitFor("bob: Hello Alice — 你好 😀")
        #expect(screen.contains("bob@localhost"))
        bob.disconnect()
    }

    @Test func aFloodRunsAFewNotifyCommandsThatCountEveryMessage() throws {
        let server = try TestServers.server(.prosody)
        let notified = FileManager.default.temporaryDirectory.appendingPathComponent("tern-flood-\(UUID().uuidString)")
            .path
        let home = try makeHome(
            extraConfig: """

                [notifications]
                command = 'printf "%s\\n" "$TERN_TEXT" >> \(notified); sleep 0.3'
                """, on: .prosody)
        let tmux = try start(home)
        try tmux.waitFor("connected as alice@localhost")
        let loop = try EventLoop()
        let bob = try TestClient(loop: loop, server: server, user: "bob")
        #expect(bob.connect())
        for index in 0..<300 {
            bob.connection.send(Message.chat(to: try JID("alice@localhost"), body: "flood \(index)", id: "f\(index)"))
        }
        /// Messages the notifications so far account for: one each, or the count of a summary.
        func counted() -> (commands: Int, messages: Int) {
            let lines = ((try? String(contentsOfFile: notified, encoding: .utf8)) ?? "").split(separator: "\n")
            let messages = lines.reduce(0) { total, line in
                total + (line.hasSuffix(" new messages from bob@localhost") ? Int(line.prefix { $0 != " " }) ?? 0 : 1)
            }
            return (lines.count, messages)
        }
        for _ in 0..<200 where counted().messages < 300 { usleep(100_000) }
        let (commands, messages) = counted()
        #expect(messages == 300, "every message is in a notification: \(messages)")
        #expect(commands <= 20, "a few commands, not one per message: \(commands)")
        bob.disconnect()
    }

    @Test(arguments: ServerKind.allCases) func typingAndEnterSendsIt(_ kind: ServerKind) throws {
        let server = try TestServers.server(kind)
        let home = try makeHome(on: kind)
        let tmux = try start(home)
        try tmux.waitFor("connected as alice@localhost")
        let loop = try EventLoop()
        let bob = try TestClient(loop: loop, server: server, user: "bob")
        #expect(bob.connect())
        bob.sendPresence()
        try tmux.send("/msg bob@localhost")
        try tmux.press("Enter")
        try tmux.send("typed in tmux ✓")
        try tmux.press("Enter")
        try tmux.waitFor("alice: typed in tmux ✓")
        let received = bob.waitForStanza { $0.childText("body") == "typed in tmux ✓" }
        #expect(received?.from?.bare.description == "alice@localhost")
        try tmux.waitFor("alice: typed in tmux ✓ ✓")
        // Bob's client confirms delivery: the state on screen changes.
        let delivered = try #require(bob.stanzas.first { $0.childText("body") == "typed in tmux ✓" })
        bob.connection.send(OutgoingMessage.receipt(to: delivered.from!, for: delivered.id!, newID: "r-1"))
        try tmux.waitFor("alice: typed in tmux ✓ ✓✓")
        bob.disconnect()
    }

    @Test func aSecondTernOnTheSameDataRefusesToStart() throws {
        let home = try makeHome()
        let first = try start(home, arguments: "--offline")
        try first.waitFor("Tern — console")
        let second = try start(home, arguments: "--offline")
        let screen = try second.waitFor("[exited] 1")
        #expect(screen.contains("another tern is already running"))
        try first.send("/quit")
        try first.press("Enter")
        try first.waitFor("[exited] 0")
        let third = try start(home, arguments: "--offline")
        try third.waitFor("Tern — console")
    }

    @Test func pageUpShowsOlderHistory() throws {
        let home = try makeHome()
        let store = try ChatStore(path: home.database)
        let account = try store.account(jid: try JID("alice@localhost"), name: "test")
        let bob = try JID("bob@localhost")
        _ = try store.insert(
            (0..<500).map { index in
                NewMessage(
                    conversation: bob, outgoing: false, sender: "bob@localhost/x", senderKey: "bob@localhost",
                    body: "old message \(index)", timestamp: 1_700_000_000_000 + Int64(index) * 60_000,
                    stanzaID: "s\(index)",
                    stanzaIDBy: "alice@localhost")
            }, account: account)
        let tmux = try start(home, arguments: "--offline")
        try tmux.waitFor("Tern — console")
        try tmux.send("/msg bob@localhost")
        try tmux.press("Enter")
        try tmux.waitFor("bob: old message 499")
        #expect(try !tmux.screen().contains("old message 400"))
        for _ in 0..<4 { try tmux.press("PageUp") }
        try tmux.waitFor("bob: old message 360")
        try tmux.waitFor("[more below]")
        for _ in 0..<60 { try tmux.press("PageUp") }
        try tmux.waitFor("bob: old message 0")
        try tmux.press("M-End")
        try tmux.waitFor { $0.contains("old message 499") && !$0.contains("more below") }
    }

    @Test(arguments: ServerKind.allCases) func addingAContactFromTheRosterPaneReachesTheServer(_ kind: ServerKind)
        throws
    {
        let server = try TestServers.server(kind)
        let home = try makeHome(on: kind)
        let tmux = try start(home)
        try tmux.waitFor("connected as alice@localhost")
        try tmux.press("F2")
        try tmux.waitFor("roster: ")
        try tmux.send("a")
        try tmux.waitFor("Add contact (JID):")
        try tmux.send("carol@localhost")
        try tmux.press("Enter")
        try tmux.waitFor("Name for carol@localhost")
        try tmux.send("Carol Danvers")
        try tmux.press("Enter")
        try tmux.waitFor("Carol Danvers")
        // Another session of the same account asks the server for the roster.
        let loop = try EventLoop()
        let alice = try TestClient(loop: loop, server: server, user: "alice", resource: "checker")
        #expect(alice.connect())
        let result = alice.request(.iq(.get, id: "r1", payload: XMLElement("query", namespace: Namespace.roster)))
        let items = try #require(try result?.get().child("query")?.children("item"))
        #expect(
            items.contains { $0[attribute: "jid"] == "carol@localhost" && $0[attribute: "name"] == "Carol Danvers" })
        alice.disconnect()
    }

    /// Text after emoji sequences stays on screen, in the terminal itself (ncurses lays out each
    /// code point at its own width; tmux joins a ZWJ family into 2 columns and draws a skin-tone
    /// emoji in 4).
    @Test(arguments: ["simple", "full"]) func textAfterEmojiSequencesIsNeverCutOff(emoji: String) throws {
        let home = try makeHome(extraConfig: "\n[ui]\nemoji = \"\(emoji)\"\nroster_visible = false")
        let tmux = try start(home, columns: 60, rows: 20)
        try tmux.waitFor("connected as alice@localhost")
        let loop = try EventLoop()
        let bob = try TestClient(loop: loop, server: server, user: "bob")
        #expect(bob.connect())
        let texts = ["👍🏽 end|", "👨‍👩‍👧 end|", "🇫🇷 end|", "❤️ end|", "x👋🏿 y 你好 end|"]
        for (index, text) in texts.enumerated() {
            bob.connection.send(
                Message.chat(to: try JID("alice@localhost"), body: "\(emoji)\(index) \(text)", id: "\(emoji)-\(index)"))
        }
        try tmux.waitFor("[Act: 2]")
        try tmux.press("M-2")
        let screen = try tmux.waitFor("\(emoji)4 ")
        let lines = screen.split(separator: "\n").filter { $0.contains("bob: \(emoji)") }
        #expect(lines.count == 5, "\(screen)")
        for line in lines { #expect(line.hasSuffix("end|"), "\(emoji): \(line)") }
        bob.disconnect()
    }

    @Test func resizeKeepsTheInput() throws {
        let home = try makeHome()
        let tmux = try start(home, arguments: "--offline", columns: 120, rows: 40)
        try tmux.waitFor("Tern — console")
        try tmux.send("not sent yet, 日本語")
        try tmux.waitFor("not sent yet, 日本語")
        try tmux.resize(columns: 70, rows: 20)
        var screen = try tmux.waitFor { $0.split(separator: "\n").count <= 20 && $0.contains("not sent yet, 日本語") }
        #expect(screen.split(separator: "\n").last?.contains("not sent yet, 日本語") == true)
        try tmux.resize(columns: 30, rows: 8)
        try tmux.waitFor("terminal too small")
        try tmux.resize(columns: 100, rows: 30)
        screen = try tmux.waitFor("not sent yet, 日本語")
        try tmux.press("C-c")
        try tmux.waitFor("[exited] 0")
        _ = screen
    }

    /// `TERN_KEY_LATENCY_LOG` (for `tern-bench rooms`): one `READ DRAWN` line per key typed, in
    /// microseconds of the wall clock, drawn after read.
    @Test func theKeyLatencyLogHasALinePerKeyDrawnAfterItWasRead() throws {
        let home = try makeHome()
        let log = home.directory + "/keys.log"
        let tmux = try home.start(arguments: "--offline", extraEnvironment: ["TERN_KEY_LATENCY_LOG": log])
        try tmux.waitFor("Tern — console")
        for key in ["k", "e", "y"] { try tmux.send(key) }
        try tmux.waitFor("key")
        var lines: [[Int64]] = []
        for _ in 0..<100 where lines.count < 3 {
            Thread.sleep(forTimeInterval: 0.05)
            let text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
            lines = text.split(separator: "\n").map { $0.split(separator: " ").compactMap { Int64($0) } }
        }
        #expect(lines.count == 3, "\(lines)")
        let now = Int64(Date().timeIntervalSince1970 * 1_000_000)
        for line in lines {
            #expect(line.count == 2)
            guard line.count == 2 else { continue }
            #expect(line[0] <= line[1], "drawn after read")
            #expect(now - line[0] < 60_000_000, "wall-clock microseconds")
        }
        try tmux.press("C-c")
        try tmux.waitFor("[exited] 0")
    }
}
