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
}
