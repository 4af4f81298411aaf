/// The `[chat]` table: what Tern does on its own.
///
///     [chat]
///     receipts = true          # answer delivery-receipt requests (XEP-0184)
///     markers = true           # tell contacts what you have read (XEP-0333)
///     chat_states = true       # tell contacts when you type (XEP-0085)
///     auto_away = 15           # minutes without a key press before "away" (0: never)
///     archive_initial = 500    # messages a first login fetches from the server's archive
///     strangers = "requests"   # messages from outside the roster: "requests", "window" or "drop"
public struct ChatConfiguration: Sendable, Hashable {
    /// What becomes of messages from someone not in the roster.
    public enum Strangers: String, Sendable, Hashable, CaseIterable {
        case requests, window, drop
    }

    public var receipts = true
    public var markers = true
    public var chatStates = true
    public var autoAwayMinutes = 15
    public var archiveInitial = 500
    public var strangers = Strangers.requests

    public init() {}

    init(reader: ConfigReader) throws(ConfigError) {
        try reader.rejectUnknownKeys(allowed: [
            "receipts", "markers", "chat_states", "auto_away", "archive_initial", "strangers",
        ])
        receipts = try reader.bool("receipts") ?? receipts
        markers = try reader.bool("markers") ?? markers
        chatStates = try reader.bool("chat_states") ?? chatStates
        autoAwayMinutes = try reader.int("auto_away", in: 0...1440) ?? autoAwayMinutes
        archiveInitial = try reader.int("archive_initial", in: 0...100_000) ?? archiveInitial
        strangers =
            try reader.choice("strangers", of: Strangers.allCases.map(\.rawValue)).flatMap(Strangers.init(rawValue:))
            ?? strangers
    }
}
