import ChatStore
import XMPPCore
import XMPPExtensions

/// Everything the terminal shows, independent of the terminal: accounts, windows, the log, settings
/// and commands. Changes are reported through `onChange` with the parts of the screen they touch.
public final class AppModel {
    /// Every configured account (in name order, as config.toml's tables are read).
    public let accounts: [AccountController]
    private let accountsByName: [String: AccountController]
    /// The account the console's commands act on (config.toml's `default_account`, else the first).
    public let defaultAccountName: String?
    public let commands = CommandRegistry()
    public private(set) var windows: [ChatWindow] = [ChatWindow(kind: .console)]
    public private(set) var currentIndex = 0
    public private(set) var log: [LogEntry] = []
    public var settings: UISettings {
        didSet { onChange(.all) }
    }
    /// Notices shown in a window (command output, errors), by window, with their time.
    public private(set) var notices: [ObjectIdentifier: [LogEntry]] = [:]
    public private(set) var quitRequested = false
    /// Unread incoming messages per conversation, kept in step with the store.
    public private(set) var unreadCounts: [ConversationKey: Int] = [:]
    /// How many of those are highlights (they named us or a keyword), where any are.
    public private(set) var highlightCounts: [ConversationKey: Int] = [:]
    /// Conversations with someone not in the roster that wrote, listed under Requests instead of
    /// having a window (`StrangerMessages.requests`).
    public private(set) var strangers: Set<ConversationKey> = []
    private var strangerNoticeAt: Int64?
    public var onChange: (ModelChanges) -> Void = { _ in }
    /// One conversation's roster rows changed (its unread count, its presence) and nothing moved:
    /// the UI updates those rows instead of rebuilding the pane. The roster's other changes come
    /// through `onChange(.roster)`.
    public var onUnreadChange: (ConversationKey) -> Void = { _ in }
    /// A message arrived that the user has not seen: ring the bell, run the notify command.
    public var onNotification: (Notification) -> Void = { _ in }
    /// When the user last pressed a key (for auto-away).
    private var lastActivity: Int64 = 0
    /// The presence to restore when the user comes back from auto-away, by account.
    private var presenceBeforeAutoAway: [String: (Availability, String?)] = [:]
    /// Values for completing arguments the model does not know (theme names).
    public var extraCompletions: (ArgumentCompletion) -> [String] = { _ in [] }
    /// How many log entries the console keeps.
    public static let logLimit = 2000
    /// How many notices a window keeps (a busy room's comings and goings).
    public static let noticeLimit = 500
    let scheduler: any Scheduler

    /// The settings as configured (config.toml's `[ui]`, else the defaults), before /set.
    public let configuredSettings: UISettings
    /// Where /set and /theme keep what they change for the next start (nil: nowhere).
    let settingsStore: ChatStore?
    /// Keys whose value /set or /theme saved.
    public private(set) var savedSettings: Set<String> = []

