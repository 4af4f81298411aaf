import ChatStore
import XMPPCore

/// Which message an action command (`/reply`, `/react`, `/retract`, `/moderate`) acts on: `N`, the
/// N-th message from the newest of the window's conversation (1 = the newest; messages, not lines
/// or notices), or `#ID`, the message's store id (what the message cursor names). Without one,
/// the command takes the newest message it applies to (`/retract` our newest, `/react` the newest
/// that is not ours).
public enum MessageReference: Sendable, Hashable {
    case fromNewest(Int)
    case id(Int64)

    /// Reads `3` or `#123`; nil for anything else.
    public init?(parsing text: String) {
        if text.hasPrefix("#"), let id = Int64(text.dropFirst()), id > 0 {
            self = .id(id)
        } else if text.allSatisfy(\.isASCII), let count = Int(text), count > 0 {
            self = .fromNewest(count)
        } else {
            return nil
        }
    }

    /// Splits a command's first word from the rest: a reference when it reads as one, else the
    /// start of the text (`/react 👍` has no reference; the words are joined by one space).
    public static func split(_ first: String?, _ rest: String?) -> (MessageReference?, String) {
        guard let first else { return (nil, rest ?? "") }
        if let reference = MessageReference(parsing: first) { return (reference, rest ?? "") }
        return (nil, [first, rest].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: " "))
    }

    /// How far back a command without a reference looks for a message it applies to.
    static let defaultReach = 200

    /// The message `reference` names in `conversation`, or (nil) the newest one that `applies`;
    /// the message must satisfy `applies` (`what` names such a message in errors, e.g. "message
    /// of yours"). A message of another conversation is never found.
    static func resolve(
        _ reference: MessageReference?, in conversation: JID, store: ChatStore, account: AccountID, what: String,
        applies: (StoredMessage) -> Bool
    ) throws(CommandError) -> StoredMessage {
        let found: StoredMessage?
        do {
            switch reference {
            case nil:
                found = try store.lastMessages(account: account, conversation: conversation, limit: defaultReach)
                    .last(where: applies)
                guard found != nil else { throw CommandError.failed("there is no recent \(what) here") }
            case .fromNewest(let count):
                let newest = try store.lastMessages(account: account, conversation: conversation, limit: count)
                guard newest.count == count else {
                    throw CommandError.failed("there are only \(newest.count) messages here")
                }
                found = newest.first
            case .id(let id):
                found = try store.message(id: id).flatMap { $0.conversation == conversation.description ? $0 : nil }
                guard found != nil else { throw CommandError.failed("there is no message #\(id) here") }
            }
        } catch let error as CommandError {
            throw error
        } catch {
            throw .failed("could not read the messages: \(error)")
        }
        guard let found, applies(found) else { throw .failed("that is not a \(what)") }
        return found
    }
}
