/// Applies the migrations a database lacks, in order, each in its own transaction.
enum Migrator {
    /// Creates the bookkeeping table and applies what is missing. Refuses a database that records
    /// migrations this build does not know (it was written by a newer Tern).
    static func migrate(_ connection: SQLiteConnection, migrations: [StoreMigration] = Schema.migrations) throws {
        try connection.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT PRIMARY KEY, applied_at INTEGER NOT NULL)")
        // Features' migrations are recorded under their own prefix and applied by
        // `migrate(_:feature:_:)`.
        let applied = Set(try appliedMigrations(connection).filter { !$0.hasPrefix(featurePrefix) })
        let known = Set(migrations.map(\.name))
        let unknown = applied.subtracting(known)
        guard unknown.isEmpty else { throw StoreError.newerDatabase(unknownMigrations: unknown.sorted()) }
        for migration in migrations where !applied.contains(migration.name) {
            try apply(migration, recordedAs: migration.name, on: connection)
        }
    }

    /// Runs one migration and records it, in one transaction.
    private static func apply(_ migration: StoreMigration, recordedAs name: String, on connection: SQLiteConnection)
        throws
    {
        try connection.transaction {
            try connection.execute(migration.sql)
            try connection.statement("INSERT INTO schema_migrations (name, applied_at) VALUES (?, ?)")
                .bind(name.sql, Clock.nowMilliseconds().sql).run()
        }
    }

    static func appliedMigrations(_ connection: SQLiteConnection) throws -> [String] {
        try connection.statement("SELECT name FROM schema_migrations ORDER BY rowid").rows { $0.text(0) }
    }

    static let featurePrefix = "feature:"

    /// Applies a feature's migrations the database lacks, each once, in its own transaction.
    static func migrate(_ connection: SQLiteConnection, feature: String, _ migrations: [StoreMigration]) throws {
        let prefix = featurePrefix + feature + ":"
        let applied = Set(try appliedMigrations(connection).filter { $0.hasPrefix(prefix) })
        for migration in migrations where !applied.contains(prefix + migration.name) {
            try apply(migration, recordedAs: prefix + migration.name, on: connection)
        }
    }
}

/// One named, append-only schema change, applied once per database and recorded in
/// `schema_migrations`; a shipped migration is never edited or removed, only followed by new
/// ones. The core schema's (`Schema`) and an account feature's (its `tables`, recorded under the
/// feature's name) are the same kind.
public struct StoreMigration: Sendable, Hashable {
    public let name: String
    public let sql: String

    public init(name: String, sql: String) {
        self.name = name
        self.sql = sql
    }
}
