import ChatModel
import ChatStore
import TestSupport
import Testing
import XMPPCore

/// Retraction (XEP-0424) and reactions (XEP-0444) in one-to-one chats, with the XEPs' examples:
/// obeyed only from the sender of the message named, erased from the store and the search
/// index, and sent with `/retract` and `/react` through the outbox.
@Suite struct MessageActionTests {
    static let romeo =
        "<item jid='romeo@example.net' subscription='both'/>"
        + "<item jid='mallory@example.net' subscription='both'/>"

    func chatting() throws -> ModelFixture {
        let fixture = ModelFixture.connected(rosterItems: Self.romeo)
        fixture.open(try JID("romeo@example.net"), focus: true)
        _ = fixture.harness.takeWritten()
        return fixture
    }

    func stored(_ fixture: ModelFixture, _ contact: String = "romeo@example.net") throws -> [StoredMessage] {
        try fixture.store.lastMessages(account: fixture.account.accountID, conversation: try JID(contact), limit: 50)
    }

    func sent(_ fixture: ModelFixture) -> [XMLElement] {
        fixture.harness.takeWrittenElements().filter { $0.name == "message" }
    }

    /// XEP-0424 §Use Case, from the contact's side.
    static func retraction(_ id: String, from: String = "romeo@example.net/orchard") -> String {
        "<message type='chat' from='\(from)' to='alice@example.org' id='retract-message-1'>"
            + "<retract id='\(id)' xmlns='urn:xmpp:message-retract:1'/>"
            + "<fallback xmlns='urn:xmpp:fallback:0' for='urn:xmpp:message-retract:1'/>"
            + "<body>/me retracted a previous message, but it's unsupported by your client.</body>"
            + "<store xmlns='urn:xmpp:hints'/></message>"
    }

    /// XEP-0444 §Sending and §Updating reactions.
    static func reactions(_ id: String, _ emoji: [String], from: String = "romeo@example.net/orchard") -> String {
        "<message from='\(from)' to='alice@example.org/tern' id='r\(emoji.count)' type='chat'>"
            + "<reactions id='\(id)' xmlns='urn:xmpp:reactions:0'>"
            + emoji.map { "<reaction>\($0)</reaction>" }.joined()
            + "</reactions><store xmlns='urn:xmpp:hints'/></message>"
    }

    @Test func aRetractionFromTheSenderErasesTheMessageEverywhere() throws {
        let fixture = try chatting()
        fixture.receive(from: "romeo@example.net/orchard", "Have not saints lips, and holy palmers too?", id: "wrong-1")
        fixture.receive(from: "romeo@example.net/orchard", "and this stays", id: "m2")
        #expect(try fixture.store.search("palmers").count == 1)
        fixture.harness.serverSends(Self.retraction("wrong-1"))
        let messages = try stored(fixture)
        #expect(messages.map(\.body) == ["", "and this stays"], "the fallback body is no message")
        #expect(messages.first?.retraction == Retraction(kind: .sender))
        #expect(try fixture.store.search("palmers").isEmpty)
        #expect(try fixture.store.search("unsupported").isEmpty)
        #expect(fixture.model.currentWindow.messages.first?.retraction?.byModerator == false)
    }

    /// §Business Rules: only from the bare JID that sent the message; nobody retracts ours.
    @Test func aRetractionFromAnyoneButTheSenderIsIgnored() throws {
        let fixture = try chatting()
        fixture.receive(from: "romeo@example.net/orchard", "romeo's words", id: "shared-id")
        fixture.model.submit("my words")
        let ours = try #require(sent(fixture).last?.id)
        // Another contact naming the same id (in their own chat there is no such message).
        fixture.harness.serverSends(Self.retraction("shared-id", from: "mallory@example.net/x"))
        // The contact naming our message.
        fixture.harness.serverSends(Self.retraction(ours))
        #expect(try stored(fixture).map(\.body) == ["romeo's words", "my words"])
        #expect(try stored(fixture).allSatisfy { $0.retraction == nil })
    }

