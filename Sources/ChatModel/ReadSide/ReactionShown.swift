/// One emoji that people reacted to a message with (XEP-0444), as the chat pane shows it.
public struct ReactionShown: Sendable, Hashable {
    /// One emoji, checked when it arrived (still network text: the view sanitises it).
    public var emoji: String
    /// How many reacted with it.
    public var count: Int
    /// We are one of them.
    public var ours: Bool

    public init(emoji: String, count: Int, ours: Bool) {
        self.emoji = emoji
        self.count = count
        self.ours = ours
    }
}
