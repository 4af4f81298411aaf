import ChatModel
import SafeText

/// The reactions to a message (XEP-0444): one line under it, `👍 2  ❤ 1`, most used first, the
/// ones we reacted with in `chat.reaction.own` (bold), the others in `chat.reaction`. What does
/// not fit the pane's width is summed up as `+N`.
extension ChatView {
    func reactionLines(_ message: MessageRow, indent: Int, width: Int) -> [Line] {
        guard !message.reactions.isEmpty, width > indent + 4 else { return [] }
        var segments: [(text: String, element: String)] = [(String(repeating: " ", count: indent), "chat.text")]
        var used = indent
        for (index, reaction) in message.reactions.enumerated() {
            let emoji = TerminalSafe.sanitize(reaction.emoji)
            let text = (index == 0 ? "" : "  ") + emoji + " \(reaction.count)"
            let rest = message.reactions.count - index - 1
            let reserve = rest > 0 ? TextWidth.of("  +\(rest)") : 0
            guard used + TextWidth.of(text) + reserve <= width else {
                segments.append(((index == 0 ? "" : "  ") + "+\(rest + 1)", "chat.reaction"))
                break
            }
            segments.append((text, reaction.ours ? "chat.reaction.own" : "chat.reaction"))
            used += TextWidth.of(text)
        }
        return [Line(segments: segments, messageID: message.id)]
    }
}
