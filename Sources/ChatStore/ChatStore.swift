internal import CSQLite
import Glibc
import XMPPCore

/// Everything Tern keeps: accounts, rosters, message history with full-text search, the outbox,
/// archive sync points and stream-management state, in one SQLite database.
///
/// The file is created with mode 0600 in a 0700 directory. WAL journal, so that another `tern`
/// process (the CLI) can read while the UI writes; `synchronous=NORMAL`, except for the outbox,
/// whose writes are `FULL`: a message the user typed must survive a power cut, while everything
/// else can be fetched again from the server's archive (its sync point is committed in the same
/// transaction as the messages, so both roll back together).
///
/// Not thread-safe: use one store per thread (a second connection for background reads).
public final class ChatStore {
    public let path: String
    let db: SQLiteConnection
    /// Messages were written in the current transaction: index them before it commits.
    var searchIndexPending = false
    /// Between `beginBatch()` and `endBatch()`.
    private(set) var batchOpen = false
    /// Conversation row ids by account and JID (rows are never renumbered).
    var conversationIDs: [ConversationKey: Int64] = [:]
    /// The newest message time per conversation written in the current transaction.
    var pendingActivity: [Int64: Int64] = [:]

    struct ConversationKey: Hashable {
        var account: Int64
        var jid: String
    }

    /// Opens or creates the database at `path` (`":memory:"` for a private in-memory store),
    /// applying any missing migrations.
    ///
    /// - Parameter integrityCheck: run `PRAGMA quick_check` on an existing file first (linear in
    ///   the database size: the UI runs it in the background instead).
    public init(path: String, integrityCheck: Bool = false) throws {
        self.path = path
        let existed = path != ":memory:" && access(path, F_OK) == 0
        if path != ":memory:" { try ChatStore.prepareFile(path) }
        do {
            db = try SQLiteConnection(path: path)
            try db.registerTextFunction("tern_search_text") { context, _, arguments in
                SQLiteFunction.setResult(context, text: SQLiteFunction.textArgument(arguments).map(SearchText.indexed))
            }
            db.setBusyTimeout(milliseconds: 5000)
            try db.execute(
                "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;"
                    // 16 MiB of page cache; checkpoint every 32 MiB of WAL (index pages dirtied by
                    // many small transactions are copied once, not at every 4 MiB); temporary
                    // structures in memory.
                    + " PRAGMA cache_size = -16384; PRAGMA wal_autocheckpoint = 8000; PRAGMA temp_store = MEMORY;"
                    + " PRAGMA journal_size_limit = 67108864;")
            if existed && integrityCheck { try checkIntegrity() }
            try Migrator.migrate(db)
            db.rollbackHandler = { [unowned self] whole in
                conversationIDs.removeAll()
                // After a savepoint's rollback, the rest of the transaction still has work left.
                if whole {
                    pendingActivity.removeAll()
                    searchIndexPending = false
                }
            }
            // Another tool may have left rows unindexed; index them (a reader that finds the
            // database busy leaves that to the writer).
            if try db.statement("SELECT EXISTS (SELECT 1 FROM message_search_queue)").first({ $0.int(0) != 0 }) == true
            {
                searchIndexPending = true
                try? write {}
            }
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError.from(error, path: path)
        }
    }

    /// Creates what a feature's tables need, if the database lacks it.
    public func migrate(feature: String, _ migrations: [StoreMigration]) throws {
        guard !migrations.isEmpty else { return }
        do {
            try Migrator.migrate(db, feature: feature, migrations)
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError.from(error, path: path)
        }
    }

    /// Runs a statement on a feature's own tables (see `migrate(feature:_:)`), inside the write
    /// batch when one is open.
    public func featureWrite(_ sql: String, _ values: [SQLiteValue?] = []) throws {
        try write { try db.statement(sql).bind(values).run() }
    }

    /// Reads rows from a feature's own tables.
    public func featureRows<T>(_ sql: String, _ values: [SQLiteValue?] = [], _ row: (Statement) throws -> T) throws
        -> [T]
    {
        try db.statement(sql).bind(values).rows(row)
    }

    /// A private in-memory store (for tests and benchmarks).
    public static func inMemory() throws -> ChatStore { try ChatStore(path: ":memory:") }

    /// `PRAGMA quick_check`: throws `StoreError.corrupt` unless the database is intact.
    public func checkIntegrity(full: Bool = false) throws {
        let result = try guarded {
            try db.statement(full ? "PRAGMA integrity_check(5)" : "PRAGMA quick_check(5)").rows { $0.text(0) }
        }
        guard result == ["ok"] else {
            throw StoreError.corrupt(path: path, detail: result.joined(separator: "; "))
        }
    }

    /// The names of the schema migrations applied to this database, in order.
    public func appliedMigrations() throws -> [String] {
        try guarded { try Migrator.appliedMigrations(db) }
    }

