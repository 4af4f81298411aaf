/// A question the message cursor asks on the input line before acting on a message.
public enum MessageQuestion: Sendable, Hashable {
    /// Whether to take our message back (`/retract`).
    case retract(Int64)
    /// Why a moderator removes someone's message in a room (`/moderate`; the reason may be empty).
    case moderationReason(Int64)

    var label: String {
        switch self {
        case .retract: "Retract this message for everyone? (y/n) "
        case .moderationReason: "Remove this message for everyone (reason, Enter for none): "
        }
    }

    /// The command line the answer makes; nil when it says no.
    func command(answer: String) -> String? {
        switch self {
        case .retract(let id): answer.lowercased().hasPrefix("y") ? "/retract #\(id)" : nil
        case .moderationReason(let id): "/moderate #\(id)" + (answer.isEmpty ? "" : " " + answer)
        }
    }
}
