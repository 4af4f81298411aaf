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

/// The message a reply answers (XEP-0461): one line above it, `↳ nick: first words…`, in
/// `chat.notice`; `↳ (earlier message)` when it is not stored, `↳ nick: (retracted)` when its
/// text was taken back.
extension ChatView {
    func replyLines(_ message: MessageRow, model: AppModel, indent: Int, width: Int) -> [Line] {
        guard let quote = message.replyQuote, width > indent + 4 else { return [] }
        var text = "↳ (earlier message)"
        if let quoted = quote.text {
            var shown = message
            shown.sender = quote.sender
            shown.outgoing = quote.outgoing
            let name = TerminalSafe.sanitize(nickname(shown, model: model))
            let first = quoted.split(separator: "\n").first.map { TerminalSafe.sanitize(String($0)) }
            text = "↳ \(name): " + (first ?? "(retracted)")
        }
        return [
            Line(
                segments: [
                    (String(repeating: " ", count: indent), "chat.text"),
                    (TextWidth.truncate(text, to: width - indent), "chat.notice"),
                ], messageID: message.id)
        ]
    }
}
