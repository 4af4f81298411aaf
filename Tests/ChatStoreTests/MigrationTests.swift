import Foundation
import Testing
import XMPPCore

@testable import ChatStore

/// The schema as named migrations: applied once each, in order, from an empty database or any
/// earlier schema; a database from a newer Tern is refused untouched.
@Suite struct MigrationTests {
    @Test func emptyDatabaseGetsEveryMigrationInOrder() throws {
        let store = try ChatStore.inMemory()
        #expect(try store.appliedMigrations() == Schema.migrations.map(\.name))
    }

    /// For every earlier schema: build it, put data in it, then open it with this build.
    @Test(arguments: 1..<Schema.migrations.count)
    func upgradesFromEveryEarlierSchema(appliedCount: Int) throws {
        let path = temporaryDirectory() + "/tern.sqlite"
        // Schemas with `contact_setting.muted`: a muted contact becomes one whose level is none.
        let settings = try #require(
            Schema.migrations.firstIndex { $0.name == "create-contact-settings-and-capabilities" })
        let levels = try #require(Schema.migrations.firstIndex { $0.name == "replace-muting-with-notification-levels" })
        let muting = appliedCount > settings && appliedCount <= levels
        do {
            let connection = try SQLiteConnection(path: path)
            try connection.registerTextFunction("tern_search_text") { context, _, arguments in
                SQLiteFunction.setResult(context, text: SQLiteFunction.textArgument(arguments))
            }
            try Migrator.migrate(connection, migrations: Array(Schema.migrations.prefix(appliedCount)))
            try connection.execute("INSERT INTO account (id, jid) VALUES (1, 'alice@example.org')")
            if appliedCount >= 2 {
                try connection.execute(
                    """
                    INSERT INTO conversation (id, account_id, jid) VALUES (1, 1, 'romeo@example.net');
                    INSERT INTO message (conversation_id, outgoing, sender, sender_key, body, timestamp)
                        VALUES (1, 0, 'romeo@example.net/x', 'romeo@example.net', 'from an old schema', 5);
                    """)
            }
            if muting {
                try connection.execute(
                    """
                    INSERT INTO contact_setting (account_id, jid, muted)
                        VALUES (1, 'romeo@example.net', 1), (1, 'juliet@example.net', 0);
                    """)
            }
        }
        let store = try ChatStore(path: path)
        #expect(try store.appliedMigrations() == Schema.migrations.map(\.name))
        let account = try store.account(jid: me)
        #expect(account.rawValue == 1, "the existing account is kept")
        if appliedCount >= 2 {
            #expect(try store.all(account: account).map(\.body) == ["from an old schema"])
        }
        // Search came with the messages in the first release, so every schema since has queued them.
        if appliedCount >= 3 {
            #expect(try store.search("old schema").map(\.message.body) == ["from an old schema"])
        }
        if muting {
            #expect(try store.notificationLevels(account: account) == ["romeo@example.net": "none"])
        }
        _ = try store.insert(incoming("after the upgrade", at: 9), account: account)
        #expect(try store.search("upgrade").count == 1)
        #expect(try store.all(account: account).allSatisfy { !$0.highlight }, "nothing is a highlight after the fact")
    }

    @Test func everyMigrationHasItsOwnName() {
        let names = Schema.migrations.map(\.name)
        #expect(Set(names).count == names.count, "a name records that a change was applied: it must be unique")
        #expect(names.allSatisfy { !$0.hasPrefix(Migrator.featurePrefix) }, "the features' prefix is theirs")
    }

    @Test func reopeningAppliesNothingAgain() throws {
        let path = temporaryDirectory() + "/tern.sqlite"
        let first = try ChatStore(path: path)
        let recorded = try first.db.statement("SELECT name, applied_at FROM schema_migrations ORDER BY rowid").rows {
            "\($0.text(0)) \($0.int64(1))"
        }
        let second = try ChatStore(path: path)
        #expect(
            try second.db.statement("SELECT name, applied_at FROM schema_migrations ORDER BY rowid").rows {
                "\($0.text(0)) \($0.int64(1))"
            } == recorded)
    }

    @Test func aFailingMigrationIsUndoneAndNotRecorded() throws {
        let connection = try SQLiteConnection(path: ":memory:")
        let good = StoreMigration(name: "good", sql: "CREATE TABLE kept (a TEXT)")
        let broken = StoreMigration(name: "broken", sql: "CREATE TABLE half (a TEXT); INSERT INTO nowhere VALUES (1)")
        #expect(throws: SQLiteError.self) { try Migrator.migrate(connection, migrations: [good, broken]) }
        #expect(try Migrator.appliedMigrations(connection) == ["good"])
        let tables = try connection.statement("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
            .rows { $0.text(0) }
        #expect(tables == ["kept", "schema_migrations"], "nothing of the broken one is left")
        // The next start tries it again.
        let fixed = StoreMigration(name: "broken", sql: "CREATE TABLE half (a TEXT)")
        try Migrator.migrate(connection, migrations: [good, fixed])
        #expect(try Migrator.appliedMigrations(connection) == ["good", "broken"])
    }

    @Test func aNewerDatabaseIsLeftExactlyAsItWas() throws {
        let path = temporaryDirectory() + "/tern.sqlite"
        do {
            let store = try ChatStore(path: path)
            _ = try store.insert(incoming("from the future"), account: try store.account(jid: me))
            try store.db.execute(
                "INSERT INTO schema_migrations VALUES ('b-later', 0), ('a-later', 0); PRAGMA wal_checkpoint(TRUNCATE)")
        }
        let before = try Data(contentsOf: URL(fileURLWithPath: path))
        do {
            _ = try ChatStore(path: path)
            Issue.record("a newer database was opened")
        } catch let error as StoreError {
            #expect(error == .newerDatabase(unknownMigrations: ["a-later", "b-later"]))
            #expect(
                error.description
                    == "the database was written by a newer version of Tern (unknown changes: a-later, b-later); upgrade Tern to open it"
            )
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before)
    }

    @Test func aNewerBuildsFeatureTablesDoNotMakeTheDatabaseNewer() throws {
        let path = temporaryDirectory() + "/tern.sqlite"
        do {
            let store = try ChatStore(path: path)
            try store.migrate(feature: "reactions", [StoreMigration(name: "create", sql: "CREATE TABLE r (a TEXT)")])
        }
        // This build has no "reactions" feature: its table is left alone, the store opens.
        let store = try ChatStore(path: path)
        #expect(try store.appliedMigrations().last == "feature:reactions:create")
    }
}
