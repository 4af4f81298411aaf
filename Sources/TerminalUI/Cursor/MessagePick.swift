import ChatModel

/// Which message `/copy` and `/details` act on, as the plan's message references write it: `N`,
/// the N-th message from the newest in the window (1: the newest; messages, not notices), or
/// `#ID`, a message's store id (what selection mode writes); none: the newest.
enum MessagePick: Equatable {
    case fromNewest(Int)
    case id(Int64)

    /// Nil when `text` is neither form.
    init?(_ text: String?) {
        guard let text else {
            self = .fromNewest(1)
            return
        }
        if text.hasPrefix("#"), let id = Int64(text.dropFirst()), id > 0 {
            self = .id(id)
        } else if let count = Int(text), count > 0 {
            self = .fromNewest(count)
        } else {
            return nil
        }
    }

    /// The message among those the window shows (an id from elsewhere finds nothing).
    func message(in window: ChatWindow) -> MessageRow? {
        let messages = window.visibleMessages
        switch self {
        case .id(let id):
            return messages.last { $0.id == id }
        case .fromNewest(let count):
            var remaining = count
            for message in messages.reversed() where MessageCursor.isChatMessage(message) {
                remaining -= 1
                if remaining == 0 { return message }
            }
            return nil
        }
    }
}
