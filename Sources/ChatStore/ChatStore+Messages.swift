import XMPPCore

/// Storing and reading messages.
extension ChatStore {
    /// Stores messages in one transaction, each at most once (see `insert(_:account:)`).
    public func insert(_ messages: [NewMessage], account: AccountID) throws -> [InsertOutcome] {
        try write { try messages.map { try insertOne($0, account: account) } }
    }

    /// Stores a message unless it is already stored.
    ///
    /// The same message may arrive live, as a carbon, from the archive, and again after a
    /// reconnection. It is recognised by its archive id (stanza-id and the archive that assigned
    /// it, within its conversation), else by its origin-id from the same sender, else (for clients
    /// without either) by its id attribute, sender and body. A duplicate fills in what the stored copy lacked (the
    /// archive id) and moves an outgoing message's state forward.
    ///
    /// A correction (XEP-0308) joins the chain of the message it corrects, but only when that
    /// message came from the same sender and was not taken back (a correction would show its text
    /// again); otherwise it is rejected and nothing is stored.
    public func insert(_ message: NewMessage, account: AccountID) throws -> InsertOutcome {
        try write { try insertOne(message, account: account) }
    }

    /// `afterStored`: the message goes after every stored row of its conversation (live, sent, a
    /// page fetched forward); `false` for a page fetched backward, which is placed before them.
    /// `archived`: it comes from an archive page, stamped by the server's clock.
    func insertOne(_ message: NewMessage, account: AccountID, afterStored: Bool = true, archived: Bool = false)
        throws -> InsertOutcome
    {
        let conversation = try conversationID(account: account, jid: message.conversation, kind: message.kind)
        if let existing = try findDuplicate(of: message, conversation: conversation) {
            try merge(message, into: existing, conversation: conversation)
            return .duplicate(existing)
        }
        var corrects: Int64?
        if let replaced = message.corrects {
            switch try correctionTarget(id: replaced, senderKey: message.senderKey, conversation: conversation) {
            case .rejected: return .rejectedCorrection
            case .found(let root): corrects = root
            case .unknown: corrects = nil
            }
        }
        // Archives and delay stamps count whole seconds, arrival times milliseconds: a message
        // stamped in the same second as the newest stored one, yet coming after it, takes that
        // one's time, or it would be drawn above it. So does an archived one stamped less than a
        // second before it, whatever its precision (the server's clock stamped it before ours saw
        // an earlier message arrive; ejabberd stamps to the microsecond). Our own messages that no
        // archive has confirmed yet (typed offline, at the time typed) do not count: their place
        // among the others is not known.
        var timestamp = message.timestamp
        if afterStored, archived || timestamp % 1000 == 0, let newest = try newestConfirmedTimestamp(in: conversation),
            newest > timestamp, newest < timestamp + 1000
        {
            timestamp = newest
        }
        // After every stored message of the conversation; a page fetched backward renumbers its
        // rows below them afterwards (`placeBeforeStored`).
        try db.statement(
            """
            INSERT INTO message (conversation_id, outgoing, sender, sender_key, recipient, body, timestamp, type,
                id_attribute, origin_id, stanza_id, stanza_id_by, corrects, state, encryption, highlight, reply_id,
                reply_to, reply_fallback, seq)
            VALUES (?1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,
                (SELECT coalesce(max(seq), 0) + 1 FROM message WHERE conversation_id = ?1))
            """
        ).bind(
            conversation.sql, message.outgoing.sql, message.sender.sql, message.senderKey.sql, message.recipient?.sql,
            message.body.sql, timestamp.sql, message.type.sql, message.idAttribute?.sql, message.originID?.sql,
            message.stanzaID?.sql, message.stanzaIDBy?.sql, corrects?.sql, message.state?.rawValue.sql,
            message.encryption?.sql, message.highlight.sql, message.reply?.id.sql, message.reply?.to?.sql,
            message.reply?.storedFallback?.sql
        ).run()
        let id = db.lastInsertRowID
        searchIndexPending = true
        pendingActivity[conversation] = max(pendingActivity[conversation] ?? 0, timestamp)
        if let corrects {
            // The original is what is shown and counted: a correction that names us makes it a
            // highlight (one that no longer does leaves it one: it was seen as such).
            if message.highlight {
                try db.statement("UPDATE message SET highlight = 1 WHERE id = ?").bind(corrects.sql).run()
            }
            return .correction(of: corrects, row: id)
        }
        return .inserted(id)
    }

