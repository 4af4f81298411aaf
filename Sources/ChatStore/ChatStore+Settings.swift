import XMPPCore

/// Per-contact settings, interface settings changed while running, and the entity-capabilities
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

    public func mutedContacts(account: AccountID) throws -> Set<String> {
        try guarded {
            Set(
                try db.statement("SELECT jid FROM contact_setting WHERE account_id = ? AND muted = 1")
                    .bind(account.rawValue.sql).rows { $0.text(0) })
        }
    }

    public func setMuted(_ muted: Bool, contact: JID, account: AccountID) throws {
        try write {
            try db.statement(
                """
                INSERT INTO contact_setting (account_id, jid, muted) VALUES (?, ?, ?)
                ON CONFLICT (account_id, jid) DO UPDATE SET muted = excluded.muted
                """
            ).bind(account.rawValue.sql, contact.bare.description.sql, muted.sql).run()
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