    /// A retraction before its message (an archive read backward brings the message later) is
    /// applied once the message is stored, and still only from its sender.
    @Test func aRetractionBeforeItsMessageAppliesWhenTheMessageComes() throws {
        let fixture = try chatting()
        fixture.harness.serverSends(Self.retraction("old-1"))
        fixture.harness.serverSends(Self.retraction("old-2", from: "mallory@example.net/x"))
        fixture.account.feature(ArchiveFeature.self)?.fetchOlderFromArchive(try JID("romeo@example.net")) { _ in }
        let query = try #require(
            fixture.harness.takeWrittenElements().first { $0.child("query", namespace: "urn:xmpp:mam:2") != nil })
        let queryID = try #require(query.child("query", namespace: "urn:xmpp:mam:2")?[attribute: "queryid"])
        for (id, body) in [("old-1", "an old secret"), ("old-2", "kept")] {
            fixture.harness.serverSends(
                "<message><result xmlns='urn:xmpp:mam:2' queryid='\(queryID)' id='a-\(id)'>"
                    + "<forwarded xmlns='urn:xmpp:forward:0'><delay xmlns='urn:xmpp:delay' stamp='2020-01-01T10:00:00Z'/>"
                    + "<message xmlns='jabber:client' from='romeo@example.net/orchard' to='alice@example.org'"
                    + " type='chat' id='\(id)'><body>\(body)</body></message></forwarded></result></message>")
        }
        fixture.harness.serverSends(
            "<iq type='result' id='\(query.id!)'><fin xmlns='urn:xmpp:mam:2' complete='true'>"
                + "<set xmlns='http://jabber.org/protocol/rsm'><first>a-old-1</first><last>a-old-2</last></set></fin></iq>"
        )
        #expect(try stored(fixture).map(\.body) == ["", "kept"])
        #expect(try fixture.store.search("secret").isEmpty)
    }

    @Test func retractSendsTheXEPStanzaThroughTheOutboxAndErasesHere() throws {
        let fixture = try chatting()
        fixture.model.submit("wrong recipient")
        let original = try #require(sent(fixture).last)
        fixture.receive(from: "romeo@example.net/orchard", "what?")
        fixture.model.submit("/retract")
        let retraction = try #require(sent(fixture).last)
        #expect(
            retraction.matches(
                "<message xmlns='jabber:client' type='chat' to='romeo@example.net/orchard' id='*'>"
                    + "<retract xmlns='urn:xmpp:message-retract:1' id='\(original.id!)'/>"
                    + "<fallback xmlns='urn:xmpp:fallback:0' for='urn:xmpp:message-retract:1'/>"
                    + "<body>/me retracted a previous message, but it's unsupported by your client.</body>"
                    + "<store xmlns='urn:xmpp:hints'/></message>"))
        #expect(try stored(fixture).map(\.body) == ["", "what?"])
        #expect(fixture.model.currentWindow.messages.count == 2, "the retraction is no message of its own")
        fixture.model.submit("/retract")
        #expect(
            fixture.model.noticesOf(fixture.model.currentWindow).last?.text
                == "there is no recent message of yours here")
        fixture.model.submit("/retract 1")
        #expect(fixture.model.noticesOf(fixture.model.currentWindow).last?.text == "that is not a message of yours")
        #expect(sent(fixture).isEmpty)
    }

    @Test func ourRetractionFromAnotherDeviceErasesOurMessage() throws {
        let fixture = try chatting()
        fixture.carbon(
            "sent",
            "<message xmlns='jabber:client' to='romeo@example.net/orchard' from='alice@example.org/phone'"
                + " type='chat' id='phone-1'><body>sent from the phone</body></message>")
        fixture.carbon(
            "sent",
            Self.retraction("phone-1", from: "alice@example.org/phone").replacingOccurrences(
                of: "to='alice@example.org'", with: "to='romeo@example.net/orchard' xmlns='jabber:client'"))
        #expect(try stored(fixture).map(\.body) == [""])
        #expect(try stored(fixture).first?.retraction?.kind == .sender)
    }

    /// Our reactions from another of our clients (a carbon) count as ours, and replace the set
    /// sent from here.
    @Test func ourReactionsFromAnotherDeviceAreOurs() throws {
        let fixture = try chatting()
        fixture.receive(from: "romeo@example.net/orchard", "react to me", id: "romeo-1")
        fixture.model.submit("/react 👍")
        fixture.carbon(
            "sent",
            Self.reactions("romeo-1", ["🎉"], from: "alice@example.org/phone").replacingOccurrences(
                of: "to='alice@example.org/tern'", with: "to='romeo@example.net' xmlns='jabber:client'"))
        #expect(try stored(fixture).last?.reactions == [ReactionCount(emoji: "🎉", count: 1, ours: true)])
    }

    /// XEP-0444 §Updating reactions: each message carries the sender's whole set.
    @Test func onlyTheLatestSetOfEachSenderCounts() throws {
        let fixture = try chatting()
        fixture.model.submit("Hello, world!")
        let id = try #require(sent(fixture).last?.id)
        fixture.harness.serverSends(Self.reactions(id, ["👋"]))
        #expect(try stored(fixture).last?.reactions == [ReactionCount(emoji: "👋", count: 1, ours: false)])
        fixture.harness.serverSends(Self.reactions(id, ["👋", "🐢"]))
        #expect(
            fixture.model.currentWindow.messages.last?.reactions
                == [ReactionShown(emoji: "👋", count: 1, ours: false), ReactionShown(emoji: "🐢", count: 1, ours: false)])
        fixture.harness.serverSends(Self.reactions(id, []))
        #expect(try stored(fixture).last?.reactions == [])
    }

    /// §Acceptable reactions: only the two parties of a chat react in it; what is not one emoji,
    /// and repeats, are dropped.
    @Test func reactionsFromOutsideTheChatOrNotEmojiAreIgnored() throws {
        let fixture = try chatting()
        fixture.receive(from: "romeo@example.net/orchard", "react to me", id: "romeo-1")
        fixture.harness.serverSends(Self.reactions("romeo-1", ["💀"], from: "mallory@example.net/x"))
        #expect(try stored(fixture).last?.reactions == [])
        fixture.harness.serverSends(Self.reactions("romeo-1", ["👍", "👍", "no", "👍👍", "a👍", "👍🏽", "1"]))
        #expect(
            try stored(fixture).last?.reactions
                == [ReactionCount(emoji: "👍", count: 1, ours: false), ReactionCount(emoji: "👍🏽", count: 1, ours: false)])
    }

    @Test func reactTogglesOurEmojiAndSendsTheWholeSet() throws {
        let fixture = try chatting()
        fixture.receive(from: "romeo@example.net/orchard", "first", id: "romeo-1")
        fixture.receive(from: "romeo@example.net/orchard", "second", id: "romeo-2")
        fixture.harness.serverSends(Self.reactions("romeo-2", ["👍"]))
        fixture.model.submit("/react 👍")
        fixture.model.submit("/react 1 ❤")
        fixture.model.submit("/react 2 🎉")
        fixture.model.submit("/react 👍")
        let sets = sent(fixture).map { message in
            let reactions = message.child("reactions", namespace: "urn:xmpp:reactions:0")
            return (
                reactions?[attribute: "id"] ?? "",
                reactions?.children("reaction", namespace: "urn:xmpp:reactions:0").map(\.text) ?? []
            )
        }
        #expect(sets.map(\.0) == ["romeo-2", "romeo-2", "romeo-1", "romeo-2"])
        #expect(sets.map(\.1) == [["👍"], ["👍", "❤"], ["🎉"], ["❤"]])
        let second = try #require(try stored(fixture).last)
        #expect(
            Set(second.reactions)
                == [ReactionCount(emoji: "👍", count: 1, ours: false), ReactionCount(emoji: "❤", count: 1, ours: true)])
        fixture.model.submit("/react 1 not-an-emoji")
        #expect(fixture.model.noticesOf(fixture.model.currentWindow).last?.text.contains("is not one emoji") == true)
    }

    /// Reactions and retractions from the archive (a catch-up) apply to the messages of the same
    /// page; a reaction set older than the one stored does not replace it.
    @Test func actionsFromTheArchiveApply() throws {
        let fixture = try chatting()
        fixture.receive(from: "romeo@example.net/orchard", "live", id: "live-1")
        fixture.harness.serverSends(Self.reactions("live-1", ["🐢"]))
        fixture.account.feature(ArchiveFeature.self)?.fetchOlderFromArchive(try JID("romeo@example.net")) { _ in }
        let query = try #require(
            fixture.harness.takeWrittenElements().first { $0.child("query", namespace: "urn:xmpp:mam:2") != nil })
        let queryID = try #require(query.child("query", namespace: "urn:xmpp:mam:2")?[attribute: "queryid"])
        func result(_ id: String, _ stamp: String, _ inner: String) -> String {
            "<message><result xmlns='urn:xmpp:mam:2' queryid='\(queryID)' id='\(id)'>"
                + "<forwarded xmlns='urn:xmpp:forward:0'><delay xmlns='urn:xmpp:delay' stamp='\(stamp)'/>"
                + inner.replacingOccurrences(of: "<message ", with: "<message xmlns='jabber:client' ")
                + "</forwarded></result></message>"
        }
        fixture.harness.serverSends(
            result(
                "a1", "2020-01-01T10:00:00Z",
                "<message from='romeo@example.net/orchard' to='alice@example.org' type='chat' id='old-1'>"
                    + "<body>an old secret</body></message>"))
        fixture.harness.serverSends(result("a2", "2020-01-01T10:01:00Z", Self.retraction("old-1")))
        fixture.harness.serverSends(result("a3", "2020-01-01T10:02:00Z", Self.reactions("live-1", ["💤"])))
        fixture.harness.serverSends(
            "<iq type='result' id='\(query.id!)'><fin xmlns='urn:xmpp:mam:2' complete='true'>"
                + "<set xmlns='http://jabber.org/protocol/rsm'><first>a1</first><last>a3</last></set></fin></iq>")
        let messages = try stored(fixture)
        #expect(messages.map(\.body) == ["", "live"])
        #expect(try fixture.store.search("secret").isEmpty)
        #expect(messages.last?.reactions.map(\.emoji) == ["🐢"], "the archived set is older than the live one")
    }
}

