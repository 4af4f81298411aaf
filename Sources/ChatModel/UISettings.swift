/// What the user can change with /set (and in config.toml's [ui] table).
public struct UISettings: Sendable, Hashable {
    public enum RosterGrouping: String, Sendable, CaseIterable {
        case group, flat, presence
    }

    public var rosterVisible = true
    public var rosterWidth = 24
    public var rosterGrouping = RosterGrouping.group
    public var showOffline = true
    public var logVisible = true
    public var logHeight = 5
    /// `HH:MM` and friends: `%H`, `%M`, `%S`, `%d`, `%m`, `%Y`.
    public var timeFormat = "%H:%M"
    public var theme = "default"

    public init() {}

    /// Keys for /set, with a description of the values they take.
    public static let keys: [(key: String, values: String)] = [
        ("roster.visible", "on|off"),
        ("roster.width", "10-80"),
        ("roster.grouping", "group|flat|presence"),
        ("roster.offline", "show|hide"),
        ("log.visible", "on|off"),
        ("log.height", "1-30"),
        ("time.format", "a format such as %H:%M"),
    ]

    /// Applies `key = value`; returns a message saying what is wrong otherwise.
    public mutating func set(_ key: String, _ value: String) -> String? {
        func flag(_ value: String) -> Bool? {
            switch value.lowercased() {
            case "on", "yes", "true", "show", "1": true
            case "off", "no", "false", "hide", "0": false
            default: nil
            }
        }
        switch key {
        case "roster.visible":
            guard let value = flag(value) else { return "roster.visible takes on or off" }
            rosterVisible = value
        case "roster.width":
            guard let width = Int(value), (10...80).contains(width) else { return "roster.width takes 10 to 80" }
            rosterWidth = width
        case "roster.grouping":
            guard let grouping = RosterGrouping(rawValue: value) else {
                return "roster.grouping takes group, flat or presence"
            }
            rosterGrouping = grouping
        case "roster.offline":
            guard let value = flag(value) else { return "roster.offline takes show or hide" }
            showOffline = value
        case "log.visible":
            guard let value = flag(value) else { return "log.visible takes on or off" }
            logVisible = value
        case "log.height":
            guard let height = Int(value), (1...30).contains(height) else { return "log.height takes 1 to 30" }
            logHeight = height
        case "time.format":
            guard !value.isEmpty else { return "time.format needs a format" }
            timeFormat = value
        default:
            return "unknown setting \(key) (known: \(UISettings.keys.map(\.key).joined(separator: ", ")))"
        }
        return nil
    }

    public func value(of key: String) -> String? {
        switch key {
        case "roster.visible": rosterVisible ? "on" : "off"
        case "roster.width": String(rosterWidth)
        case "roster.grouping": rosterGrouping.rawValue
        case "roster.offline": showOffline ? "show" : "hide"
        case "log.visible": logVisible ? "on" : "off"
        case "log.height": String(logHeight)
        case "time.format": timeFormat
        default: nil
        }
    }
}
