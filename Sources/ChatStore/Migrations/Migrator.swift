/// One named, append-only schema change. Names are recorded in `schema_migrations`; a shipped
/// migration is never edited or removed, only followed by new ones.
struct Migration {
    let name: String
    let sql: String
}

/// Applies the migrations a database lacks, in order, each in its own transaction.
enum Migrator {
    /// Creates the bookkeeping table and applies what is missing. Refuses a database that records
    /// migrations this build does not know (it was written by a newer Tern).
    static func migrate(_ connection: SQLiteConnection, migrations: [Migration] = Schema.migrations) throws {
        try connection.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT PRIMARY KEY, applied_at INTEGER NOT NULL)")
        let applied = Set(try appliedMigrations(connection))
        let known = Set(migrations.map(\.name))
        let unknown = applied.subtracting(known)
        guard unknown.isEmpty else { throw StoreError.newerDatabase(unknownMigrations: unknown.sorted()) }
        for migration in migrations where !applied.contains(migration.name) {
            try connection.transaction {
                try connection.execute(migration.sql)
                try connection.statement("INSERT INTO schema_migrations (name, applied_at) VALUES (?, ?)")
                    .bind(migration.name.sql, Clock.nowMilliseconds().sql).run()
            }
        }
    }

    static func appliedMigrations(_ connection: SQLiteConnection) throws -> [String] {
        try connection.statement("SELECT name FROM schema_migrations ORDER BY rowid").rows { $0.text(0) }
    }
}
