import Foundation
import Glibc
import Subprocess
import Testing
import XMPPCore

@testable import ChatStore

@Suite struct DatabaseFileTests {
    @Test func createsPrivateFilesInAPrivateDirectory() throws {
        let directory = temporaryDirectory() + "/data/tern"
        let path = directory + "/tern.sqlite"
        let store = try ChatStore(path: path)
        _ = try store.insert(incoming("x"), account: try store.account(jid: me))
        var info = stat()
        #expect(stat(path, &info) == 0)
        #expect(info.st_mode & 0o777 == 0o600)
        #expect(stat(path + "-wal", &info) == 0)
        #expect(info.st_mode & 0o777 == 0o600)
        #expect(stat(directory, &info) == 0)
        #expect(info.st_mode & 0o777 == 0o700)
    }

    @Test func tightensALooseExistingFile() throws {
        let path = temporaryDirectory() + "/tern.sqlite"
        _ = try ChatStore(path: path)
        chmod(path, 0o644)
        _ = try ChatStore(path: path)
        var info = stat()
        stat(path, &info)
        #expect(info.st_mode & 0o777 == 0o600)
    }

    /// POSIX locks this process holds on the file at `path` (from /proc/locks), without the
    /// leading table position, which shifts whenever another test takes or drops a lock.
    func locksHeld(on path: String) -> [String] {
        var info = stat()
        guard stat(path, &info) == 0,
            let table = try? String(contentsOfFile: "/proc/locks", encoding: .utf8)
        else { return [] }
        return table.split(separator: "\n").filter {
            $0.contains(" \(getpid()) ") && $0.contains(":\(info.st_ino) ")
        }.map { $0.drop { $0 != " " }.trimmingCharacters(in: .whitespaces) }
    }

    @Test func openingASecondStoreKeepsTheFirstOnesLocks() throws {
        let path = temporaryDirectory() + "/tern.sqlite"
        let store = try ChatStore(path: path)
        _ = try store.insert(incoming("live"), account: try store.account(jid: me))
        let held = locksHeld(on: path)
        #expect(!held.isEmpty, "a connection in WAL mode holds a shared lock")
        // The UI opens a second connection for its background integrity check.
        try ChatStore(path: path).checkIntegrity()
        #expect(locksHeld(on: path) == held, "without it another process would delete the live WAL")
    }

    @Test func historySurvivesReopening() throws {
        let path = temporaryDirectory() + "/tern.sqlite"
        do {
            let store = try ChatStore(path: path)
            _ = try store.insert(incoming("kept"), account: try store.account(jid: me))
        }
        let store = try ChatStore(path: path, integrityCheck: true)
        #expect(try store.all(account: try store.account(jid: me)).map(\.body) == ["kept"])
    }

    @Test func aSecondProcessCanReadWhileTheFirstWrites() throws {
        let path = temporaryDirectory() + "/tern.sqlite"
        let writer = try ChatStore(path: path)
        let account = try writer.account(jid: me)
        _ = try writer.insert(incoming("committed", at: 1), account: account)
        let reader = try ChatStore(path: path)
        try writer.transaction {
            _ = try writer.insert(incoming("in flight", at: 2), account: account)
            #expect(try reader.all(account: account).map(\.body) == ["committed"])
        }
        #expect(try reader.all(account: account).map(\.body) == ["committed", "in flight"])
    }

