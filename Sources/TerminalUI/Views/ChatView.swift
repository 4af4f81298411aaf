import ChatModel
import SafeText

/// The chat pane: a window's messages as `HH:MM nick: text`, wrapped with continuation lines
/// indented under the text, day separators, the unread marker, notices, and delivery state.
public final class ChatView {
    /// One displayed line and what it belongs to.
    struct Line {
        var segments: [(text: String, element: String)]
        /// The message this line belongs to (nil for separators and notices).
        var messageID: Int64?
    }

    /// Something shown in the pane: a message, a notice, a day separator, the unread marker, or
    /// (at the top) older history on its way from the server.
    enum Entry {
        case message(MessageRow)
        case notice(LogEntry)
        case day(Int64)
        case unreadMarker
        case loadingOlder
    }

    private var cache: [CacheKey: [Line]] = [:]
    static let cacheLimit = 3000
    /// Nicknames by account and sender text (parsing a JID for every line would dominate
    /// scrolling).
    private var nicknames: [NicknameKey: String] = [:]
    private struct NicknameKey: Hashable {
        var account: String
        var sender: String
    }
    /// The account of the window whose entries were asked for last (the messages' lines name
    /// their senders as that account knows them).
    private var account = ""
    private var cacheWidth = 0
    private var entriesCache: EntriesCache?
    /// How often a window's entries were built from scratch rather than updated in place.
    private(set) var entriesBuilt = 0

    /// A window's entries, kept while the window and its notices do not change, and updated in
    /// place when scrolling loads older messages or drops the newest (no full rebuild: PageUp
    /// stays cheap however much history there is).
    private struct EntriesCache {
        var window: ObjectIdentifier
        var version: Int
        var notices: Int
        var entries: [Entry]
        /// Positions are stored relative to `base`, so prepending never renumbers them.
        var positionByMessage: [Int64: Int]
        var base: Int

        func index(of id: Int64) -> Int? { positionByMessage[id].map { $0 - base } }
    }

    private struct CacheKey: Hashable {
        var id: Int64
        var body: String
        var state: Int
        var corrected: Bool
        var lock: LockShown?
        var format: String
        var reactions: [ReactionShown]
        var reply: ReplyQuote?
    }

    public init() {}

    public func invalidate() {
        cache.removeAll()
        entriesCache = nil
        nicknames.removeAll()
    }

    /// Names change with the roster: forget the formatted lines that show them.
    public func rosterChanged() {
        cache.removeAll()
        nicknames.removeAll()
    }

    /// Draws the window's visible part into `rect`; the lines of message `selected` (the message
    /// cursor's) stand out with the theme's `chat.selected`.
    public func render(
        _ window: ChatWindow,
        model: AppModel,
        theme: Theme,
        canvas: some Canvas,
        rect: Rect,
        selected: Int64? = nil
    ) {
        let lines = visibleLines(window, model: model, width: rect.width, height: rect.height)
        let top = rect.height - lines.count
        for row in 0..<rect.height {
            let target = rect.row + row
            guard row >= top else {
                canvas.fill(row: target, column: rect.column, width: rect.width, style: theme.style("chat.text"))
                continue
            }
            var column = 0
            let isSelected = selected != nil && lines[row - top].messageID == selected
            for segment in lines[row - top].segments {
                column += canvas.draw(
                    segment.text, row: target, column: rect.column + column, width: rect.width - column,
                    style: theme.style(segment.element, selected: isSelected))
            }
            if column < rect.width {
                canvas.fill(
                    row: target, column: rect.column + column, width: rect.width - column,
                    style: theme.style("chat.text", selected: isSelected))
            }
        }
    }

    /// The lines that fill a pane of `height` rows ending at the window's scroll anchor.
    func visibleLines(_ window: ChatWindow, model: AppModel, width: Int, height: Int) -> [Line] {
        let entries = self.entries(window, model: model)
        var endIndex = entries.count
        var skip = 0
        if let anchor = window.scrollAnchor, let index = index(of: anchor.messageID, in: window, model: model) {
            endIndex = index + 1
            skip = anchor.linesHiddenBelow
        }
        var lines: [Line] = []
        var index = endIndex
        while index > 0 && lines.count < height + skip {
            index -= 1
            lines.insert(contentsOf: self.lines(for: entries[index], model: model, width: width), at: 0)
        }
        if skip > 0 { lines.removeLast(min(skip, lines.count)) }
        return Array(lines.suffix(height))
    }

