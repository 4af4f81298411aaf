import XMPPCore

/// Full-text search over message bodies (FTS5, kept in sync by triggers and the write path).
extension ChatStore {
    /// Messages containing every word of `text` (the last one also as a prefix; case and accents
    /// ignored),
    /// optionally within one account or conversation, most recently stored first (newest first
    /// except for old history fetched later from an archive).
    ///
    /// The index is walked from the newest row down and stops after `limit` results, so the cost
    /// does not grow with the number of matches. A correction is found through the message it
    /// corrects; a text that has since been corrected away is not reported.
    public func search(
        _ text: String,
        account: AccountID? = nil,
        conversation: JID? = nil,
        limit: Int = 50
    ) throws -> [SearchHit] {
        guard let query = SearchText.query(text), limit > 0 else { return [] }
        return try guarded {
            let statement = try db.statement(
                """
                SELECT coalesce(m.corrects, m.id) FROM message_search s
                JOIN message m ON m.id = s.rowid JOIN conversation c ON c.id = m.conversation_id
                WHERE message_search MATCH ?1 AND (?2 IS NULL OR c.account_id = ?2) AND (?3 IS NULL OR c.jid = ?3)
                ORDER BY s.rowid DESC
                """
            ).bind(query.sql, account?.rawValue.sql, conversation?.description.sql)
            defer { statement.reset() }
            var hits: [SearchHit] = []
            var seen: Set<Int64> = []
            while hits.count < limit, try statement.step() {
                let id = statement.int64(0)
                guard seen.insert(id).inserted, let message = try message(id: id) else { continue }
                let snippet = SearchText.snippet(message.body, query: text)
                // The match may have been in a version since corrected away.
                guard snippet.segments.contains(where: \.highlighted) else { continue }
                hits.append(SearchHit(message: message, snippet: snippet))
            }
            return hits
        }
    }
}
