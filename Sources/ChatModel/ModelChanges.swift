/// Which parts of the screen a model change affects (the UI redraws only those).
public struct ModelChanges: OptionSet, Sendable, Hashable {
    public let rawValue: Int
    public init(rawValue: Int) { self.rawValue = rawValue }

    public static let roster = ModelChanges(rawValue: 1 << 0)
    /// The current window's content.
    public static let chat = ModelChanges(rawValue: 1 << 1)
    public static let log = ModelChanges(rawValue: 1 << 2)
    public static let status = ModelChanges(rawValue: 1 << 3)
    public static let title = ModelChanges(rawValue: 1 << 4)
    /// Settings that change the layout.
    public static let layout = ModelChanges(rawValue: 1 << 5)
    /// The occupants of the current window's room.
    public static let occupants = ModelChanges(rawValue: 1 << 6)
    public static let all: ModelChanges = [.roster, .chat, .log, .status, .title, .layout, .occupants]
}
