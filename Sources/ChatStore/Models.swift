import XMPPCore

/// An account's row id in the store.
public struct AccountID: Sendable, Hashable {
    public let rawValue: Int64
    public init(rawValue: Int64) { self.rawValue = rawValue }
}

/// Which way an archive page extends the stored history: forward from the sync point (newer than
/// what is stored), or backward (older than what is stored).
public enum ArchiveDirection: Sendable, Hashable {
    case forward
    case backward
}

/// What kind of conversation a message belongs to.
public enum ConversationKind: String, Sendable, Hashable {
    case chat
    case groupchat
}

/// Delivery progress of an outgoing message; only ever moves forward (except to `failed`).
public enum DeliveryState: Int, Sendable, Hashable, Comparable, CaseIterable {
    /// Written to the outbox, not yet on the wire.
    case queued = 0
    /// Written to the stream.
    case sent = 1
    /// The server acknowledged it (stream management, or its archive has it).
    case acked = 2
    /// The recipient's client confirmed receipt (XEP-0184).
    case delivered = 3
    /// The recipient has seen it (XEP-0333).
    case displayed = 4
    /// An error came back for it.
    case failed = 5

    public static func < (lhs: DeliveryState, rhs: DeliveryState) -> Bool { lhs.rawValue < rhs.rawValue }

    public var name: String {
        switch self {
        case .queued: "queued"
        case .sent: "sent"
        case .acked: "acked"
        case .delivered: "delivered"
        case .displayed: "displayed"
        case .failed: "failed"
        }
    }
}

/// A message to store, as it arrived or as the user typed it.
public struct NewMessage: Sendable, Hashable {
    /// The peer's bare JID (1:1) or the room's JID.
    public var conversation: JID
    public var kind: ConversationKind
    public var outgoing: Bool
    /// The sender as shown: a full JID in 1:1 chats, the nick in rooms.
    public var sender: String
    /// The sender identity compared for deduplication and corrections: the bare JID in 1:1 chats,
    /// the nick (or real JID) in rooms.
    public var senderKey: String
    public var recipient: String?
    public var body: String
    /// UTC milliseconds: the `<delay/>` time when present, else when it arrived.
    public var timestamp: Int64
    /// `chat`, `groupchat`, `normal` or `error`.
    public var type: String
    /// The stanza's `id` attribute.
    public var idAttribute: String?
    /// XEP-0359 origin-id.
    public var originID: String?
    /// XEP-0359 stanza-id and the archive JID that assigned it.
    public var stanzaID: String?
    public var stanzaIDBy: String?
    /// XEP-0308: the `id` of the message this one corrects.
    public var corrects: String?
    public var state: DeliveryState?
    public var encryption: String?
    /// It named us (our nick or name) or a configured keyword when it arrived.
    public var highlight: Bool
    /// XEP-0461: the message it answers.
    public var reply: ReplyReference?

    public init(
        conversation: JID,
        kind: ConversationKind = .chat,
        outgoing: Bool,
        sender: String,
        senderKey: String,
        recipient: String? = nil,
        body: String,
        timestamp: Int64,
        type: String = "chat",
        idAttribute: String? = nil,
        originID: String? = nil,
        stanzaID: String? = nil,
        stanzaIDBy: String? = nil,
        corrects: String? = nil,
        state: DeliveryState? = nil,
        encryption: String? = nil,
        highlight: Bool = false,
        reply: ReplyReference? = nil
    ) {
        self.conversation = conversation
        self.kind = kind
        self.outgoing = outgoing
        self.sender = sender
        self.senderKey = senderKey
        self.recipient = recipient
        self.body = body
        self.timestamp = timestamp
        self.type = type
        self.idAttribute = idAttribute
        self.originID = originID
        self.stanzaID = stanzaID
        self.stanzaIDBy = stanzaIDBy
        self.corrects = corrects
        self.state = state
        self.encryption = encryption
        self.highlight = highlight
        self.reply = reply
    }
}

/// What a reply (XEP-0461) names: the message's id (the room's stanza-id in a room), its author,
/// and the code points of the reply's body that only quote it (XEP-0428).
public struct ReplyReference: Sendable, Hashable {
    public var id: String
    public var to: String?
    public var fallback: [Range<Int>]

    public init(id: String, to: String?, fallback: [Range<Int>]) {
        self.id = id
        self.to = to
        self.fallback = fallback
    }

    /// The fallback ranges as stored: `start-end` pairs separated by commas.
    var storedFallback: String? {
        fallback.isEmpty ? nil : fallback.map { "\($0.lowerBound)-\($0.upperBound)" }.joined(separator: ",")
    }

    static func fallback(stored: String?) -> [Range<Int>] {
        (stored ?? "").split(separator: ",").compactMap { pair in
            let bounds = pair.split(separator: "-").compactMap { Int($0) }
            guard bounds.count == 2, bounds[0] <= bounds[1] else { return nil }
            return bounds[0]..<bounds[1]
        }
    }
}

/// The message a reply answers, as stored (nil fields when it is not).
public struct QuotedMessage: Sendable, Hashable {
    public var sender: String
    public var outgoing: Bool
    /// Its text, empty when it was retracted.
    public var body: String

    public init(sender: String, outgoing: Bool, body: String) {
        self.sender = sender
        self.outgoing = outgoing
        self.body = body
    }
}

