import XMPPCore

/// Builders for the messages a chat client sends (RFC 6121 §5 with XEP-0359 origin-ids, XEP-0184
/// receipt requests, XEP-0333 markers, XEP-0085 chat states, XEP-0308 corrections).
public enum OutgoingMessage {
    /// A chat message; `id` is also its origin-id.
    public static func chat(
        to: JID,
        body: String,
        id: String,
        replacing original: String? = nil,
        requestReceipt: Bool = true,
        markable: Bool = true,
        chatState: ChatState? = .active
    ) -> XMLElement {
        var message = Message.chat(to: to, body: body, id: id)
        if let original { message.append(XMLElement("replace", namespace: Namespace.correction, ["id": original])) }
        if requestReceipt { message.append(XMLElement("request", namespace: Namespace.receipts)) }
        if markable { message.append(XMLElement("markable", namespace: Namespace.chatMarkers)) }
        if let chatState { message.append(XMLElement(chatState.rawValue, namespace: Namespace.chatStates)) }
        return message
    }

    /// A message to a room (XEP-0045 §7.4); `id` is also its origin-id, by which the room's
    /// reflection of it is recognised.
    public static func groupchat(to room: JID, body: String, id: String) -> XMLElement {
        var message = XMLElement(
            "message", namespace: Namespace.client, ["to": room.bare.description, "type": "groupchat", "id": id])
        message.append(XMLElement("body", namespace: Namespace.client, [:], text: body))
        message.append(XMLElement("origin-id", namespace: Namespace.stanzaID, ["id": id]))
        return message
    }

    /// XEP-0184 §5.2: the receipt for a message.
    public static func receipt(to: JID, for id: String, newID: String) -> XMLElement {
        XMLElement(
            "message", namespace: Namespace.client, ["to": to.description, "id": newID],
            elements: [XMLElement("received", namespace: Namespace.receipts, ["id": id])])
    }

    /// XEP-0333: everything up to the message `id` was displayed. Stored in archives so that our
    /// other clients learn it too.
    public static func displayed(to: JID, for id: String, newID: String) -> XMLElement {
        XMLElement(
            "message", namespace: Namespace.client, ["to": to.description, "id": newID, "type": "chat"],
            elements: [
                XMLElement("displayed", namespace: Namespace.chatMarkers, ["id": id]),
                XMLElement("store", namespace: Namespace.hints),
            ])
    }

    /// XEP-0085 standalone notification (not archived).
    public static func chatState(_ state: ChatState, to: JID) -> XMLElement {
        XMLElement(
            "message", namespace: Namespace.client, ["to": to.description, "type": "chat"],
            elements: [
                XMLElement(state.rawValue, namespace: Namespace.chatStates),
                XMLElement("no-store", namespace: Namespace.hints),
            ])
    }
}
