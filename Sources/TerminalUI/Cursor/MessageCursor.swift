import ChatModel
import Foundation

/// The message selected in the chat pane (selection mode), and what is open over it: the
/// reaction picker or the message's details. It names the message by store id, so loading older
/// history or new messages arriving never move it to another message.
struct MessageCursor: Hashable {
    /// The window it selects in: switching windows leaves selection mode.
    var window: ObjectIdentifier
    var messageID: Int64
    var overlay: Overlay?
    /// A short answer to the last key ("copied"), shown in place of the keys until the next one.
    var flash: String?

    enum Overlay: Hashable {
        case picker(ReactionPicker)
        /// Lines already sanitised.
        case details([String])
    }

    /// What the input line shows in selection mode: the keys.
    static let hint =
        "message: ↑↓ PgUp PgDn move, r reply, e react, x retract/remove, c correct, y copy, o open, i details, Esc back"

    /// The position of the message `steps` messages away from the entry at `index` (negative:
    /// older), skipping separators and notices; nil when there is none that far.
    static func step(from index: Int, by steps: Int, in entries: [ChatView.Entry]) -> Int? {
        var position = index
        var remaining = abs(steps)
        let direction = steps < 0 ? -1 : 1
        while remaining > 0 {
            position += direction
            guard entries.indices.contains(position) else { return nil }
            if case .message(let message) = entries[position], isChatMessage(message) { remaining -= 1 }
        }
        return position
    }

    /// Messages people sent (a room speaking for itself is a notice, not a message).
    static func isChatMessage(_ message: MessageRow) -> Bool {
        !(message.isGroupchat && message.sender.isEmpty)
    }

    /// The text `y` copies: the URL alone when the message is one, else the text.
    static func copiedText(of message: MessageRow) -> String {
        let trimmed = message.body.trimmingCharacters(in: .whitespacesAndNewlines)
        let isURL =
            !trimmed.contains(where: \.isWhitespace)
            && ["http://", "https://", "xmpp:", "geo:", "aesgcm://"].contains { trimmed.lowercased().hasPrefix($0) }
        return isURL ? trimmed : message.body
    }
}
