import ChatStore
import XMPPCore

/// `/retract`, `/react`, `/reply` and `/moderate`: each acts on a message of the current window, named by a
/// `MessageReference` (`N` from the newest, `#ID`), else on the newest one it applies to.
extension MessageActionsFeature {
    /// The current window's conversation, its account's feature, and the message `reference`
    /// names there (else the newest that `applies`).
    static func target(
        _ context: CommandContext, _ reference: MessageReference?, command: String, what: String,
        applies: (StoredMessage) -> Bool
    ) throws(CommandError) -> (MessageActionsFeature, StoredMessage, JID) {
        let model = context.model
        guard let key = model.currentWindow.conversation, let account = model.account(of: key) else {
            throw .failed("/\(command) works in a chat window")
        }
        let feature = try account.required(MessageActionsFeature.self)
        let message = try MessageReference.resolve(
            reference, in: key.jid, store: account.store, account: account.accountID, what: what, applies: applies)
        return (feature, message, key.jid)
    }

    static let referenceHelp =
        "REF is N, the N-th message from the newest (1 = the newest), or #ID, a message's id;"

    public static var commands: [CommandSpec] {
        [
            CommandSpec(
                "retract", arguments: [ArgumentSpec("ref", optional: true)],
                summary: "take back a message of yours, here and for the others (XEP-0424)",
                help: referenceHelp + " without one, your newest message."
            ) { context throws(CommandError) in
                let reference = try context.argument("ref").map { text throws(CommandError) in
                    guard let reference = MessageReference(parsing: text) else {
                        throw .usage("\"\(text)\" is not a message reference")
                    }
                    return reference
                }
                let (feature, message, conversation) = try target(
                    context, reference, command: "retract", what: "message of yours"
                ) { $0.outgoing && $0.retraction == nil }
                try feature.retract(message, in: conversation)
            },
            CommandSpec(
                "react",
                arguments: [ArgumentSpec("ref", optional: true), ArgumentSpec("emoji", optional: true, rest: true)],
                summary: "react to a message with an emoji; the same emoji again takes it back (XEP-0444)",
                help: referenceHelp + " without one, the newest message that is not yours."
            ) { context throws(CommandError) in
                let (reference, emoji) = MessageReference.split(context.argument("ref"), context.argument("emoji"))
                guard !emoji.isEmpty else { throw .usage("which emoji?") }
                let (feature, message, conversation) = try target(
                    context, reference, command: "react", what: "message from someone else"
                ) { $0.retraction == nil && (reference != nil || !$0.outgoing) }
                try feature.toggle(emoji, on: message, in: conversation)
            },
            CommandSpec(
                "reply",
                arguments: [ArgumentSpec("ref", optional: true), ArgumentSpec("text", optional: true, rest: true)],
                summary: "answer a message, quoting it (XEP-0461)",
                help: referenceHelp + " without one, the newest message that is not yours."
            ) { context throws(CommandError) in
                let (reference, text) = MessageReference.split(context.argument("ref"), context.argument("text"))
                guard !text.isEmpty else { throw .usage("what is your reply?") }
                let (feature, message, conversation) = try target(
                    context, reference, command: "reply", what: "message from someone else"
                ) { $0.retraction == nil && (reference != nil || !$0.outgoing) }
                try feature.reply(text, to: message, in: conversation)
            },
            CommandSpec(
                "moderate",
                arguments: [ArgumentSpec("ref", optional: true), ArgumentSpec("reason", optional: true, rest: true)],
                summary: "as a room's moderator, have the room remove a message (XEP-0425)",
                help: referenceHelp + " without one, the newest message that is not yours."
            ) { context throws(CommandError) in
                let (reference, reason) = MessageReference.split(context.argument("ref"), context.argument("reason"))
                let (feature, message, conversation) = try target(
                    context, reference, command: "moderate", what: "message from someone else"
                ) { $0.retraction == nil && (reference != nil || !$0.outgoing) }
                try feature.moderate(message, in: conversation, reason: reason.isEmpty ? nil : reason)
            },
        ]
    }
}