    /// `settings` as configured; what `settingsStore` saved earlier goes over them.
    public init(
        accounts: [AccountController], settings: UISettings, scheduler: any Scheduler, settingsStore: ChatStore? = nil,
        defaultAccount: String? = nil
    ) {
        self.accounts = accounts
        accountsByName = Dictionary(accounts.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        defaultAccountName = defaultAccount
        self.configuredSettings = settings
        self.settingsStore = settingsStore
        var current = settings
        var problems: [String] = []
        for (key, value) in ((try? settingsStore?.uiSettings()) ?? [:]).sorted(by: { $0.key < $1.key }) {
            if key == "theme" {
                current.theme = value
            } else if let problem = current.set(key, value) {
                // Said once: a key this version does not know could not be /unset.
                problems.append("a saved setting no longer applies and is forgotten: \(problem)")
                try? settingsStore?.setUISetting(key, to: nil)
                continue
            }
            savedSettings.insert(key)
        }
        self.settings = current
        self.scheduler = scheduler
        commands.register(AppModel.builtinCommands)
        // Each feature's commands once, whatever number of accounts runs it.
        commands.register(AccountFeatures.commands(of: accounts.flatMap { $0.features.map { type(of: $0) } }))
        for problem in problems { appendLog(LogEntry(time: scheduler.now, level: .warning, text: problem)) }
        for account in accounts {
            for (address, count) in (try? account.store.unreadCounts(account: account.accountID)) ?? [:] {
                guard let jid = JID(parsing: address) else { continue }
                setUnread(ConversationKey(account: account.name, jid: jid), count)
            }

            account.onEvent = { [unowned self, unowned account] event in handle(event, from: account) }
        }
        lastActivity = scheduler.now
        checkIdle()
    }

    public func account(named name: String) -> AccountController? { accountsByName[name] }

    /// The account of a conversation.
    public func account(of key: ConversationKey) -> AccountController? { accountsByName[key.account] }

    /// The account the console's commands act on.
    public var defaultAccount: AccountController? {
        defaultAccountName.flatMap { accountsByName[$0] } ?? accounts.first
    }

    /// The account commands act on: the current window's, else the default one.
    public var currentAccount: AccountController? {
        currentWindow.account.flatMap { accountsByName[$0] } ?? defaultAccount
    }

    /// More than one account: the roster, titles and window names say which.
    public var hasSeveralAccounts: Bool { accounts.count > 1 }

    /// The conversation with `contact` on `account`: its bare JID, or an occupant's full JID for
    /// a private chat through one of the account's rooms.
    public func conversation(_ contact: JID, on account: AccountController) -> ConversationKey {
        let occupant = contact.resourcepart != nil && account.feature(RoomsFeature.self)?.knows(contact.bare) == true
        return ConversationKey(account: account.name, jid: occupant ? contact : contact.bare)
    }

    /// The window of a conversation, if open.
    public func window(of key: ConversationKey) -> ChatWindow? {
        windows.first { $0.conversation == key }
    }

    public var currentWindow: ChatWindow { windows[currentIndex] }

    // MARK: Windows

    /// The window of a conversation, opened (and loaded from the store) if needed.
    @discardableResult
    public func openChat(_ key: ConversationKey, focus: Bool) -> ChatWindow {
        if let index = windows.firstIndex(where: { $0.conversation == key }) {
            if focus { switchTo(index) }
            return windows[index]
        }
        let window = ChatWindow(kind: .chat(key))
        strangers.remove(key)
        windows.append(window)
        loadLatest(window)
        if focus { switchTo(windows.count - 1) } else { onChange(.status) }
        return window
    }

    public func switchTo(_ index: Int) {
        guard windows.indices.contains(index), index != currentIndex else { return }
        markSeen(currentWindow)
        if let left = currentWindow.conversation {
            account(of: left)?.feature(ChatStatesFeature.self)?.set(.inactive, for: left.jid)
        }
        currentIndex = index
        cameOnScreen(windows[index])
        onChange(.all)
    }

    /// A window is shown: nothing in it waits any more, and its unread marker is where the unread
    /// messages begin.
    private func cameOnScreen(_ window: ChatWindow) {
        window.activity = .none
        if let key = window.conversation, let account = account(of: key) {
            // Where unread begins: the first incoming message after the read marker.
            let unread = (try? account.store.unreadCounts(account: account.accountID)[key.address]?.messages) ?? 0
            window.unreadMarker = unread > 0 ? window.messages.suffix(unread).first?.id : nil
        }
        markSeen(window)
    }

    /// Closes a window (not the console).
    public func closeWindow(_ index: Int) {
        guard index > 0, windows.indices.contains(index) else { return }
        if let key = windows[index].conversation {
            account(of: key)?.feature(ChatStatesFeature.self)?.set(.gone, for: key.jid)
        }
        cancelForm(in: windows[index])
        notices[ObjectIdentifier(windows[index])] = nil
        let wasShown = index == currentIndex
        windows.remove(at: index)
        if currentIndex >= index { currentIndex = max(0, currentIndex - 1) }
        // The window before it takes the screen.
        if wasShown { cameOnScreen(currentWindow) }
        onChange(.all)
    }

    /// Records that the user has seen everything in a shown chat window.
    func markSeen(_ window: ChatWindow) {
        guard let key = window.conversation, let account = account(of: key), let last = window.messages.last else {
            return
        }
        try? account.store.markRead(account: account.accountID, conversation: key.jid, upTo: last.timestamp)
        forgetUnread(key)
        account.feature(ReadSyncFeature.self)?.displayed(key.jid, upTo: last.timestamp)
        if let marker = window.pendingMarker {
            window.pendingMarker = nil
            account.feature(MarkersFeature.self)?.sendDisplayed(to: key.jid, for: marker)
        }
    }

    // MARK: Scrolling and history

    /// Loads the newest messages of a window (on open, and on End after scrolling far back).
    public func loadLatest(_ window: ChatWindow, count: Int = 200) {
        guard let key = window.conversation, let account = account(of: key) else { return }
        do {
            window.messages = try account.store.lastMessages(
                account: account.accountID, conversation: key.jid, limit: count
            ).map(MessageRow.init)
            window.hasOlder = window.messages.count == count
            window.newBelow = 0
        } catch {
            addNotice("could not read the history of \(key.jid): \(error)", level: .error)
        }
    }

    /// Loads up to `count` older messages from the store in front of the loaded ones; returns how
    /// many came. When the store has nothing older, `fetchFromArchive` asks the server.
    @discardableResult
    public func loadOlder(_ window: ChatWindow, count: Int = 100) -> Int {
        guard window.hasOlder, let first = window.messages.first, let key = window.conversation,
            let account = account(of: key)
        else { return 0 }
        do {
            let older = try account.store.messages(before: first.id, limit: count).map(MessageRow.init)
            window.hasOlder = older.count == count
            window.prepend(older)
            // Keep memory bounded: drop the newest, but never what the view shows (PageDown or
            // End loads them again).
            let anchorIndex = window.scrollAnchor.flatMap { anchor in
                window.messages.firstIndex { $0.id == anchor.messageID }
            }
            let keep = max(ChatWindow.loadLimit, (anchorIndex ?? window.messages.count) + 200)
            if window.messages.count > keep {
                window.dropNewest(window.messages.count - keep)
                window.droppedNewer = true
            }
            return older.count
        } catch {
            addNotice("could not read older messages: \(error)", level: .error)
            return 0
        }
    }

    /// The store has nothing older than the window's first message: asks the server's archive
    /// for the page before (one request at a time; "loading older messages…" meanwhile). What
    /// arrives is loaded in front at once, so the view can go on scrolling up.
    public func fetchFromArchive(_ window: ChatWindow) {
        guard let key = window.conversation, let account = account(of: key), account.status == .online,
            !window.fetchingArchive, !window.historyComplete, !window.hasOlder,
            let archive = account.feature(ArchiveFeature.self)
        else { return }
        window.fetchingArchive = true
        onChange([.status, .chat])
        let fetched: (ArchiveBackfill) -> Void = { [weak self, weak window] outcome in
            guard let self, let window else { return }
            window.fetchingArchive = false
            switch outcome {
            case .added(let count) where count > 0:
                window.hasOlder = true
                if window.messages.isEmpty { self.loadLatest(window) } else { self.loadOlder(window) }
            case .complete:
                window.historyComplete = true
            case .added, .unavailable:
                break
            }
            self.onChange([.status, .chat])
        }
        if let rooms = account.feature(RoomsFeature.self), rooms.knows(key.jid) {
            rooms.fetchOlder(of: key.jid, completion: fetched)
        } else {
            archive.fetchOlderFromArchive(key.jid, completion: fetched)
        }
    }

    /// Loads up to `count` newer messages after the loaded ones (PageDown after scrolling far
    /// back); returns how many came.
    @discardableResult
    public func loadNewer(_ window: ChatWindow, count: Int = 100) -> Int {
        guard window.droppedNewer, let last = window.messages.last, let key = window.conversation,
            let account = account(of: key)
        else { return 0 }
        do {
            let newer = try account.store.messages(after: last.id, limit: count).map(MessageRow.init)
            if newer.count < count { window.droppedNewer = false }
            window.messages.append(contentsOf: newer)
            return newer.count
        } catch {
            addNotice("could not read newer messages: \(error)", level: .error)
            return 0
        }
    }

    /// Back to the live end of the current window.
    public func scrollToEnd() {
        let window = currentWindow
        window.scrollAnchor = nil
        window.newBelow = 0
        if window.droppedNewer {
            window.droppedNewer = false
            loadLatest(window)
        }
        markSeen(window)
        onChange([.chat, .status])
    }

    // MARK: Input

    /// Handles a line typed in the current window: a /command, or a message to its conversation.
    public func submit(_ line: String) {
        let window = currentWindow
        userActivity()
        guard !line.isEmpty else { return }
        window.recordInput(line)
        if line.hasPrefix("/") && !line.hasPrefix("//") {
            if let message = commands.run(String(line.dropFirst()), model: self) {
                addNotice(message, level: .warning)
            }
            onChange(.status)
            return
        }
        let text = line.hasPrefix("//") ? String(line.dropFirst()) : line
        guard let key = window.conversation else {
            addNotice("this is the console: open a chat with /msg JID, or type /help", level: .warning)
            return
        }
        account(of: key)?.feature(MessagingFeature.self)?.send(text, to: key.jid)
        scrollToEnd()
    }

    /// Shows a notice in the current window.
    public func addNotice(_ text: String, level: LogEntry.Level = .info, window: ChatWindow? = nil) {
        let target = window ?? currentWindow
        if target.kind == .console {
            appendLog(LogEntry(time: scheduler.now, level: level, text: text))
            return
        }
        notices[ObjectIdentifier(target), default: []].append(LogEntry(time: scheduler.now, level: level, text: text))
        if let count = notices[ObjectIdentifier(target)]?.count, count > Self.noticeLimit + Self.noticeLimit / 4 {
            notices[ObjectIdentifier(target)]?.removeFirst(count - Self.noticeLimit)
        }
        if target === currentWindow { onChange(.chat) }
    }

    public func noticesOf(_ window: ChatWindow) -> [LogEntry] {
        notices[ObjectIdentifier(window)] ?? []
    }

    /// /clear: hides what the window shows now (history stays in the store).
    public func clearWindow(_ window: ChatWindow) {
        window.clearedBefore = window.messages.last?.id
        notices[ObjectIdentifier(window)] = nil
        if window.kind == .console { log.removeAll() }
        window.scrollAnchor = nil
        onChange([.chat, .log])
    }

    // MARK: Settings

    /// Changes a setting and saves it for the next start; returns what is wrong otherwise.
    public func changeSetting(_ key: String, to value: String) -> String? {
        var changed = settings
        if key == "theme" {
            changed.theme = value
        } else if let problem = changed.set(key, value) {
            return problem
        }
        settings = changed
        save(key, changed.value(of: key) ?? value)
        return nil
    }

    /// Forgets a saved setting: back to the configured value.
    public func resetSetting(_ key: String) -> String? {
        var changed = settings
        if key == "theme" {
            changed.theme = configuredSettings.theme
        } else {
            guard let configured = configuredSettings.value(of: key) else {
                return "unknown setting \(key) (known: \(UISettings.keys.map(\.key).joined(separator: ", ")))"
            }
            _ = changed.set(key, configured)
        }
        settings = changed
        save(key, nil)
        return nil
    }

    private func save(_ key: String, _ value: String?) {
        guard let settingsStore else { return }
        do {
            try settingsStore.setUISetting(key, to: value)
            if value == nil { savedSettings.remove(key) } else { savedSettings.insert(key) }
        } catch {
            addNotice("could not save \(key) for the next start: \(error)", level: .warning)
        }
    }

    public func requestQuit() {
        quitRequested = true
        onChange(.all)
    }

    /// A contact of `account` given as a JID or as a roster name (case-insensitive).
    public func resolveContact(_ text: String, on account: AccountController?) -> JID? {
        guard let account else { return JID(parsing: text) }
        let folded = text.lowercased()
        if let item = account.roster.values.first(where: { $0.name?.lowercased() == folded }) { return item.jid }
        guard let jid = JID(parsing: text), jid.localpart != nil || account.roster[jid.bare] != nil else { return nil }
        // room@service/nick: a private chat through a room.
        if jid.resourcepart != nil, account.feature(RoomsFeature.self)?.knows(jid.bare) == true { return jid }
        return jid.bare
    }

    /// Candidates for Tab completion of an argument kind; contacts and groups of `accountName`
    /// (else of the current window's account).
    public func completionValues(_ kind: ArgumentCompletion, account accountName: String? = nil) -> [String] {
        let chosen = accountName.flatMap { accountsByName[$0] } ?? currentAccount
        switch kind {
        case .contact:
            guard let account = chosen else { return [] }
            var values = account.roster.keys.map(\.description)
            values += account.roster.values.compactMap(\.name).map { $0.contains(" ") ? "\"\($0)\"" : $0 }
            values += windows.compactMap { $0.account == account.name ? $0.conversation?.address : nil }
            return values
        case .setting: return UISettings.keys.map(\.key)
        case .account: return accounts.map(\.name)
        case .group: return Array(Set(chosen?.roster.values.flatMap(\.groups) ?? []))
        case .room:
            let known = chosen?.feature(RoomsFeature.self)?.rooms.keys.map(\.self) ?? []
            let bookmarked = chosen?.feature(BookmarksFeature.self)?.bookmarks.keys.map(\.self) ?? []
            let invited = chosen?.feature(InvitationsFeature.self)?.pending.map(\.room) ?? []
            return Set(known + bookmarked + invited).map(\.description)
        case .occupant(let words):
            let nicks = currentWindow.conversation.map(nicks(in:)) ?? []
            return words + nicks.map { $0.contains(" ") ? "\"\($0)\"" : $0 }
        case .conversation:
            return completionValues(.contact, account: chosen?.name) + completionValues(.room, account: chosen?.name)
        case .command: return commands.commands.map(\.name)
        case .choice(let words): return words
        case .path: return PathCompletion.candidates(for: "")
        case .theme, .none: return extraCompletions(kind)
        }
    }

    // MARK: Account events

    private func handle(_ event: AccountEvent, from account: AccountController) {
        switch event {
        case .statusChanged:
            onChange(.status)
        case .log(var entry):
            // With several accounts, each line says whose it is.
            if hasSeveralAccounts { entry.text = "\(account.name): " + entry.text }
            appendLog(entry)
        case .messageStored(let conversation, let id, let isNew, let outgoing, let markable):
            let key = self.conversation(conversation, on: account)
            messageStored(key, id: id, isNew: isNew, outgoing: outgoing, account: account)
            if let markable, let window = window(of: key) {
                window.pendingMarker = markable
                if window === currentWindow && window.scrollAnchor == nil { markSeen(window) }
            }
        case .archiveStored(let stored, let older):
            archiveStored(stored, older: older, account: account)
        case .feature(let event):
            event.apply(to: self, from: account)
        }
    }

    /// A contact's presence changed. Grouped by roster group with offline contacts shown, its
    /// rows stay where they are: only they are redrawn (a login's thousand presences must not
    /// rebuild the pane a thousand times); otherwise the pane is rebuilt.
    func presenceChanged(_ key: ConversationKey) {
        if settings.rosterGrouping == .group && settings.showOffline {
            onUnreadChange(key)
            onChange(currentWindow.conversation == key ? [.title] : [])
        } else {
            onChange([.roster, .title])
        }
    }

    /// Another of our clients displayed a conversation, up to `timestamp` (nil: all of it): it is
    /// read here too, and what came after stays unread.
    func readElsewhere(_ key: ConversationKey, account: AccountController, upTo timestamp: Int64? = nil) {
        try? account.store.markRead(account: account.accountID, conversation: key.jid, upTo: timestamp ?? scheduler.now)
        let left = timestamp == nil ? nil : (try? account.store.unreadCounts(account: account.accountID))?[key.address]
        if let left {
            setUnread(key, left)
            onUnreadChange(key)
        } else {
            forgetUnread(key)
            window(of: key)?.activity = .none
        }
        onChange(.status)
    }

    /// A page from the archive: refresh open windows at their live end, open windows (with
    /// activity) for conversations that got unread messages. `older` pages (a first login's
    /// newest messages, fetched newest page first) go above what is stored: never "new below".
    private func archiveStored(_ stored: [JID: [Int64]], older: Bool, account: AccountController) {
        // This account's counts from the store (nil: unreadable; the ones in memory stay).
        let counts = (try? account.store.unreadCounts(account: account.accountID)).map { counts in
            Dictionary(
                counts.compactMap { address, count in
                    JID(parsing: address).map { (conversation($0, on: account), count) }
                },
                uniquingKeysWith: { first, second in first.messages >= second.messages ? first : second })
        }
        for (contact, ids) in stored {
            let key = conversation(contact, on: account)
            let unread = counts?[key]?.messages ?? unreadCounts[key] ?? 0
            var window = window(of: key)
            if window == nil && unread > 0 && !account.isContact(contact) && account.behaviour.strangers == .requests {
                strangers.insert(key)
                continue
            }
            if window == nil && unread > 0 { window = openChat(key, focus: false) }
            guard let window else { continue }
            if window.scrollAnchor == nil && !window.droppedNewer {
                loadLatest(window)
            } else if older {
                window.hasOlder = true
            } else {
                window.newBelow += ids.count
            }
            if window === currentWindow && window.scrollAnchor == nil {
                markSeen(window)
            } else if unread > 0 {
                window.activity = max(window.activity, .highlight)
            }
        }
        if let counts {
            let shown = currentWindow.scrollAnchor == nil ? currentWindow.conversation : nil
            unreadCounts = unreadCounts.filter { $0.key.account != account.name }
            highlightCounts = highlightCounts.filter { $0.key.account != account.name }
            for (key, count) in counts where key != shown { setUnread(key, count) }
        }
        onChange([.chat, .roster, .status])
    }

    private func messageStored(
        _ key: ConversationKey, id: Int64, isNew: Bool, outgoing: Bool, account: AccountController
    ) {
        guard let message = (try? account.store.message(id: id)).map(MessageRow.init) else { return }
        let open = window(of: key)
        let rooms = account.feature(RoomsFeature.self)
        let room = rooms?.rooms[key.jid]
        let throughRoom = room != nil || rooms?.knows(key.jid.bare) == true
        let stranger = !throughRoom && !account.isContact(key.jid) && account.behaviour.strangers == .requests
        if stranger && open == nil {
            // Listed under Requests, with its unread count, until a window is opened for it.
            guard isNew && !outgoing else { return }
            unreadCounts[key, default: 0] += 1
            if strangers.insert(key).inserted {
                noteStranger(key.jid, account: account)
                onChange(.roster)
            } else {
                onUnreadChange(key)
            }
            return
        }
        let window = isNew && !outgoing ? openChat(key, focus: false) : open
        guard let window else { return }
        if let index = window.messages.lastIndex(where: { $0.id == id }) {
            window.messages[index] = message
        } else if isNew && !window.droppedNewer {
            window.insert(message)
            if window.scrollAnchor != nil { window.newBelow += 1 }
            window.trimToLiveLimit()
        } else if isNew {
            window.newBelow += 1
        }
        let seen = window === currentWindow && window.scrollAnchor == nil
        let incoming = isNew && !outgoing
        if incoming && !seen {
            unreadCounts[key, default: 0] += 1
            if message.highlight { highlightCounts[key, default: 0] += 1 }
            onUnreadChange(key)
        }
        // The conversation's level decides what rings (every message in a chat, only mentions
        // in a room, unless /notify or config.toml say otherwise).
        let rings =
            incoming
            && account.feature(NotificationsFeature.self).map { $0.notifies(highlight: message.highlight, in: key.jid) }
                ?? true
        if rings && !seen {
            onNotification(
                Notification(
                    account: account.name, conversation: key.jid,
                    sender: room == nil ? account.displayName(key.jid) : "\(message.sender) in \(key.jid)",
                    text: message.body))
        }
        if window === currentWindow {
            if seen { markSeen(window) }
            onChange(.chat)
        } else if incoming {
            // What rang, or named us, stands out in the status bar.
            window.activity = max(window.activity, rings || message.highlight ? .highlight : .message)
            onChange(.status)
        }
    }

    private func setUnread(_ key: ConversationKey, _ count: UnreadCount) {
        unreadCounts[key] = count.messages
        highlightCounts[key] = count.highlights > 0 ? count.highlights : nil
    }

    /// The user has seen a conversation: nothing in it is unread.
    private func forgetUnread(_ key: ConversationKey) {
        highlightCounts[key] = nil
        if unreadCounts.removeValue(forKey: key) != nil { onUnreadChange(key) }
    }

    /// Says that someone not in the roster wrote: one line each for the first few, then a count
    /// at most once a minute (a flood of strangers must not push everything out of the log).
    private func noteStranger(_ jid: JID, account: AccountController) {
        let count = strangers.count { $0.account == account.name }
        if count <= 3 {
            account.log(
                .info, "\(jid) (not in your roster) wrote; the message waits under Requests — /msg \(jid) to read it")
        } else if strangerNoticeAt.map({ scheduler.now - $0 >= 60_000 }) ?? true {
            strangerNoticeAt = scheduler.now
            account.log(.info, "\(count) people not in your roster wrote; their messages wait under Requests")
        }
    }

    // MARK: Typing and idleness

    /// The input line changed: tells the contact we are composing (or no longer).
    public func inputChanged(_ text: String) {
        userActivity()
        guard let key = currentWindow.conversation, let account = account(of: key) else { return }
        let typing = !text.isEmpty && !(text.hasPrefix("/") && !text.hasPrefix("//"))
        account.feature(ChatStatesFeature.self)?.set(typing ? .composing : .active, for: key.jid)
    }

    /// A key was pressed: the user is here (ends auto-away on every account that went away).
    public func userActivity() {
        lastActivity = scheduler.now
        guard !presenceBeforeAutoAway.isEmpty else { return }
        for account in accounts {
            guard let (availability, status) = presenceBeforeAutoAway[account.name] else { continue }
            let presence = account.feature(PresenceFeature.self)
            presence?.setPresence(availability, status: status)
            presence?.setUserActive(true)
        }
        presenceBeforeAutoAway.removeAll()
        appendLog(LogEntry(time: scheduler.now, level: .info, text: "back from auto-away"))
    }

    /// Goes away after the configured idle time, and tells the servers the user is not looking.
    private func checkIdle() {
        scheduler.schedule(after: .seconds(30)) { [weak self] in
            guard let self else { return }
            self.checkIdle()
            var minutes: Int?
            for account in self.accounts {
                let idleAfter = Int64(account.behaviour.autoAwayMinutes) * 60_000
                guard idleAfter > 0, self.presenceBeforeAutoAway[account.name] == nil,
                    self.scheduler.now - self.lastActivity >= idleAfter
                else { continue }
                guard let presence = account.feature(PresenceFeature.self) else { continue }
                let own = presence.manager.own
                guard own.availability == .online || own.availability == .chat else { continue }
                self.presenceBeforeAutoAway[account.name] = (own.availability, own.status)
                presence.setPresence(.away, status: "idle")
                presence.setUserActive(false)
                minutes = account.behaviour.autoAwayMinutes
            }
            if let minutes {
                self.appendLog(
                    LogEntry(
                        time: self.scheduler.now, level: .info,
                        text: "auto-away after \(minutes) minutes without a key press"))
            }
        }
    }

    /// Adds a line; the same line again right after it only counts (a burst of one kind of event
    /// must not push everything else out of sight).
    func appendLog(_ entry: LogEntry) {
        if let last = log.last, last.level == entry.level, last.text == entry.text {
            log[log.count - 1].repeats += 1
            log[log.count - 1].time = entry.time
            onChange(.log)
            return
        }
        log.append(entry)
        if log.count > AppModel.logLimit { log.removeFirst(log.count - AppModel.logLimit) }
        onChange(.log)
    }
}
