import XMPPCore

/// XEP-0461: Message Replies — a message answers an earlier one, named by its id (the room's
/// stanza-id in a room, else its origin-id or `id` attribute), with its author's JID.
///
///     <message to='anna@example.com' id='message-id2' type='chat'>
///       <body>Great idea!</body>
///       <reply to='anna@example.com/tablet' id='message-id1' xmlns='urn:xmpp:reply:0' />
///     </message>
///
/// The quote that clients without replies see is marked as fallback (XEP-0428,
/// `MessageFallback`); a client that shows the referenced message need not show it.
public struct MessageReply: Sendable, Hashable {
    /// The id of the message replied to.
    public var id: String
    /// Its author (a full JID, an occupant JID in a room; a bare JID may be given in a chat).
    public var to: JID?
    /// The code points of the body that quote it for clients without replies (nil: none, or an
    /// indication that does not fit the body).
    public var fallback: [Range<Int>]?

    public init(id: String, to: JID?, fallback: [Range<Int>]? = nil) {
        self.id = id
        self.to = to
        self.fallback = fallback
    }

    /// Reads the reply in `message`; nil when there is none or it names no message.
    public init?(_ message: XMLElement) {
        guard let reply = message.child("reply", namespace: Namespace.reply), let id = reply[attribute: "id"],
            !id.isEmpty
        else { return nil }
        self.init(
            id: id, to: JID(parsing: reply[attribute: "to"]),
            fallback: MessageFallback.bodyRanges(in: message, for: Namespace.reply))
    }

    /// The quote put before a reply's text for clients without replies: `> nick: first line`
    /// and a line break.
    public static func quote(author: String, text: String) -> String {
        let first = text.split(separator: "\n", omittingEmptySubsequences: true).first.map(String.init) ?? ""
        return "> \(author): \(first)\n"
    }

    /// The elements that make a message a reply to `id` by `to`, whose body begins with `quote`.
    public static func elements(replyingTo id: String, by to: JID?, quote: String) -> [XMLElement] {
        var reply = XMLElement("reply", namespace: Namespace.reply, ["id": id])
        if let to { reply[attribute: "to"] = to.description }
        return [reply, MessageFallback.element(for: Namespace.reply, range: 0..<quote.unicodeScalars.count)]
    }
}
