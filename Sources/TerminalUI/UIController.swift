import ChatModel
import Foundation
import SafeText
import TernConfig

/// The terminal UI's state and behaviour, independent of ncurses: which pane has the focus, the
/// input line, prompts, the roster selection, scrolling, and what needs redrawing. The curses
/// backend feeds it keys and a canvas; tests feed it keys and read a `ScreenBuffer`.
public final class UIController {
    public let model: AppModel
    public private(set) var theme: Theme
    public internal(set) var input = InputLine()
    public internal(set) var focus: Focus = .input
    public internal(set) var prompt: Prompt?
    public private(set) var layout: Layout?
    public var themes: ThemeLibrary
    public private(set) var rows: Int
    public private(set) var columns: Int
    /// Colours the terminal has (0 when NO_COLOR is set).
    public let colorCount: Int
    var dirty: ModelChanges = .all
    var inputDirty = true
    let chatView = ChatView()
    let rosterView = RosterView()
    var rosterRows: [RosterView.Row] = [] {
        didSet { rosterPositions = nil }
    }
    /// Where each contact's rows are in `rosterRows` (built when first needed).
    private var rosterPositions: [ConversationKey: [Int]]?
    /// Accounts whose part of the roster is folded to its header (with several accounts).
    public internal(set) var foldedAccounts: Set<String> = []
    var rosterSelection = 0
    private var rosterScroll = 0
    var rosterFilter = ""
    private var inputScroll = 0
    /// Older history should be loaded before the next PageUp needs it.
    private var prefetchPending = false
    /// A question asked from the roster pane gives the focus back to it when answered.
    private var promptReturnsToRoster = false
    /// Up already turned the empty line into a /correct (the next Up goes to the history).
    private var editingStarted = false
    /// The selected field of the form shown, and how far its list is scrolled.
    var formCursor = FormCursor()
    /// The message selected in selection mode (with `focus == .messages`).
    var messageCursor: MessageCursor?
    /// Base64 text for the terminal's clipboard, until the terminal takes it.
    var pendingClipboard: String?
    private let clock: () -> Int64

    public enum Focus: Sendable, Hashable {
        case input
        case roster
        /// Selection mode in the chat pane: the keys act on a message (`UIController+Cursor`).
        case messages
    }

    /// A question the input line is asking instead of taking a message.
    public enum Prompt: Sendable, Hashable {
        /// A new contact's JID, for an account.
        case addJID(account: String)
        /// Its name, once the JID is known.
        case addName(account: String, address: String)
        case confirmRemove(ConversationKey)
        case rename(ConversationKey)
        case groups(ConversationKey)
        case subscription(ConversationKey)
        /// Why an invitation to a room is declined (optional).
        case declineInvitation(ConversationKey)
        case filter
        /// A new value for a field of the form shown (`label` already sanitised).
        case formField(id: Int, label: String, kind: EditedForm.Kind)
        /// Whether to throw away the changes made to the form shown.
        case discardForm
        /// A question about the message selected in the chat pane.
        case message(MessageQuestion)

        var label: String {
            switch self {
            case .addJID: "Add contact (JID): "
            case .addName(_, let address): "Name for \(address) (Enter for none): "
            case .confirmRemove(let key): "Remove \(key.address)? (y/n) "
            case .rename(let key): "New name for \(key.address): "
            case .groups(let key): "Groups for \(key.address) (comma-separated): "
            case .subscription(let key): "Subscription of \(key.address): [a]llow [d]eny [r]equest [c]ancel "
            case .declineInvitation(let key): "Decline the invitation to \(key.address) (reason, Enter for none): "
            case .filter: "Filter roster: "
            case .formField(_, let label, let kind): label + FormInput.hint(kind) + ": "
            case .discardForm: "Discard your changes to this form? (y/n) "
            case .message(let question): question.label
            }
        }

