import XMPPCore

/// XEP-0424: Message Retraction — the sender takes back a message it sent, named by its `id`
/// attribute in a one-to-one chat and by the stanza-id the room stamped in a room.
///
///     <message type='chat' to='lord@capulet.example' id='retract-message-1'>
///       <retract id="wrong-recipient-1" xmlns='urn:xmpp:message-retract:1'/>
///       <fallback xmlns="urn:xmpp:fallback:0" for='urn:xmpp:message-retract:1'/>
///       <body>/me retracted a previous message, but it's unsupported by your client.</body>
///       <store xmlns="urn:xmpp:hints"/>
///     </message>
///
/// The body is only for clients without retraction (XEP-0428): it is never a message. Whoever
/// applies a retraction checks that it came from the sender of what it names (§Business Rules:
/// the same bare JID in a chat, the same occupant id or occupant JID in a room). A room's
/// moderation (XEP-0425, a `<moderated/>` inside `<retract/>`) is not a retraction by a sender:
/// `ModeratedMessage` reads it.
public struct MessageRetraction: Sendable, Hashable {
    /// The id of the retracted message (its `id` attribute, or the room's stanza-id).
    public var id: String

    public init(id: String) { self.id = id }

    /// Reads the retraction in `message`; nil when there is none, it is a moderation, or it
    /// names no message.
    public init?(_ message: XMLElement) {
        guard let retract = message.child("retract", namespace: Namespace.messageRetract),
            retract.child("moderated", namespace: Namespace.messageModerate) == nil,
            let id = retract[attribute: "id"], !id.isEmpty
        else { return nil }
        self.id = id
    }

    /// The body that clients without retraction show instead (the XEP's example text).
    public static let fallbackBody = "/me retracted a previous message, but it's unsupported by your client."

    /// §Use Case: the retraction of the message `id` in a chat with `to` (`type` `chat`) or a room
    /// (`groupchat`, `id` being the room's stanza-id), with the fallback body and a store hint so
    /// that archives keep it.
    public static func message(retracting id: String, to: JID, type: String, messageID: String) -> XMLElement {
        XMLElement(
            "message", namespace: Namespace.client, ["to": to.description, "type": type, "id": messageID],
            elements: [
                XMLElement("retract", namespace: Namespace.messageRetract, ["id": id]),
                XMLElement("fallback", namespace: Namespace.fallback, ["for": Namespace.messageRetract]),
                XMLElement("body", namespace: Namespace.client, [:], text: fallbackBody),
                XMLElement("store", namespace: Namespace.hints),
            ])
    }
}
