import Foundation
import Subprocess
import TestServers
import TestSupport
import Testing

/// The demo's echo bot (`tern echo-bot`, what scripts/tern starts), with a slixmpp peer as the
/// demo user: it befriends and greets once, repeats a chat message, invites the user to the
/// demo room, and answers there only the lines that name it.
@Suite(.serialized, .servers(users: ["alice": "alice-secret", "bob": "bob-secret"]))
struct EchoBotTests {
    @Test func theEchoBotRepeatsInChatAndInItsRoom() throws {
        let server = try TestServers.server(.prosody)
        let room = "lobby-\(UUID().uuidString.prefix(8).lowercased())@\(server.conferenceDomain)"
        let alice = try RoomPeer(server: server, user: "alice")
        defer { alice.stop() }
        let home = try TernHome(server: server, user: "bob")
        let bot = try ChildProcess(
            SendCommandTests.ternBinary,
            ["echo-bot", "--config", home.config, "--befriend", "alice@localhost", "--room", room],
            environment: home.environment)
        defer { bot.kill() }

        let invitation = try alice.waitFor("the bot's invitation", timeout: .seconds(20)) {
            $0.name == "invitation" && $0.string("room") == room
        }
        #expect(invitation.string("from")?.hasPrefix("bob@localhost") == true)
        try alice.chat(to: "bob@localhost", "hello")
        try alice.waitFor("the echo") { $0.name == "message" && $0.string("body") == "echo: hello" }

        try alice.join(room, nick: "Alice")
        let mark = alice.events.count
        try alice.say(room, "nobody named here")
        try alice.say(room, "are you there, echo?")
        try alice.waitFor("the room echo", from: mark) {
            $0.name == "message" && $0.string("nick") == "echo"
                && $0.string("body") == "Alice: echo: are you there, echo?"
        }
        let answers = alice.events[mark...].filter { $0.name == "message" && $0.string("nick") == "echo" }
        #expect(answers.count == 1, "only the line that names it: \(answers)")
    }
}