        var address: String? {
            switch self {
            case .confirmRemove(let key), .rename(let key), .groups(let key), .subscription(let key),
                .declineInvitation(let key):
                key.address
            case .addName(_, let address): address
            case .addJID, .filter, .formField, .discardForm, .message: nil
            }
        }

        /// What is typed stays hidden (a password field).
        var masksInput: Bool {
            if case .formField(_, _, .textPrivate) = self { return true }
            return false
        }

        /// The label in at most `width` columns: the JID shortened in the middle, so that the end
        /// of the question ("(y/n)", the choices) stays on screen.
        func label(fitting width: Int) -> String {
            let full = label
            guard TextWidth.of(full) > width, let jid = address else { return full }
            let room = max(3, width - (TextWidth.of(full) - TextWidth.of(jid)))
            return full.replacingOccurrences(of: jid, with: TextWidth.truncateMiddle(jid, to: room))
        }
    }

    public init(
        model: AppModel,
        themes: ThemeLibrary,
        colorCount: Int,
        rows: Int,
        columns: Int,
        clock: @escaping () -> Int64
    ) {
        self.model = model
        self.themes = themes
        self.colorCount = colorCount
        self.rows = rows
        self.columns = columns
        self.clock = clock
        theme = Theme(definition: nil, colors: colorCount)
        layout = Layout(rows: rows, columns: columns, settings: model.settings, logInChat: true)
        model.commands.register(uiCommands)
        model.extraCompletions = { [unowned self] kind in kind == .theme ? self.themes.names : [] }
        let previous = model.onChange
        model.onChange = { [unowned self] changes in
            self.dirty.formUnion(changes)
            if changes.contains(.roster) {
                self.rosterRows = []
                self.chatView.rosterChanged()
            }
            previous(changes)
        }
        let previousUnread = model.onUnreadChange
        model.onUnreadChange = { [unowned self] conversation in
            // A folded account's header shows its unread total: rebuilt with the pane.
            if self.foldedAccounts.contains(conversation.account) { self.rosterRows = [] }
            if !self.rosterRows.isEmpty {
                let positions = self.rosterPositions ?? RosterView.positions(of: self.rosterRows)
                self.rosterView.updateRows(
                    &self.rosterRows, positions: positions, conversation: conversation, model: self.model)
                self.rosterPositions = positions
            }
            self.dirty.insert(.roster)
            previousUnread(conversation)
        }
        if !applyTheme(model.settings.theme, report: true) && model.settings.theme != "default" {
            model.addNotice("no theme named \(model.settings.theme); using the built-in one", level: .warning)
        }
    }

    /// Whether anything needs drawing.
    public var needsRender: Bool { !dirty.isEmpty || inputDirty }

    /// Marks everything for redrawing (Ctrl-L, after a theme change).
    public func invalidateAll() {
        dirty = .all
        inputDirty = true
        chatView.invalidate()
    }

    // MARK: Size

    public func resize(rows: Int, columns: Int) {
        self.rows = rows
        self.columns = columns
        invalidateAll()
    }

    // MARK: Themes

    /// The commands the terminal UI adds to the model's table.
    public static func commands(
        theme: @escaping (CommandContext) throws(CommandError) -> Void = { _ throws(CommandError) in },
        copy: @escaping (CommandContext) throws(CommandError) -> Void = { _ throws(CommandError) in },
        details: @escaping (CommandContext) throws(CommandError) -> Void = { _ throws(CommandError) in }
    ) -> [CommandSpec] {
        [
            CommandSpec(
                "theme", arguments: [ArgumentSpec("name", optional: true, completion: .theme)],
                summary: "switch the colour theme (/theme alone lists them)", handler: theme)
        ] + messageCommands(copy: copy, details: details)
    }

    private var uiCommands: [CommandSpec] {
        UIController.commands(
            theme: { [unowned self] context throws(CommandError) in
                guard let name = context.argument("name") else {
                    model.addNotice("themes: " + themes.names.joined(separator: ", ") + " (current: \(theme.name))")
                    return
                }
                guard applyTheme(name, report: true) else { throw .failed("no theme named \(name) (see /theme)") }
                _ = model.changeSetting("theme", to: name)
            }, copy: copyCommand, details: detailsCommand)
    }

