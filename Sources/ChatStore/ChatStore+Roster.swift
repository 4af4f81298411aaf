import XMPPCore

/// The roster, with its version (XEP-0237) so that a login fetches only the changes.
extension ChatStore {
    public func roster(account: AccountID) throws -> [RosterItem] {
        try guarded {
            var groups: [String: [String]] = [:]
            for (jid, group) in try db.statement(
                "SELECT jid, name FROM roster_group WHERE account_id = ? ORDER BY name"
            ).bind(account.rawValue.sql).rows({ ($0.text(0), $0.text(1)) }) {
                groups[jid, default: []].append(group)
            }
            return try db.statement(
                "SELECT jid, name, subscription, ask, approved FROM roster_item WHERE account_id = ? ORDER BY jid"
            ).bind(account.rawValue.sql).rows { row -> RosterItem? in
                guard let jid = JID(parsing: row.text(0)) else { return nil }
                return RosterItem(
                    jid: jid, name: row.optionalText(1), groups: groups[row.text(0)] ?? [],
                    subscription: RosterItem.Subscription(rawValue: row.text(2)) ?? .none, pendingOut: row.int(3) != 0,
                    approved: row.int(4) != 0)
            }.compactMap { $0 }
        }
    }

    public func rosterVersion(account: AccountID) throws -> String? {
        try guarded {
            try db.statement("SELECT roster_version FROM account WHERE id = ?").bind(account.rawValue.sql)
                .first { $0.optionalText(0) } ?? nil
        }
    }

    /// Replaces the whole roster (a full roster result) and records its version.
    public func replaceRoster(_ items: [RosterItem], version: String?, account: AccountID) throws {
        try write {
            try db.statement("DELETE FROM roster_item WHERE account_id = ?").bind(account.rawValue.sql).run()
            for item in items { try upsert(item, account: account) }
            try setRosterVersion(version, account: account)
        }
    }

    /// Applies one roster push (or one item of a versioned delta): `remove` deletes it.
    public func applyRosterChange(_ item: RosterItem, removed: Bool, version: String?, account: AccountID) throws {
        try write {
            if removed {
                try db.statement("DELETE FROM roster_item WHERE account_id = ? AND jid = ?")
                    .bind(account.rawValue.sql, item.jid.bare.description.sql).run()
            } else {
                try upsert(item, account: account)
            }
            if let version { try setRosterVersion(version, account: account) }
        }
    }

    private func upsert(_ item: RosterItem, account: AccountID) throws {
        let jid = item.jid.bare.description
        try db.statement(
            """
            INSERT INTO roster_item (account_id, jid, name, subscription, ask, approved) VALUES (?, ?, ?, ?, ?, ?)
            ON CONFLICT (account_id, jid) DO UPDATE SET name = excluded.name, subscription = excluded.subscription,
                ask = excluded.ask, approved = excluded.approved
            """
        ).bind(
            account.rawValue.sql, jid.sql, item.name?.sql, item.subscription.rawValue.sql, item.pendingOut.sql,
            item.approved.sql
        ).run()
        try db.statement("DELETE FROM roster_group WHERE account_id = ? AND jid = ?").bind(
            account.rawValue.sql, jid.sql
        )
        .run()
        for group in Set(item.groups) {
            try db.statement("INSERT INTO roster_group (account_id, jid, name) VALUES (?, ?, ?)")
                .bind(account.rawValue.sql, jid.sql, group.sql).run()
        }
    }

    /// Records the roster version the stored roster corresponds to.
    public func setRosterVersion(_ version: String?, account: AccountID) throws {
        try guarded {
            try db.statement("UPDATE account SET roster_version = ? WHERE id = ?").bind(
                version?.sql, account.rawValue.sql
            ).run()
        }
    }
}
