import ChatModel
import SafeText

/// The log pane (and the console window): connection events, errors, requests, with their time.
public struct LogView {
    public init() {}

    public func render(_ entries: [LogEntry], model: AppModel, theme: Theme, canvas: some Canvas, rect: Rect) {
        var lines: [[(String, String)]] = []
        for entry in entries.reversed() {
            let time = TimeFormat.format(entry.time, pattern: model.settings.timeFormat) + " "
            let text =
                TerminalSafe.sanitize(entry.text, keepNewlines: true)
                + (entry.repeats > 1 ? " (×\(entry.repeats))" : "")
            let pieces = TextWrapping.wrap(
                text, firstWidth: max(1, rect.width - TextWidth.of(time)),
                width: max(1, rect.width - TextWidth.of(time)))
            var entryLines: [[(String, String)]] = []
            for (index, piece) in pieces.enumerated() {
                let lead = index == 0 ? time : String(repeating: " ", count: TextWidth.of(time))
                entryLines.append([(lead, "log.time"), (String(piece), "log." + entry.level.rawValue)])
            }
            lines.insert(contentsOf: entryLines, at: 0)
            if lines.count >= rect.height { break }
        }
        lines = Array(lines.suffix(rect.height))
        let top = rect.height - lines.count
        for row in 0..<rect.height {
            let target = rect.row + row
            guard row >= top else {
                canvas.fill(row: target, column: rect.column, width: rect.width, style: .plain)
                continue
            }
            var column = 0
            for (text, element) in lines[row - top] {
                column += canvas.draw(
                    text, row: target, column: rect.column + column, width: rect.width - column,
                    style: theme.style(element))
            }
            canvas.fill(row: target, column: rect.column + column, width: rect.width - column, style: .plain)
        }
    }
}

/// The status bar: time, each account's connection, own presence, the window shown, the windows
/// with activity and whether the view is scrolled back (these two always in sight).
public struct StatusBar {
    public init() {}

    public func render(model: AppModel, theme: Theme, canvas: some Canvas, rect: Rect, now: Int64) {
        let bar = theme.style("statusbar.bar")
        let lead = leadParts(model: model, theme: theme, bar: bar, now: now)
        let tail = tailParts(model: model, theme: theme, bar: bar)
        // The windows with activity and "more below" stay in sight: what comes before them is cut.
        let room = rect.width - tail.reduce(0) { $0 + TextWidth.of($1.text) }
        let cut = lead.reduce(0) { $0 + TextWidth.of($1.text) } > room
        var column = 0
        for (text, style) in lead {
            column += canvas.draw(
                text, row: rect.row, column: rect.column + column, width: (cut ? room - 2 : room) - column,
                style: style)
        }
        for (text, style) in (cut ? [("… ", bar)] : []) + tail {
            column += canvas.draw(
                text, row: rect.row, column: rect.column + column, width: rect.width - column, style: style)
        }
        canvas.fill(row: rect.row, column: rect.column + column, width: rect.width - column, style: bar)
    }

    /// The time, each account's connection and presence, and the window shown.
    private func leadParts(model: AppModel, theme: Theme, bar: Style, now: Int64) -> [(text: String, style: Style)] {
        var parts: [(String, Style)] = [("[" + TimeFormat.format(now, pattern: "%H:%M") + "] ", bar)]
        let several = model.hasSeveralAccounts
        for account in model.accountRows {
            let element: String
            switch account.status {
            case .online: element = "statusbar.online"
            case .connecting, .reconnecting: element = "statusbar.connecting"
            case .offline, .failed: element = "statusbar.offline"
            }
            let state: String
            if case .failed = account.status {
                state = "offline (failed)"
            } else {
                state = account.status.summary(now: now)
            }
            // One account: its address; several: their names, compactly.
            parts.append(("[" + TerminalSafe.sanitize(several ? account.name : account.address) + ": ", bar))
            parts.append((state, theme.style(element).on(bar)))
            if account.status == .online, account.presence != .online || account.statusMessage?.isEmpty == false {
                var presence = account.presence.rawValue
                if let status = account.statusMessage, !status.isEmpty, !several {
                    presence += ": " + TerminalSafe.sanitize(status)
                }
                parts.append((several ? " " + presence : "] [" + presence, bar))
            }
            parts.append(("] ", bar))
        }
        let current = model.currentWindow
        parts.append(("[\(model.currentIndex + 1):\(TerminalSafe.sanitize(windowName(current, model: model)))] ", bar))
        return parts
    }

