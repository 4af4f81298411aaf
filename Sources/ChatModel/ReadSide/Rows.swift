import ChatStore
import XMPPCore
import XMPPExtensions

/// A presence as the screen shows it.
public enum PresenceShown: String, Sendable, Hashable, CaseIterable {
    case chat, online, away, xa, dnd, offline

    init(_ availability: Availability) {
        switch availability {
        case .chat: self = .chat
        case .online: self = .online
        case .away: self = .away
        case .xa: self = .xa
        case .dnd: self = .dnd
        case .offline: self = .offline
        }
    }

    public var isOffline: Bool { self == .offline }
}

/// One account's state, for the status bar and /account.
public struct AccountRow: Sendable, Hashable {
    public var name: String
    /// The account's bare JID as text.
    public var address: String
    public var status: ConnectionStatus
    /// Our own presence and status message.
    public var presence: PresenceShown
    public var statusMessage: String?
}

/// A contact in the roster, with what the roster pane and the title line show of it.
public struct ContactRow: Sendable, Hashable {
    public var key: ConversationKey
    /// The roster name (nil: none set).
    public var name: String?
    public var groups: [String]
    /// The best resource's presence and status message.
    public var presence: PresenceShown
    public var statusMessage: String?
    /// We asked to see its presence and got no answer yet.
    public var pendingOut: Bool
    public var blocked: Bool
    /// Nothing it sends rings (its notification level is `none`).
    public var muted: Bool
    public var unread: Int
}

/// Someone under Requests: asked to see our presence, or wrote without being in the roster.
public struct RequestRow: Sendable, Hashable {
    public var key: ConversationKey
    public var askedForPresence: Bool
    public var wrote: Bool
    public var unread: Int
}

/// What a contact is doing in the chat (XEP-0085), for the title line.
public enum TypingState: Sendable, Hashable {
    case composing, paused, gone
}

/// A message as the chat pane shows it.
public struct MessageRow: Sendable, Hashable, Identifiable {
    /// How far an outgoing message got.
    public enum State: Int, Sendable, Hashable, Comparable {
        case queued, sent, acked, delivered, displayed, failed

        public static func < (lhs: State, rhs: State) -> Bool { lhs.rawValue < rhs.rawValue }

        init(_ state: DeliveryState) {
            switch state {
            case .queued: self = .queued
            case .sent: self = .sent
            case .acked: self = .acked
            case .delivered: self = .delivered
            case .displayed: self = .displayed
            case .failed: self = .failed
            }
        }
    }

    public var id: Int64
    public var timestamp: Int64
    /// Breaks ties between messages with the same timestamp (display order is timestamp, order).
    public var order: Int64
    public var outgoing: Bool
    /// The sender's JID as stored (full or bare).
    public var sender: String
    /// The latest text (the last correction's, if corrected).
    public var body: String
    public var isCorrected: Bool
    public var state: State?
    public var error: String?
    /// A room's message: `sender` is the occupant's nick ("" for the room itself).
    public var isGroupchat: Bool
    /// It named us (our nick or name) or a configured keyword: it stands out.
    public var highlight: Bool
    /// The text was taken back (`body` is empty): by its sender, or by a room's moderator.
    public var retraction: RetractionShown?
    /// The reactions to it (XEP-0444), most used first.
    public var reactions: [ReactionShown]
    /// XEP-0461: the message it answers (`body` is then the reply's own text, without the quote).
    public var replyQuote: ReplyQuote?
    /// End-to-end encrypted (OMEMO): how it is marked; nil when it came or went in plaintext.
    public var lock: LockShown?

    /// How a message's text went.
    public struct RetractionShown: Sendable, Hashable {
        /// A moderator removed it (XEP-0425); else its sender took it back (XEP-0424).
        public var byModerator: Bool
        /// Who, as the room named them.
        public var by: String?
        public var reason: String?
    }

    init(_ message: StoredMessage) {
        id = message.id
        timestamp = message.timestamp
        order = message.order
        outgoing = message.outgoing
        sender = message.sender
        body = ReplyQuote.shownBody(of: message)
        isCorrected = message.isCorrected
        state = message.state.map(State.init)
        error = message.error
        isGroupchat = message.type == "groupchat"
        highlight = message.highlight
        retraction = message.retraction.map {
            RetractionShown(byModerator: $0.kind == .moderator, by: $0.by, reason: $0.reason)
        }
        reactions = message.reactions.map { ReactionShown(emoji: $0.emoji, count: $0.count, ours: $0.ours) }
        replyQuote = ReplyQuote(message)
        lock = LockShown(message.encryption)
    }
}
