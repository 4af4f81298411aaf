import XMPPCore

/// The outbox: a message the user typed is stored before anything is sent, and leaves the outbox
/// only when the server has acknowledged it. This is what makes delivery exactly-once across
/// disconnects and crashes: whatever is still here after a restart is sent again, byte for byte,
/// with its original id and origin-id so that receivers and archives can recognise a repeat.
extension ChatStore {
    /// Stores an outgoing message (state `queued`) together with the exact stanza that carries it,
    /// durably (`synchronous=FULL` for this transaction). Returns the outbox row (the message's own
    /// row) and the message the UI shows it as (for a correction: the corrected one).
    @discardableResult
    public func enqueue(_ message: NewMessage, stanza: String, account: AccountID) throws -> (
        row: Int64, shownAs: Int64
    ) {
        var message = message
        message.outgoing = true
        message.state = .queued
        return try guarded {
            // Inside an open batch (a message sent while a burst of input is stored) the batch's
            // commit makes it durable; SQLite refuses to change the safety level in a transaction.
            let syncFully = !db.isInTransaction && !batchOpen
            if syncFully { try db.execute("PRAGMA synchronous = FULL") }
            defer { if syncFully { try? db.execute("PRAGMA synchronous = NORMAL") } }
            return try write {
                // The outbox holds the row that carries this stanza (for a correction: the
                // correction's own row, not the message it corrects).
                let id: Int64
                let shown: Int64
                switch try insertOne(message, account: account) {
                case .inserted(let row), .duplicate(let row):
                    id = row
                    shown = row
                case .correction(of: let original, let row):
                    id = row
                    shown = original
                case .rejectedCorrection:
                    throw StoreError.sqlite(SQLiteError(code: 19, message: "the message could not be stored"))
                }
                try db.statement(
                    "INSERT OR IGNORE INTO outbox (message_id, account_id, stanza, queued_at) VALUES (?, ?, ?, ?)"
                ).bind(id.sql, account.rawValue.sql, stanza.sql, Clock.nowMilliseconds().sql).run()
                try db.statement("UPDATE message SET sent_here = 1 WHERE id = ?").bind(id.sql).run()
                return (id, shown)
            }
        }
    }

    /// Everything still waiting for an acknowledgement, in the order it was typed.
    public func outbox(account: AccountID) throws -> [OutboxEntry] {
        try guarded {
            try db.statement(
                """
                SELECT o.message_id, c.jid, o.stanza, o.attempts, o.sent_sequence, c.kind FROM outbox o
                JOIN message m ON m.id = o.message_id JOIN conversation c ON c.id = m.conversation_id
                WHERE o.account_id = ? ORDER BY o.message_id
                """
            ).bind(account.rawValue.sql).rows {
                OutboxEntry(
                    messageID: $0.int64(0), conversation: $0.text(1),
                    kind: ConversationKind(rawValue: $0.text(5)) ?? .chat, stanza: $0.text(2), attempts: $0.int(3),
                    sentSequence: $0.optionalInt64(4).map { UInt32(truncatingIfNeeded: $0) })
            }
        }
    }

    /// These stanzas go out on the stream (once more), each as stream-management stanza number
    /// `sequence` when the stream counts. Committed before the stanzas are written, so that after
    /// a crash the server's count tells which of them arrived.
    public func markSent(_ entries: [(messageID: Int64, sequence: UInt32?)]) throws {
        guard !entries.isEmpty else { return }
        try write {
            for (messageID, sequence) in entries {
                try db.statement("UPDATE outbox SET attempts = attempts + 1, sent_sequence = ? WHERE message_id = ?")
                    .bind(sequence.map { Int64($0) }?.sql, messageID.sql)
                    .run()
                try advanceState(of: messageID, to: .sent)
            }
        }
    }

    public func markSent(_ messageID: Int64, sequence: UInt32? = nil) throws {
        try markSent([(messageID, sequence)])
    }

    /// Our message to `conversation` with this id attribute (or origin-id) goes again: it is
    /// queued once more, whether or not the server had acknowledged it, as a room does for a
    /// message it refused because we were not in it: with the stanza still in the outbox, else
    /// with `stanza` made from the stored message. Returns its id; nil when no such message of ours
    /// is stored.
    public func requeue(
        account: AccountID, conversation: JID, idAttribute: String, stanza: (StoredMessage) -> String
    ) throws -> Int64? {
        try write {
            guard
                let id = try outgoingMessage(account: account, conversation: conversation, idAttribute: idAttribute)?
                    .id,
                let message = try message(id: id)
            else { return nil }
            // Without its outbox entry, only a message with text can be made again (not a
            // retracted one, nor the hidden row of a reaction or retraction).
            let queued = try db.statement("SELECT 1 FROM outbox WHERE message_id = ?").bind(id.sql).first { _ in true }
            guard queued != nil || !message.body.isEmpty else { return nil }
            try db.statement(
                """
                INSERT INTO outbox (message_id, account_id, stanza, queued_at) VALUES (?, ?, ?, ?)
                ON CONFLICT (message_id) DO UPDATE SET sent_sequence = NULL
                """
            ).bind(id.sql, account.rawValue.sql, stanza(message).sql, Clock.nowMilliseconds().sql).run()
            try db.statement("UPDATE message SET state = ?, error = NULL WHERE id = ?")
                .bind(Int64(DeliveryState.queued.rawValue).sql, id.sql).run()
            return id
        }
    }

    /// The server acknowledged these messages: they leave the outbox.
    public func markAcked(_ messageIDs: [Int64]) throws {
        guard !messageIDs.isEmpty else { return }
        try write {
            for id in messageIDs {
                try db.statement("DELETE FROM outbox WHERE message_id = ?").bind(id.sql).run()
                try advanceState(of: id, to: .acked)
            }
        }
    }

    /// A delivery receipt (XEP-0184) or chat marker (XEP-0333) arrived for the outgoing message
    /// with this id attribute. `displayed` also covers every earlier outgoing message of the
    /// conversation. Returns the ids whose state changed.
    @discardableResult
    public func markReceived(
        account: AccountID,
        conversation: JID,
        idAttribute: String,
        state: DeliveryState
    ) throws -> [Int64] {
        try write {
            guard
                let (id, timestamp) = try outgoingMessage(
                    account: account, conversation: conversation, idAttribute: idAttribute)
            else { return [] }
            var ids = [id]
            if state == .displayed {
                ids = try db.statement(
                    """
                    SELECT id FROM message WHERE conversation_id = (SELECT conversation_id FROM message WHERE id = ?)
                        AND outgoing = 1 AND timestamp <= ? AND (state IS NULL OR state < 4)
                    """
                ).bind(id.sql, timestamp.sql).rows { $0.int64(0) }
            }
            var changed: [Int64] = []
            for messageID in ids {
                try advanceState(of: messageID, to: state)
                if db.changes > 0 { changed.append(messageID) }
                try db.statement("DELETE FROM outbox WHERE message_id = ?").bind(messageID.sql).run()
            }
            return changed
        }
    }
}
