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

    public init() {}
}

/// Tern's version, as XEP-0092 and the about text show it.
public enum TernVersion {
    public static let current = "0.5.0"
}
