import XMPPCore

/// XEP-0085 chat states.
public enum ChatState: String, Sendable, Hashable, CaseIterable {
    case active, composing, paused, inactive, gone
}

/// A `<message/>` read into the fields a chat client uses (RFC 6121 §5 and the messaging XEPs).
public struct ChatMessage: Sendable, Hashable {
    public var from: JID?
    public var to: JID?
    /// `chat`, `normal`, `groupchat`, `headline` or `error` (absent means `normal`).
    public var type: String
    public var id: String?
    public var body: String?
    /// XEP-0359 origin-id.
    public var originID: String?
    /// XEP-0359 stanza-ids by the JID that assigned them (trust only the one of our own archive).
    public var stanzaIDs: [(id: String, by: String)]
    /// XEP-0203 delay stamp, UTC milliseconds.
    public var delay: Int64?
    /// XEP-0308: the id of the message this one corrects.
    public var replaces: String?
    /// XEP-0085.
    public var chatState: ChatState?
    /// XEP-0184: a receipt is requested / this is a receipt for the message with that id.
    public var requestsReceipt: Bool
    public var receiptFor: String?
    /// XEP-0333: the message may be marked; markers for earlier message ids.
    public var isMarkable: Bool
    public var displayedMarkerFor: String?
    public var receivedMarkerFor: String?
    /// For type `error`.
    public var error: StanzaError?
    public var thread: String?
    /// A room's subject (XEP-0045 §8.1); empty clears it.
    public var subject: String?
    /// XEP-0421: the room's stable id for the sender, believed only from a room that says in
    /// disco#info that it stamps them (the room replaces what the sender wrote).
    public var occupantID: String?
    /// XEP-0425: a room's announcement that a moderator removed a message (read only from a bare
    /// JID, the room itself; whoever reads it checks that it came from the room).
    public var moderation: ModeratedMessage?
    /// XEP-0424: the sender takes back an earlier message (the body is then only a fallback, and
    /// is left out).
    public var retraction: MessageRetraction?
    /// XEP-0444: the sender's reactions to an earlier message.
    public var reactions: MessageReactions?
    /// XEP-0461: the message this one answers (and the quote of it in the body, XEP-0428).
    public var reply: MessageReply?
    /// XEP-0066: the URL of a file the message shares, if it has an OOB element.
    public var outOfBandURL: String?
    /// XEP-0384: the message's `<encrypted/>` element (OMEMO 2's, else 0.3's), unread.
    public var encryptedElement: XMLElement?
    /// The end-to-end encryption the body was decrypted from (set by whoever decrypted it).
    public var encryption: String?

    public init(_ element: XMLElement) {
        from = element.from
        to = element.to
        type = element.type ?? "normal"
        id = element.id
        body = element.child("body")?.text
        originID = element.child("origin-id", namespace: Namespace.stanzaID)?[attribute: "id"]
        stanzaIDs = element.children("stanza-id", namespace: Namespace.stanzaID).compactMap { stanzaID in
            guard let id = stanzaID[attribute: "id"], let by = stanzaID[attribute: "by"] else { return nil }
            return (id, by)
        }
        delay = element.child("delay", namespace: Namespace.delay)?[attribute: "stamp"].flatMap(
            XMPPDateTime.milliseconds(from:))
        replaces = element.child("replace", namespace: Namespace.correction)?[attribute: "id"]
        chatState =
            element.elements.lazy.compactMap { child in
                child.namespace == Namespace.chatStates ? ChatState(rawValue: child.name) : nil
            }.first
        requestsReceipt = element.child("request", namespace: Namespace.receipts) != nil
        receiptFor = element.child("received", namespace: Namespace.receipts)?[attribute: "id"]
        isMarkable = element.child("markable", namespace: Namespace.chatMarkers) != nil
        displayedMarkerFor = element.child("displayed", namespace: Namespace.chatMarkers)?[attribute: "id"]
        receivedMarkerFor = element.child("received", namespace: Namespace.chatMarkers)?[attribute: "id"]
        error = type == "error" ? StanzaError(stanza: element) : nil
        thread = element.childText("thread")
        subject = element.child("subject").map { $0.text }
        occupantID = element.child("occupant-id", namespace: Namespace.occupantID)?[attribute: "id"]
        moderation = from.flatMap { $0.isBare ? ModeratedMessage(element, room: $0) : nil }
        retraction = MessageRetraction(element)
        reactions = MessageReactions(element)
        reply = MessageReply(element)
        if retraction != nil { body = nil }
        outOfBandURL = OutOfBandData.url(in: element)
        encryptedElement =
            element.child("encrypted", namespace: Namespace.omemo2)
            ?? element.child("encrypted", namespace: Namespace.omemoLegacy)
    }

    /// Every stanza-id that claims to come from `archive` (our own bare JID, or a room). Anyone
    /// can put one in a message: see `ArchiveManager.stanzaID(of:assignedBy:)` for the one to believe.
    public func stanzaIDs(claimingToBe archive: JID) -> [String] {
        stanzaIDs.filter { JID(parsing: $0.by) == archive.bare }.map(\.id)
    }

    /// `/me` (XEP-0245): the body starts with "/me ".
    public var isAction: Bool { body?.hasPrefix("/me ") == true }

    public static func == (lhs: ChatMessage, rhs: ChatMessage) -> Bool {
        lhs.from == rhs.from && lhs.to == rhs.to && lhs.type == rhs.type && lhs.id == rhs.id && lhs.body == rhs.body
            && lhs.originID == rhs.originID && lhs.stanzaIDs.map(\.id) == rhs.stanzaIDs.map(\.id)
            && lhs.stanzaIDs.map(\.by) == rhs.stanzaIDs.map(\.by) && lhs.delay == rhs.delay
            && lhs.replaces == rhs.replaces && lhs.chatState == rhs.chatState
            && lhs.requestsReceipt == rhs.requestsReceipt && lhs.receiptFor == rhs.receiptFor
            && lhs.isMarkable == rhs.isMarkable && lhs.displayedMarkerFor == rhs.displayedMarkerFor
            && lhs.receivedMarkerFor == rhs.receivedMarkerFor && lhs.error == rhs.error && lhs.thread == rhs.thread
            && lhs.subject == rhs.subject && lhs.occupantID == rhs.occupantID && lhs.moderation == rhs.moderation
            && lhs.retraction == rhs.retraction && lhs.reactions == rhs.reactions && lhs.reply == rhs.reply
            && lhs.outOfBandURL == rhs.outOfBandURL && lhs.encryptedElement == rhs.encryptedElement
            && lhs.encryption == rhs.encryption
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(from)
        hasher.combine(id)
        hasher.combine(body)
    }
}
