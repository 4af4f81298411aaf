import Foundation
import TestServers
import TestSupport
import Testing

/// A room in the real binary, in tmux, on Prosody and ejabberd with two slixmpp peers: `/join`,
/// the occupants pane by role and F3, Tab completing a nick at the start of the line, and a line
/// that names Tern standing out in the window (its attributes read with `capture-pane -e`),
/// counted in the roster's Rooms section and marked in the status bar's activity list, where a
/// line that does not name Tern is neither.
@Suite(.serialized, .servers(users: ["alice": "alice-secret", "bob": "bob-secret", "carol": "carol-secret"]))
struct RoomTmuxTests {
    @Test(arguments: ServerKind.allCases) func aRoomInTheTerminal(_ kind: ServerKind) throws {
        let server = try TestServers.server(kind)
        let room = newRoom(server, "coven")
        let bob = try RoomPeer(server: server, user: "bob")
        defer { bob.stop() }
        try bob.join(room, nick: "Bob")
        try bob.configure(room, ["muc#roomconfig_roomname": "Coven"])
        let carol = try RoomPeer(server: server, user: "carol")
        defer { carol.stop() }
        try carol.join(room, nick: "Carol")
        // Without colours, the harder case: what stands out does so by its attributes alone.
        let home = try TernHome(server: server, user: "alice")
        let tmux = try TmuxSession(
            command: SendCommandTests.ternBinary, environment: home.environment.merging(["NO_COLOR": "1"]) { $1 })
        defer { tmux.kill() }
        try tmux.waitFor("connected as alice@localhost")

        // /join: the room's window, and the occupants pane by role (Bob owns the room).
        try tmux.send("/join \(room)/Alice")
        try tmux.press("Enter")
        var screen = try tmux.waitFor("you entered \(room) as Alice")
        screen = try tmux.waitFor { $0.contains("Moderators (1)") && $0.contains("Participants (2)") }
        // The pane is right of the chat pane's border: the lines with two borders.
        let pane = screen.split(separator: "\n").map { line in
            let columns = line.split(separator: "│", omittingEmptySubsequences: false)
            return columns.count > 2 ? columns.last!.trimmingCharacters(in: .whitespaces) : ""
        }
        let order = ["Moderators (1)", "● Bob", "Participants (2)", "● Alice", "● Carol"].map { name in
            pane.firstIndex(of: name) ?? -1
        }
        #expect(order == order.sorted() && !order.contains(-1), "by role, then nick:\n\(screen)")

        // F3 hides the pane and shows it again.
        try tmux.press("F3")
        try tmux.waitFor { !$0.contains("Participants (2)") }
        try tmux.press("F3")
        try tmux.waitFor("Participants (2)")

        // Tab at the start of the line completes a nick as "nick: ".
        try tmux.send("Ca")
        try tmux.press("Tab")
        // (capture-pane leaves out the space that ends the line)
        try tmux.waitFor { $0.split(separator: "\n").last == "Carol:" }
        try tmux.send("the cauldron is ready")
        try tmux.press("Enter")
        let heard = try carol.waitFor("Alice's message") { $0.name == "message" && $0.string("nick") == "Alice" }
        #expect(heard.string("body") == "Carol: the cauldron is ready")
        try tmux.waitFor("Alice: Carol: the cauldron is ready ✓")

        // Away from the room's window: a plain line is counted and marks the window as active;
        // a line that names Tern is counted as a highlight and marks it as such.
        try tmux.press("M-1")
        try tmux.waitFor("Tern — console")
        try bob.say(room, "no one in particular")
        try tmux.waitFor { $0.contains("# Coven (1)") && $0.contains("[Act: 2]") }
        var styled = try tmux.styledScreen()
        let active = try #require(TmuxSession.attributes(of: "[Act: 2]", offset: 6, in: styled))
        let unread = try #require(TmuxSession.attributes(of: "# Coven (1)", in: styled))
        try bob.say(room, "Alice, are you there?")
        try tmux.waitFor("# Coven (2 !1)")
        styled = try tmux.styledScreen()
        let highlighted = try #require(TmuxSession.attributes(of: "[Act: 2]", offset: 6, in: styled))
        #expect(highlighted != active, "the window stands out: \(highlighted) against \(active)")
        let row = try #require(TmuxSession.attributes(of: "# Coven (2 !1)", in: styled))
        #expect(row != unread, "roster.highlight \(row) against roster.unread \(unread)")

        // In the window: the line that names Tern stands out, the other does not.
        try tmux.press("M-2")
        try tmux.waitFor("Bob: Alice, are you there?")
        let window = try tmux.styledScreen()
        let mention = try #require(TmuxSession.attributes(of: "Alice, are you there?", in: window))
        let plain = try #require(TmuxSession.attributes(of: "no one in particular", in: window))
        #expect(mention != plain && mention.contains("1"), "chat.highlight \(mention) against chat.text \(plain)")
        let own = try #require(TmuxSession.attributes(of: "Carol: the cauldron is ready", in: window))
        #expect(own == plain, "our own line names Carol, not us: \(own)")
        try tmux.waitFor { !$0.contains("# Coven (") }
    }

    /// The reading of `capture-pane -e` the test above relies on.
    @Test func attributesAreReadFromAStyledScreen() {
        let styled = "\u{1B}[1m\u{1B}[33mbold yellow\u{1B}[0m plain \u{1B}[1;38;5;214;41mx\u{1B}[22;39my\u{1B}[m z"
        #expect(TmuxSession.attributes(of: "bold yellow", in: styled) == ["1", "33"])
        #expect(TmuxSession.attributes(of: "plain", in: styled) == [])
        #expect(TmuxSession.attributes(of: "x", in: styled) == ["1", "38;5;214", "41"])
        #expect(TmuxSession.attributes(of: "xy", offset: 1, in: styled) == ["41"])
        #expect(TmuxSession.attributes(of: " z", offset: 1, in: styled) == [])
        #expect(TmuxSession.attributes(of: "absent", in: styled) == nil)
    }
}
