import Foundation
import Networking
import TestServers
import TestSupport
import Testing
import XMPPCore

/// The message cursor's actions end to end: the real binary in tmux on the test Prosody, a
/// second client as Bob. Alice selects Bob's message and reacts from the picker, replies to it,
/// and retracts her own message; Bob receives each as the XEPs say (XEP-0444, XEP-0461,
/// XEP-0424), and Alice's window shows the reaction under the message, the quote above the reply,
/// and her message as retracted.
@Suite(.serialized, .servers(users: ["alice": "alice-secret", "bob": "bob-secret"]))
struct MessageActionsTmuxTests {
    @Test func reactReplyAndRetractFromTheCursor() throws {
        let server = try TestServers.server(.prosody)
        let home = try TernHome(server: server, user: "alice")
        let tmux = try home.start(columns: 120, rows: 30)
        defer { tmux.kill() }
        try tmux.waitFor("connected as alice@localhost")
        let loop = try EventLoop()
        let bob = try TestClient(loop: loop, server: server, user: "bob")
        #expect(bob.connect())
        defer { bob.disconnect() }
        bob.sendPresence()
        let alice = try JID("alice@localhost")
        for (index, body) in ["the cauldron boils", "who brings the newt?"].enumerated() {
            bob.connection.send(Message.chat(to: alice, body: body, id: "bob-\(index)"))
        }
        try tmux.waitFor("[Act: 2]")
        try tmux.press("M-2")
        try tmux.waitFor("bob: who brings the newt?")

        // Up on an empty line selects Bob's newest message; e and 1 react with 👍.
        try tmux.press("Up")
        try tmux.waitFor("message: ↑↓")
        try tmux.press("Up", "e")
        try tmux.waitFor("react:")
        try tmux.press("1")
        let reactions = try #require(
            bob.waitForStanza {
                $0.name == "message" && $0.child("reactions", namespace: "urn:xmpp:reactions:0") != nil
            })
        let reacted = try #require(reactions.child("reactions", namespace: "urn:xmpp:reactions:0"))
        #expect(reacted[attribute: "id"] == "bob-0", "the selected message, not the newest")
        #expect(reacted.children("reaction", namespace: "urn:xmpp:reactions:0").map(\.text) == ["👍"])
        let screen = try tmux.waitFor("👍 1")
        let rows = screen.split(separator: "\n").map(String.init)
        let boils = try #require(rows.firstIndex { $0.contains("bob: the cauldron boils") })
        #expect(rows[boils + 1].contains("👍 1"), "the reaction is under its message:\n\(screen)")

        // r on the newest: the reply names it, quotes it as fallback, and shows the quote.
        try tmux.press("M-Up", "r")
        try tmux.waitFor { $0.split(separator: "\n").last?.hasPrefix("/reply #") == true }
        try tmux.send("I do")
        try tmux.press("Enter")
        let replied = try #require(
            bob.waitForStanza { $0.name == "message" && $0.child("reply", namespace: "urn:xmpp:reply:0") != nil })
        #expect(replied.child("reply", namespace: "urn:xmpp:reply:0")?[attribute: "id"] == "bob-1")
        let body = try #require(replied.childText("body"))
        #expect(body.hasPrefix("> ") && body.contains("who brings the newt?") && body.hasSuffix("I do"), "\(body)")
        try tmux.waitFor { $0.contains("↳ bob: who brings") && $0.contains("alice: I do") }

        // x on our own reply, y: Bob is asked to retract exactly that message.
        try tmux.press("M-Up", "x")
        try tmux.waitFor("Retract this message for everyone? (y/n)")
        try tmux.press("y", "Enter")
        let retraction = try #require(
            bob.waitForStanza {
                $0.name == "message" && $0.child("retract", namespace: "urn:xmpp:message-retract:1") != nil
            })
        let named = retraction.child("retract", namespace: "urn:xmpp:message-retract:1")?[attribute: "id"]
        let originID = replied.child("origin-id", namespace: "urn:xmpp:sid:0")?[attribute: "id"]
        #expect(named != nil && (named == originID || named == replied.id), "\(retraction)")
        let after = try tmux.waitFor("(message retracted)")
        #expect(!after.contains("alice: I do"), "the text is gone from the window:\n\(after)")
    }
}