    /// The time of a conversation's newest stored message, leaving out our own that no archive
    /// has confirmed.
    private func newestConfirmedTimestamp(in conversation: Int64) throws -> Int64? {
        try db.statement(
            "SELECT max(timestamp) FROM message WHERE conversation_id = ? AND NOT (outgoing AND stanza_id IS NULL)"
        ).bind(conversation.sql).first({ $0.optionalInt64(0) }) ?? nil
    }

    /// How far apart two copies of a room message without any id may be stamped: a room's join
    /// history stamps what was shown live seconds earlier (XEP-0045 §7.2.15).
    static let roomDuplicateWindow: Int64 = 120_000

    private func findDuplicate(of message: NewMessage, conversation: Int64) throws -> Int64? {
        if let stanzaID = message.stanzaID, let by = message.stanzaIDBy,
            let id = try db.statement(
                "SELECT id FROM message WHERE conversation_id = ? AND stanza_id_by = ? AND stanza_id = ?"
            ).bind(conversation.sql, by.sql, stanzaID.sql).first({ $0.int64(0) })
        {
            return id
        }
        // A row that the same archive gave another id is another message, whatever its ids and
        // text (a client that restarts its counters sends "ok" with id 1 again).
        let sameArchive = message.stanzaID == nil ? nil : message.stanzaIDBy
        if let originID = message.originID {
            return try db.statement(
                """
                SELECT id FROM message WHERE conversation_id = ? AND origin_id = ? AND sender_key = ?
                    AND (?4 IS NULL OR stanza_id IS NULL OR stanza_id_by IS NOT ?4) LIMIT 1
                """
            ).bind(conversation.sql, originID.sql, message.senderKey.sql, sameArchive?.sql).first { $0.int64(0) }
        }
        if let idAttribute = message.idAttribute {
            return try db.statement(
                """
                SELECT id FROM message WHERE conversation_id = ? AND id_attribute = ?2 AND id_attribute IS NOT origin_id
                    AND sender_key = ? AND body = ? AND origin_id IS NULL
                    AND (?5 IS NULL OR stanza_id IS NULL OR stanza_id_by IS NOT ?5) LIMIT 1
                """
            ).bind(conversation.sql, idAttribute.sql, message.senderKey.sql, message.body.sql, sameArchive?.sql)
                .first { $0.int64(0) }
        }
        if message.kind == .groupchat, message.stanzaID == nil {
            // A room without ids: the same occupant saying the same thing at about the same time.
            return try db.statement(
                """
                SELECT id FROM message WHERE conversation_id = ? AND sender_key = ? AND body = ?
                    AND timestamp BETWEEN ? AND ? AND origin_id IS NULL AND id_attribute IS NULL LIMIT 1
                """
            ).bind(
                conversation.sql, message.senderKey.sql, message.body.sql,
                (message.timestamp - Self.roomDuplicateWindow).sql, (message.timestamp + Self.roomDuplicateWindow).sql
            ).first { $0.int64(0) }
        }
        return nil
    }

    private func merge(_ message: NewMessage, into id: Int64, conversation: Int64) throws {
        if let stanzaID = message.stanzaID, let by = message.stanzaIDBy {
            try db.statement(
                """
                UPDATE message SET stanza_id = ?, stanza_id_by = ? WHERE id = ? AND stanza_id IS NULL
                    AND NOT EXISTS (SELECT 1 FROM message WHERE conversation_id = ? AND stanza_id_by = ? AND stanza_id = ?)
                """
            ).bind(stanzaID.sql, by.sql, id.sql, conversation.sql, by.sql, stanzaID.sql).run()
        }
        guard message.outgoing else { return }
        let archived = message.stanzaID != nil
        if archived {
            // The server archived our message: it certainly has it.
            try advanceState(of: id, to: .acked)
        }
        let reflected = message.state.map { $0 > .acked && $0 != .failed } ?? false
        if reflected, let state = message.state {
            // A room reflected our message to its occupants: delivered (XEP-0045 §7.4).
            try advanceState(of: id, to: state)
        }
        if archived || reflected {
            // Either way the server has it, even if the stream's acknowledgement never came (the
            // link broke first): a new session must not send it again.
            try db.statement("DELETE FROM outbox WHERE message_id = ?").bind(id.sql).run()
        }
    }

