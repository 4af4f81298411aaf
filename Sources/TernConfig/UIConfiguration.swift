/// The `[ui]` table: how the terminal UI starts (`/set` changes these while it runs).
///
///     [ui]
///     theme = "dark256"
///     roster_width = 28
public struct UIConfiguration: Sendable, Hashable {
    /// Values as `/set` takes them, by `/set` key (`roster.width` = "28").
    public var settings: [String: String] = [:]
    public var theme: String?

    public init() {}

    /// config.toml key → /set key.
    static let keys: [String: String] = [
        "roster_visible": "roster.visible", "roster_width": "roster.width", "roster_grouping": "roster.grouping",
        "show_offline": "roster.offline", "log_visible": "log.visible", "log_height": "log.height",
        "time_format": "time.format", "emoji": "text.emoji", "newline_key": "input.newline",
        "clipboard_osc52": "clipboard.osc52",
    ]

    init(reader: ConfigReader) throws(ConfigError) {
        try reader.rejectUnknownKeys(allowed: Set(UIConfiguration.keys.keys).union(["theme"]))
        theme = try reader.string("theme")
        for (key, setting) in UIConfiguration.keys {
            guard let value = reader.table[key] else { continue }
            if let bool = value.bool {
                settings[setting] = bool ? "on" : "off"
            } else if let int = value.int {
                settings[setting] = String(int)
            } else if let string = value.string {
                settings[setting] = string
            } else {
                throw reader.error(key, "expected a string, a number or true/false")
            }
        }
    }
}
