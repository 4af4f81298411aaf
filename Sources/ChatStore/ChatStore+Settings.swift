import XMPPCore

/// Per-conversation settings, interface settings changed while running, and the entity-capabilities
/// cache (XEP-0115).
extension ChatStore {
    /// Interface settings saved by /set and /theme, by key.
    public func uiSettings() throws -> [String: String] {
        try guarded {
            Dictionary(
                try db.statement("SELECT key, value FROM ui_setting").rows { ($0.text(0), $0.text(1)) },
                uniquingKeysWith: { _, last in last })
        }
    }

    /// Saves a setting (nil forgets it).
    public func setUISetting(_ key: String, to value: String?) throws {
        try write {
            if let value {
                try db.statement(
                    "INSERT INTO ui_setting (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value"
                ).bind(key.sql, value.sql).run()
            } else {
                try db.statement("DELETE FROM ui_setting WHERE key = ?").bind(key.sql).run()
            }
        }
    }

    /// The notification levels chosen with /notify (`all`, `mentions`, `none`), by conversation
    /// (a bare JID, or `room@service/nick` for a private chat through a room).
    public func notificationLevels(account: AccountID) throws -> [String: String] {
        try guarded {
            Dictionary(
                try db.statement(
                    "SELECT jid, notify FROM conversation_setting WHERE account_id = ? AND notify IS NOT NULL"
                ).bind(account.rawValue.sql).rows { ($0.text(0), $0.text(1)) },
                uniquingKeysWith: { _, last in last })
        }
    }

    /// Keeps a conversation's notification level (nil: back to what config.toml says).
    public func setNotificationLevel(_ level: String?, conversation: JID, account: AccountID) throws {
        try write {
            try db.statement(
                """
                INSERT INTO conversation_setting (account_id, jid, notify) VALUES (?, ?, ?)
                ON CONFLICT (account_id, jid) DO UPDATE SET notify = excluded.notify
                """
            ).bind(account.rawValue.sql, conversation.description.sql, level?.sql).run()
        }
    }

    /// Features by verification string, as learnt before.
    public func capabilities() throws -> [String: Set<String>] {
        try guarded {
            var result: [String: Set<String>] = [:]
            for (ver, features) in try db.statement("SELECT ver, features FROM capability").rows({
                ($0.text(0), $0.text(1))
            }) {
                result[ver] = Set(features.split(separator: "\n").map(String.init))
            }
            return result
        }
    }

    public func storeCapabilities(_ features: Set<String>, ver: String) throws {
        try write {
            try db.statement("INSERT OR REPLACE INTO capability (ver, features) VALUES (?, ?)")
                .bind(ver.sql, features.sorted().joined(separator: "\n").sql).run()
        }
    }
}