    private enum CorrectionTarget {
        case found(Int64)
        case rejected
        case unknown
    }

    /// The root of the correction chain that `id` (an id attribute) belongs to, if the message was
    /// sent by `senderKey` and its text was not taken back.
    private func correctionTarget(id: String, senderKey: String, conversation: Int64) throws -> CorrectionTarget {
        let candidates = try db.statement(Self.byIDAttribute("id, sender_key, corrects"))
            .bind(conversation.sql, id.sql).rows { ($0.int64(0), $0.text(1), $0.optionalInt64(2)) }
        guard !candidates.isEmpty else { return .unknown }
        guard let match = candidates.first(where: { $0.1 == senderKey }) else { return .rejected }
        let root = match.2 ?? match.0
        let retracted = try db.statement("SELECT retraction IS NOT NULL FROM message WHERE id = ?").bind(root.sql)
            .first { $0.int(0) != 0 }
        return retracted == true ? .rejected : .found(root)
    }

    /// Our message with this id attribute (or origin-id) in a conversation.
    func outgoingMessage(
        account: AccountID,
        conversation: JID,
        idAttribute: String
    ) throws -> (id: Int64, timestamp: Int64)? {
        guard
            let conversationID = try db.statement("SELECT id FROM conversation WHERE account_id = ? AND jid = ?")
                .bind(account.rawValue.sql, conversation.description.sql).first({ $0.int64(0) })
        else { return nil }
        let byID = try db.statement(
            "SELECT * FROM (\(Self.byIDAttribute("id, timestamp, outgoing"))) WHERE outgoing = 1 LIMIT 1"
        ).bind(conversationID.sql, idAttribute.sql).first { ($0.int64(0), $0.int64(1)) }
        if let byID { return byID }
        return try db.statement(
            "SELECT id, timestamp FROM message WHERE conversation_id = ? AND origin_id = ? AND outgoing = 1 LIMIT 1"
        ).bind(conversationID.sql, idAttribute.sql).first { ($0.int64(0), $0.int64(1)) }
    }

    /// Messages of conversation `?1` whose id attribute is `?2`, through whichever index holds them
    /// (the origin-id index when the id equals the origin-id, the id-attribute index otherwise).
    static func byIDAttribute(_ columns: String) -> String {
        """
        SELECT \(columns) FROM message WHERE conversation_id = ?1 AND origin_id = ?2 AND id_attribute = ?2
        UNION ALL
        SELECT \(columns) FROM message WHERE conversation_id = ?1 AND id_attribute = ?2 AND id_attribute IS NOT origin_id
        """
    }

    func advanceState(of id: Int64, to state: DeliveryState) throws {
        try db.statement(
            "UPDATE message SET state = ? WHERE id = ? AND outgoing = 1 AND (state IS NULL OR (state < ? AND state != 5))"
        ).bind(state.rawValue.sql, id.sql, state.rawValue.sql).run()
    }

    func conversationID(account: AccountID, jid: JID, kind: ConversationKind) throws -> Int64 {
        let key = ConversationKey(account: account.rawValue, jid: jid.description)
        if let id = conversationIDs[key] { return id }
        if let id = try db.statement("SELECT id FROM conversation WHERE account_id = ? AND jid = ?")
            .bind(account.rawValue.sql, key.jid.sql).first({ $0.int64(0) })
        {
            conversationIDs[key] = id
            return id
        }
        try db.statement("INSERT INTO conversation (account_id, jid, kind) VALUES (?, ?, ?)")
            .bind(account.rawValue.sql, key.jid.sql, kind.rawValue.sql).run()
        let id = db.lastInsertRowID
        conversationIDs[key] = id
        return id
    }

    // MARK: Reading

