import ChatStore
import Foundation
import XMPPCore
import XMPPExtensions

/// `/upload`, `/open` and `/fileinfo`.
extension FilesFeature {
    public static var commands: [CommandSpec] {
        [
            CommandSpec(
                "upload", arguments: [ArgumentSpec("path", rest: true, completion: .path)],
                summary: "send a file (HTTP upload); /upload cancel stops this window's transfer",
                help: "The file goes to the server's upload service (XEP-0363), then its URL to this chat.\n"
                    + "Progress shows in the status line. An upload survives a restart: it resumes, or\n"
                    + "this window says that it failed."
            ) { context throws(CommandError) in
                let (key, account) = try chatWindow(context, "/upload")
                let files = try account.required(FilesFeature.self)
                if context.required("path") == "cancel" {
                    guard files.cancelTransfer(in: key.jid) else { throw .failed("no transfer runs in this window") }
                    return
                }
                try files.upload(context.required("path"), to: key.jid)
            },
            CommandSpec(
                "open", arguments: [ArgumentSpec("message", optional: true)],
                summary: "download a file message (or open a link) and run the opener on it",
                help: "MESSAGE is N (the N-th message from the newest) or #ID; default: the newest file or link.\n"
                    + "Files go to the download directory under a safe name, never over an existing file."
            ) { context throws(CommandError) in
                let (key, account) = try chatWindow(context, "/open")
                let files = try account.required(FilesFeature.self)
                let message = try files.pick(context.argument("message"), in: key.jid)
                try files.open(message.body, in: key.jid)
            },
            CommandSpec(
                "fileinfo", arguments: [ArgumentSpec("message", optional: true)],
                summary: "ask the server for a shared file's size (an HTTP HEAD request)"
            ) { context throws(CommandError) in
                let (key, account) = try chatWindow(context, "/fileinfo")
                let files = try account.required(FilesFeature.self)
                let message = try files.pick(context.argument("message"), in: key.jid)
                try files.askSize(of: message.body, in: key.jid)
            },
        ]
    }

    private static func chatWindow(_ context: CommandContext, _ command: String) throws(CommandError) -> (
        ConversationKey, AccountController
    ) {
        guard let key = context.model.currentWindow.conversation, let account = context.model.account(of: key) else {
            throw .failed("\(command) works in a chat window")
        }
        return (key, account)
    }

    /// The message `reference` names in `conversation` (`N`: the N-th from the newest, `#ID`: by
    /// store id; see `MessageReference`); none: the newest with a file or link.
    func pick(_ reference: String?, in conversation: JID) throws(CommandError) -> StoredMessage {
        var parsed: MessageReference?
        if let reference {
            guard let reading = MessageReference(parsing: reference) else { throw .usage("MESSAGE is N or #ID") }
            parsed = reading
        }
        return try MessageReference.resolve(
            parsed, in: conversation, store: account.store, account: account.accountID,
            what: "message with a file or link"
        ) { link(in: $0.body) != nil || AESGCMURL.looksLikeOne($0.body) }
    }

    /// The first http(s) URL in a text.
    func link(in text: String) -> String? {
        text.split(whereSeparator: \.isWhitespace).lazy.map(String.init).first { URLParts($0) != nil }
    }
}