    @Test func garbageFileIsRefusedAndLeftUntouched() throws {
        let path = temporaryDirectory() + "/tern.sqlite"
        let garbage = Data((0..<8192).map { UInt8(truncatingIfNeeded: $0 &* 31) })
        try garbage.write(to: URL(fileURLWithPath: path))
        #expect(throws: StoreError.notADatabase(path: path)) { try ChatStore(path: path) }
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == garbage)
    }

    @Test func damagedPagesAreReportedAsCorruption() throws {
        let path = temporaryDirectory() + "/tern.sqlite"
        do {
            let store = try ChatStore(path: path)
            let account = try store.account(jid: me)
            _ = try store.insert((0..<2000).map { incoming("message number \($0)", at: Int64($0)) }, account: account)
            try store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        }
        // Scribble over pages in the middle of the file (not the header).
        let handle = try FileHandle(forUpdating: URL(fileURLWithPath: path))
        try handle.seek(toOffset: 4096 * 5)
        try handle.write(contentsOf: Data(repeating: 0xA5, count: 4096 * 4))
        try handle.close()
        do {
            _ = try ChatStore(path: path, integrityCheck: true)
            Issue.record("a damaged database was opened")
        } catch let error as StoreError {
            guard case .corrupt(let reportedPath, _) = error else {
                Issue.record("expected corruption, got \(error)")
                return
            }
            #expect(reportedPath == path)
            #expect(error.description.contains("left it untouched"))
        }
    }

    @Test func newerDatabaseIsRefused() throws {
        let path = temporaryDirectory() + "/tern.sqlite"
        do {
            let store = try ChatStore(path: path)
            try store.db.execute("INSERT INTO schema_migrations VALUES ('from-the-future', 0)")
        }
        #expect(throws: StoreError.newerDatabase(unknownMigrations: ["from-the-future"])) {
            try ChatStore(path: path)
        }
    }

    @Test func fullDiskIsAClearErrorAndTheStoreKeepsWorking() throws {
        let store = try ChatStore(path: temporaryDirectory() + "/tern.sqlite")
        let account = try store.account(jid: me)
        let pages = try store.db.statement("PRAGMA page_count").first { $0.int64(0) }!
        try store.db.execute("PRAGMA max_page_count = \(pages + 2)")
        let big = (0..<500).map { incoming(String(repeating: "x", count: 2000) + "\($0)", at: Int64($0)) }
        #expect(throws: StoreError.diskFull(path: store.path)) { try store.insert(big, account: account) }
        #expect(try store.all(account: account).isEmpty, "the failed batch left nothing half-written")
        try store.db.execute("PRAGMA max_page_count = 1000000")
        _ = try store.insert(big, account: account)
        #expect(try store.all(account: account).count == 500)
    }

    @Test func unwritableLocationIsAClearError() throws {
        let file = temporaryDirectory() + "/a-file"
        _ = FileManager.default.createFile(atPath: file, contents: Data())
        #expect(throws: StoreError.self) { try ChatStore(path: file + "/tern/tern.sqlite") }
        do {
            _ = try ChatStore(path: file + "/tern/tern.sqlite")
        } catch {
            #expect(String(describing: error).hasPrefix("cannot write \(file)"))
        }
    }

    @Test(.enabled(if: geteuid() != 0, "root ignores directory permissions"))
    func readOnlyDirectoryIsAClearError() throws {
        let directory = temporaryDirectory()
        chmod(directory, 0o500)
        defer { chmod(directory, 0o700) }
        #expect(throws: StoreError.notWritable(path: directory + "/tern.sqlite", detail: "Permission denied")) {
            try ChatStore(path: directory + "/tern.sqlite")
        }
    }
}

/// What a user may find at the database's path, and other programs using the database at the same
/// time.
@Suite struct DatabaseFileContentsTests {
    @Test func anEmptyFileBecomesANewStore() throws {
        let path = temporaryDirectory() + "/tern.sqlite"
        _ = FileManager.default.createFile(atPath: path, contents: Data())
        let store = try ChatStore(path: path, integrityCheck: true)
        #expect(try store.appliedMigrations() == Schema.migrations.map(\.name))
    }