    static let messageColumns = """
        m.id, c.jid, m.outgoing, m.sender, m.recipient,
        coalesce((SELECT x.body FROM message x WHERE x.corrects = m.id AND x.action IS NULL
            ORDER BY x.timestamp DESC, x.id DESC LIMIT 1), m.body),
        EXISTS (SELECT 1 FROM message x WHERE x.corrects = m.id AND x.action IS NULL),
        m.timestamp, m.type, m.id_attribute, m.origin_id, m.stanza_id, m.stanza_id_by, m.state, m.error, m.encryption,
        m.seq, m.sent_here, m.sender_key, m.highlight, m.retraction, m.retraction_by, m.retraction_reason,
        \(ChatStore.reactionColumn), m.reply_id, m.reply_to, m.reply_fallback, \(ChatStore.quoteColumn)
        """

    static func storedMessage(_ row: Statement) -> StoredMessage {
        StoredMessage(
            id: row.int64(0), conversation: row.text(1), outgoing: row.int(2) != 0, sender: row.text(3),
            senderKey: row.text(18), recipient: row.optionalText(4), body: row.text(5), isCorrected: row.int(6) != 0,
            timestamp: row.int64(7), type: row.text(8), idAttribute: row.optionalText(9),
            originID: row.optionalText(10), stanzaID: row.optionalText(11), stanzaIDBy: row.optionalText(12),
            state: row.optionalInt64(13).flatMap { DeliveryState(rawValue: Int($0)) }, error: row.optionalText(14),
            encryption: row.optionalText(15), order: row.int64(16), sentHere: row.int(17) != 0,
            highlight: row.int(19) != 0,
            retraction: row.optionalText(20).flatMap(Retraction.Kind.init(rawValue:)).map {
                Retraction(kind: $0, by: row.optionalText(21), reason: row.optionalText(22))
            }, reactions: ReactionCount.counts(row.optionalText(23)),
            reply: row.optionalText(24).map {
                ReplyReference(
                    id: $0, to: row.optionalText(25), fallback: ReplyReference.fallback(stored: row.optionalText(26)))
            }, quoted: QuotedMessage(stored: row.optionalText(27)))
    }

    /// The newest `limit` messages of a conversation, oldest first.
    public func lastMessages(account: AccountID, conversation: JID, limit: Int) throws -> [StoredMessage] {
        try guarded {
            try db.statement(
                """
                SELECT * FROM (SELECT \(ChatStore.messageColumns) FROM message m JOIN conversation c ON c.id = m.conversation_id
                    WHERE c.account_id = ? AND c.jid = ? AND m.corrects IS NULL
                    ORDER BY m.timestamp DESC, m.seq DESC LIMIT ?) ORDER BY 8, 17
                """
            ).bind(account.rawValue.sql, conversation.description.sql, limit.sql).rows(ChatStore.storedMessage)
        }
    }

    /// The `limit` messages just before message `id` (in time order), oldest first: PageUp.
    public func messages(before id: Int64, limit: Int) throws -> [StoredMessage] {
        try guarded {
            try db.statement(
                """
                SELECT * FROM (SELECT \(ChatStore.messageColumns) FROM message m JOIN conversation c ON c.id = m.conversation_id,
                    (SELECT conversation_id AS cid, timestamp AS t, seq AS k FROM message WHERE id = ?1) anchor
                    WHERE m.conversation_id = anchor.cid AND m.corrects IS NULL
                        AND (m.timestamp, m.seq) < (anchor.t, anchor.k)
                    ORDER BY m.timestamp DESC, m.seq DESC LIMIT ?2) ORDER BY 8, 17
                """
            ).bind(id.sql, limit.sql).rows(ChatStore.storedMessage)
        }
    }

    /// The `limit` messages just after message `id`, oldest first: PageDown past what is loaded.
    public func messages(after id: Int64, limit: Int) throws -> [StoredMessage] {
        try guarded {
            try db.statement(
                """
                SELECT \(ChatStore.messageColumns) FROM message m JOIN conversation c ON c.id = m.conversation_id,
                    (SELECT conversation_id AS cid, timestamp AS t, seq AS k FROM message WHERE id = ?1) anchor
                    WHERE m.conversation_id = anchor.cid AND m.corrects IS NULL
                        AND (m.timestamp, m.seq) > (anchor.t, anchor.k)
                    ORDER BY m.timestamp, m.seq LIMIT ?2
                """
            ).bind(id.sql, limit.sql).rows(ChatStore.storedMessage)
        }
    }

