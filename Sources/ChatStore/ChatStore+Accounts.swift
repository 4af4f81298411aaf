import XMPPCore

/// Accounts as the store knows them (for tools that run without the configuration).
extension ChatStore {
    public struct StoredAccount: Sendable, Hashable {
        public var id: AccountID
        public var jid: String
        public var name: String?
    }

    public func accounts() throws -> [StoredAccount] {
        try guarded {
            try db.statement("SELECT id, jid, name FROM account ORDER BY id").rows {
                StoredAccount(id: AccountID(rawValue: $0.int64(0)), jid: $0.text(1), name: $0.optionalText(2))
            }
        }
    }

    /// The TLS channel-binding type that last worked for an account (servers without XEP-0440).
    public func channelBinding(account: AccountID) throws -> String? {
        try guarded {
            try db.statement("SELECT channel_binding FROM account WHERE id = ?").bind(account.rawValue.sql).first {
                $0.optionalText(0)
            } ?? nil
        }
    }

    public func setChannelBinding(_ type: String, account: AccountID) throws {
        try write {
            try db.statement("UPDATE account SET channel_binding = ? WHERE id = ?").bind(type.sql, account.rawValue.sql)
                .run()
        }
    }

    /// The strongest SASL mechanism that worked for an account (pinned: weaker ones are refused).
    public func pinnedMechanism(account: AccountID) throws -> String? {
        try guarded {
            try db.statement("SELECT sasl_mechanism FROM account WHERE id = ?").bind(account.rawValue.sql).first {
                $0.optionalText(0)
            } ?? nil
        }
    }

    public func setPinnedMechanism(_ mechanism: String, account: AccountID) throws {
        try write {
            try db.statement("UPDATE account SET sasl_mechanism = ? WHERE id = ?")
                .bind(mechanism.sql, account.rawValue.sql).run()
        }
    }
}
