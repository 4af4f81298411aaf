/// Builders for `<message/>` stanzas (RFC 6121 §5).
public enum Message {
    /// A `chat` message with a body and an origin-id (XEP-0359) equal to its id.
    public static func chat(to: JID, body: String, id: String) -> XMLElement {
        var message = XMLElement(
            "message", namespace: Namespace.client, ["to": to.description, "type": "chat", "id": id])
        message.append(XMLElement("body", namespace: Namespace.client, [:], text: body))
        message.append(XMLElement("origin-id", namespace: Namespace.stanzaID, ["id": id]))
        return message
    }
}
