/// A roster entry (RFC 6121 §2.1.2).
public struct RosterItem: Sendable, Hashable {
    public enum Subscription: String, Sendable, Hashable, CaseIterable {
        case none, to, from, both
    }

    public var jid: JID
    public var name: String?
    public var groups: [String]
    public var subscription: Subscription
    /// An outgoing subscription request is pending (`ask='subscribe'`).
    public var pendingOut: Bool
    /// Pre-approved subscription (RFC 6121 §3.4).
    public var approved: Bool

    public init(
        jid: JID,
        name: String? = nil,
        groups: [String] = [],
        subscription: Subscription = .none,
        pendingOut: Bool = false,
        approved: Bool = false
    ) {
        self.jid = jid
        self.name = name
        self.groups = groups
        self.subscription = subscription
        self.pendingOut = pendingOut
        self.approved = approved
    }
}
