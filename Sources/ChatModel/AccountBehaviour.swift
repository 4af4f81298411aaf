/// What an account does without being asked, as configured.
public struct AccountBehaviour: Sendable, Hashable {
    /// Answer delivery-receipt requests (XEP-0184).
    public var sendReceipts = true
    /// Tell contacts what we have read (XEP-0333 displayed markers).
    public var sendMarkers = true
    /// Tell contacts when we type (XEP-0085), to those who use chat states.
    public var sendChatStates = true
    /// How many messages a first login fetches from the archive (the newest ones).
    public var initialArchiveMessages = 500
    /// Archive page size.
    public var archivePageSize = 100
    /// Minutes without a key press before going away (0: never).
    public var autoAwayMinutes = 15
    /// What becomes of messages from someone not in the roster.
    public var strangers = StrangerMessages.requests
    /// Which messages notify, and which words highlight.
    public var notifications = NotificationRules()

    public init() {}
}

/// Messages from someone not in the roster (a stranger, or a spammer sending thousands).
public enum StrangerMessages: String, Sendable, Hashable, CaseIterable {
    /// A window each, as for contacts.
    case window
    /// Stored, and listed under Requests in the roster (with the number unread) instead of
    /// opening a window; opening one from there makes it a chat like any other.
    case requests
    /// Not stored at all (counted in the log).
    case drop
}

/// Tern's version, as XEP-0092 and the about text show it.
public enum TernVersion {
    public static let current = "0.5.0"
}
