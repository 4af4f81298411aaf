/// The small picker `e` opens: recent reactions first, then common ones, chosen with the arrows
/// and Enter or with their number.
struct ReactionPicker: Hashable {
    static let common = ["👍", "❤", "😂", "😮", "😢", "🎉", "✅"]
    /// How many recent reactions are kept (in the `reactions.recent` setting).
    static let recentLimit = 5

    let choices: [String]
    var selected = 0

    /// The recent reactions (newest first), then the common ones not among them: at most nine,
    /// so that each has a digit.
    init(recent: [String]) {
        var choices: [String] = []
        for emoji in recent.prefix(ReactionPicker.recentLimit) + ReactionPicker.common where !choices.contains(emoji) {
            choices.append(emoji)
        }
        self.choices = Array(choices.prefix(9))
    }

    /// What a key does: moves the selection (nil), or picks a reaction.
    enum Outcome: Equatable {
        case moved
        case picked(String)
        case closed
        case ignored
    }

    mutating func handle(_ event: KeyEvent) -> Outcome {
        switch event {
        case .key(.left), .key(.up), .character("h"), .character("k"):
            selected = (selected - 1 + choices.count) % choices.count
        case .key(.right), .key(.down), .key(.tab), .character("l"), .character("j"):
            selected = (selected + 1) % choices.count
        case .key(.enter), .character(" "): return .picked(choices[selected])
        case .character(let digit) where digit.wholeNumberValue.map { (1...choices.count).contains($0) } == true:
            return .picked(choices[digit.wholeNumberValue! - 1])
        case .key(.escape): return .closed
        default: return .ignored
        }
        return .moved
    }

    /// The recent list after `emoji` was used: it first, the rest after it.
    static func recent(after emoji: String, _ recent: [String]) -> [String] {
        Array(([emoji] + recent.filter { $0 != emoji }).prefix(recentLimit))
    }

    /// Draws the choices on one row, `n emoji` each, the selected one in `selectedStyle`; wide
    /// emoji advance by what the canvas drew.
    func render(canvas: some Canvas, row: Int, column: Int, width: Int, theme: Theme) {
        var used = canvas.draw(
            "react: ", row: row, column: column, width: width, style: theme.style("input.prompt"))
        for (index, emoji) in choices.enumerated() {
            let style = theme.style(index == selected ? "chat.selected" : "chat.text")
            used += canvas.draw(
                " \(index + 1) \(emoji) ", row: row, column: column + used, width: width - used, style: style)
        }
        used += canvas.draw(
            " ←→ Enter, 1-\(choices.count), Esc", row: row, column: column + used, width: width - used,
            style: theme.style("chat.notice"))
        if used < width { canvas.fill(row: row, column: column + used, width: width - used, style: .plain) }
    }
}
