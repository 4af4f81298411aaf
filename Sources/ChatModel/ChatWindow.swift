import XMPPCore

/// A numbered window: the console (window 1) or a conversation.
public final class ChatWindow {
    public enum Kind: Hashable, Sendable {
        case console
        case chat(ConversationKey)
    }

    public enum Activity: Int, Sendable, Comparable {
        case none = 0
        /// New messages arrived while the window was not shown.
        case message = 1
        /// A message mentioned us or came in a one-to-one chat.
        case highlight = 2

        public static func < (lhs: Activity, rhs: Activity) -> Bool { lhs.rawValue < rhs.rawValue }
    }

    /// Where the view is scrolled to: the message whose line is at the bottom of the pane, and how
    /// many of that message's lines (from its end) are hidden below. `nil` follows the live end.
    public struct ScrollAnchor: Hashable, Sendable {
        public var messageID: Int64
        public var linesHiddenBelow: Int

        public init(messageID: Int64, linesHiddenBelow: Int) {
            self.messageID = messageID
            self.linesHiddenBelow = linesHiddenBelow
        }
    }

    public let kind: Kind
    /// A contiguous stretch of the conversation's history, oldest first.
    public internal(set) var messages: [MessageRow] = [] {
        didSet { record(pendingChange ?? .other) }
    }
    /// Changes whenever what the window shows changes (views cache by it).
    public private(set) var version = 0

    /// How the window changed: views can update incrementally for the two kinds scrolling causes.
    public enum Change: Sendable, Hashable {
        /// Older messages were loaded in front.
        case prepended(Int)
        /// The newest messages were dropped from memory.
        case droppedNewest(Int)
        /// New messages were added at the end.
        case appended(Int)
        /// The oldest messages were dropped from memory (a window at its live end keeps a bounded
        /// scrollback; scrolling up reads them from the store again).
        case droppedOldest(Int)
        case other
    }

    /// The latest changes with the version each produced (a few are kept).
    public private(set) var changes: [(version: Int, change: Change)] = []
    private var pendingChange: Change?

    private func record(_ change: Change) {
        version &+= 1
        changes.append((version, change))
        if changes.count > 32 { changes.removeFirst(changes.count - 32) }
        pendingChange = nil
    }

    /// The changes after `version`, or nil when they are no longer known.
    public func changes(since version: Int) -> [Change]? {
        guard version <= self.version else { return nil }
        if version == self.version { return [] }
        guard let first = changes.first, first.version <= version + 1 else { return nil }
        return changes.filter { $0.version > version }.map(\.change)
    }

    func prepend(_ older: [MessageRow]) {
        pendingChange = .prepended(older.count)
        messages.insert(contentsOf: older, at: 0)
    }

    func dropNewest(_ count: Int) {
        pendingChange = .droppedNewest(count)
        messages.removeLast(count)
    }

    /// Adds a message where the display order (timestamp, order) puts it: at the end, unless it
    /// was delayed behind the newest loaded ones.
    func insert(_ message: MessageRow) {
        let position =
            messages.lastIndex { ($0.timestamp, $0.order) <= (message.timestamp, message.order) }.map { $0 + 1 } ?? 0
        if position == messages.count { pendingChange = .appended(1) }
        messages.insert(message, at: position)
    }

    /// At the live end, keeps at most `liveLimit` messages in memory (in steps of
    /// `liveLimitSlack`, so the drop is rare): the oldest go, and come back from the store when
    /// scrolling up. A /clear point that goes with them is forgotten.
    func trimToLiveLimit() {
        guard scrollAnchor == nil, messages.count > ChatWindow.liveLimit + ChatWindow.liveLimitSlack else { return }
        let count = messages.count - ChatWindow.liveLimit
        if let clearedBefore, !messages.dropFirst(count).contains(where: { $0.id == clearedBefore }) {
            self.clearedBefore = nil
        }
        pendingChange = .droppedOldest(count)
        messages.removeFirst(count)
        hasOlder = true
    }
    /// The store has messages before the first loaded one.
    public internal(set) var hasOlder = false
    public var scrollAnchor: ScrollAnchor?
    /// New messages arrived while scrolled up ("more below").
    public internal(set) var newBelow = 0
    /// The first message that was unread when the window was opened or last left.
    public internal(set) var unreadMarker: Int64? {
        didSet { record(.other) }
    }
    public internal(set) var activity: Activity = .none
    /// Messages older than this are hidden by /clear (the history stays in the store).
    public internal(set) var clearedBefore: Int64? {
        didSet { record(.other) }
    }
    /// The newest incoming message that asked for a displayed marker, and the last one we sent.
    var pendingMarker: String?
    /// Older history is being fetched from the server's archive (shown at the top of the pane).
    public internal(set) var fetchingArchive = false {
        didSet { if fetchingArchive != oldValue { record(.other) } }
    }
    /// The server's archive has nothing older than what is stored.
    public internal(set) var historyComplete = false
    /// The newest messages were dropped from memory while scrolling far back.
    public internal(set) var droppedNewer = false
    /// Lines typed in this window, oldest first, for Up/Down.
    public internal(set) var inputHistory: [String] = []
    /// The form being filled in here (`AppModel.form(in:)`), shown instead of the messages.
    var form: FormEditor?

    init(kind: Kind) {
        self.kind = kind
    }

    /// The conversation shown (nil for the console).
    public var conversation: ConversationKey? {
        if case .chat(let key) = kind { return key }
        return nil
    }

    /// The peer of the conversation shown.
    public var jid: JID? { conversation?.jid }

    /// The account of the conversation shown.
    public var account: String? { conversation?.account }

    /// The messages to show (those after a /clear).
    public var visibleMessages: ArraySlice<MessageRow> {
        guard let clearedBefore, let index = messages.firstIndex(where: { $0.id == clearedBefore }) else {
            return clearedBefore == nil ? messages[...] : []
        }
        return messages[(index + 1)...]
    }

    /// How many messages a window keeps loaded at most; scrolling far back drops the newest ones
    /// (reloaded when scrolling down again).
    static let loadLimit = 1000

    /// How many messages a window at its live end keeps in memory (a few screens of a tall
    /// terminal), and how many more it may hold before the oldest are dropped.
    static let liveLimit = 500
    static let liveLimitSlack = 100

    func recordInput(_ line: String) {
        if inputHistory.last != line { inputHistory.append(line) }
        if inputHistory.count > 500 { inputHistory.removeFirst(inputHistory.count - 500) }
    }
}