    /// Loads and applies a theme; problems in its file are shown, the rest applies. An unknown
    /// name changes nothing (at start, when there is no theme yet, the built-in one stays).
    @discardableResult
    public func applyTheme(_ name: String, report: Bool) -> Bool {
        guard let (definition, problems) = themes.load(name) else { return false }
        theme = Theme(definition: definition, colors: colorCount)
        for problem in problems where report { model.addNotice("theme: \(problem)", level: .warning) }
        invalidateAll()
        return true
    }

    // MARK: Keys

    public func handle(_ event: KeyEvent) {
        if case .resize = event { return }
        model.userActivity()
        if case .subscription(let key)? = prompt {
            handleSubscriptionChoice(event, key)
            return
        }
        if prompt == .discardForm {
            handleDiscardChoice(event)
            return
        }
        if globalKey(event) {
            leaveSelectionIfMoved()
            return
        }
        if focus == .input, prompt == nil, let form = shownForm {
            formKey(event, form)
            return
        }
        switch focus {
        case .input: inputKey(event)
        case .roster: rosterKey(event)
        case .messages: cursorKey(event)
        }
    }

    /// Keys that work whatever has the focus.
    private func globalKey(_ event: KeyEvent) -> Bool {
        switch event {
        case .alt(let character) where character.isNumber:
            let number = character == "0" ? 10 : Int(String(character)) ?? 1
            model.switchTo(number - 1)
        case .altKey(.left), .control("p"):
            model.switchTo((model.currentIndex - 1 + model.windows.count) % model.windows.count)
        case .altKey(.right), .control("n"):
            model.switchTo((model.currentIndex + 1) % model.windows.count)
        case .key(.pageUp):
            if focus != .input || shownForm != nil { return false }
            scrollChat(up: true)
        case .key(.pageDown):
            if focus != .input || shownForm != nil { return false }
            scrollChat(up: false)
        case .altKey(.end):
            model.scrollToEnd()
        case .key(.function(2)):
            setFocus(focus == .roster ? .input : .roster)
        case .key(.function(3)):
            if let problem = model.changeSetting(
                "occupants.visible", to: model.settings.occupantsVisible ? "off" : "on")
            {
                model.addNotice(problem, level: .warning)
            }
        case .control("x"):
            guard let key = model.currentWindow.conversation, model.cancelTransfer(in: key) else { return false }
        case .control("l"):
            invalidateAll()
        case .control("c"):
            model.submit("/quit")
        default:
            return false
        }
        return true
    }

    func setFocus(_ focus: Focus) {
        self.focus = focus
        if focus == .input && prompt == .filter { prompt = nil }
        dirty.insert(.roster)
        inputDirty = true
    }

