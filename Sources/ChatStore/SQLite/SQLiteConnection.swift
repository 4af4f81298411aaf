internal import CSQLite
import Glibc

/// One SQLite connection: statements prepared once and cached by their SQL, text always bound as
/// parameters, transactions as closures. Used from one thread.
public final class SQLiteConnection {
    let handle: OpaquePointer
    private var statements: [String: Statement] = [:]
    private var transactionDepth = 0
    /// Called after a transaction (true) or a savepoint in one (false) was rolled back, to drop
    /// state cached for it.
    public var rollbackHandler: ((_ whole: Bool) -> Void)?
    public let path: String

    public enum Mode: Sendable {
        case readWrite
        case readOnly
    }

    /// Opens (creating when `mode` is `.readWrite`) a database file; `":memory:"` for a private
    /// in-memory database.
    public init(path: String, mode: Mode = .readWrite) throws(SQLiteError) {
        self.path = path
        var handle: OpaquePointer?
        let flags =
            (mode == .readWrite ? SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE : SQLITE_OPEN_READONLY)
            | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE
        let status = sqlite3_open_v2(path, &handle, flags, nil)
        guard status == SQLITE_OK, let handle else {
            let message = handle.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
            sqlite3_close_v2(handle)
            throw SQLiteError(code: status, message: message)
        }
        self.handle = handle
        sqlite3_extended_result_codes(handle, 1)
    }

    deinit {
        statements.removeAll()
        sqlite3_close_v2(handle)
    }

    /// Runs one or more statements without parameters (schema changes, pragmas).
    public func execute(_ sql: String) throws(SQLiteError) {
        var errorMessage: UnsafeMutablePointer<CChar>?
        let status = sqlite3_exec(handle, sql, nil, nil, &errorMessage)
        guard status == SQLITE_OK else {
            let message = errorMessage.map { String(cString: $0) } ?? lastErrorMessage
            sqlite3_free(errorMessage)
            throw SQLiteError(code: status, message: message)
        }
    }

    /// The cached prepared statement for `sql`, reset and with its bindings cleared.
    public func statement(_ sql: String) throws(SQLiteError) -> Statement {
        if let cached = statements[sql] {
            cached.reset()
            return cached
        }
        var pointer: OpaquePointer?
        let status = sqlite3_prepare_v3(handle, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &pointer, nil)
        guard status == SQLITE_OK, let pointer else { throw error(status) }
        let statement = Statement(pointer, connection: self)
        statements[sql] = statement
        return statement
    }

    /// Runs `body` in a transaction (nested calls join the outer one); rolls back if it throws.
    public func transaction<T>(immediate: Bool = true, _ body: () throws -> T) throws -> T {
        if transactionDepth > 0 {
            // Nested: a savepoint, so that a failing inner part leaves the outer one intact.
            try statement("SAVEPOINT nested").run()
            transactionDepth += 1
            defer { transactionDepth -= 1 }
            do {
                let result = try body()
                try statement("RELEASE nested").run()
                return result
            } catch {
                try? statement("ROLLBACK TO nested").run()
                try? statement("RELEASE nested").run()
                rollbackHandler?(false)
                throw error
            }
        }
        try execute(immediate ? "BEGIN IMMEDIATE" : "BEGIN")
        transactionDepth = 1
        defer { transactionDepth = 0 }
        do {
            let result = try body()
            try execute("COMMIT")
            return result
        } catch {
            try? execute("ROLLBACK")
            rollbackHandler?(true)
            throw error
        }
    }

    /// Opens a transaction that `transaction` calls join until `commit()` (one commit for many
    /// writes that arrive together).
    public func begin() throws(SQLiteError) {
        precondition(transactionDepth == 0, "begin() inside a transaction")
        try execute("BEGIN IMMEDIATE")
        transactionDepth = 1
    }

    /// Runs `finishing` (the last writes) and commits what `begin()` opened; rolls it all back
    /// when either fails.
    public func commit(finishing: () throws -> Void = {}) throws {
        precondition(transactionDepth == 1, "commit() without begin()")
        do {
            try finishing()
            transactionDepth = 0
            try execute("COMMIT")
        } catch {
            transactionDepth = 0
            try? execute("ROLLBACK")
            rollbackHandler?(true)
            throw error
        }
    }

    public var isInTransaction: Bool { transactionDepth > 0 }

    public var lastInsertRowID: Int64 { sqlite3_last_insert_rowid(handle) }

    /// Rows changed by the last statement.
    public var changes: Int { Int(sqlite3_changes(handle)) }

    /// Waits up to `milliseconds` for another connection's lock before failing with SQLITE_BUSY.
    public func setBusyTimeout(milliseconds: Int32) {
        sqlite3_busy_timeout(handle, milliseconds)
    }

    /// Registers a deterministic scalar SQL function of one text argument.
    public func registerTextFunction(
        _ name: String,
        _ function:
            @escaping @convention(c) (
                OpaquePointer?, Int32, UnsafeMutablePointer<OpaquePointer?>?
            ) -> Void
    ) throws(SQLiteError) {
        let status = sqlite3_create_function_v2(
            handle, name, 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS, nil, function, nil, nil, nil)
        guard status == SQLITE_OK else { throw error(status) }
    }

    var lastErrorMessage: String { String(cString: sqlite3_errmsg(handle)) }

    func error(_ status: Int32) -> SQLiteError {
        SQLiteError(
            code: sqlite3_extended_errcode(handle) != 0 ? sqlite3_extended_errcode(handle) : status,
            message: lastErrorMessage)
    }
}

/// Helpers for SQL functions implemented in Swift.
public enum SQLiteFunction {
    /// The first argument as a Swift string (nil for NULL).
    public static func textArgument(_ arguments: UnsafeMutablePointer<OpaquePointer?>?) -> String? {
        guard let value = arguments?[0], sqlite3_value_type(value) != SQLITE_NULL,
            let text = sqlite3_value_text(value)
        else { return nil }
        return String(cString: text)
    }

    public static func setResult(_ context: OpaquePointer?, text: String?) {
        guard let text else {
            sqlite3_result_null(context)
            return
        }
        sqlite3_result_text(context, text, -1, tern_sqlite_transient())
    }
}
