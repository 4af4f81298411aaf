import Testing

@testable import ChatStore

/// A feature's own tables: created once per database, recorded under the feature's name, never
/// mistaken for a newer Tern's schema, and written inside the current batch.
@Suite struct FeatureTableTests {
    static let create = StoreMigration(name: "create", sql: "CREATE TABLE test_note (body TEXT NOT NULL)")
    static let index = StoreMigration(name: "index", sql: "CREATE INDEX test_note_body ON test_note (body)")

    @Test func migrationsApplyOnceEachAndSurviveAReopen() throws {
        let path = temporaryDirectory() + "/tern.sqlite"
        do {
            let store = try ChatStore(path: path)
            try store.migrate(feature: "notes", [Self.create])
            try store.migrate(feature: "notes", [Self.create])
            try store.featureWrite("INSERT INTO test_note (body) VALUES (?)", [.text("kept")])
        }
        // A later build adds a migration: only the new one runs, and the core schema's check does
        // not take the feature's records for a newer Tern's.
        let reopened = try ChatStore(path: path)
        try reopened.migrate(feature: "notes", [Self.create, Self.index])
        #expect(try reopened.featureRows("SELECT body FROM test_note") { $0.text(0) } == ["kept"])
        let recorded = try Migrator.appliedMigrations(reopened.db).filter { $0.hasPrefix("feature:") }
        #expect(recorded == ["feature:notes:create", "feature:notes:index"])
    }

    @Test func aFailingMigrationLeavesNothingHalfDone() throws {
        let store = try ChatStore.inMemory()
        let broken = StoreMigration(name: "broken", sql: "CREATE TABLE test_half (a TEXT); CREATE TABLE oops (")
        #expect(throws: (any Error).self) { try store.migrate(feature: "half", [broken]) }
        #expect(try store.featureRows("SELECT name FROM sqlite_master WHERE name = 'test_half'") { $0.text(0) }.isEmpty)
        #expect(try Migrator.appliedMigrations(store.db).allSatisfy { !$0.hasPrefix("feature:half") })
    }

    @Test func featureWritesJoinTheOpenBatch() throws {
        let store = try ChatStore.inMemory()
        try store.migrate(feature: "notes", [Self.create])
        store.beginBatch()
        try store.featureWrite("INSERT INTO test_note (body) VALUES (?)", [.text("in the batch")])
        #expect(store.db.isInTransaction, "the write waits for the batch's commit")
        try store.endBatch()
        #expect(!store.db.isInTransaction)
        #expect(try store.featureRows("SELECT body FROM test_note") { $0.text(0) } == ["in the batch"])
    }

    @Test func featuresMayNameTheirMigrationsAlike() throws {
        let store = try ChatStore.inMemory()
        try store.migrate(feature: "notes", [Self.create])
        try store.migrate(feature: "tags", [StoreMigration(name: "create", sql: "CREATE TABLE test_tag (name TEXT)")])
        let recorded = try Migrator.appliedMigrations(store.db).filter { $0.hasPrefix("feature:") }
        #expect(recorded == ["feature:notes:create", "feature:tags:create"])
        try store.migrate(feature: "notes", [])
        #expect(try Migrator.appliedMigrations(store.db).filter { $0.hasPrefix("feature:") } == recorded)
    }

    @Test func rowsAreReadWithBoundValuesNullsIncluded() throws {
        let store = try ChatStore.inMemory()
        try store.migrate(
            feature: "notes",
            [StoreMigration(name: "create", sql: "CREATE TABLE test_kv (key TEXT, value TEXT, n INTEGER)")])
        try store.featureWrite("INSERT INTO test_kv VALUES (?, ?, ?)", [.text("a"), nil, .integer(1)])
        try store.featureWrite("INSERT INTO test_kv VALUES (?, ?, ?)", [.text("b'; DROP TABLE test_kv; --"), "x", 2])
        let rows = try store.featureRows("SELECT key, value, n FROM test_kv WHERE n >= ? ORDER BY n", [.integer(1)]) {
            "\($0.text(0))|\($0.optionalText(1) ?? "nil")|\($0.int(2))"
        }
        #expect(rows == ["a|nil|1", "b'; DROP TABLE test_kv; --|x|2"], "values are bound, never pasted into the SQL")
        #expect(try store.featureRows("SELECT key FROM test_kv WHERE value IS ?", [nil]) { $0.text(0) } == ["a"])
    }

    @Test func aFeatureWriteOutsideABatchIsCommittedAtOnce() throws {
        let path = temporaryDirectory() + "/tern.sqlite"
        let store = try ChatStore(path: path)
        try store.migrate(feature: "notes", [Self.create])
        try store.featureWrite("INSERT INTO test_note (body) VALUES (?)", [.text("now")])
        #expect(!store.db.isInTransaction)
        #expect(try ChatStore(path: path).featureRows("SELECT body FROM test_note") { $0.text(0) } == ["now"])
    }

    @Test func aFailingFeatureWriteInABatchUndoesOnlyItself() throws {
        let store = try ChatStore.inMemory()
        try store.migrate(feature: "notes", [Self.create])
        store.beginBatch()
        _ = try store.insert(incoming("a message"), account: try store.account(jid: me))
        #expect(throws: StoreError.self) { try store.featureWrite("INSERT INTO test_note (body) VALUES (NULL)") }
        try store.featureWrite("INSERT INTO test_note (body) VALUES (?)", [.text("kept")])
        try store.endBatch()
        #expect(try store.featureRows("SELECT body FROM test_note") { $0.text(0) } == ["kept"])
        #expect(try store.search("message").count == 1)
    }
}
