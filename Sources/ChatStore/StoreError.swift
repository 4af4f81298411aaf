/// Why the store could not do what was asked, in terms a user can act on.
public enum StoreError: Error, Sendable, Hashable {
    /// The database records schema changes this build does not know.
    case newerDatabase(unknownMigrations: [String])
    /// `PRAGMA quick_check` (or SQLite itself) found damage.
    case corrupt(path: String, detail: String)
    /// The disk is full; nothing was written.
    case diskFull(path: String)
    /// The database or its directory cannot be created or written.
    case notWritable(path: String, detail: String)
    /// The file is not an SQLite database.
    case notADatabase(path: String)
    /// Another process holds a lock longer than the busy timeout.
    case busy(path: String)
    case sqlite(SQLiteError)
}

extension StoreError: CustomStringConvertible {
    public var description: String {
        switch self {
        case .newerDatabase(let unknown):
            "the database was written by a newer version of Tern (unknown changes: "
                + unknown.joined(separator: ", ") + "); upgrade Tern to open it"
        case .corrupt(let path, let detail):
            "the database \(path) is damaged (\(detail)); Tern left it untouched — move it aside to start afresh,"
                + " or recover it with: sqlite3 \(path) .recover"
        case .diskFull(let path): "the disk holding \(path) is full; free some space (nothing was lost)"
        case .notWritable(let path, let detail): "cannot write \(path): \(detail)"
        case .notADatabase(let path): "\(path) is not a Tern database (not an SQLite file); Tern left it untouched"
        case .busy(let path): "the database \(path) is locked by another process"
        case .sqlite(let error): "database error: \(error)"
        }
    }
}

extension StoreError {
    /// Maps an SQLite failure on `path` to the error a user should see.
    static func from(_ error: Error, path: String) -> Error {
        guard let sqlite = error as? SQLiteError else { return error }
        if sqlite.isDiskFull { return StoreError.diskFull(path: path) }
        if sqlite.primaryCode == 26 { return StoreError.notADatabase(path: path) }
        if sqlite.isCorruption { return StoreError.corrupt(path: path, detail: sqlite.message) }
        if sqlite.isBusy { return StoreError.busy(path: path) }
        if sqlite.isReadOnly { return StoreError.notWritable(path: path, detail: sqlite.message) }
        return StoreError.sqlite(sqlite)
    }
}
