import Foundation
import Networking
import TestServers
import TestSupport
import Testing
import XMPPCore

/// The message cursor in the real binary, in tmux, against the test Prosody: Up selects bob's
/// last message, the arrows move, `y` puts the text on tmux's clipboard through OSC 52, `i`
/// shows the ids the server gave, `r` starts a reply, Alt-Up selects again, `e` opens the
/// reaction picker and `x` asks before retracting ours.
@Suite(.serialized, .servers(users: ["alice": "alice-secret", "bob": "bob-secret"]))
struct MessageCursorTmuxTests {
    @Test func selectCopyShowDetailsAndReply() throws {
        let server = try TestServers.server(.prosody)
        let home = try TernHome(server: server, user: "alice")
        let tmux = try home.start(columns: 120, rows: 30)
        try tmux.acceptClipboard()
        try tmux.waitFor("connected as alice@localhost")
        let loop = try EventLoop()
        let bob = try TestClient(loop: loop, server: server, user: "bob")
        #expect(bob.connect())
        defer { bob.disconnect() }
        for (index, body) in ["hello 1", "hello 2", "https://example.org/x?a=1"].enumerated() {
            bob.connection.send(Message.chat(to: try JID("alice@localhost"), body: body, id: "cursor-\(index)"))
        }
        try tmux.waitFor("[Act: 2]")
        try tmux.press("M-2")
        try tmux.waitFor("bob: https://example.org/x?a=1")

        try tmux.press("Up")
        try tmux.waitFor("message: ↑↓")
        try tmux.press("Up")
        try tmux.waitFor { _ in (try? Self.isSelected("bob: hello 2", tmux)) == true }
        try tmux.press("y")
        try tmux.waitFor("copied")
        #expect(try Self.waitForClipboard("hello 2", tmux))
        try tmux.press("Down", "y")
        #expect(try Self.waitForClipboard("https://example.org/x?a=1", tmux), "the URL")

        try tmux.press("i")
        // The box is drawn over several writes: wait for its last part, not its title.
        let details = try tmux.waitFor { $0.contains("details (any key closes)") && $0.contains("stanza-id ") }
        #expect(details.contains("from: bob@localhost/"))
        #expect(
            details.contains("id cursor-2") && details.contains("stanza-id "), "the server's stanza-id:\n\(details)")
        try tmux.press("Escape")
        try tmux.waitFor { !$0.contains("details (any key closes)") }
        try tmux.press("Escape")
        try tmux.waitFor { !$0.contains("message: ↑↓") }

        try tmux.press("M-Up")
        try tmux.waitFor("message: ↑↓")
        try tmux.press("Up", "r")
        let reply = try tmux.waitFor { screen in screen.split(separator: "\n").last?.hasPrefix("/reply #") == true }
        #expect(!reply.contains("message: ↑↓"), "selection mode ended")

        // The picker, its wide emoji in their two columns each, and x on ours and on bob's.
        try tmux.press("C-u")
        try tmux.send("answer")
        try tmux.press("Enter")
        try tmux.waitFor("alice: answer")
        try tmux.press("M-Up", "e")
        let picker = try tmux.waitFor("react:  1 👍  2 ❤  3 😂  4 😮  5 😢  6 🎉  7 ✅  ←→ Enter, 1-7, Esc")
        #expect(picker.contains("alice: answer"))
        // A key right after Escape would read as Alt with that key: wait for the picker to close.
        try tmux.press("Escape")
        try tmux.waitFor { !$0.contains("react:") }
        try tmux.press("x")
        try tmux.waitFor("Retract this message for everyone? (y/n)")
        try tmux.press("Escape")
        try tmux.waitFor { !$0.contains("Retract this message") }
        try tmux.press("M-Up", "Up", "x")
        try tmux.waitFor("you can retract only your own messages")
    }

    /// Whether the row showing `text` is drawn in reverse video.
    static func isSelected(_ text: String, _ tmux: TmuxSession) throws -> Bool {
        TmuxSession.attributes(of: text, in: try tmux.styledScreen())?.contains("7") == true
    }

    static func waitForClipboard(_ text: String, _ tmux: TmuxSession) throws -> Bool {
        for _ in 0..<100 {
            if try tmux.clipboard() == text { return true }
            usleep(50_000)
        }
        return false
    }
}
