import ChatModel

/// Selection mode (`KeyBindings`' "Message actions"): Alt-Up, or Up on an empty line when the
/// last message is not ours, selects a message in the chat pane. Up/Down move over messages,
/// PageUp/PageDown by a screen, loading older history from the store and the archive past the
/// top; the view follows the selection. Esc, or switching windows, leaves.
extension UIController {
    /// The message drawn as selected: the cursor's, in selection mode and in its window.
    var selectedMessageID: Int64? {
        guard focus == .messages, let cursor = messageCursor, cursor.window == ObjectIdentifier(model.currentWindow)
        else { return nil }
        return cursor.messageID
    }

    /// What the input line shows in selection mode.
    var selectionHint: String? {
        guard focus == .messages, let cursor = messageCursor else { return nil }
        return cursor.flash ?? MessageCursor.hint
    }

    /// Whether the newest message of the current chat is someone else's: Up then selects it
    /// rather than correcting ours.
    func lastMessageIsTheirs() -> Bool {
        let window = model.currentWindow
        guard window.conversation != nil, let last = window.visibleMessages.last(where: MessageCursor.isChatMessage)
        else { return false }
        return !last.outgoing
    }

    /// Selects the newest message in view (the newest one, when the view is at the end).
    func enterSelection() {
        let window = model.currentWindow
        guard window.conversation != nil, shownForm == nil else { return }
        let entries = chatView.entries(window, model: model)
        var start = entries.count
        if let anchor = window.scrollAnchor, let index = chatView.index(of: anchor.messageID, in: window, model: model)
        {
            start = index + 1
        }
        guard let index = MessageCursor.step(from: start, by: -1, in: entries),
            case .message(let message) = entries[index]
        else { return }
        messageCursor = MessageCursor(window: ObjectIdentifier(window), messageID: message.id)
        focus = .messages
        inputDirty = true
        dirty.insert(.chat)
        reveal(index, in: entries)
    }

    func leaveSelection() {
        messageCursor = nil
        if focus == .messages { focus = .input }
        inputDirty = true
        dirty.insert(.chat)
    }

    /// After a key that works everywhere: another window (or the roster) ends selection mode.
    func leaveSelectionIfMoved() {
        guard let cursor = messageCursor else { return }
        if focus != .messages || cursor.window != ObjectIdentifier(model.currentWindow) { leaveSelection() }
    }

    func cursorKey(_ event: KeyEvent) {
        // The window went (a room left) or dropped the message (a flood at the live end).
        guard var cursor = messageCursor, selectedMessage() != nil else { return leaveSelection() }
        inputDirty = true
        dirty.formUnion([.chat, .status])
        cursor.flash = nil
        switch cursor.overlay {
        case .picker(var picker)?:
            switch picker.handle(event) {
            case .moved, .ignored: cursor.overlay = .picker(picker)
            case .closed: cursor.overlay = nil
            case .picked(let emoji):
                leaveSelection()
                react(emoji, to: cursor.messageID)
                return
            }
            messageCursor = cursor
            return
        case .details?:
            // Any key closes the details; Esc does nothing else.
            cursor.overlay = nil
            messageCursor = cursor
            if event == .key(.escape) { return }
        case nil:
            messageCursor = cursor
        }
        switch event {
        case .key(.up), .altKey(.up), .character("k"): moveSelection(by: -1)
        case .key(.down), .altKey(.down), .character("j"): moveSelection(by: 1)
        case .key(.pageUp): moveSelection(pages: -1)
        case .key(.pageDown): moveSelection(pages: 1)
        case .key(.escape): leaveSelection()
        case .character(let key): if let message = selectedMessage() { act(key, on: message) }
        default: break
        }
    }

    /// The selected message as the window has it now.
    func selectedMessage() -> MessageRow? {
        let window = model.currentWindow
        guard let id = selectedMessageID, let index = chatView.index(of: id, in: window, model: model),
            case .message(let message) = chatView.entries(window, model: model)[index]
        else { return nil }
        return message
    }

    private func moveSelection(by direction: Int) {
        if let (index, entries) = stepSelection(direction) {
            reveal(index, in: entries)
        } else {
            revealSelection()
        }
    }