    private func inputKey(_ event: KeyEvent) {
        inputDirty = true
        let before = input.text
        defer {
            if prompt == nil && input.text != before { model.inputChanged(input.text) }
        }
        switch event {
        case .character(let character): input.insert(String(character))
        case .paste(let text): input.insert(text)
        case _ where isNewlineKey(event): input.insert("\n")
        case .key(.enter), .control("j"): submitInput()
        case .key(.tab):
            input.complete { [model, prompt] text in
                FormInput.completions(for: text, prompt: prompt, form: model.form(in: model.currentWindow))
                    ?? model.nickCompletions(for: text)
                    ?? model.commands.completions(for: text, values: { model.completionValues($0, account: $1) })
            }
        case .key(.backspace): input.deleteBackward()
        case .key(.delete): input.deleteForward()
        case .control("d"): input.deleteForward()
        case .key(.left), .control("b"): input.moveLeft()
        case .key(.right), .control("f"): input.moveRight()
        case .key(.home), .control("a"): input.moveToStart()
        case .key(.end), .control("e"):
            if input.isAtEnd && model.currentWindow.scrollAnchor != nil { model.scrollToEnd() }
            input.moveToEnd()
        case .alt("b"), .altKey(.left): input.moveWordLeft()
        case .alt("f"): input.moveWordRight()
        case .control("k"): input.killToEnd()
        case .control("u"): input.killToStart()
        case .control("w"): input.killWordBackward()
        case .alt("d"): input.killWordForward()
        case .control("y"): input.yank()
        case .altKey(.up): if prompt == nil { enterSelection() }
        case .key(.up):
            guard prompt == nil else { break }
            // Up on an empty line selects the last message when it is not ours, else edits the
            // last message sent there (XEP-0308).
            if input.isEmpty, !editingStarted, lastMessageIsTheirs() {
                enterSelection()
            } else if input.isEmpty, !editingStarted, let key = model.currentWindow.conversation,
                let last = model.lastCorrectableText(in: key)
            {
                editingStarted = true
                input.set("/correct " + last)
            } else {
                input.historyPrevious(model.currentWindow.inputHistory)
            }
        case .key(.down): if prompt == nil { input.historyNext(model.currentWindow.inputHistory) }
        case .key(.escape):
            if prompt != nil {
                if prompt == .filter { setRosterFilter("") }
                prompt = nil
                _ = input.take()
                if promptReturnsToRoster { focus = .roster }
                promptReturnsToRoster = false
                dirty.insert(.roster)
            }
        default: inputDirty = false
        }
    }

    /// Alt-Enter, and the configured key, type a newline in a message (never in a question).
    private func isNewlineKey(_ event: KeyEvent) -> Bool {
        if case .formField(_, _, .textMulti)? = prompt, event == .altKey(.enter) { return true }
        guard prompt == nil else { return false }
        switch (event, model.settings.newlineKey) {
        case (.altKey(.enter), _), (.control("j"), .ctrlJ), (.control("o"), .ctrlO), (.control("t"), .ctrlT):
            return true
        default: return false
        }
    }

    private func submitInput() {
        editingStarted = false
        let line = input.take()
        inputScroll = 0
        guard let prompt else {
            model.submit(line)
            return
        }
        self.prompt = nil
        answer(prompt, line.trimmingCharacters(in: .whitespaces))
        if self.prompt == nil {
            if promptReturnsToRoster { focus = .roster }
            promptReturnsToRoster = false
            dirty.insert(.roster)
        }
    }

    private func answer(_ prompt: Prompt, _ text: String) {
        switch prompt {
        case .addJID(let account):
            guard !text.isEmpty else { return }
            guard text.contains("@") else {
                model.addNotice("\"\(text)\" is not a JID (user@domain)", level: .warning)
                return
            }
            ask(.addName(account: account, address: text))
        case .addName(let account, let address):
            if let problem = model.addContact(address, name: text.isEmpty ? nil : text, account: account) {
                model.addNotice(problem, level: .warning)
            }
        case .confirmRemove(let key):
            if text.lowercased().hasPrefix("y") { model.removeContact(key) }
        case .rename(let key):
            model.renameContact(key, to: text.isEmpty ? nil : text)
        case .groups(let key):
            let groups = text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter {
                !$0.isEmpty
            }
            model.setGroups(key, groups)
        case .filter:
            setRosterFilter(text)
            focus = .roster
        case .declineInvitation(let key):
            model.declineInvitation(key, reason: text.isEmpty ? nil : text)
        case .formField(let id, _, let kind):
            answerFormField(id, kind: kind, text)
        case .message(let question):
            answerMessageQuestion(question, text)
        case .subscription, .discardForm:
            return
        }
    }

    func ask(_ prompt: Prompt, initial: String = "") {
        // A follow-up question (the name after the JID) keeps where the first one came from.
        if focus == .roster { promptReturnsToRoster = prompt != .filter }
        self.prompt = prompt
        focus = .input
        input.set(initial)
        inputDirty = true
        dirty.insert(.roster)
    }

