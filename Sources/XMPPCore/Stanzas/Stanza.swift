/// Addressing and typing helpers for the three stanza kinds of RFC 6120 §8.
public enum StanzaKind: String, Sendable, Hashable {
    case message, presence, iq
}

public enum IQType: String, Sendable, Hashable {
    case get, set, result, error
}

extension XMLElement {
    /// The stanza kind, for elements in the `jabber:client` namespace.
    public var stanzaKind: StanzaKind? {
        guard namespace == Namespace.client || namespace == nil else { return nil }
        return StanzaKind(rawValue: name)
    }

    public var id: String? {
        get { self[attribute: "id"] }
        set { self[attribute: "id"] = newValue }
    }

    public var type: String? {
        get { self[attribute: "type"] }
        set { self[attribute: "type"] = newValue }
    }

    /// The `from` address, or nil when absent or invalid.
    public var from: JID? { JID(parsing: self[attribute: "from"]) }

    /// The `to` address, or nil when absent or invalid.
    public var to: JID? { JID(parsing: self[attribute: "to"]) }

    public var iqType: IQType? { stanzaKind == .iq ? type.flatMap(IQType.init(rawValue:)) : nil }

    /// An `<iq/>` carrying one payload element.
    public static func iq(_ type: IQType, id: String, to: JID? = nil, payload: XMLElement? = nil) -> XMLElement {
        var iq = XMLElement(
            "iq", namespace: Namespace.client, ["type": type.rawValue, "id": id, "to": to?.description])
        if let payload { iq.append(payload) }
        return iq
    }

    /// The `result` reply to this request, addressed back to its sender.
    public func iqResult(payload: XMLElement? = nil) -> XMLElement {
        var reply = XMLElement.iq(.result, id: id ?? "", payload: payload)
        reply[attribute: "to"] = self[attribute: "from"]
        return reply
    }

    /// The `error` reply to this stanza, addressed back to its sender (RFC 6120 §8.3.1).
    public func errorReply(_ error: StanzaError) -> XMLElement {
        var reply = XMLElement(name, namespace: namespace, ["type": "error", "id": id, "to": self[attribute: "from"]])
        reply.append(error.element)
        return reply
    }

    /// The first payload child of an IQ (RFC 6120 §8.2.3: get and set carry exactly one).
    public var payload: XMLElement? { elements.first { $0.name != "error" } }
}
