import ChatStore
import XMPPCore

/// The message a reply answers (XEP-0461), as the chat pane shows it above the reply.
public struct ReplyQuote: Sendable, Hashable {
    /// Its sender as stored (a JID in a chat, a nick in a room), and whether it is ours.
    public var sender: String
    public var outgoing: Bool
    /// Its text (network text: the view sanitises it); nil when it is not stored, empty when
    /// it was retracted.
    public var text: String?

    public init(sender: String, outgoing: Bool, text: String?) {
        self.sender = sender
        self.outgoing = outgoing
        self.text = text
    }

    init?(_ message: StoredMessage) {
        guard message.reply != nil else { return nil }
        sender = message.quoted?.sender ?? ""
        outgoing = message.quoted?.outgoing ?? false
        text = message.quoted.map { Self.withoutQuotes($0.body) }
    }

    /// A reply's own text: its body without the quote that is fallback for clients without
    /// replies (XEP-0428).
    static func shownBody(of message: StoredMessage) -> String {
        guard let reply = message.reply, !reply.fallback.isEmpty else { return message.body }
        return message.body.removingCodePoints(in: reply.fallback)
    }

    /// `text` without the lines that quote something else (a reply's own fallback quote).
    static func withoutQuotes(_ text: String) -> String {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        let kept = lines.drop { $0.hasPrefix(">") }
        return kept.isEmpty ? text : kept.joined(separator: "\n")
    }
}
