import XMPPCore

/// How an action (a retraction, reactions, a reply) names the message it acts on.
public enum MessageAnchor: Sendable, Hashable {
    /// A chat message by its `id` attribute (or origin-id).
    case messageID(String)
    /// A room message by the stanza-id the room (`by`) stamped on it; a room without stanza-ids
    /// is matched by origin-id instead.
    case stanzaID(String, by: JID)
}

/// What an outgoing action is, for the hidden row that carries it through the outbox.
public enum MessageActionKind: String, Sendable, Hashable {
    case reaction, retraction
}

extension QuotedMessage {
    /// Reads the `quoteColumn`.
    init?(stored: String?) {
        guard let stored, let separator = stored.firstIndex(of: "\u{1F}"), let flag = stored.first else { return nil }
        self.init(
            sender: String(stored[stored.index(after: stored.startIndex)..<separator]), outgoing: flag == "1",
            body: String(stored[stored.index(after: separator)...]))
    }
}

/// The reactions to a message, as shown: each emoji with how many reacted with it.
public struct ReactionCount: Sendable, Hashable {
    public var emoji: String
    public var count: Int
    /// We reacted with it.
    public var ours: Bool

    public init(emoji: String, count: Int, ours: Bool) {
        self.emoji = emoji
        self.count = count
        self.ours = ours
    }

    /// Reads the `reactionColumn` of a message: one line per sender (oldest set first), "1" (ours)
    /// or "0" and the sender's emoji separated by spaces. Most used first; ties in the order first
    /// seen.
    static func counts(_ column: String?) -> [ReactionCount] {
        guard let column, !column.isEmpty else { return [] }
        var counts: [ReactionCount] = []
        for line in column.split(separator: "\n") {
            let ours = line.first == "1"
            for emoji in line.dropFirst().split(separator: " ").map(String.init) {
                if let index = counts.firstIndex(where: { $0.emoji == emoji }) {
                    counts[index].count += 1
                    counts[index].ours = counts[index].ours || ours
                } else {
                    counts.append(ReactionCount(emoji: emoji, count: 1, ours: ours))
                }
            }
        }
        return counts.enumerated().sorted { ($0.element.count, -$0.offset) > ($1.element.count, -$1.offset) }
            .map(\.element)
    }
}

/// Acting on stored messages: finding the one an action names, retracting it, the reactions to
/// it, and the hidden outbox rows that carry our own actions.
extension ChatStore {
    /// The reactions column of `messageColumns` (message `m`).
    static let reactionColumn = """
        (SELECT group_concat(set_, char(10)) FROM (SELECT r.outgoing || r.emoji AS set_ FROM reaction r
            WHERE r.message_id = m.id AND r.emoji != '' ORDER BY r.timestamp, r.sender_key))
        """

    /// The quoted-message column of `messageColumns` (message `m`): for a reply, the message it
    /// answers in the same conversation (by the room's stanza-id, id attribute or origin-id), as
    /// "1" (ours) or "0", its sender, a unit separator and its latest text (empty if retracted).
    static let quoteColumn = """
        CASE WHEN m.reply_id IS NULL THEN NULL ELSE (SELECT q.outgoing || q.sender || char(31)
            || coalesce((SELECT x.body FROM message x WHERE x.corrects = q.id AND x.action IS NULL
                ORDER BY x.timestamp DESC, x.id DESC LIMIT 1), q.body)
            FROM message q WHERE q.conversation_id = m.conversation_id AND q.corrects IS NULL AND q.action IS NULL
                AND (q.stanza_id = m.reply_id OR q.origin_id = m.reply_id OR q.id_attribute = m.reply_id) LIMIT 1) END
        """

    /// The message of `conversation` that `anchor` names (a correction's id names the message it
    /// corrects, XEP-0444 §Business Rules); nil when none is stored. Only that conversation's
    /// messages are looked at, so an action can only reach a message of the chat it came in.
    public func message(account: AccountID, conversation: JID, anchor: MessageAnchor) throws -> StoredMessage? {
        try guarded {
            guard
                let conversationID = try db.statement("SELECT id FROM conversation WHERE account_id = ? AND jid = ?")
                    .bind(account.rawValue.sql, conversation.description.sql).first({ $0.int64(0) })
            else { return nil }
            var found: Int64?
            switch anchor {
            case .stanzaID(let id, let by):
                found = try db.statement(
                    """
                    SELECT coalesce(corrects, id) FROM message
                        WHERE conversation_id = ? AND stanza_id_by = ? AND stanza_id = ? AND action IS NULL
                    """
                ).bind(conversationID.sql, by.description.sql, id.sql).first { $0.int64(0) }
            case .messageID(let id):
                found = try db.statement(
                    "SELECT * FROM (\(Self.byIDAttribute("coalesce(corrects, id), action"))) WHERE action IS NULL LIMIT 1"
                ).bind(conversationID.sql, id.sql).first { $0.int64(0) }
            }
            if found == nil, case .stanzaID(let id, _) = anchor {
                found = try originIDMatch(id, in: conversationID)
            } else if found == nil, case .messageID(let id) = anchor {
                found = try originIDMatch(id, in: conversationID)
            }
            return try found.flatMap { try message(id: $0) }
        }
    }

