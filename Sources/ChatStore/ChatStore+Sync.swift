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
    /// `direction`: a page fetched forward (catch-up after the sync point) goes after everything
    /// stored; a page fetched backward (the newest messages of a first login, scrolling back) goes
    /// before everything stored, conversation by conversation, in the page's order. Either way the
    /// archive's order decides between messages of the same timestamp, and nothing stored moves.
    public func storeArchivePage(
        _ messages: [NewMessage],
        sync: ArchiveSyncState?,
        account: AccountID,
        direction: ArchiveDirection = .forward
    ) throws -> [InsertOutcome] {
        try write {
            let outcomes = try messages.map {
                try insertOne($0, account: account, afterStored: direction == .forward, archived: true)
            }
            if direction == .backward { try placeBeforeStored(messages, outcomes, account: account) }
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

    /// Gives the rows a backward page inserted positions below every other row of their
    /// conversation, keeping the page's order.
    private func placeBeforeStored(_ messages: [NewMessage], _ outcomes: [InsertOutcome], account: AccountID) throws {
        var inserted: [Int64: [Int64]] = [:]
        var conversations: [Int64] = []
        for (message, outcome) in zip(messages, outcomes) {
            let id: Int64
            switch outcome {
            case .inserted(let row), .correction(_, let row): id = row
            case .duplicate, .rejectedCorrection: continue
            }
            let conversation = try conversationID(account: account, jid: message.conversation, kind: message.kind)
            if inserted[conversation] == nil { conversations.append(conversation) }
            inserted[conversation, default: []].append(id)
        }
        for conversation in conversations {
            let ids = inserted[conversation] ?? []
            // The new rows took the highest positions; the lowest of the others is below them.
            let lowest =
                try db.statement(
                    "SELECT seq FROM message WHERE conversation_id = ? AND seq < ? ORDER BY seq LIMIT 1"
                ).bind(conversation.sql, (try position(of: ids[0])).sql).first { $0.int64(0) } ?? 1
            let base = lowest - Int64(ids.count)
            for (offset, id) in ids.enumerated() {
                try db.statement("UPDATE message SET seq = ? WHERE id = ?").bind((base + Int64(offset)).sql, id.sql)
                    .run()
            }
        }
    }

    private func position(of id: Int64) throws -> Int64 {
        try db.statement("SELECT seq FROM message WHERE id = ?").bind(id.sql).first { $0.int64(0) } ?? 0
    }

    /// Where scrolling back into the archive stopped for a conversation: the oldest archived id
    /// fetched, and whether the archive has nothing older.
    public func archiveBackfill(account: AccountID, conversation: JID) throws -> (oldestID: String?, complete: Bool) {
        try guarded {
            try db.statement(
                "SELECT archive_oldest_id, archive_complete FROM conversation WHERE account_id = ? AND jid = ?"
            )
            .bind(account.rawValue.sql, conversation.description.sql)
            .first { ($0.optionalText(0), $0.int(1) != 0) } ?? (nil, false)
        }
    }

    /// The archive id of the oldest stored message of a conversation that `archive` assigned.
    public func oldestArchiveID(account: AccountID, conversation: JID, archive: JID) throws -> String? {
        try guarded {
            try db.statement(
                """
                SELECT m.stanza_id FROM message m JOIN conversation c ON c.id = m.conversation_id
                WHERE c.account_id = ? AND c.jid = ? AND m.stanza_id_by = ? ORDER BY m.timestamp, m.seq LIMIT 1
                """
            ).bind(account.rawValue.sql, conversation.description.sql, archive.bare.description.sql).first {
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
