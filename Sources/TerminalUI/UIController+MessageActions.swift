import ChatModel
import SafeText

/// What the keys of selection mode do to the selected message. Actions with a protocol behind
/// them run their `/command` with the message's store id (`/reply #ID`, `/react #ID 👍`,
/// `/retract #ID`, `/moderate #ID`, `/open #ID`); copying and details need none.
extension UIController {
    func act(_ key: Character, on message: MessageRow) {
        switch key {
        case "r":
            leaveSelection()
            input.set("/reply #\(message.id) ")
        case "e":
            let recent = model.settings.recentReactions
            messageCursor?.overlay = .picker(ReactionPicker(recent: recent))
        case "x": remove(message)
        case "c": correct(message)
        case "y": messageCursor?.flash = copy(message)
        case "o":
            leaveSelection()
            runCommand("/open #\(message.id)")
        case "i": showDetails(of: message)
        default: break
        }
    }

    /// Runs an action's command line as if typed (it goes in the window's history too).
    func runCommand(_ line: String) {
        model.submit(line)
    }

    /// Sends the reaction and keeps it first among the recent ones.
    func react(_ emoji: String, to id: Int64) {
        runCommand("/react #\(id) \(emoji)")
        let recent = ReactionPicker.recent(after: emoji, model.settings.recentReactions)
        _ = model.changeSetting("reactions.recent", to: recent.joined(separator: ","))
    }

    /// `x`: our message is retracted (after a yes), another's in a room removed by us as its
    /// moderator (after asking why).
    private func remove(_ message: MessageRow) {
        guard let key = model.currentWindow.conversation else { return }
        if message.outgoing {
            leaveSelection()
            ask(.message(.retract(message.id)))
        } else if model.room(key) != nil {
            guard model.occupants(of: key).first(where: \.isSelf)?.role == .moderator else {
                messageCursor?.flash = "only the room's moderators can remove others' messages"
                return
            }
            leaveSelection()
            ask(.message(.moderationReason(message.id)))
        } else {
            messageCursor?.flash = "you can retract only your own messages"
        }
    }

    func answerMessageQuestion(_ question: MessageQuestion, _ text: String) {
        if let line = question.command(answer: text) { runCommand(line) }
    }

    /// `c`: our last message here goes on the input line as a /correct.
    private func correct(_ message: MessageRow) {
        guard let key = model.currentWindow.conversation, message.outgoing,
            model.lastCorrectableID(in: key) == message.id
        else {
            messageCursor?.flash = "only your last message here can be corrected"
            return
        }
        leaveSelection()
        input.set("/correct " + message.body)
    }

    /// Hands the message's text (or its URL) to the terminal for the clipboard; what to say.
    func copy(_ message: MessageRow) -> String {
        guard message.retraction == nil else { return "nothing to copy: the message was retracted" }
        guard model.settings.clipboardOSC52 else { return "copying needs OSC 52: /set clipboard.osc52 on" }
        pendingClipboard = Clipboard.payload(for: MessageCursor.copiedText(of: message))
        return "copied"
    }

    /// The clipboard text the last copy asked for (base64), once: the terminal writes it.
    public func takeClipboard() -> String? {
        defer { pendingClipboard = nil }
        return pendingClipboard
    }

    private func showDetails(of message: MessageRow) {
        guard let key = model.currentWindow.conversation, let details = model.messageDetails(message.id, in: key)
        else { return }
        messageCursor?.overlay = .details(details.lines())
    }

    // MARK: Drawing

    /// The picker or the details, over the bottom of the chat pane, or over its top when the
    /// selected message is drawn there.
    func renderCursorOverlay(canvas: some Canvas, rect: Rect) {
        guard let selected = selectedMessageID, let overlay = messageCursor?.overlay else { return }
        let lines: [String]
        switch overlay {
        case .picker: lines = [""]
        case .details(let details):
            lines = ["─── details (any key closes) " + String(repeating: "─", count: rect.width)] + details
        }
        let height = min(lines.count, rect.height)
        let shown = chatView.visibleLines(model.currentWindow, model: model, width: rect.width, height: rect.height)
        let top = rect.height - shown.count
        let selectedBelow = shown.indices.contains {
            shown[$0].messageID == selected && top + $0 >= rect.height - height
        }
        let first = rect.row + (selectedBelow ? 0 : rect.height - height)
        switch overlay {
        case .picker(let picker):
            picker.render(canvas: canvas, row: first, column: rect.column, width: rect.width, theme: theme)
        case .details:
            for (offset, line) in lines.prefix(height).enumerated() {
                canvas.drawLine(
                    line, row: first + offset, column: rect.column, width: rect.width,
                    style: theme.style(offset == 0 ? "chat.day" : "chat.notice"))
            }
        }
    }
}

// MARK: /copy and /details

extension UIController {
    /// `/copy` and `/details`: the `y` and `i` keys for a message picked by number or id.
    static func messageCommands(
        copy: @escaping (CommandContext) throws(CommandError) -> Void,
        details: @escaping (CommandContext) throws(CommandError) -> Void
    ) -> [CommandSpec] {
        let reference = ArgumentSpec("message", optional: true)
        return [
            CommandSpec(
                "copy", arguments: [reference],
                summary: "copy a message's text, or its URL, to the clipboard (OSC 52)",
                help: "MESSAGE: N, the N-th from the newest (1: the newest, the default), or #ID", handler: copy),
            CommandSpec(
                "details", arguments: [reference],
                summary: "show a message's date and time, ids, sender, delivery state and encryption",
                help: "MESSAGE: N, the N-th from the newest (1: the newest, the default), or #ID", handler: details),
        ]
    }

    var copyCommand: (CommandContext) throws(CommandError) -> Void {
        { [unowned self] context throws(CommandError) in
            model.addNotice(copy(try pickedMessage(context)))
        }
    }

    var detailsCommand: (CommandContext) throws(CommandError) -> Void {
        { [unowned self] context throws(CommandError) in
            let message = try pickedMessage(context)
            guard let key = model.currentWindow.conversation, let details = model.messageDetails(message.id, in: key)
            else { throw .failed("no such message here") }
            model.addNotice(details.lines().joined(separator: "\n"))
        }
    }

    private func pickedMessage(_ context: CommandContext) throws(CommandError) -> MessageRow {
        let window = model.currentWindow
        guard window.conversation != nil else { throw .failed("this works in a chat window") }
        guard let pick = MessagePick(context.argument("message")) else {
            throw .usage("a message is N (1: the newest) or #ID")
        }
        guard let message = pick.message(in: window) else { throw .failed("no such message here") }
        return message
    }
}
