import ChatStore

/// What the message cursor's `i` and `/details` show about one message: when, who, its ids on
/// the wire, how far it got and how it travelled. Text from the network, not yet sanitised.
public struct MessageDetails: Sendable, Hashable {
    public var id: Int64
    public var timestamp: Int64
    public var outgoing: Bool
    /// The sender as stored: a JID (a room's occupant JID or nick in rooms).
    public var sender: String
    /// Who it was compared as: the bare JID, or in rooms the occupant id the room vouches for.
    public var senderKey: String
    /// The `id` attribute of the stanza, its origin-id and the stanza-id a server gave it (XEP-0359).
    public var stanzaAttribute: String?
    public var originID: String?
    public var stanzaID: String?
    public var stanzaIDBy: String?
    public var state: MessageRow.State?
    public var error: String?
    public var isCorrected: Bool
    /// The end-to-end encryption it came with (nil: none).
    public var encryption: String?
    public var isRetracted: Bool

    init(_ message: StoredMessage) {
        id = message.id
        timestamp = message.timestamp
        outgoing = message.outgoing
        sender = message.sender
        senderKey = message.senderKey
        stanzaAttribute = message.idAttribute
        originID = message.originID
        stanzaID = message.stanzaID
        stanzaIDBy = message.stanzaIDBy
        state = message.state.map(MessageRow.State.init)
        error = message.error
        isCorrected = message.isCorrected
        encryption = message.encryption
        isRetracted = message.retraction != nil
    }
}

extension AppModel {
    /// The details of a message shown in the conversation `key` (nil when the store has no such
    /// message there: an id typed by hand may name one from another conversation).
    public func messageDetails(_ id: Int64, in key: ConversationKey) -> MessageDetails? {
        guard let account = account(of: key), let message = try? account.store.message(id: id),
            message.conversation == key.jid.description
        else { return nil }
        return MessageDetails(message)
    }

    /// The store id of our last message in a conversation that /correct can change.
    public func lastCorrectableID(in key: ConversationKey) -> Int64? {
        account(of: key)?.feature(CorrectionsFeature.self)?.lastSentMessage(to: key.jid)?.id
    }
}
