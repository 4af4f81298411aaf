import XMPPCore

/// A conversation of one account: what windows, unread counts, notifications and roster rows are
/// keyed by. The same contact on two accounts is two conversations.
public struct ConversationKey: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// The account's name (its table in config.toml).
    public let account: String
    /// The peer's bare JID, a room's, or an occupant's full JID (a private chat through a room,
    /// never merged with a one-to-one chat).
    public let jid: JID

    public init(account: String, jid: JID) {
        self.account = account
        self.jid = jid
    }

    /// The peer's address as text.
    public var address: String { jid.description }

    public var description: String { "\(account):\(jid)" }

    public static func < (lhs: ConversationKey, rhs: ConversationKey) -> Bool {
        (lhs.account, lhs.jid.description) < (rhs.account, rhs.jid.description)
    }
}
