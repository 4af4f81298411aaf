internal import CSQLite

/// A failed SQLite call: the result code and SQLite's message.
public struct SQLiteError: Error, Sendable, Hashable {
    public var code: Int32
    public var message: String

    /// The primary result code (SQLITE_FULL, SQLITE_CORRUPT, ...).
    public var primaryCode: Int32 { code & 0xFF }

    public var isCorruption: Bool { primaryCode == SQLITE_CORRUPT || primaryCode == SQLITE_NOTADB }
    public var isDiskFull: Bool { primaryCode == SQLITE_FULL }
    public var isBusy: Bool { primaryCode == SQLITE_BUSY || primaryCode == SQLITE_LOCKED }
    public var isReadOnly: Bool { primaryCode == SQLITE_READONLY || primaryCode == SQLITE_CANTOPEN }
    public var isConstraintViolation: Bool { primaryCode == SQLITE_CONSTRAINT }
}

extension SQLiteError: CustomStringConvertible {
    public var description: String { "\(message) (SQLite error \(code))" }
}
