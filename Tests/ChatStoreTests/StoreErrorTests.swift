import Foundation
import Testing

@testable import ChatStore

/// SQLite's failures become errors a user can act on, each with a sentence that says what to do.
@Suite struct StoreErrorTests {
    func mapped(_ code: Int32, _ message: String = "m") -> Error {
        StoreError.from(SQLiteError(code: code, message: message), path: "/d/tern.sqlite")
    }

    @Test func eachFailureKindIsRecognisedWhateverItsExtendedCode() {
        // SQLITE_FULL, SQLITE_NOTADB, SQLITE_CORRUPT (and CORRUPT_VTAB), SQLITE_BUSY (and
        // BUSY_SNAPSHOT), SQLITE_LOCKED, SQLITE_READONLY (and READONLY_DBMOVED), SQLITE_CANTOPEN.
        let expected: [(Int32, StoreError)] = [
            (13, .diskFull(path: "/d/tern.sqlite")), (26, .notADatabase(path: "/d/tern.sqlite")),
            (11, .corrupt(path: "/d/tern.sqlite", detail: "m")), (267, .corrupt(path: "/d/tern.sqlite", detail: "m")),
            (5, .busy(path: "/d/tern.sqlite")), (517, .busy(path: "/d/tern.sqlite")),
            (6, .busy(path: "/d/tern.sqlite")),
            (8, .notWritable(path: "/d/tern.sqlite", detail: "m")),
            (1032, .notWritable(path: "/d/tern.sqlite", detail: "m")),
            (14, .notWritable(path: "/d/tern.sqlite", detail: "m")),
        ]
        for (code, error) in expected {
            #expect(mapped(code) as? StoreError == error, "SQLite error \(code)")
        }
        #expect(
            mapped(19, "UNIQUE constraint failed") as? StoreError
                == .sqlite(SQLiteError(code: 19, message: "UNIQUE constraint failed")))
    }

    @Test func anotherErrorPassesThroughUnchanged() {
        struct Elsewhere: Error, Equatable {}
        #expect(StoreError.from(Elsewhere(), path: "/p") as? Elsewhere == Elsewhere())
    }

    @Test func everyErrorSaysWhatHappenedAndWhatToDo() {
        #expect(
            StoreError.diskFull(path: "/d/t").description
                == "the disk holding /d/t is full; free some space (nothing was lost)")
        #expect(
            StoreError.corrupt(path: "/d/t", detail: "page 5").description
                == "the database /d/t is damaged (page 5); Tern left it untouched — move it aside to start afresh,"
                + " or recover it with: sqlite3 /d/t .recover")
        #expect(
            StoreError.notWritable(path: "/d", detail: "Permission denied").description
                == "cannot write /d: Permission denied")
        #expect(
            StoreError.notADatabase(path: "/d/t").description
                == "/d/t is not a Tern database (not an SQLite file); Tern left it untouched")
        #expect(StoreError.busy(path: "/d/t").description == "the database /d/t is locked by another process")
        #expect(
            StoreError.sqlite(SQLiteError(code: 1, message: "no such table: x")).description
                == "database error: no such table: x (SQLite error 1)")
    }

    @Test func writingThroughAReadOnlyConnectionIsNotWritable() throws {
        let path = temporaryDirectory() + "/tern.sqlite"
        _ = try ChatStore(path: path)
        let reader = try SQLiteConnection(path: path, mode: .readOnly)
        do {
            try reader.execute("INSERT INTO ui_setting (key, value) VALUES ('a', 'b')")
            Issue.record("a read-only connection wrote")
        } catch {
            #expect(
                StoreError.from(error, path: path) as? StoreError == .notWritable(path: path, detail: error.message))
        }
    }

    @Test func aMissingDatabaseIsNotCreatedReadOnly() {
        let path = temporaryDirectory() + "/absent.sqlite"
        #expect(throws: SQLiteError.self) { try SQLiteConnection(path: path, mode: .readOnly) }
        #expect(!FileManager.default.fileExists(atPath: path))
    }

    @Test func aStatementThatFailsLeavesTheStoreUsable() throws {
        let store = try ChatStore.inMemory()
        #expect(throws: StoreError.self) { try store.featureWrite("INSERT INTO no_such_table VALUES (1)") }
        #expect(!store.db.isInTransaction)
        try store.setUISetting("theme", to: "light")
        #expect(try store.uiSettings() == ["theme": "light"])
    }
}