/// A stored message as the UI shows it: corrections folded into the original.
public struct StoredMessage: Sendable, Hashable, Identifiable {
    public var id: Int64
    public var conversation: String
    public var outgoing: Bool
    public var sender: String
    /// Who sent it, as compared for duplicates and corrections: the bare JID in 1:1 chats; in
    /// rooms the occupant id the room vouches for (`occupant:ID`), else the occupant's room JID.
    public var senderKey: String
    public var recipient: String?
    /// The latest text (the last correction's, if corrected).
    public var body: String
    /// Whether a correction replaced the original text.
    public var isCorrected: Bool
    public var timestamp: Int64
    public var type: String
    public var idAttribute: String?
    public var originID: String?
    public var stanzaID: String?
    public var stanzaIDBy: String?
    public var state: DeliveryState?
    public var error: String?
    public var encryption: String?
    /// Breaks ties between messages with the same timestamp (display order is timestamp, order).
    public var order: Int64
    /// Typed in this client (not a copy of what another of our devices sent).
    public var sentHere: Bool = false
    /// It named us or a configured keyword (its text, or a correction's).
    public var highlight: Bool = false
    /// The text was taken back (it is erased: `body` is empty).
    public var retraction: Retraction?
    /// The reactions to it (XEP-0444), most used first.
    public var reactions: [ReactionCount] = []
    /// XEP-0461: the message it answers, and that message when it is stored.
    public var reply: ReplyReference?
    public var quoted: QuotedMessage?
}

/// Why a message's text is gone: its sender took it back (XEP-0424), or a room's moderator
/// removed it (XEP-0425).
public struct Retraction: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable {
        case sender, moderator
    }

    public var kind: Kind
    /// Who did it, as the room named them (a moderator's nick or JID), if it said.
    public var by: String?
    public var reason: String?

    public init(kind: Kind, by: String? = nil, reason: String? = nil) {
        self.kind = kind
        self.by = by
        self.reason = reason
    }
}

/// What storing one message did.
public enum InsertOutcome: Sendable, Hashable {
    /// Stored as a new message with this id.
    case inserted(Int64)
    /// Already stored (same archive id, or same origin-id from the same sender): not stored again.
    case duplicate(Int64)
    /// A correction of the message with id `of`, stored in its chain as row `row`.
    case correction(of: Int64, row: Int64)
    /// A correction whose original was sent by someone else, or taken back: dropped, nothing
    /// stored.
    case rejectedCorrection

    /// The id of the message the UI should show or update, if any.
    public var messageID: Int64? {
        switch self {
        case .inserted(let id), .duplicate(let id), .correction(of: let id, _): id
        case .rejectedCorrection: nil
        }
    }

    public var isNew: Bool { if case .inserted = self { true } else { false } }
}

/// A conversation in the list the UI shows.
public struct ConversationSummary: Sendable, Hashable {
    public var jid: String
    public var kind: ConversationKind
    public var lastActivity: Int64
    public var unread: UnreadCount
}

/// Incoming messages after a conversation's read marker, and how many of them are highlights.
public struct UnreadCount: Sendable, Hashable {
    public var messages: Int
    public var highlights: Int

    public init(messages: Int, highlights: Int = 0) {
        self.messages = messages
        self.highlights = highlights
    }
}

/// A stanza waiting in the outbox for the server's acknowledgement.
public struct OutboxEntry: Sendable, Hashable {
    public var messageID: Int64
    public var conversation: String
    /// A room message waits until the room is joined.
    public var kind: ConversationKind
    /// The exact XML to (re)send, with its original id and origin-id.
    public var stanza: String
    public var attempts: Int
    /// The stream-management sequence number it last went out under (on the stream in
    /// `stream_state`), if it went out.
    public var sentSequence: UInt32?
}

/// What XEP-0198 needs to resume a stream after a restart.
public struct StreamResumptionState: Sendable, Hashable {
    public var resumptionID: String
    public var location: String?
    public var boundJID: String
    public var inboundCount: Int64
    public var outboundCount: Int64
    public var updatedAt: Int64
    /// How long the server keeps the stream after a disconnection, in seconds, if it said.
    public var maximumSeconds: Int64?

    public init(
        resumptionID: String,
        location: String?,
        boundJID: String,
        inboundCount: Int64,
        outboundCount: Int64,
        updatedAt: Int64,
        maximumSeconds: Int64? = nil
    ) {
        self.resumptionID = resumptionID
        self.location = location
        self.boundJID = boundJID
        self.inboundCount = inboundCount
        self.outboundCount = outboundCount
        self.updatedAt = updatedAt
        self.maximumSeconds = maximumSeconds
    }
}

/// Where the last archive (XEP-0313) catch-up ended.
public struct ArchiveSyncState: Sendable, Hashable {
    public var archive: String
    public var lastStanzaID: String?
    public var lastTimestamp: Int64?
    public var syncedAt: Int64

    public init(archive: String, lastStanzaID: String?, lastTimestamp: Int64?, syncedAt: Int64) {
        self.archive = archive
        self.lastStanzaID = lastStanzaID
        self.lastTimestamp = lastTimestamp
        self.syncedAt = syncedAt
    }
}

/// A search result: the message and a short excerpt with the matches marked.
public struct SearchHit: Sendable, Hashable {
    public var message: StoredMessage
    public var snippet: HighlightedText
}

/// Text with some ranges highlighted.
public struct HighlightedText: Sendable, Hashable {
    public struct Segment: Sendable, Hashable {
        public var text: String
        public var highlighted: Bool
    }

    public var segments: [Segment]

    public var plainText: String { segments.map(\.text).joined() }

    /// The text with each highlighted part wrapped in `open` and `close`.
    public func rendered(open: String, close: String) -> String {
        segments.map { $0.highlighted ? open + $0.text + close : $0.text }.joined()
    }
}
