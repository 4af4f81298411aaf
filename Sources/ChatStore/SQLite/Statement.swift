internal import CSQLite

/// A prepared statement, owned and cached by its connection.
public final class Statement {
    let pointer: OpaquePointer
    unowned let connection: SQLiteConnection

    init(_ pointer: OpaquePointer, connection: SQLiteConnection) {
        self.pointer = pointer
        self.connection = connection
    }

    deinit { sqlite3_finalize(pointer) }

    /// Ends the statement's current execution (releasing its read snapshot) and clears its bindings.
    public func reset() {
        sqlite3_reset(pointer)
        sqlite3_clear_bindings(pointer)
    }

    /// Binds values to `?1`, `?2`, ... in order.
    @discardableResult
    public func bind(_ values: SQLiteValue?...) throws(SQLiteError) -> Statement {
        try bind(values)
    }

    @discardableResult
    public func bind(_ values: [SQLiteValue?]) throws(SQLiteError) -> Statement {
        for (offset, value) in values.enumerated() {
            let index = Int32(offset + 1)
            let status: Int32
            switch value {
            case nil: status = sqlite3_bind_null(pointer, index)
            case .integer(let integer): status = sqlite3_bind_int64(pointer, index, integer)
            case .text(let text): status = sqlite3_bind_text(pointer, index, text, -1, tern_sqlite_transient())
            case .real(let real): status = sqlite3_bind_double(pointer, index, real)
            }
            guard status == SQLITE_OK else { throw connection.error(status) }
        }
        return self
    }

    /// Advances to the next row; false when there are no more.
    public func step() throws(SQLiteError) -> Bool {
        let status = sqlite3_step(pointer)
        switch status {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        default:
            let error = connection.error(status)
            sqlite3_reset(pointer)
            throw error
        }
    }

    /// Runs a statement that returns no rows.
    public func run() throws(SQLiteError) {
        while try step() {}
    }

    /// Collects every row through `row`.
    public func rows<T>(_ row: (Statement) throws -> T) throws -> [T] {
        var result: [T] = []
        while try step() { result.append(try row(self)) }
        return result
    }

    /// The first row through `row`, if any.
    public func first<T>(_ row: (Statement) throws -> T) throws -> T? {
        guard try step() else { return nil }
        let value = try row(self)
        sqlite3_reset(pointer)
        return value
    }

    public func int64(_ column: Int32) -> Int64 { sqlite3_column_int64(pointer, column) }

    public func int(_ column: Int32) -> Int { Int(sqlite3_column_int64(pointer, column)) }

    public func optionalInt64(_ column: Int32) -> Int64? {
        sqlite3_column_type(pointer, column) == SQLITE_NULL ? nil : sqlite3_column_int64(pointer, column)
    }

    public func text(_ column: Int32) -> String {
        guard let text = sqlite3_column_text(pointer, column) else { return "" }
        let length = Int(sqlite3_column_bytes(pointer, column))
        return String(decoding: UnsafeBufferPointer(start: text, count: length), as: UTF8.self)
    }

    public func optionalText(_ column: Int32) -> String? {
        sqlite3_column_type(pointer, column) == SQLITE_NULL ? nil : text(column)
    }
}

/// A value bound to a statement parameter.
public enum SQLiteValue: Sendable, Hashable {
    case integer(Int64)
    case text(String)
    case real(Double)
}

extension SQLiteValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral {
    public init(stringLiteral value: String) { self = .text(value) }
    public init(integerLiteral value: Int64) { self = .integer(value) }
}

extension Int64 {
    public var sql: SQLiteValue { .integer(self) }
}

extension Int {
    public var sql: SQLiteValue { .integer(Int64(self)) }
}

extension String {
    public var sql: SQLiteValue { .text(self) }
}

extension Bool {
    public var sql: SQLiteValue { .integer(self ? 1 : 0) }
}
