/// A line of the log pane / console window.
public struct LogEntry: Sendable, Hashable {
    public enum Level: String, Sendable, Hashable, Comparable, CaseIterable {
        case debug, info, warning, error

        private var rank: Int {
            switch self {
            case .debug: 0
            case .info: 1
            case .warning: 2
            case .error: 3
            }
        }

        public static func < (lhs: Level, rhs: Level) -> Bool { lhs.rank < rhs.rank }
    }

    /// UTC milliseconds.
    public var time: Int64
    public var level: Level
    public var text: String
    /// How many times in a row this line was logged (shown once, with the count).
    public var repeats: Int

    public init(time: Int64, level: Level, text: String, repeats: Int = 1) {
        self.time = time
        self.level = level
        self.text = text
        self.repeats = repeats
    }
}
