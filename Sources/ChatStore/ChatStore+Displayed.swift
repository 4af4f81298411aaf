import XMPPCore

/// Lookups for read state shared with the user's other devices (XEP-0490): stanza-ids and the
/// times of the messages they name.
extension ChatStore {
    /// The time of the message of `conversation` that `archive` gave `stanzaID`; nil when no such
    /// message is stored there.
    public func timestamp(
        account: AccountID, conversation: JID, stanzaID: String, by archive: JID
    ) throws -> Int64? {
        try guarded {
            try db.statement(
                """
                SELECT m.timestamp FROM message m JOIN conversation c ON c.id = m.conversation_id
                WHERE c.account_id = ? AND c.jid = ? AND m.stanza_id_by = ? AND m.stanza_id = ?
                """
            ).bind(account.rawValue.sql, conversation.description.sql, archive.bare.description.sql, stanzaID.sql)
                .first { $0.int64(0) }
        }
    }

    /// The newest incoming message of `conversation` at or before `timestamp` that has a stanza-id
    /// given by `archive` or `otherArchive` (our account for a chat, the room for a room): that id,
    /// who gave it, and the message's time; nil when there is none.
    public func newestIncomingStanzaID(
        account: AccountID, conversation: JID, by archive: JID, or otherArchive: JID, upTo timestamp: Int64
    ) throws -> (id: String, by: String, timestamp: Int64)? {
        try guarded {
            try db.statement(
                """
                SELECT m.stanza_id, m.stanza_id_by, m.timestamp
                FROM message m JOIN conversation c ON c.id = m.conversation_id
                WHERE c.account_id = ? AND c.jid = ? AND m.outgoing = 0 AND m.corrects IS NULL
                    AND m.stanza_id IS NOT NULL AND m.stanza_id_by IN (?, ?) AND m.timestamp <= ?
                ORDER BY m.timestamp DESC, m.seq DESC LIMIT 1
                """
            ).bind(
                account.rawValue.sql, conversation.description.sql, archive.bare.description.sql,
                otherArchive.bare.description.sql, timestamp.sql
            ).first { ($0.text(0), $0.text(1), $0.int64(2)) }
        }
    }
}