/// Replies (XEP-0461) with their quote marked as fallback (XEP-0428).
@Suite struct ReplyTests {
    let chat = MessageActionTests()

    /// XEP-0461 §Compatibility Fallback (Example 2), sent by romeo.
    static func reply(_ body: String, to id: String, end: Int?) -> String {
        let fallback =
            end.map {
                "<fallback xmlns='urn:xmpp:fallback:0' for='urn:xmpp:reply:0'><body start='0' end='\($0)'/></fallback>"
            } ?? ""
        return "<message from='romeo@example.net/orchard' to='alice@example.org' id='message-id3' type='chat'>"
            + "<body>\(body)</body><reply to='alice@example.org/laptop' id='\(id)' xmlns='urn:xmpp:reply:0'/>"
            + fallback + "</message>"
    }

    @Test func aReplyShowsItsOwnTextWithTheQuotedMessage() throws {
        let fixture = try chat.chatting()
        fixture.model.submit("We should bake a cake")
        let id = try #require(chat.sent(fixture).last?.id)
        fixture.harness.serverSends(
            Self.reply("&gt; Anna wrote:\n&gt; We should bake a cake\nGreat idea!", to: id, end: 38))
        let row = try #require(fixture.model.currentWindow.messages.last)
        #expect(row.body == "Great idea!")
        #expect(
            row.replyQuote
                == ReplyQuote(sender: "alice@example.org/tern", outgoing: true, text: "We should bake a cake"))
        #expect(try fixture.store.search("bake").count == 2, "the quote stays searchable")
        #expect(try fixture.store.search("idea").count == 1)
    }

    /// XEP-0428: a range that does not fit the body is no fallback: the whole body is shown.
    @Test func aFallbackRangeOutOfBoundsShowsTheWholeBody() throws {
        let fixture = try chat.chatting()
        fixture.harness.serverSends(Self.reply("short", to: "unknown-id", end: 400))
        let row = try #require(fixture.model.currentWindow.messages.last)
        #expect(row.body == "short")
        #expect(row.replyQuote == ReplyQuote(sender: "", outgoing: false, text: nil), "not stored: an earlier message")
    }

    @Test func replySendsTheQuoteMarkedAsFallback() throws {
        let fixture = try chat.chatting()
        fixture.receive(from: "romeo@example.net/orchard", "Shall I compare thee\nto a summer's day?", id: "romeo-1")
        fixture.model.submit("/reply no, please")
        let reply = try #require(chat.sent(fixture).last)
        let quote = "> romeo: Shall I compare thee\n"
        let escaped = quote.replacingOccurrences(of: ">", with: "&gt;")
        var pattern = "<message xmlns='jabber:client' type='chat' to='romeo@example.net/orchard' id='*'>"
        pattern += "<body>\(escaped)no, please</body><origin-id xmlns='urn:xmpp:sid:0' id='*'/>"
        pattern += "<reply xmlns='urn:xmpp:reply:0' id='romeo-1' to='romeo@example.net/orchard'/>"
        pattern += "<fallback xmlns='urn:xmpp:fallback:0' for='urn:xmpp:reply:0'>"
        pattern += "<body start='0' end='\(quote.unicodeScalars.count)'/></fallback>"
        pattern += "<request xmlns='urn:xmpp:receipts'/><markable xmlns='urn:xmpp:chat-markers:0'/></message>"
        #expect(reply.matches(pattern))
        let row = try #require(fixture.model.currentWindow.messages.last)
        #expect(row.body == "no, please")
        #expect(row.replyQuote?.text == "Shall I compare thee\nto a summer's day?")
        #expect(try fixture.store.search("please").count == 1)
    }
}