    /// The position of a message among a window's entries.
    func index(of messageID: Int64, in window: ChatWindow, model: AppModel) -> Int? {
        _ = entries(window, model: model)
        return entriesCache?.index(of: messageID)
    }

    /// The entries of a window in display order.
    func entries(_ window: ChatWindow, model: AppModel) -> [Entry] {
        account = window.account ?? ""
        let noticeCount = model.noticesOf(window).count
        if var cached = entriesCache, cached.window == ObjectIdentifier(window), cached.notices == noticeCount,
            let changes = window.changes(since: cached.version)
        {
            if changes.isEmpty { return cached.entries }
            if update(&cached, window: window, changes: changes, notices: noticeCount > 0) {
                entriesCache = cached
                return cached.entries
            }
        }
        let entries = buildEntries(window, model: model)
        entriesBuilt += 1
        var positions: [Int64: Int] = [:]
        positions.reserveCapacity(entries.count)
        for (index, entry) in entries.enumerated() {
            if case .message(let message) = entry { positions[message.id] = index }
        }
        entriesCache = EntriesCache(
            window: ObjectIdentifier(window), version: window.version, notices: noticeCount, entries: entries,
            positionByMessage: positions, base: 0)
        return entries
    }

    /// Applies prepends and drops (scrolling back) or appends and drops of the oldest (the live
    /// end) to cached entries; false when a rebuild is needed. Among `notices` (a room's window
    /// always has some), which go between the messages by time, only the live end's changes are
    /// applied, and only while no notice is at the end or where the oldest leave.
    private func update(
        _ cache: inout EntriesCache, window: ChatWindow, changes: [ChatWindow.Change], notices: Bool
    ) -> Bool {
        guard window.clearedBefore == nil else { return false }
        var prepended = 0
        var droppedNewest = 0
        var appended = 0
        var droppedOldest = 0
        for change in changes {
            switch change {
            case .other: return false
            case .prepended(let count): prepended += count
            case .droppedNewest(let count): droppedNewest += count
            case .appended(let count): appended += count
            case .droppedOldest(let count): droppedOldest += count
            }
        }
        if prepended + droppedNewest > 0 && (appended + droppedOldest > 0 || notices) { return false }
        if prepended > 0 { prepend(&cache, window.messages.prefix(prepended)) }
        if droppedNewest > 0 { dropNewest(&cache, droppedNewest) }
        if appended > 0 {
            guard append(&cache, window.messages.suffix(appended), unreadMarker: window.unreadMarker) else {
                return false
            }
        }
        if droppedOldest > 0 {
            guard dropOldest(&cache, droppedOldest) else { return false }
        }
        cache.version = window.version
        return true
    }

    private func prepend(_ cache: inout EntriesCache, _ messages: ArraySlice<MessageRow>) {
        var added: [Entry] = []
        var lastDay: Int?
        for message in messages {
            let day = TimeFormat.localDay(message.timestamp)
            if day != lastDay {
                added.append(.day(message.timestamp))
                lastDay = day
            }
            added.append(.message(message))
        }
        // When the old first message is on the same day, its separator goes.
        if case .day(let timestamp)? = cache.entries.first, TimeFormat.localDay(timestamp) == lastDay {
            cache.entries.removeFirst()
            cache.base += 1
        }
        cache.base -= added.count
        for (offset, entry) in added.enumerated() {
            if case .message(let message) = entry { cache.positionByMessage[message.id] = offset + cache.base }
        }
        cache.entries.insert(contentsOf: added, at: 0)
    }

    private func dropNewest(_ cache: inout EntriesCache, _ count: Int) {
        var removed = 0
        while removed < count, let last = cache.entries.last {
            cache.entries.removeLast()
            if case .message(let message) = last {
                cache.positionByMessage[message.id] = nil
                removed += 1
            }
        }
        while case .day? = cache.entries.last { cache.entries.removeLast() }
    }

