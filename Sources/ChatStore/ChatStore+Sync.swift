import XMPPCore

/// Archive catch-up points (XEP-0313) and stream-management state (XEP-0198).
extension ChatStore {
    public func archiveSync(account: AccountID, archive: JID) throws -> ArchiveSyncState? {
        try guarded {
            try db.statement(
                "SELECT last_stanza_id, last_timestamp, synced_at FROM archive_sync WHERE account_id = ? AND archive = ?"
            ).bind(account.rawValue.sql, archive.bare.description.sql).first {
                ArchiveSyncState(
                    archive: archive.bare.description, lastStanzaID: $0.optionalText(0),
                    lastTimestamp: $0.optionalInt64(1),
                    syncedAt: $0.int64(2))
            }
        }
    }

    /// Stores one page of archived messages and the new sync point in a single transaction: if
    /// either is lost (crash, power cut), both are, and the next catch-up fetches the page again.
    ///
    /// `olderThanStored`: the page comes from scrolling back into one conversation's archive, so it
    /// sorts before everything stored for that conversation where timestamps tie.
    public func storeArchivePage(
        _ messages: [NewMessage],
        sync: ArchiveSyncState?,
        account: AccountID,
        olderThanStored: Bool = false
    ) throws -> [InsertOutcome] {
        try write {
            let outcomes = try messages.map { try insertOne($0, account: account) }
            if olderThanStored { try placeBeforeStored(messages, outcomes, account: account) }
            if let sync {
                try db.statement(
                    """
                    INSERT INTO archive_sync (account_id, archive, last_stanza_id, last_timestamp, synced_at)
                    VALUES (?, ?, ?, ?, ?)
                    ON CONFLICT (account_id, archive) DO UPDATE SET last_stanza_id = excluded.last_stanza_id,
                        last_timestamp = excluded.last_timestamp, synced_at = excluded.synced_at
                    """
                ).bind(
                    account.rawValue.sql, sync.archive.sql, sync.lastStanzaID?.sql, sync.lastTimestamp?.sql,
                    sync.syncedAt.sql
                ).run()
            }
            return outcomes
        }
    }

    /// Gives newly inserted back-filled rows order keys below the conversation's others, in page order.
    private func placeBeforeStored(_ messages: [NewMessage], _ outcomes: [InsertOutcome], account: AccountID) throws {
        let inserted = zip(messages, outcomes).compactMap { message, outcome -> (JID, Int64)? in
            if case .inserted(let id) = outcome { return (message.conversation, id) }
            return nil
        }
        guard let conversation = inserted.first?.0 else { return }
        let conversationID = try conversationID(account: account, jid: conversation, kind: .chat)
        let ids = inserted.filter { $0.0 == conversation }.map(\.1)
        let lowest =
            try db.statement(
                "SELECT min(coalesce(seq, id)) FROM message WHERE conversation_id = ? AND id NOT IN (\(ids.map { _ in "?" }.joined(separator: ",")))"
            ).bind([conversationID.sql] + ids.map(\.sql)).first { $0.optionalInt64(0) } ?? nil
        let base = (lowest ?? 0) - Int64(ids.count) - 1
        for (offset, id) in ids.enumerated() {
            try db.statement("UPDATE message SET seq = ? WHERE id = ?").bind((base + Int64(offset)).sql, id.sql).run()
        }
    }

    /// Where scrolling back into the archive stopped for a conversation: the oldest archived id
    /// fetched, and whether the archive has nothing older.
    public func archiveBackfill(account: AccountID, conversation: JID) throws -> (oldestID: String?, complete: Bool) {
        try guarded {
            try db.statement(
                "SELECT archive_oldest_id, archive_complete FROM conversation WHERE account_id = ? AND jid = ?"
            )
            .bind(account.rawValue.sql, conversation.bare.description.sql)
            .first { ($0.optionalText(0), $0.int(1) != 0) } ?? (nil, false)
        }
    }

    /// The archive id of the oldest stored message of a conversation that `archive` assigned.
    public func oldestArchiveID(account: AccountID, conversation: JID, archive: JID) throws -> String? {
        try guarded {
            try db.statement(
                """
                SELECT m.stanza_id FROM message m JOIN conversation c ON c.id = m.conversation_id
                WHERE c.account_id = ? AND c.jid = ? AND m.stanza_id_by = ? ORDER BY m.timestamp, coalesce(m.seq, m.id) LIMIT 1
                """
            ).bind(account.rawValue.sql, conversation.bare.description.sql, archive.bare.description.sql).first {
                $0.optionalText(0)
            } ?? nil
        }
    }

    public func setArchiveBackfill(account: AccountID, conversation: JID, oldestID: String?, complete: Bool) throws {
        try guarded {
            let id = try conversationID(account: account, jid: conversation, kind: .chat)
            try db.statement("UPDATE conversation SET archive_oldest_id = ?, archive_complete = ? WHERE id = ?")
                .bind(oldestID?.sql, complete.sql, id.sql).run()
        }
    }

    public func streamState(account: AccountID) throws -> StreamResumptionState? {
        try guarded {
            try db.statement(
                """
                SELECT resumption_id, location, bound_jid, inbound_count, outbound_count, updated_at, max_seconds
                FROM stream_state WHERE account_id = ?
                """
            ).bind(account.rawValue.sql).first {
                StreamResumptionState(
                    resumptionID: $0.text(0), location: $0.optionalText(1), boundJID: $0.text(2),
                    inboundCount: $0.int64(3), outboundCount: $0.int64(4), updatedAt: $0.int64(5),
                    maximumSeconds: $0.optionalInt64(6))
            }
        }
    }

    public func saveStreamState(_ state: StreamResumptionState, account: AccountID) throws {
        try guarded {
            try db.statement(
                """
                INSERT INTO stream_state (account_id, resumption_id, location, bound_jid, inbound_count, outbound_count,
                    updated_at, max_seconds) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (account_id) DO UPDATE SET resumption_id = excluded.resumption_id,
                    location = excluded.location, bound_jid = excluded.bound_jid,
                    inbound_count = excluded.inbound_count, outbound_count = excluded.outbound_count,
                    updated_at = excluded.updated_at, max_seconds = excluded.max_seconds
                """
            ).bind(
                account.rawValue.sql, state.resumptionID.sql, state.location?.sql, state.boundJID.sql,
                state.inboundCount.sql, state.outboundCount.sql, state.updatedAt.sql, state.maximumSeconds?.sql
            ).run()
        }
    }

    public func clearStreamState(account: AccountID) throws {
        try guarded {
            try db.statement("DELETE FROM stream_state WHERE account_id = ?").bind(account.rawValue.sql).run()
        }
    }
}
