import Networking
import TestServers
import TestSupport
import Testing
import XMPPCore

/// Message styling as the terminal shows it: the real binary in tmux, a styled message from a
/// real server, its attributes read back from the screen.
@Suite(.serialized, .servers(users: ["alice": "alice-secret", "bob": "bob-secret"]))
struct StylingTmuxTests {
    /// With the built-in theme: the strong part is bold, the link underlined, the plain part
    /// neither, and the text is the text sent, directives included.
    @Test func aStyledMessageIsDrawnWithAttributes() throws {
        let server = try TestServers.server(.prosody)
        let home = try TernHome(server: server, user: "alice", extraConfig: "", strangers: "window")
        let tmux = try home.start(arguments: "", columns: 120, rows: 40)
        try tmux.waitFor("connected as alice@localhost")
        let loop = try EventLoop()
        let bob = try TestClient(loop: loop, server: server, user: "bob")
        #expect(bob.connect())
        defer { bob.disconnect() }
        bob.connection.send(
            Message.chat(
                to: try JID("alice@localhost"), body: "plain words *strong words* see https://example.org/x",
                id: "styled-1"))
        try tmux.waitFor("[Act: 2]")
        try tmux.press("M-2")
        try tmux.waitFor("bob: plain words *strong words* see https://example.org/x")
        let styled = try tmux.styledScreen()
        let plain = try #require(TmuxSession.attributes(of: "plain words", in: styled))
        let strong = try #require(TmuxSession.attributes(of: "*strong words*", in: styled))
        let link = try #require(TmuxSession.attributes(of: "https://example.org/x", in: styled))
        #expect(strong.contains("1") && !plain.contains("1"), "chat.strong \(strong) against chat.text \(plain)")
        #expect(link.contains("4") && !plain.contains("4"), "chat.url \(link) against chat.text \(plain)")
    }
}