    /// New messages at the end, each after a day separator when its day differs from the last
    /// one shown. False when one of them carries the unread marker (a rebuild places it).
    private func append(
        _ cache: inout EntriesCache, _ messages: ArraySlice<MessageRow>, unreadMarker: Int64?
    ) -> Bool {
        // A notice newer than the last message may belong after some of the new ones.
        if case .notice? = cache.entries.last { return false }
        var lastDay: Int?
        for entry in cache.entries.reversed() {
            if case .message(let message) = entry {
                lastDay = TimeFormat.localDay(message.timestamp)
                break
            }
        }
        for message in messages {
            if message.id == unreadMarker { return false }
            let day = TimeFormat.localDay(message.timestamp)
            if day != lastDay {
                cache.entries.append(.day(message.timestamp))
                lastDay = day
            }
            cache.positionByMessage[message.id] = cache.entries.count + cache.base
            cache.entries.append(.message(message))
        }
        return true
    }

    /// The oldest messages leave, with the separators and the unread marker before them; the new
    /// first message keeps a day separator. False when a notice is among them or after them.
    private func dropOldest(_ cache: inout EntriesCache, _ count: Int) -> Bool {
        var removed = 0
        var front = 0
        while removed < count && front < cache.entries.count {
            switch cache.entries[front] {
            case .message(let message):
                cache.positionByMessage[message.id] = nil
                removed += 1
            case .day, .unreadMarker: break
            case .notice, .loadingOlder: return false
            }
            front += 1
        }
        while front < cache.entries.count, case .day = cache.entries[front] { front += 1 }
        // A notice now first would need the day separator after it.
        if front < cache.entries.count, case .notice = cache.entries[front] { return false }
        cache.entries.removeFirst(front)
        cache.base += front
        if case .message(let message)? = cache.entries.first {
            cache.entries.insert(.day(message.timestamp), at: 0)
            cache.base -= 1
        }
        return true
    }

    private func buildEntries(_ window: ChatWindow, model: AppModel) -> [Entry] {
        var entries: [Entry] = window.fetchingArchive ? [.loadingOlder] : []
        let notices = model.noticesOf(window)
        var noticeIndex = 0
        var lastDay: Int?
        // A notice opens its day as a message does ("you entered" after yesterday's archive).
        func dated(_ timestamp: Int64) {
            let day = TimeFormat.localDay(timestamp)
            if day != lastDay {
                entries.append(.day(timestamp))
                lastDay = day
            }
        }
        for message in window.visibleMessages {
            while noticeIndex < notices.count && notices[noticeIndex].time < message.timestamp {
                dated(notices[noticeIndex].time)
                entries.append(.notice(notices[noticeIndex]))
                noticeIndex += 1
            }
            dated(message.timestamp)
            if message.id == window.unreadMarker { entries.append(.unreadMarker) }
            entries.append(.message(message))
        }
        while noticeIndex < notices.count {
            dated(notices[noticeIndex].time)
            entries.append(.notice(notices[noticeIndex]))
            noticeIndex += 1
        }
        return entries
    }

    /// How many lines an entry takes at a width (for scrolling).
    func lineCount(_ entry: Entry, model: AppModel, width: Int) -> Int {
        lines(for: entry, model: model, width: width).count
    }