    @Test func aTextFileIsRefusedAndLeftUntouched() throws {
        let path = temporaryDirectory() + "/tern.sqlite"
        let text = Data("[accounts.work]\njid = \"alice@example.org\"\n".utf8)
        try text.write(to: URL(fileURLWithPath: path))
        #expect(throws: StoreError.notADatabase(path: path)) { try ChatStore(path: path) }
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == text)
        #expect(!FileManager.default.fileExists(atPath: path + "-wal"))
    }

    /// A database cut short (a copy interrupted, a full disk outside SQLite).
    func truncatedDatabase() throws -> String {
        let path = temporaryDirectory() + "/tern.sqlite"
        do {
            let store = try ChatStore(path: path)
            let account = try store.account(jid: me)
            _ = try store.insert((0..<2000).map { incoming("message number \($0)", at: Int64($0)) }, account: account)
            try store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        }
        let size = try #require(try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int)
        truncate(path, off_t(size / 2))
        return path
    }

    @Test func aTruncatedDatabaseIsReportedAsDamaged() throws {
        let path = try truncatedDatabase()
        let size = try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int
        do {
            _ = try ChatStore(path: path, integrityCheck: true)
            Issue.record("a truncated database passed the check")
        } catch let error as StoreError {
            guard case .corrupt(path, _) = error else {
                Issue.record("expected corruption, got \(error)")
                return
            }
            #expect(error.description.contains("recover it with: sqlite3 \(path) .recover"))
        }
        #expect(try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int == size, "left as it was")
    }

    @Test func damageFoundWhileReadingIsTheSameClearError() throws {
        let path = try truncatedDatabase()
        // Without the check at start (the UI runs it in the background), opening or the first
        // read finds it.
        do {
            let store = try ChatStore(path: path)
            _ = try store.all(account: try store.account(jid: me))
            Issue.record("a truncated table was read")
        } catch let error as StoreError {
            guard case .corrupt(path, _) = error else {
                Issue.record("expected corruption, got \(error)")
                return
            }
        }
    }

    @Test func theSharedMemoryFileIsPrivateToo() throws {
        let path = temporaryDirectory() + "/tern.sqlite"
        let store = try ChatStore(path: path)
        _ = try store.insert(incoming("x"), account: try store.account(jid: me))
        var info = stat()
        #expect(stat(path + "-shm", &info) == 0)
        #expect(info.st_mode & 0o777 == 0o600)
    }

    @Test func aWriterThatHoldsTheLockTooLongIsNamed() throws {
        let path = temporaryDirectory() + "/tern.sqlite"
        let store = try ChatStore(path: path)
        let account = try store.account(jid: me)
        let other = try SQLiteConnection(path: path)
        try other.execute("BEGIN IMMEDIATE")
        defer { try? other.execute("ROLLBACK") }
        store.db.setBusyTimeout(milliseconds: 20)
        #expect(throws: StoreError.busy(path: path)) { try store.insert(incoming("waits"), account: account) }
        #expect(try store.all(account: account).isEmpty, "reading is not blocked by the writer")
        try other.execute("ROLLBACK")
        _ = try store.insert(incoming("then goes in"), account: account)
        #expect(try store.all(account: account).map(\.body) == ["then goes in"])
    }

    @Test func rowsAnotherToolLeftUnindexedAreIndexedAtTheNextOpen() throws {
        let path = temporaryDirectory() + "/tern.sqlite"
        let store = try ChatStore(path: path)
        let account = try store.account(jid: me)
        _ = try store.insert(incoming("first"), account: account)
        // An older tern, or a tool with SQLite alone: its insert is queued for the index, not indexed.
        let tool = try SQLiteConnection(path: path)
        try tool.execute(
            """
            INSERT INTO message (conversation_id, outgoing, sender, sender_key, body, timestamp, seq)
                SELECT id, 1, 'alice@example.org/cli', 'alice@example.org', 'sent by the tool', 2000, 2
                FROM conversation WHERE jid = 'romeo@example.net'
            """)
        #expect(try store.all(account: account).map(\.body) == ["first", "sent by the tool"])
        #expect(try store.search("tool").isEmpty)
        #expect(try ChatStore(path: path).search("tool").map(\.message.body) == ["sent by the tool"])
        #expect(try store.db.statement("SELECT count(*) FROM message_search_queue").first { $0.int(0) } == 0)
    }

    static let python = ["/usr/bin/python3", "/usr/local/bin/python3"].first {
        FileManager.default.isExecutableFile(atPath: $0)
    }

    /// `tern history` and `tern search` read from another process while the UI writes.
    @Test(.enabled(if: python != nil, "python3 reads the database as another process"))
    func anotherProcessReadsWhatIsCommittedWhileTheUIWrites() throws {
        let path = temporaryDirectory() + "/tern.sqlite"
        let store = try ChatStore(path: path)
        let account = try store.account(jid: me)
        _ = try store.insert(incoming("committed", at: 1), account: account)
        func readInAnotherProcess() throws -> [String] {
            let script = """
                import sqlite3, sys
                db = sqlite3.connect(sys.argv[1], timeout=0.1)
                print("\\n".join(row[0] for row in db.execute("SELECT body FROM message ORDER BY timestamp")))
                """
            let output = try Subprocess.run(try #require(Self.python), ["-c", script, path])
            #expect(output.status == 0, "\(output.standardErrorText)")
            return output.standardOutputText.split(separator: "\n").map(String.init)
        }
        store.beginBatch()
        _ = try store.insert(incoming("in the batch", at: 2), account: account)
        #expect(try readInAnotherProcess() == ["committed"], "not blocked, and sees only what is committed")
        try store.endBatch()
        #expect(try readInAnotherProcess() == ["committed", "in the batch"])
        _ = try store.insert(incoming("after the reader left", at: 3), account: account)
        #expect(try ChatStore(path: path).all(account: account).count == 3, "its exit took nothing with it")
    }
}