    /// Runs several store operations in one transaction.
    public func transaction<T>(_ body: () throws -> T) throws -> T {
        try write(body)
    }

    /// A write transaction (joining an enclosing one) that indexes new messages for search before
    /// the outermost one commits (once per batch: the full-text index is costly per statement).
    func write<T>(_ body: () throws -> T) throws -> T {
        try guarded {
            if batchOpen && !db.isInTransaction { try db.begin() }
            let outermost = !db.isInTransaction
            let activity = pendingActivity
            do {
                return try db.transaction {
                    let result = try body()
                    if outermost { try finishWrites() }
                    return result
                }
            } catch {
                // Undone (a savepoint's rollback inside a batch): so is the activity it recorded.
                if !outermost { pendingActivity = activity }
                throw error
            }
        }
    }

    /// What writes leave for the commit: conversations' last activity and the search index.
    private func finishWrites() throws {
        for (conversation, timestamp) in pendingActivity {
            try db.statement("UPDATE conversation SET last_activity = max(last_activity, ?) WHERE id = ?")
                .bind(timestamp.sql, conversation.sql).run()
        }
        pendingActivity.removeAll(keepingCapacity: true)
        if searchIndexPending {
            try db.statement(
                """
                INSERT INTO message_search (rowid, text)
                    SELECT q.message_id, tern_search_text(m.body) FROM message_search_queue q
                    JOIN message m ON m.id = q.message_id
                """
            ).run()
            try db.statement("DELETE FROM message_search_queue").run()
            searchIndexPending = false
        }
    }

    /// Starts a batch: the writes until `endBatch()` share one transaction, begun by the first
    /// of them (each still atomic on its own, as a savepoint). The client stores a burst of
    /// input this way and acknowledges it to the server only after `endBatch()`.
    public func beginBatch() {
        batchOpen = true
    }

    /// Commits what the batch wrote (nothing to do when it wrote nothing). When the commit fails,
    /// none of it is stored, and the error says why.
    public func endBatch() throws {
        batchOpen = false
        guard db.isInTransaction else { return }
        try guarded { try db.commit(finishing: finishWrites) }
    }

    /// Runs `body`, turning SQLite failures into `StoreError`s a user can act on.
    func guarded<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as SQLiteError {
            throw StoreError.from(error, path: path)
        }
    }

    // MARK: Accounts

    /// The account with this bare JID, created on first use; `name` is updated when given.
    public func account(jid: JID, name: String? = nil) throws -> AccountID {
        try guarded {
            let bare = jid.bare.description
            if let id = try db.statement("SELECT id FROM account WHERE jid = ?").bind(bare.sql).first({ $0.int64(0) }) {
                if let name {
                    try db.statement("UPDATE account SET name = ? WHERE id = ? AND name IS NOT ?")
                        .bind(name.sql, id.sql, name.sql).run()
                }
                return AccountID(rawValue: id)
            }
            try db.statement("INSERT INTO account (jid, name) VALUES (?, ?)").bind(bare.sql, name?.sql).run()
            return AccountID(rawValue: db.lastInsertRowID)
        }
    }

    /// The account with this bare JID if the store knows it (never creates one).
    public func existingAccount(jid: JID) throws -> AccountID? {
        try guarded {
            try db.statement("SELECT id FROM account WHERE jid = ?").bind(jid.bare.description.sql)
                .first { AccountID(rawValue: $0.int64(0)) }
        }
    }

    // MARK: Files

    /// Creates the directory (0700) and the file (0600) before SQLite opens it, and tightens the
    /// mode of an existing file.
    static func prepareFile(_ path: String) throws {
        let directory = String(path[..<(path.lastIndex(of: "/") ?? path.startIndex)])
        if !directory.isEmpty { try makeDirectories(directory) }
        // An existing file is never opened here: closing any descriptor of a file drops every
        // POSIX lock this process holds on it, those of an open SQLite connection included, and
        // another process would then take the live WAL for abandoned and delete it.
        var info = stat()
        if stat(path, &info) == 0 {
            if info.st_mode & 0o077 != 0 && chmod(path, 0o600) != 0 {
                throw StoreError.notWritable(path: path, detail: String(cString: strerror(errno)))
            }
            return
        }
        let fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            if errno == EEXIST { return }
            throw StoreError.notWritable(path: path, detail: String(cString: strerror(errno)))
        }
        close(fd)
    }

    private static func makeDirectories(_ directory: String) throws {
        var current = directory.hasPrefix("/") ? "" : "."
        for component in directory.split(separator: "/", omittingEmptySubsequences: true) {
            current += "/" + component
            if mkdir(current, 0o700) != 0 && errno != EEXIST {
                throw StoreError.notWritable(path: current, detail: String(cString: strerror(errno)))
            }
        }
        var info = stat()
        guard stat(directory, &info) == 0, info.st_mode & S_IFMT == S_IFDIR else {
            throw StoreError.notWritable(path: directory, detail: "not a directory")
        }
    }
}
