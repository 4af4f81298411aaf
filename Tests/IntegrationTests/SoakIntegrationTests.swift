import ChatStore
import Foundation
import Networking
import TestServers
import TestSupport
import Testing
import XMPPCore

/// Three real minutes of chat with the real binary in tmux against Prosody, with the default
/// keep-alive and auto-away after a minute: two contacts write at random 1-30 s intervals, an
/// occupant of a room the user is in (a slixmpp peer) talks there at random 2-40 s intervals,
/// the user answers now and then and stays quiet long enough for pings and client-state
/// changes. The log must show one connection and nothing else going wrong, and the room must
/// keep every line once, with no second entry into it.
@Suite(
    .serialized,
    .prosody(users: ["alice": "alice-secret", "bob": "bob-secret", "carol": "carol-secret", "dave": "dave-secret"]))
struct SoakIntegrationTests {
    var server: ProsodyServer { ProsodyServer.current! }

    @Test func threeMinutesOfChatWithoutAReconnectOrAnError() throws {
        var random = SystemRandomNumberGenerator()
        let home = try TernHome(server: server, user: "alice", extraConfig: "\n[chat]\nauto_away = 1")
        let tmux = try home.start(columns: 160, rows: 50)
        try tmux.waitFor("connected as alice@localhost")
        let loop = try EventLoop()
        let alice = try JID("alice@localhost")
        let contacts = try ["bob", "carol"].map { user in
            let client = try TestClient(loop: loop, server: server, user: user, resource: "soak")
            #expect(client.connect())
            client.sendPresence()
            return client
        }
        let room = "soak-\(UUID().uuidString.prefix(8).lowercased())@\(server.conferenceDomain)"
        let dave = try RoomPeer(server: server, user: "dave")
        defer { dave.stop() }
        try dave.join(room, nick: "Dave")
        try tmux.send("/join \(room)/Alice")
        try tmux.press("Enter")
        try tmux.waitFor("you entered \(room)")
        try tmux.send("/msg bob@localhost")
        try tmux.press("Enter")
        let clock = ContinuousClock()
        let end = clock.now + .seconds(180)
        var nextIncoming = [clock.now + .seconds(1), clock.now + .seconds(2)]
        var nextOwn = clock.now + .seconds(10)
        var nextInRoom = clock.now + .seconds(3)
        var incoming = 0
        var inRoom = 0
        var own = 0
        while clock.now < end {
            for index in contacts.indices where nextIncoming[index] <= clock.now {
                incoming += 1
                contacts[index].connection.send(
                    Message.chat(to: alice, body: "soak \(incoming) from \(index)", id: "soak-\(incoming)"))
                nextIncoming[index] = clock.now + .milliseconds(Int64.random(in: 1_000...30_000, using: &random))
            }
            if nextInRoom <= clock.now {
                inRoom += 1
                try dave.send("say", ["room": .string(room), "body": .string("in the room \(inRoom)")])
                nextInRoom = clock.now + .milliseconds(Int64.random(in: 2_000...40_000, using: &random))
            }
            if nextOwn <= clock.now {
                own += 1
                try tmux.send("reply \(own)")
                try tmux.press("Enter")
                // Often quiet for longer than the keep-alive interval; once for longer than the
                // auto-away time (away and inactive, then back with the next key).
                let quiet: Int64 = own == 2 ? 100_000 : Int64.random(in: 5_000...40_000, using: &random)
                nextOwn = clock.now + .milliseconds(quiet)
            }
            loop.run(for: .milliseconds(200)) { false }
        }
        loop.run(for: .seconds(3)) { false }
        try tmux.press("M-1")
        let console = try tmux.waitFor("connected as alice@localhost")
        let lines = console.split(separator: "\n").map(String.init)
        #expect(lines.filter { $0.contains("connected as alice@localhost") }.count == 1, "one connection:\n\(console)")
        let trouble = ["dead", "reconnect", "resumed", "lost", "error", "failed", "could not"]
        #expect(!lines.contains { line in trouble.contains { line.lowercased().contains($0) } }, "\(console)")
        #expect(lines.contains { $0.contains("auto-away") }, "the user went away in between")
        #expect(lines.contains { $0.contains("back from auto-away") })
        let store = try ChatStore(path: home.database)
        let account = try store.account(jid: alice, name: "test")
        let stored = try ["bob@localhost", "carol@localhost"].flatMap {
            try store.lastMessages(account: account, conversation: try JID($0), limit: 10_000)
        }
        #expect(stored.filter { !$0.outgoing }.count == incoming, "every message stored once")
        #expect(stored.filter(\.outgoing).count == own)
        #expect(stored.filter(\.outgoing).allSatisfy { $0.state == .acked || $0.state == .delivered })
        let replies = contacts[0].stanzas.compactMap { $0.childText("body") }.filter { $0.hasPrefix("reply ") }
        #expect(replies == (1...own).map { "reply \($0)" }, "every reply arrived once, in order")
        let roomLines = try store.lastMessages(account: account, conversation: try JID(room), limit: 10_000)
        #expect(
            roomLines.map(\.body) == (1...inRoom).map { "in the room \($0)" },
            "every room line stored once, in order")
        try tmux.press("M-2")
        let roomWindow = try tmux.waitFor("in the room \(inRoom)")
        #expect(
            roomWindow.components(separatedBy: "you entered \(room)").count == 2, "entered once:\n\(roomWindow)")
        for contact in contacts { contact.disconnect() }
    }
}