    private func handleSubscriptionChoice(_ event: KeyEvent, _ key: ConversationKey) {
        prompt = nil
        inputDirty = true
        guard case .character(let character) = event else { return }
        let choices: [Character: AppModel.SubscriptionChoice] = [
            "a": .allow, "d": .deny, "r": .request, "c": .cancel,
        ]
        if let choice = choices[character] { model.subscription(choice, key) }
    }

    // MARK: Scrolling

    /// PageUp / PageDown in the chat pane: a page less one line. Older history is loaded from the
    /// store before the view reaches the oldest loaded message, so PageUp goes back through the
    /// whole history without ever loading all of it.
    public func scrollChat(up: Bool) {
        guard let layout else { return }
        let window = model.currentWindow
        guard window.kind != .console else { return }
        let page = max(1, layout.chat.height - 1)
        let width = layout.chat.width
        var entries = chatView.entries(window, model: model)
        func position() -> (index: Int, hidden: Int) {
            if let anchor = window.scrollAnchor,
                let found = chatView.index(of: anchor.messageID, in: window, model: model)
            {
                return (found, anchor.linesHiddenBelow)
            }
            return (entries.count - 1, 0)
        }
        var (index, hidden) = position()
        guard index >= 0 else { return }
        if up {
            // Normally `idleWork()` has loaded older messages ahead of need; load now only when
            // the view would otherwise stop short of them.
            while index < page * 2 && window.hasOlder && model.loadOlder(window) > 0 {
                entries = chatView.entries(window, model: model)
                (index, hidden) = position()
            }
            // Near the top of what the store has: the server's archive may have more.
            if index < page * 2 && !window.hasOlder { model.fetchFromArchive(window) }
            var remaining = page
            while remaining > 0 {
                let visible = chatView.lineCount(entries[index], model: model, width: width) - hidden
                if remaining < visible {
                    hidden += remaining
                    remaining = 0
                } else if index == 0 {
                    hidden += max(0, visible - 1)
                    remaining = 0
                } else {
                    remaining -= visible
                    index -= 1
                    hidden = 0
                }
            }
            // Do not scroll past the top: the pane stays full when there is enough to fill it
            // (counting only as far up as a pane's height).
            var above = 0
            var cursor = index - 1
            while cursor >= 0 && above < layout.chat.height {
                above += chatView.lineCount(entries[cursor], model: model, width: width)
                cursor -= 1
            }
            let shownOfCurrent = chatView.lineCount(entries[index], model: model, width: width) - hidden
            if above + shownOfCurrent < layout.chat.height {
                var linesNeeded = layout.chat.height
                index = 0
                hidden = 0
                var cursor = 0
                while cursor < entries.count {
                    let count = chatView.lineCount(entries[cursor], model: model, width: width)
                    if linesNeeded <= count {
                        index = cursor
                        hidden = count - linesNeeded
                        break
                    }
                    linesNeeded -= count
                    cursor += 1
                }
                if cursor >= entries.count {
                    model.scrollToEnd()
                    return
                }
            }
            setAnchor(window, entries: entries, index: index, hidden: hidden)
            prefetchPending = index < page * 8
        } else {
            var remaining = page
            while remaining > 0 {
                if hidden >= remaining {
                    hidden -= remaining
                    remaining = 0
                } else {
                    remaining -= hidden
                    hidden = 0
                    if index + 1 >= entries.count && window.droppedNewer && model.loadNewer(window) > 0 {
                        entries = chatView.entries(window, model: model)
                        if let anchor = window.scrollAnchor,
                            let found = chatView.index(of: anchor.messageID, in: window, model: model)
                        {
                            index = found
                        }
                    }
                    guard index + 1 < entries.count else { break }
                    index += 1
                    hidden = chatView.lineCount(entries[index], model: model, width: width)
                }
            }
            if index >= entries.count - 1 && hidden == 0 && !window.droppedNewer {
                model.scrollToEnd()
                return
            }
            setAnchor(window, entries: entries, index: index, hidden: hidden)
        }
        dirty.formUnion([.chat, .status])
    }

