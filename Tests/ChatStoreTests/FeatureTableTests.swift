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
}