    /// Brings the selected message in view again (at the top, "loading older messages…" above
    /// it, or after the window changed under it).
    private func revealSelection() {
        let window = model.currentWindow
        guard let id = selectedMessageID, let index = chatView.index(of: id, in: window, model: model) else { return }
        reveal(index, in: chatView.entries(window, model: model))
    }

    /// A screen's worth of lines (less one) over messages.
    private func moveSelection(pages: Int) {
        guard let layout else { return }
        let page = max(1, layout.chat.height - 1)
        var moved = 0
        var last: (Int, [ChatView.Entry])?
        while moved < page, let next = stepSelection(pages < 0 ? -1 : 1) {
            moved += chatView.lineCount(next.1[next.0], model: model, width: layout.chat.width)
            last = next
        }
        if let last {
            reveal(last.0, in: last.1)
        } else {
            revealSelection()
        }
    }

    /// Moves the cursor one message older (-1) or newer (1), loading what is past what the window
    /// holds; the new position among the entries, or nil at the end of the history (older
    /// messages asked of the server's archive arrive later).
    private func stepSelection(_ direction: Int) -> (Int, [ChatView.Entry])? {
        let window = model.currentWindow
        guard let id = selectedMessageID else { return nil }
        for attempt in 0..<2 {
            let entries = chatView.entries(window, model: model)
            guard let index = chatView.index(of: id, in: window, model: model) else { return nil }
            if let target = MessageCursor.step(from: index, by: direction, in: entries),
                case .message(let message) = entries[target]
            {
                messageCursor?.messageID = message.id
                return (target, entries)
            }
            guard attempt == 0 else { return nil }
            if direction < 0 {
                guard window.hasOlder && model.loadOlder(window) > 0 else {
                    model.fetchFromArchive(window)
                    return nil
                }
            } else {
                guard window.droppedNewer, model.loadNewer(window) > 0 else { return nil }
            }
        }
        return nil
    }

    /// Scrolls the least that shows all of entry `index` (its start when it is taller than the
    /// pane): a message above the view comes in at the top, one below it at the bottom.
    func reveal(_ index: Int, in entries: [ChatView.Entry]) {
        guard let layout else { return }
        let window = model.currentWindow
        let height = layout.chat.height
        func count(_ position: Int) -> Int {
            chatView.lineCount(entries[position], model: model, width: layout.chat.width)
        }
        // The oldest message: the top of the history shows, with what is above it.
        if MessageCursor.step(from: index, by: -1, in: entries) == nil {
            showAtTop(index, in: entries, count: count)
            return
        }
        var end = entries.count
        var hidden = 0
        if let anchor = window.scrollAnchor, let found = chatView.index(of: anchor.messageID, in: window, model: model)
        {
            end = found + 1
            hidden = anchor.linesHiddenBelow
        }
        if index < end {
            // The lines between the message's last line and the bottom of the pane.
            var below = -hidden
            var position = index + 1
            while position < end && below + count(index) <= height {
                below += count(position)
                position += 1
            }
            if below >= 0 && below + count(index) <= height { return }
            if below >= 0 {
                showAtTop(index, in: entries, count: count)
                return
            }
        }
        var after = 0
        for position in index..<entries.count where after <= height { after += count(position) }
        if !window.droppedNewer && after <= height {
            model.scrollToEnd()
        } else {
            setAnchor(window, entries: entries, index: index, hidden: 0)
        }
    }

    private func showAtTop(_ index: Int, in entries: [ChatView.Entry], count: (Int) -> Int) {
        guard let layout else { return }
        let window = model.currentWindow
        // The oldest message comes with what is above it: its day, "loading older messages…".
        let first = MessageCursor.step(from: index, by: -1, in: entries) == nil ? 0 : index
        var total = (first...index).reduce(0) { $0 + count($1) }
        var last = index
        while total < layout.chat.height && last + 1 < entries.count {
            last += 1
            total += count(last)
        }
        if total <= layout.chat.height && last == entries.count - 1 && !window.droppedNewer {
            model.scrollToEnd()
        } else {
            setAnchor(window, entries: entries, index: last, hidden: max(0, total - layout.chat.height))
        }
    }
}