    func lines(for entry: Entry, model: AppModel, width: Int) -> [Line] {
        if width != cacheWidth {
            cache.removeAll()
            cacheWidth = width
        }
        switch entry {
        case .day(let timestamp):
            let label = " " + TimeFormat.format(timestamp, pattern: "%A %d %B %Y") + " "
            let side = max(2, (width - TextWidth.of(label)) / 2)
            return [
                Line(segments: [
                    (String(repeating: "─", count: side) + label + String(repeating: "─", count: side), "chat.day")
                ])
            ]
        case .loadingOlder:
            return [Line(segments: [("loading older messages…", "chat.notice")])]
        case .unreadMarker:
            let label = " new messages "
            let side = max(2, (width - TextWidth.of(label)) / 2)
            return [
                Line(segments: [
                    (String(repeating: "─", count: side) + label + String(repeating: "─", count: side), "chat.unread")
                ])
            ]
        case .notice(let notice):
            let time = TimeFormat.format(notice.time, pattern: model.settings.timeFormat) + " "
            let element = notice.level >= .warning ? "chat.error" : "chat.notice"
            return wrap(
                prefix: [(time, "chat.time"), ("-!- ", element)],
                text: TerminalSafe.sanitize(notice.text, keepNewlines: true),
                textElement: element, suffix: [], width: width, messageID: nil)
        case .message(let message):
            let key = CacheKey(
                id: message.id, body: message.body, state: message.state?.rawValue ?? -1,
                corrected: message.isCorrected, lock: message.lock,
                format: model.settings.timeFormat, reactions: message.reactions, reply: message.replyQuote)
            if let cached = cache[key] { return cached }
            let lines = format(message, model: model, width: width)
            // Bounded: scrolling through a long history must not keep every message's lines.
            if cache.count >= ChatView.cacheLimit { cache.removeAll(keepingCapacity: true) }
            cache[key] = lines
            return lines
        }
    }

    private func format(_ message: MessageRow, model: AppModel, width: Int) -> [Line] {
        let time = TimeFormat.format(message.timestamp, pattern: model.settings.timeFormat) + " "
        let nick = TerminalSafe.sanitize(nickname(message, model: model))
        var nickElement = message.outgoing ? "chat.me" : "chat.them"
        var body = TerminalSafe.sanitize(message.body, keepNewlines: true)
        var prefix: [(String, String)]
        var textElement = "chat.text"
        if message.isGroupchat && !message.outgoing { nickElement = ChatView.nickElement(message.sender) }
        if message.isGroupchat && message.sender.isEmpty {
            // The room itself speaking.
            return wrap(
                prefix: [(time, "chat.time"), ("*** ", "chat.notice")], text: body, textElement: "chat.notice",
                suffix: [], width: width, messageID: message.id)
        }
        if let retraction = message.retraction {
            return wrap(
                prefix: [(time, "chat.time"), (nick, nickElement), (": ", "chat.text")],
                text: ChatView.describe(retraction), textElement: "chat.notice", suffix: [], width: width,
                messageID: message.id)
        }
        if body.hasPrefix("/me ") {
            body = String(body.dropFirst(4))
            prefix = [(time, "chat.time"), ("* ", "chat.action"), (nick + " ", nickElement)]
            textElement = "chat.action"
        } else {
            prefix = [(time, "chat.time"), (nick, nickElement), (": ", "chat.text")]
        }
        // A shared file by its name; the URL is fetched only on /open.
        if let file = model.sharedFile(message) {
            body = "[file] " + TerminalSafe.sanitize(file.name) + " (/open #\(message.id))"
        }
        // It named us or a keyword.
        if message.highlight { textElement = "chat.highlight" }
        var suffix: [(String, String)] = []
        if message.isCorrected { suffix.append((" (edited)", "chat.corrected")) }
        if let lock = message.lock { prefix.insert(ChatView.lockMark(lock), at: 1) }
        if message.lock == .untrusted { suffix.append((" (untrusted device)", "chat.lock.untrusted")) }
        if message.outgoing, message.isGroupchat, let state = message.state {
            // In a room, our message is confirmed by the room sending it back.
            switch state {
            case .queued: suffix.append((" (queued)", "chat.state"))
            case .sent, .acked: suffix.append((" (sent)", "chat.state"))
            case .delivered, .displayed: suffix.append((" ✓", "chat.state"))
            case .failed:
                suffix.append((" ✗ " + TerminalSafe.sanitize(message.error ?? "failed"), "chat.failed"))
            }
        } else if message.outgoing, let state = message.state {
            switch state {
            case .queued: suffix.append((" (queued)", "chat.state"))
            case .sent: suffix.append((" (sent)", "chat.state"))
            case .acked: suffix.append((" ✓", "chat.state"))
            case .delivered: suffix.append((" ✓✓", "chat.state"))
            case .displayed: suffix.append((" ✓✓ seen", "chat.state"))
            case .failed:
                suffix.append((" ✗ " + TerminalSafe.sanitize(message.error ?? "failed"), "chat.failed"))
            }
        }
        return replyLines(message, model: model, indent: TextWidth.of(time), width: width)
            + wrap(
                prefix: prefix, text: body, textElement: textElement, suffix: suffix, width: width,
                messageID: message.id, styled: true) + reactionLines(message, indent: TextWidth.of(time), width: width)
    }

