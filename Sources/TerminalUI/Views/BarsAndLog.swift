import ChatModel
import SafeText
import XMPPCore
import XMPPExtensions

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

/// The status bar: time, account and connection, own presence, the windows with activity.
public struct StatusBar {
    public init() {}

    public func render(model: AppModel, theme: Theme, canvas: some Canvas, rect: Rect, now: Int64) {
        let bar = theme.style("statusbar.bar")
        var parts: [(String, Style)] = [("[" + TimeFormat.format(now, pattern: "%H:%M") + "] ", bar)]
        if let account = model.account {
            let (state, element): (String, String)
            switch account.status {
            case .online: (state, element) = ("online", "statusbar.online")
            case .connecting: (state, element) = ("connecting", "statusbar.connecting")
            case .offline: (state, element) = ("offline", "statusbar.offline")
            case .reconnecting(let at):
                let seconds = max(0, Int((at - now + 999) / 1000))
                (state, element) = ("reconnecting in \(seconds) s", "statusbar.connecting")
            case .failed: (state, element) = ("offline (failed)", "statusbar.offline")
            }
            parts.append(("[" + TerminalSafe.sanitize(account.jid.description) + ": ", bar))
            parts.append((state, theme.style(element).on(bar)))
            parts.append(("] ", bar))
            if account.status == .online,
                account.presenceManager.own.availability != .online
                    || account.presenceManager.own.status?.isEmpty == false
            {
                let own = account.presenceManager.own
                var presence = own.availability.rawValue
                if let status = own.status, !status.isEmpty { presence += ": " + TerminalSafe.sanitize(status) }
                parts.append(("[" + presence + "] ", bar))
            }
        }
        let current = model.currentWindow
        let name = current.jid.map { model.account?.displayName($0) ?? $0.description } ?? "console"
        parts.append(("[\(model.currentIndex + 1):\(TerminalSafe.sanitize(name))] ", bar))
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
        if current.scrollAnchor != nil {
            let count = current.newBelow
            parts.append(
                (
                    (count > 0 ? "[more below: \(count) new] " : "[more below] "),
                    theme.style("statusbar.highlight").on(bar)
                ))
        }
        var column = 0
        for (text, style) in parts {
            column += canvas.draw(
                text, row: rect.row, column: rect.column + column, width: rect.width - column, style: style)
        }
        canvas.fill(row: rect.row, column: rect.column + column, width: rect.width - column, style: bar)
    }
}

/// The title line: the current window's peer, presence and status message, chat state.
public struct TitleBar {
    public init() {}

    public func render(model: AppModel, theme: Theme, canvas: some Canvas, rect: Rect) {
        let style = theme.style("title.bar")
        var text: String
        var state: String?
        if let contact = model.currentWindow.jid, let account = model.account {
            // The address in full, so that a look-alike of a known contact shows (its name is
            // only what the roster says).
            let address = TerminalSafe.address(contact.description)
            text = account.roster[contact.bare]?.name.map { "\(TerminalSafe.sanitize($0)) <\(address)>" } ?? address
            let best = account.presenceManager.best(for: contact)
            text += " — " + (best?.availability ?? .offline).rawValue
            if let status = best?.status, !status.isEmpty { text += ": " + TerminalSafe.sanitize(status) }
            switch account.chatStates[contact] {
            case .composing: state = "typing…"
            case .paused: state = "stopped typing"
            case .gone: state = "left the chat"
            default: state = nil
            }
        } else {
            text = "Tern — console (type /help for commands, /msg JID to chat)"
        }
        var column = canvas.draw(" " + text, row: rect.row, column: rect.column, width: rect.width, style: style)
        if let state {
            column += canvas.draw(
                "  " + state, row: rect.row, column: rect.column + column, width: rect.width - column,
                style: theme.style("title.state").on(style))
        }
        canvas.fill(row: rect.row, column: rect.column + column, width: rect.width - column, style: style)
    }
}