    private func originIDMatch(_ id: String, in conversation: Int64) throws -> Int64? {
        try db.statement(
            """
            SELECT coalesce(corrects, id) FROM message WHERE conversation_id = ? AND origin_id = ? AND action IS NULL
                LIMIT 1
            """
        ).bind(conversation.sql, id.sql).first { $0.int64(0) }
    }

    /// Erases message `id` (and every correction of it): its text is gone from the history and
    /// the search index, and what happened is recorded. Its reactions go with it, and so do the
    /// quotes of it in replies (their fallback text). Returns the replies whose text changed.
    @discardableResult
    public func retract(messageID id: Int64, _ retraction: Retraction) throws -> [Int64] {
        try write { try erase(id, retraction) }
    }

    @discardableResult
    func erase(_ id: Int64, _ retraction: Retraction) throws -> [Int64] {
        try db.statement(
            "UPDATE message SET body = '', retraction = ?, retraction_by = ?, retraction_reason = ? WHERE id = ?"
        ).bind(retraction.kind.rawValue.sql, retraction.by?.sql, retraction.reason?.sql, id.sql).run()
        try db.statement("UPDATE message SET body = '' WHERE corrects = ?").bind(id.sql).run()
        try db.statement("DELETE FROM reaction WHERE message_id = ?").bind(id.sql).run()
        let replies = try db.statement(
            """
            SELECT r.id, r.body, r.reply_fallback FROM message q JOIN message r ON r.conversation_id = q.conversation_id
                AND r.reply_id IN (q.stanza_id, q.origin_id, q.id_attribute)
            WHERE q.id = ? AND r.reply_fallback IS NOT NULL
            """
        ).bind(id.sql).rows { ($0.int64(0), $0.text(1), ReplyReference.fallback(stored: $0.optionalText(2))) }
        for (reply, body, ranges) in replies {
            try db.statement("UPDATE message SET body = ?, reply_fallback = NULL WHERE id = ?")
                .bind(body.removingCodePoints(in: ranges).sql, reply.sql).run()
        }
        // The update queued their text for the search index again.
        if !replies.isEmpty { searchIndexPending = true }
        return replies.map(\.0)
    }

    /// Records `emoji` as the whole set of reactions of `senderKey` to message `id`, unless a set
    /// of that sender stamped later is already stored (an older one can arrive after it, from the
    /// archive). Returns whether it was recorded.
    @discardableResult
    public func setReactions(
        messageID id: Int64, senderKey: String, outgoing: Bool, emoji: [String], timestamp: Int64
    ) throws -> Bool {
        try write {
            try db.statement(
                """
                INSERT INTO reaction (message_id, sender_key, outgoing, emoji, timestamp) VALUES (?, ?, ?, ?, ?)
                    ON CONFLICT (message_id, sender_key) DO UPDATE SET emoji = excluded.emoji,
                        timestamp = excluded.timestamp, outgoing = excluded.outgoing
                    WHERE excluded.timestamp >= reaction.timestamp
                """
            ).bind(id.sql, senderKey.sql, outgoing.sql, emoji.joined(separator: " ").sql, timestamp.sql).run()
            return db.changes > 0
        }
    }

    /// The reactions of `senderKey` to message `id`, in the order given.
    public func reactions(messageID id: Int64, senderKey: String) throws -> [String] {
        try guarded {
            try db.statement("SELECT emoji FROM reaction WHERE message_id = ? AND sender_key = ?")
                .bind(id.sql, senderKey.sql).first { $0.text(0) }.map { $0.split(separator: " ").map(String.init) }
                ?? []
        }
    }

    /// Puts an action of ours on message `target` in the outbox: `stanza` goes out exactly once,
    /// like a message, carried by a hidden row (no text, never listed or counted) with id
    /// attribute `id`. Returns the row.
    @discardableResult
    public func enqueueAction(
        _ kind: MessageActionKind, on target: Int64, sender: String, senderKey: String, stanza: String, id: String,
        timestamp: Int64, account: AccountID
    ) throws -> Int64 {
        try guarded {
            try db.execute("PRAGMA synchronous = FULL")
            defer { try? db.execute("PRAGMA synchronous = NORMAL") }
            return try write {
                try db.statement(
                    """
                    INSERT INTO message (conversation_id, outgoing, sender, sender_key, recipient, body, timestamp,
                        type, id_attribute, origin_id, corrects, state, action, sent_here, seq)
                    SELECT t.conversation_id, 1, ?5, ?6, NULL, '', ?2, t.type, ?3, ?3, t.id, 0, ?4, 1,
                        (SELECT coalesce(max(seq), 0) + 1 FROM message WHERE conversation_id = t.conversation_id)
                    FROM message t WHERE t.id = ?1
                    """
                ).bind(target.sql, timestamp.sql, id.sql, kind.rawValue.sql, sender.sql, senderKey.sql).run()
                let row = db.lastInsertRowID
                try db.statement("INSERT INTO outbox (message_id, account_id, stanza, queued_at) VALUES (?, ?, ?, ?)")
                    .bind(row.sql, account.rawValue.sql, stanza.sql, Clock.nowMilliseconds().sql).run()
                return row
            }
        }
    }
}
