import ChatModel
import ChatStore
import Foundation
import TestServers
import TestSupport
import Testing
import XMPPCore

/// Reactions, replies and retractions in a room between Tern and an independent client (a
/// slixmpp peer with its XEP-0444, XEP-0461 and XEP-0424 plugins), on both servers: each side
/// sees what the other did, named by the stanza-id the room stamped.
@Suite(.serialized, .servers(users: ["alice": "alice-secret", "bob": "bob-secret"]))
struct MessageActionIntegrationTests {
    @Test(arguments: ServerKind.allCases) func reactionsRepliesAndRetractionsBothWays(_ kind: ServerKind) throws {
        let server = try TestServers.server(kind)
        let room = newRoom(server, "actions")
        let bob = try RoomPeer(server: server, user: "bob")
        defer { bob.stop() }
        try bob.join(room, nick: "Bob")
        let tern = try RoomTern(server)
        let window = try tern.enter(room, creating: false)
        func bobs(_ body: String) -> StoredMessage? { tern.messages(in: room).first { $0.body == body } }

        // Bob's message, his reaction to it, his reply to it, and then he takes it back.
        let said = try bob.say(room, "a first thought")
        let first = try #require(said.string("stanza_id"))
        #expect(tern.wait(reading: [bob]) { bobs("a first thought") != nil })
        try bob.react(to: room, id: first, ["👍"], type: "groupchat")
        #expect(tern.wait(reading: [bob]) { bobs("a first thought")?.reactions.map(\.emoji) == ["👍"] })
        try bob.reply(
            to: room, answering: first, by: "\(room)/Bob", "and a second", quote: "a first thought", nick: "Bob",
            type: "groupchat")
        #expect(
            tern.wait(reading: [bob]) {
                window.messages.last?.body == "and a second"
                    && window.messages.last?.replyQuote?.text == "a first thought"
            }, "\(window.messages.suffix(2))")
        try bob.retract(to: room, id: first, type: "groupchat")
        #expect(
            tern.wait(reading: [bob]) {
                tern.messages(in: room).first?.retraction?.kind == .sender
            }, "\(tern.messages(in: room).map(\.body))")
        #expect(try tern.account.store.search("thought").isEmpty, "gone from the search index, quote too")

        // Tern reacts to Bob's reply, answers it, then retracts its answer.
        let second = try #require(tern.messages(in: room).last?.stanzaID)
        var mark = bob.mark
        tern.model.submit("/react 👋")
        let reaction = try tern.waitFor("Alice's reaction", of: bob, from: mark) { $0["reactions"] != nil }
        #expect(reaction.string("reactions_to") == second)
        #expect(reaction["reactions"]?.array?.compactMap(\.string) == ["👋"])
        mark = bob.mark
        tern.model.submit("/reply 1 agreed")
        let reply = try tern.waitFor("Alice's reply", of: bob, from: mark) {
            $0.name == "message" && $0.string("nick") == "Alice" && $0.string("reply_id") != nil
        }
        #expect(reply.string("reply_id") == second)
        #expect(reply.string("body") == "> Bob: and a second\nagreed")
        #expect(tern.wait { tern.messages(in: room).last.map { $0.outgoing && $0.stanzaID != nil } == true })
        mark = bob.mark
        tern.model.submit("/retract")
        let retraction = try tern.waitFor("Alice's retraction", of: bob, from: mark) { $0.string("retracts") != nil }
        #expect(retraction.string("retracts") == tern.messages(in: room).last?.stanzaID)
        #expect(tern.messages(in: room).last?.retraction?.kind == .sender)
    }

    /// One to one: a contact's reaction and retraction (by its message's id) reach Tern, and
    /// Tern's reaction reaches the contact.
    @Test(arguments: ServerKind.allCases) func reactionsAndRetractionsInAChat(_ kind: ServerKind) throws {
        let server = try TestServers.server(kind)
        let bob = try RoomPeer(server: server, user: "bob")
        defer { bob.stop() }
        let tern = try RoomTern(server)
        let bobJID = try JID("bob@\(server.domain)")
        tern.model.openChat(tern.model.conversation(bobJID, on: tern.account.controller), focus: true)
        func chat() -> [StoredMessage] { tern.account.messages(with: bobJID.description) }

        let sent = try bob.command("chat", ["to": .string("alice@\(server.domain)"), "body": .string("psst")])
        let id = try #require(sent.string("message_id"))
        #expect(tern.wait(reading: [bob]) { chat().first?.body == "psst" })
        try bob.react(to: "alice@\(server.domain)", id: id, ["🤫"])
        #expect(tern.wait(reading: [bob]) { chat().first?.reactions.map(\.emoji) == ["🤫"] })

        let mark = bob.mark
        tern.model.submit("/react 👀")
        let reaction = try tern.waitFor("Alice's reaction", of: bob, from: mark) { $0["reactions"] != nil }
        #expect(reaction.string("reactions_to") == id)
        #expect(reaction["reactions"]?.array?.compactMap(\.string) == ["👀"])
        #expect(
            tern.wait(reading: [bob]) {
                Set(chat().first?.reactions ?? [])
                    == [
                        ReactionCount(emoji: "🤫", count: 1, ours: false),
                        ReactionCount(emoji: "👀", count: 1, ours: true),
                    ]
            })

        try bob.retract(to: "alice@\(server.domain)", id: id)
        #expect(tern.wait(reading: [bob]) { chat().first?.retraction?.kind == .sender }, "\(chat().map(\.body))")
        #expect(chat().count == 1, "the fallback body is no message")
        #expect(try tern.account.store.search("psst").isEmpty)
    }
}