    func setAnchor(_ window: ChatWindow, entries: [ChatView.Entry], index: Int, hidden: Int) {
        // Anchor on a message: the one at the position, else the next one down (a separator or a
        // notice at the bottom becomes "that message with all its lines hidden").
        if case .message(let message) = entries[index] {
            window.scrollAnchor = ChatWindow.ScrollAnchor(messageID: message.id, linesHiddenBelow: hidden)
            return
        }
        var next = index + 1
        var extra = hidden
        while next < entries.count {
            let count = chatView.lineCount(entries[next], model: model, width: layout?.chat.width ?? 80)
            if case .message(let message) = entries[next] {
                window.scrollAnchor = ChatWindow.ScrollAnchor(messageID: message.id, linesHiddenBelow: count + extra)
                return
            }
            extra += count
            next += 1
        }
        window.scrollAnchor = nil
    }

    // MARK: Drawing

    /// Draws what changed since the last call (everything when `full`).
    public func render(on canvas: some Canvas, full: Bool = false) {
        if full { invalidateAll() }
        if TextWidth.mode != model.settings.emoji {
            TextWidth.mode = model.settings.emoji
            invalidateAll()
        }
        let current = model.currentWindow
        let newLayout = Layout(
            rows: rows, columns: columns, settings: model.settings, logInChat: current.kind == .console,
            occupants: current.conversation.map { model.room($0) != nil } ?? false)
        if newLayout != layout {
            layout = newLayout
            dirty = .all
            inputDirty = true
        }
        guard let layout else {
            if !dirty.isEmpty || inputDirty {
                for row in 0..<rows { canvas.fill(row: row, column: 0, width: columns, style: .plain) }
                canvas.draw("terminal too small", row: 0, column: 0, width: columns, style: .plain)
                if rows > 1 { canvas.draw("(need 40×10)", row: 1, column: 0, width: columns, style: .plain) }
                canvas.hideCursor()
            }
            dirty = []
            inputDirty = false
            return
        }
        if dirty.contains(.title) || dirty.contains(.chat) {
            TitleBar().render(model: model, theme: theme, canvas: canvas, rect: layout.title)
        }
        // An account's state (or a second of its countdown) changes only its header.
        if dirty.contains(.status), !dirty.contains(.roster), !rosterRows.isEmpty,
            rosterView.updateHeaders(&rosterRows, model: model, folded: foldedAccounts)
        {
            dirty.insert(.roster)
        }
        if let rect = layout.roster, dirty.contains(.roster) {
            let rows = currentRosterRows()
            rosterScroll = rosterView.render(
                rows, selected: rosterSelection, focused: focus == .roster, scroll: rosterScroll, theme: theme,
                canvas: canvas, rect: rect)
            if let border = layout.rosterBorder {
                for row in rect.row..<(rect.row + rect.height) {
                    canvas.draw("│", row: row, column: border, width: 1, style: theme.style("roster.border"))
                }
            }
        }
        if dirty.contains(.chat) || dirty.contains(.log) && current.kind == .console {
            if current.kind == .console {
                LogView().render(model.log, model: model, theme: theme, canvas: canvas, rect: layout.chat)
            } else if let form = shownForm {
                renderForm(form, canvas: canvas, rect: layout.chat)
            } else {
                chatView.render(
                    current, model: model, theme: theme, canvas: canvas, rect: layout.chat, selected: selectedMessageID)
                renderCursorOverlay(canvas: canvas, rect: layout.chat)
            }
        }
        if let rect = layout.occupants, let border = layout.occupantsBorder, let key = current.conversation,
            dirty.contains(.occupants) || dirty.contains(.chat)
        {
            for row in rect.row..<(rect.row + rect.height) {
                canvas.draw("│", row: row, column: border, width: 1, style: theme.style("roster.border"))
            }
            OccupantsView().render(model.occupants(of: key), theme: theme, canvas: canvas, rect: rect)
        }
        if let rect = layout.log, let border = layout.logBorder, dirty.contains(.log) || dirty.contains(.layout) {
            canvas.drawLine(
                String(repeating: "─", count: columns), row: border, column: 0, width: columns,
                style: theme.style("roster.border"))
            LogView().render(model.log, model: model, theme: theme, canvas: canvas, rect: rect)
        }
        if !dirty.isEmpty || inputDirty {
            StatusBar().render(model: model, theme: theme, canvas: canvas, rect: layout.status, now: clock())
        }
        if inputDirty || !dirty.isEmpty {
            renderInput(canvas: canvas, rect: layout.input)
        }
        dirty = []
        inputDirty = false
    }

