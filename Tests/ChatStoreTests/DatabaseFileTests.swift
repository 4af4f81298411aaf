import Foundation
import Glibc
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