    /// The lock before an encrypted message's sender, styled by the sending device's trust.
    static func lockMark(_ lock: LockShown) -> (String, String) {
        switch lock {
        case .sent, .blindTrust: ("🔒 ", "chat.lock")
        case .verified: ("🔒 ", "chat.lock.verified")
        case .untrusted: ("🔒 ", "chat.lock.untrusted")
        }
    }

    /// What shows in place of a message whose text was taken back.
    static func describe(_ retraction: MessageRow.RetractionShown) -> String {
        guard retraction.byModerator else { return "(message retracted)" }
        var text = "(removed by a moderator"
        if let by = retraction.by, !by.isEmpty { text += ", " + TerminalSafe.sanitize(by) }
        if let reason = retraction.reason, !reason.isEmpty { text += ": " + TerminalSafe.sanitize(reason) }
        return text + ")"
    }

    /// How many nick colours themes define (`nick.1` ... `nick.8`).
    static let nickColors = 8

    /// A nick's colour, the same for a nick in every run (FNV-1a of its UTF-8).
    static func nickElement(_ nick: String) -> String {
        var hash: UInt32 = 2_166_136_261
        for byte in nick.utf8 { hash = (hash ^ UInt32(byte)) &* 16_777_619 }
        return "nick.\(Int(hash % UInt32(nickColors)) + 1)"
    }

    /// The nick shown for a message: ours, or the contact's roster name or local part.
    func nickname(_ message: MessageRow, model: AppModel) -> String {
        let key = NicknameKey(account: message.outgoing ? account + "\u{0}me" : account, sender: message.sender)
        if let known = nicknames[key] { return known }
        let nick = model.senderName(of: message, account: account)
        nicknames[key] = nick
        return nick
    }

    /// Lays out prefix + text + suffix, continuation lines indented under the start of the text;
    /// a `styled` text with its XEP-0393 styling and URLs (`ChatView+Styling`).
    private func wrap(
        prefix: [(String, String)],
        text: String,
        textElement: String,
        suffix: [(String, String)],
        width: Int,
        messageID: Int64?,
        styled: Bool = false
    ) -> [Line] {
        let prefixWidth = prefix.reduce(0) { $0 + TextWidth.of($1.0) }
        let indent = prefixWidth < width / 2 ? prefixWidth : 2
        // A prefix as wide as the pane (a long nick on a narrow one) gets a line of its own.
        let ownLine = prefixWidth >= width
        let combined = text + suffix.map(\.0).joined()
        let suffixStart = combined.index(combined.startIndex, offsetBy: text.count)
        let suffixElement = suffix.last?.1 ?? "chat.state"
        let styling = styled ? StyledText(combined[..<suffixStart]) : nil
        func body(_ part: Substring) -> [(String, String)] {
            guard let styling else { return [(String(part), textElement)] }
            return ChatView.styledSegments(part, styling: styling, element: textElement).map { ($0.text, $0.element) }
        }
        let pieces = TextWrapping.wrap(
            combined, firstWidth: max(1, ownLine ? width - indent : width - prefixWidth), width: max(1, width - indent))
        let lines = pieces.enumerated().map { index, piece in
            var segments: [(String, String)] =
                index == 0 && !ownLine ? prefix : [(String(repeating: " ", count: indent), "chat.text")]
            // The pieces are slices of `combined`: the suffix keeps its own style.
            if piece.endIndex <= suffixStart {
                segments += body(piece)
            } else if piece.startIndex >= suffixStart {
                segments.append((String(piece), suffixElement))
            } else {
                segments += body(combined[piece.startIndex..<suffixStart])
                segments.append((String(combined[suffixStart..<piece.endIndex]), suffixElement))
            }
            return Line(segments: segments, messageID: messageID)
        }
        return ownLine ? [Line(segments: prefix, messageID: messageID)] + lines : lines
    }
}
