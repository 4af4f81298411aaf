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
    /// How emoji sequences are drawn (see `EmojiStyle`).
    public var emoji = EmojiStyle.simple
    /// A key that types a newline in the input line (Alt-Enter always does).
    public var newlineKey = NewlineKey.none
    /// Room windows show occupants entering, leaving and changing nick...
    public var showJoinLeave = true
    /// ...in rooms of at most this many occupants.
    public var joinLeaveLimit = 50
    /// The occupants pane beside a room window.
    public var occupantsVisible = true
    public var occupantsWidth = 20
    /// `y` and /copy put text on the clipboard through the terminal (OSC 52).
    public var clipboardOSC52 = true
    /// The reactions used last, newest first (the reaction picker shows them first).
    public var recentReactions: [String] = []

    /// How emoji sequences are sent to the terminal. Terminals disagree on the width of some (tmux
    /// 3.3 draws a ZWJ family in 2 columns, xterm in 6; kitty draws a skin-tone emoji in 2, xterm,
    /// VTE and tmux in 4), while ncurses lays out each code point at its own width; Tern sends only
    /// what every terminal draws at the width ncurses expects.
    public enum EmojiStyle: String, Sendable, CaseIterable {
        /// ZWJ sequences as their parts, without skin-tone modifiers and presentation selectors:
        /// the same width in every terminal.
        case simple
        /// ZWJ sequences as their parts, modifiers and selectors kept: right in terminals that
        /// draw each code point at its own width (xterm, VTE, tmux); kitty misdraws them.
        case full
    }

    /// Keys that can type a newline besides Alt-Enter (for terminals whose Alt is taken).
    public enum NewlineKey: String, Sendable, CaseIterable {
        case none
        case ctrlJ = "ctrl-j"
        case ctrlO = "ctrl-o"
        case ctrlT = "ctrl-t"
    }

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
        ("text.emoji", "simple|full"),
        ("input.newline", "none|ctrl-j|ctrl-o|ctrl-t"),
        ("rooms.joinleave", "on|off"),
        ("rooms.joinleave.limit", "0-100000 occupants"),
        ("occupants.visible", "on|off"),
        ("occupants.width", "10-60"),
        ("clipboard.osc52", "on|off"),
        ("reactions.recent", "emoji separated by commas"),
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
        case "text.emoji":
            guard let style = EmojiStyle(rawValue: value) else { return "text.emoji takes simple or full" }
            emoji = style
        case "input.newline":
            guard let key = NewlineKey(rawValue: value.lowercased()) else {
                return "input.newline takes none, ctrl-j, ctrl-o or ctrl-t"
            }
            newlineKey = key
        case "rooms.joinleave":
            guard let value = flag(value) else { return "rooms.joinleave takes on or off" }
            showJoinLeave = value
        case "rooms.joinleave.limit":
            guard let limit = Int(value), (0...100_000).contains(limit) else {
                return "rooms.joinleave.limit takes 0 to 100000"
            }
            joinLeaveLimit = limit
        case "occupants.visible":
            guard let value = flag(value) else { return "occupants.visible takes on or off" }
            occupantsVisible = value
        case "occupants.width":
            guard let width = Int(value), (10...60).contains(width) else { return "occupants.width takes 10 to 60" }
            occupantsWidth = width
        case "clipboard.osc52":
            guard let value = flag(value) else { return "clipboard.osc52 takes on or off" }
            clipboardOSC52 = value
        case "reactions.recent":
            // Each one short: a reaction is an emoji or two.
            recentReactions = Array(
                value.split(separator: ",").map { String($0.filter { !$0.isWhitespace }) }.filter {
                    !$0.isEmpty && $0.count <= 4
                }.prefix(9))
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
        case "text.emoji": emoji.rawValue
        case "input.newline": newlineKey.rawValue
        case "rooms.joinleave": showJoinLeave ? "on" : "off"
        case "rooms.joinleave.limit": String(joinLeaveLimit)
        case "occupants.visible": occupantsVisible ? "on" : "off"
        case "occupants.width": String(occupantsWidth)
        case "clipboard.osc52": clipboardOSC52 ? "on" : "off"
        case "reactions.recent": recentReactions.joined(separator: ",")
        default: nil
        }
    }
}