    /// The other windows with activity, and whether the window shown is scrolled back.
    private func tailParts(model: AppModel, theme: Theme, bar: Style) -> [(text: String, style: Style)] {
        var parts: [(String, Style)] = []
        let active = model.windows.indices.filter { model.windows[$0].activity != .none && $0 != model.currentIndex }
        if !active.isEmpty {
            parts.append(("[Act: ", bar))
            for (position, index) in active.enumerated() {
                let element = model.windows[index].activity == .highlight ? "statusbar.highlight" : "statusbar.activity"
                parts.append((String(index + 1), theme.style(element).on(bar)))
                if position + 1 < active.count { parts.append((",", bar)) }
            }
            parts.append(("] ", bar))
        }
        if let key = model.currentWindow.conversation {
            for transfer in model.transfers(in: key) { parts.append((TransferBar.text(transfer) + " ", bar)) }
        }
        if model.currentWindow.scrollAnchor != nil {
            let count = model.currentWindow.newBelow
            parts.append(
                (
                    (count > 0 ? "[more below: \(count) new] " : "[more below] "),
                    theme.style("statusbar.highlight").on(bar)
                ))
        }
        return parts
    }

    /// A window's name: the contact's, with its account when there are several (`Romeo (home)`).
    func windowName(_ window: ChatWindow, model: AppModel) -> String {
        guard let key = window.conversation else { return "console" }
        let name = model.displayName(of: key)
        return model.hasSeveralAccounts ? "\(name) (\(key.account))" : name
    }
}

/// The title line: the current window's peer, presence and status message, whether the chat is
/// encrypted, chat state; its account when there are several.
public struct TitleBar {
    public init() {}

    public func render(model: AppModel, theme: Theme, canvas: some Canvas, rect: Rect) {
        let style = theme.style("title.bar")
        var text: String
        var state: String?
        var lock = false
        if let key = model.currentWindow.conversation, let room = model.room(key) {
            text = TerminalSafe.address(key.address)
            if let name = room.name, !name.isEmpty { text += " (\(TerminalSafe.sanitize(name)))" }
            if model.hasSeveralAccounts { text = "[\(TerminalSafe.sanitize(key.account))] " + text }
            switch room.state {
            case .joined: text += " — \(TerminalSafe.sanitize(room.nick)), \(room.occupantCount) here"
            case .joining: text += " — entering…"
            case .offline: text += " — not in it (offline)"
            case .left(let reason): text += " — not in it" + (reason.map { ": " + TerminalSafe.sanitize($0) } ?? "")
            }
            if let subject = room.subject, !subject.isEmpty { text += " — " + TerminalSafe.sanitize(subject) }
        } else if let key = model.currentWindow.conversation {
            // The address in full, so that a look-alike of a known contact shows (its name is
            // only what the roster says).
            let address = TerminalSafe.address(key.address)
            text = model.contact(key)?.name.map { "\(TerminalSafe.sanitize($0)) <\(address)>" } ?? address
            if model.hasSeveralAccounts { text = "[\(TerminalSafe.sanitize(key.account))] " + text }
            let (presence, status) = model.presence(of: key)
            text += " — " + presence.rawValue
            if let status, !status.isEmpty { text += ": " + TerminalSafe.sanitize(status) }
            switch model.typing(in: key) {
            case .composing: state = "typing…"
            case .paused: state = "stopped typing"
            case .gone: state = "left the chat"
            case nil: state = nil
            }
            lock = model.isEncrypted(key)
        } else {
            text = "Tern — console (type /help for commands, /msg JID to chat)"
        }
        var column = canvas.draw(" " + text, row: rect.row, column: rect.column, width: rect.width, style: style)
        if lock {
            column += canvas.draw(
                "  🔒 OMEMO", row: rect.row, column: rect.column + column, width: rect.width - column,
                style: theme.style("title.lock").on(style))
        }
        if let state {
            column += canvas.draw(
                "  " + state, row: rect.row, column: rect.column + column, width: rect.width - column,
                style: theme.style("title.state").on(style))
        }
        canvas.fill(row: rect.row, column: rect.column + column, width: rect.width - column, style: style)
    }
}
