import XMPPCore

/// XEP-0444: Message Reactions — the whole set of emoji one sender reacts to a message with,
/// named by its `id` attribute in a chat and by the room's stanza-id in a room. Each message
/// carries the sender's full current set: an empty one takes every reaction back.
///
///     <message to='romeo@capulet.net/orchard' id='96d73204-a57a-11e9-88b8-4889e7820c76' type='chat'>
///       <reactions id='744f6e18-a57a-11e9-a656-4889e7820c76' xmlns='urn:xmpp:reactions:0'>
///         <reaction>👋</reaction>
///         <reaction>🐢</reaction>
///       </reactions>
///       <store xmlns="urn:xmpp:hints"/>
///     </message>
///
/// §Business Rules: a reaction should be one emoji (Unicode TS #51), and a set holds each at
/// most once; what is not one emoji, and repeats, are dropped when read.
public struct MessageReactions: Sendable, Hashable {
    /// The id of the message reacted to.
    public var id: String
    /// The sender's reactions, each one emoji, in the order given, without repeats.
    public var reactions: [String]

    /// At most this many reactions of one sender are kept.
    public static let maximumCount = 20

    public init(id: String, reactions: [String]) {
        self.id = id
        self.reactions = reactions
    }

    /// Reads the reactions in `message`; nil when there are none or they name no message.
    public init?(_ message: XMLElement) {
        guard let element = message.child("reactions", namespace: Namespace.reactions),
            let id = element[attribute: "id"], !id.isEmpty
        else { return nil }
        var kept: [String] = []
        for reaction in element.children("reaction", namespace: Namespace.reactions) {
            let text = reaction.text.trimmingCharacters(in: .whitespacesAndNewlines)
            guard Self.isEmoji(text), !kept.contains(text), kept.count < Self.maximumCount else { continue }
            kept.append(text)
        }
        self.init(id: id, reactions: kept)
    }

    /// Whether `text` is one emoji: a single grapheme cluster, drawn as an emoji (by default, or
    /// asked for with the emoji variation selector), with nothing in it that is not part of an
    /// emoji (no control or format characters but the joiner and variation selectors).
    public static func isEmoji(_ text: String) -> Bool {
        guard text.count == 1, let first = text.unicodeScalars.first, first.properties.isEmoji else { return false }
        let scalars = text.unicodeScalars
        let allowed = scalars.allSatisfy { scalar in
            scalar.properties.isEmoji || scalar.properties.isEmojiModifier || scalar.value == 0x200D
                || scalar.value == 0xFE0F || scalar.value == 0x20E3 || (0xE0020...0xE007F).contains(scalar.value)
        }
        let drawnAsEmoji =
            scalars.contains { $0.properties.isEmojiPresentation } || scalars.contains { $0.value == 0xFE0F }
            || first.value > 0xFF
        return allowed && drawnAsEmoji
    }

    /// §Sending: `reactions` (the full set; empty takes them all back) to the message `id` in a
    /// chat with `to` (`chat`) or a room (`groupchat`), with a store hint.
    public static func message(_ reactions: [String], to messageID: String, recipient: JID, type: String, id: String)
        -> XMLElement
    {
        XMLElement(
            "message", namespace: Namespace.client, ["to": recipient.description, "type": type, "id": id],
            elements: [
                XMLElement(
                    "reactions", namespace: Namespace.reactions, ["id": messageID],
                    elements: reactions.map { XMLElement("reaction", namespace: Namespace.reactions, [:], text: $0) }),
                XMLElement("store", namespace: Namespace.hints),
            ])
    }
}