    /// One message by id, with corrections applied.
    public func message(id: Int64) throws -> StoredMessage? {
        try guarded {
            try db.statement(
                "SELECT \(ChatStore.messageColumns) FROM message m JOIN conversation c ON c.id = m.conversation_id WHERE m.id = ?"
            ).bind(id.sql).first(ChatStore.storedMessage)
        }
    }

    /// Conversations with their unread counts, most recently active first.
    public func conversations(account: AccountID) throws -> [ConversationSummary] {
        try guarded {
            try db.statement(
                """
                SELECT c.jid, c.kind, c.last_activity,
                    (SELECT (count(*) << 32) + coalesce(sum(m.highlight), 0) FROM message m
                        WHERE m.conversation_id = c.id AND m.outgoing = 0 AND m.corrects IS NULL
                            AND m.timestamp > c.last_read_at)
                FROM conversation c WHERE c.account_id = ? ORDER BY c.last_activity DESC
                """
            ).bind(account.rawValue.sql).rows {
                // Both counts from one walk of the unread range (an archive catch-up asks after
                // every page): the messages in the high 32 bits, the highlights in the low ones.
                let counts = $0.int64(3)
                return ConversationSummary(
                    jid: $0.text(0), kind: ConversationKind(rawValue: $0.text(1)) ?? .chat, lastActivity: $0.int64(2),
                    unread: UnreadCount(messages: Int(counts >> 32), highlights: Int(counts & 0xFFFF_FFFF)))
            }
        }
    }

    /// Unread incoming messages and highlights per conversation (only those with any).
    public func unreadCounts(account: AccountID) throws -> [String: UnreadCount] {
        var counts: [String: UnreadCount] = [:]
        for conversation in try conversations(account: account) where conversation.unread.messages > 0 {
            counts[conversation.jid] = conversation.unread
        }
        return counts
    }

    /// Marks everything up to `timestamp` in a conversation as read.
    public func markRead(account: AccountID, conversation: JID, upTo timestamp: Int64) throws {
        try guarded {
            try db.statement(
                "UPDATE conversation SET last_read_at = max(last_read_at, ?) WHERE account_id = ? AND jid = ?"
            ).bind(timestamp.sql, account.rawValue.sql, conversation.description.sql).run()
        }
    }

    /// Records an error that came back for an outgoing message (matched by its id attribute).
    @discardableResult
    public func markFailed(account: AccountID, conversation: JID, idAttribute: String, error: String) throws -> Int64? {
        try write {
            guard
                let id = try outgoingMessage(account: account, conversation: conversation, idAttribute: idAttribute)?.id
            else { return nil }
            try db.statement("UPDATE message SET state = 5, error = ? WHERE id = ?").bind(error.sql, id.sql).run()
            return id
        }
    }

    /// Takes back the message of `conversation` that `archive` stamped with `stanzaID` (XEP-0359):
    /// its text and every correction's are erased, so nothing of it stays in the history or the
    /// search index, and what happened is recorded. Returns its id; nil when no such message is
    /// stored (an id is looked up among that conversation's messages only).
    public func retract(
        account: AccountID, conversation: JID, stanzaID: String, by archive: JID, _ retraction: Retraction
    ) throws -> Int64? {
        try write {
            guard
                let id = try db.statement(
                    """
                    SELECT m.id FROM message m JOIN conversation c ON c.id = m.conversation_id
                        WHERE c.account_id = ? AND c.jid = ? AND m.stanza_id_by = ? AND m.stanza_id = ?
                        AND m.corrects IS NULL
                    """
                ).bind(account.rawValue.sql, conversation.description.sql, archive.description.sql, stanzaID.sql)
                    .first({ $0.int64(0) })
            else { return nil }
            try erase(id, retraction)
            return id
        }
    }
}