    /// Work to do once the screen is up to date: loading older history ahead of PageUp, so that
    /// a key press never waits for the database. Returns whether there was any.
    @discardableResult
    public func idleWork() -> Bool {
        guard prefetchPending, let layout else { return false }
        prefetchPending = false
        let window = model.currentWindow
        if window.hasOlder {
            model.loadOlder(window, count: 100)
        } else {
            model.fetchFromArchive(window)
        }
        // Bring the entries up to date and lay out the next pages above the view now, so that
        // the next PageUp only draws.
        let entries = chatView.entries(window, model: model)
        guard let anchor = window.scrollAnchor,
            let index = chatView.index(of: anchor.messageID, in: window, model: model)
        else { return true }
        var lines = 0
        var cursor = index
        while cursor > 0 && lines < layout.chat.height * 3 {
            cursor -= 1
            lines += chatView.lineCount(entries[cursor], model: model, width: layout.chat.width)
        }
        return true
    }

    /// The status bar shows a clock and countdowns: redraw it (once a second).
    public func tick() {
        dirty.insert(.status)
    }

    private func renderInput(canvas: some Canvas, rect: Rect) {
        let label =
            prompt?.label(fitting: max(rect.width / 2, rect.width - 12)) ?? selectionHint
            ?? (focus == .roster
                ? "roster: ↑↓ select, Enter chat, a add, d remove, r rename, g groups, s subscription, / filter, Esc back"
                : "")
        let promptWidth = min(TextWidth.of(label), max(rect.width / 2, rect.width - 12))
        var column = canvas.draw(
            TextWidth.truncate(label, to: focus != .input && prompt == nil ? rect.width : promptWidth), row: rect.row,
            column: rect.column, width: rect.width, style: theme.style("input.prompt"))
        if (focus != .input || shownForm != nil) && prompt == nil {
            canvas.fill(row: rect.row, column: column, width: rect.width - column, style: theme.style("input.text"))
            canvas.hideCursor()
            return
        }
        // The view scrolls so that the cursor stays visible, with its own column after the text
        // and the "‹" that says more is hidden.
        let shown = input.shown(masked: prompt?.masksInput == true)
        let room = rect.width - column
        let cursorColumn = TextWidth.of(shown[..<input.cursor].joined())
        if cursorColumn < inputScroll { inputScroll = max(0, cursorColumn - room / 2) }
        var skipped = 0
        var start = 0
        while start < input.cursor
            && (skipped < inputScroll || (skipped > 0 ? 1 : 0) + cursorColumn - skipped >= room)
        {
            skipped += TextWidth.of(shown[start])
            start += 1
        }
        inputScroll = skipped
        if start > 0 {
            column += canvas.draw("‹", row: rect.row, column: column, width: 1, style: theme.style("input.more"))
        }
        let visible = shown[start...].joined()
        let used = canvas.draw(
            visible, row: rect.row, column: column, width: rect.width - column, style: theme.style("input.text"))
        canvas.fill(
            row: rect.row, column: column + used, width: rect.width - column - used, style: theme.style("input.text"))
        canvas.placeCursor(row: rect.row, column: min(rect.width - 1, column + cursorColumn - skipped))
    }
}
