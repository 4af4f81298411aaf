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
                let message = try files.pick(context.argument("message"), in: context.model.currentWindow)
                try files.open(message.body, in: key.jid)
            },
            CommandSpec(
                "fileinfo", arguments: [ArgumentSpec("message", optional: true)],
                summary: "ask the server for a shared file's size (an HTTP HEAD request)"
            ) { context throws(CommandError) in
                let (key, account) = try chatWindow(context, "/fileinfo")
                let files = try account.required(FilesFeature.self)
                let message = try files.pick(context.argument("message"), in: context.model.currentWindow)
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

    /// The message `reference` names in `window` (`N`: the N-th from the newest, `#ID`: by store
    /// id); none: the newest with a file or link.
    func pick(_ reference: String?, in window: ChatWindow) throws(CommandError) -> MessageRow {
        let messages = window.messages
        guard let reference else {
            guard let newest = messages.last(where: { link(in: $0.body) != nil }) else {
                throw .failed("no message here has a file or link")
            }
            return newest
        }
        if reference.hasPrefix("#"), let id = Int64(reference.dropFirst()) {
            guard let found = messages.first(where: { $0.id == id }) else {
                throw .failed("no message \(reference) here")
            }
            return found
        }
        guard let number = Int(reference), number >= 1 else { throw .usage("MESSAGE is N or #ID") }
        guard number <= messages.count else { throw .failed("there are only \(messages.count) messages here") }
        return messages[messages.count - number]
    }

    /// The first http(s) URL in a text.
    func link(in text: String) -> String? {
        text.split(whereSeparator: \.isWhitespace).lazy.map(String.init).first { URLParts($0) != nil }
    }
}
