import Testing
import XMPPCore
import XMPPExtensions

/// Retraction (XEP-0424), reactions (XEP-0444), replies (XEP-0461) and fallback indication
/// (XEP-0428), read from and built as the XEPs' own examples.
@Suite struct MessageActionStanzaTests {
    func stanza(_ xml: String) throws -> XMLElement { try #require(XMLElement.parse(xml)) }

    /// XEP-0424 §Use Case: the client sends out a retraction.
    static let retraction = """
        <message type='chat' to='lord@capulet.example' id='retract-message-1'>
          <retract id="wrong-recipient-1" xmlns='urn:xmpp:message-retract:1'/>
          <fallback xmlns="urn:xmpp:fallback:0" for='urn:xmpp:message-retract:1'/>
          <body>/me retracted a previous message, but it's unsupported by your client.</body>
          <store xmlns="urn:xmpp:hints"/>
        </message>
        """

    @Test func aRetractionIsReadAndItsBodyIsNoMessage() throws {
        let message = ChatMessage(try stanza(Self.retraction))
        #expect(message.retraction == MessageRetraction(id: "wrong-recipient-1"))
        #expect(message.body == nil)
        #expect(
            MessageFallback.bodyRanges(in: try stanza(Self.retraction), for: "urn:xmpp:message-retract:1")
                == [0..<MessageRetraction.fallbackBody.unicodeScalars.count],
            "a fallback without a range is the whole body")
    }

    @Test func aRetractionIsBuiltAsTheXEPShowsIt() throws {
        let built = MessageRetraction.message(
            retracting: "wrong-recipient-1", to: try JID("lord@capulet.example"), type: "chat",
            messageID: "retract-message-1")
        #expect(built.matches(try stanza(Self.retraction.replacingOccurrences(of: "\n  ", with: ""))))
    }

    /// A moderation (XEP-0425) is a room's, not a sender's retraction; a retraction naming
    /// nothing is none.
    @Test func aModerationOrAnEmptyIDIsNoRetraction() throws {
        #expect(MessageRetraction(try stanza(MUCModerationTests.announcement)) == nil)
        #expect(
            MessageRetraction(
                try stanza("<message><retract id='' xmlns='urn:xmpp:message-retract:1'/><body>x</body></message>"))
                == nil)
        #expect(ChatMessage(try stanza("<message><body>x</body></message>")).retraction == nil)
    }

    /// XEP-0444 Example 3: Juliet adds a 🐢 reaction to the message.
    static let reactions = """
        <message to='romeo@capulet.net/orchard' id='96d73204-a57a-11e9-88b8-4889e7820c76' type='chat'>
          <reactions id='744f6e18-a57a-11e9-a656-4889e7820c76' xmlns='urn:xmpp:reactions:0'>
            <reaction>👋</reaction>
            <reaction>🐢</reaction>
          </reactions>
          <store xmlns="urn:xmpp:hints"/>
        </message>
        """

    @Test func reactionsAreReadAndBuiltAsTheXEPShowsThem() throws {
        let read = try #require(ChatMessage(try stanza(Self.reactions)).reactions)
        #expect(read == MessageReactions(id: "744f6e18-a57a-11e9-a656-4889e7820c76", reactions: ["👋", "🐢"]))
        let built = MessageReactions.message(
            ["👋", "🐢"], to: "744f6e18-a57a-11e9-a656-4889e7820c76", recipient: try JID("romeo@capulet.net/orchard"),
            type: "chat", id: "96d73204-a57a-11e9-88b8-4889e7820c76")
        #expect(
            built.matches(
                try stanza(
                    Self.reactions.replacingOccurrences(of: "\n", with: "").replacingOccurrences(of: "  ", with: ""))))
        // Example 4: an empty set takes them all back.
        let empty = try stanza(
            "<message><reactions id='744f' xmlns='urn:xmpp:reactions:0'/><store xmlns='urn:xmpp:hints'/></message>")
        #expect(MessageReactions(empty) == MessageReactions(id: "744f", reactions: []))
    }

    /// §Business Rules: one emoji each (Unicode TS #51), no repeats.
    @Test(arguments: [
        ("👍", true), ("❤", true), ("❤️", true), ("👍🏽", true), ("🇫🇷", true), ("👨‍👩‍👧", true), ("1️⃣", true),
        ("🏴󠁧󠁢󠁳󠁣󠁴󠁿", true), ("a", false), ("1", false), ("#", false), ("👍👍", false), ("", false), ("ok", false),
        ("👍\u{202E}", false), ("©", false),
    ])
    func aReactionIsOneEmoji(text: String, valid: Bool) {
        #expect(MessageReactions.isEmoji(text) == valid)
    }

    /// XEP-0461 §Compatibility Fallback (Example 2), the body written out.
    static let reply = """
        <message to='anna@example.com' id='message-id3' type='chat'><body>&gt; Anna wrote:
        &gt; We should bake a cake
        Great idea!</body><reply to='anna@example.com/laptop' id='message-id1' xmlns='urn:xmpp:reply:0' />\
        <fallback xmlns='urn:xmpp:fallback:0' for='urn:xmpp:reply:0'><body start="0" end="38" /></fallback></message>
        """

    @Test func aReplyAndItsFallbackAreRead() throws {
        let element = try stanza(Self.reply)
        let reply = try #require(ChatMessage(element).reply)
        #expect(reply.id == "message-id1")
        #expect(reply.to == (try JID("anna@example.com/laptop")))
        #expect(reply.fallback == [0..<38])
        #expect(element.child("body")!.text.removingCodePoints(in: [0..<38]) == "Great idea!")
    }

    /// XEP-0428: ranges outside the body, or backwards, are no fallback indication.
    @Test(arguments: ["start='0' end='400'", "start='10' end='2'", "start='-1' end='3'", "start='x' end='3'"])
    func aRangeThatDoesNotFitIsIgnored(range: String) throws {
        let element = try stanza(
            "<message><body>short</body><reply id='m1' xmlns='urn:xmpp:reply:0'/>"
                + "<fallback xmlns='urn:xmpp:fallback:0' for='urn:xmpp:reply:0'><body \(range)/></fallback></message>")
        #expect(ChatMessage(element).reply?.fallback == nil)
        #expect(ChatMessage(element).body == "short")
    }

    /// Ranges count code points (XEP-0426), not UTF-16 units or grapheme clusters.
    @Test func rangesCountCodePoints() throws {
        let quote = MessageReply.quote(author: "jül🎉", text: "👨‍👩‍👧 first\nsecond")
        #expect(quote == "> jül🎉: 👨‍👩‍👧 first\n")
        let elements = MessageReply.elements(replyingTo: "m1", by: nil, quote: quote)
        #expect(
            elements[1].matches(
                "<fallback xmlns='urn:xmpp:fallback:0' for='urn:xmpp:reply:0'>"
                    + "<body xmlns='urn:xmpp:fallback:0' start='0' end='\(quote.unicodeScalars.count)'/></fallback>"))
        #expect((quote + "yes").removingCodePoints(in: [0..<quote.unicodeScalars.count]) == "yes")
        #expect(elements[0][attribute: "to"] == nil)
    }
}
