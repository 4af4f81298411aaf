import Glibc

/// One interactive `tern` per database: a second one would resume the first one's stream from
/// the same stored state, and the server would hand the session back and forth between them.
///
/// The lock is `flock` on `DATABASE.lock`, held until the process exits (the kernel releases it
/// however the process ends, `kill -9` included). It is a file of its own: the database file is
/// never opened outside SQLite (closing a descriptor would drop SQLite's POSIX locks).
enum InstanceLock {
    /// Takes the lock for `databasePath` (whose directory exists); nil when taken, else why Tern
    /// cannot start.
    static func acquire(for databasePath: String) -> String? {
        let path = databasePath + ".lock"
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            return "cannot create \(path): \(String(cString: strerror(errno)))"
        }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            let reason = errno == EWOULDBLOCK ? nil : String(cString: strerror(errno))
            close(fd)
            return reason.map { "cannot lock \(path): \($0)" }
                ?? "another tern is already running with \(databasePath); switch to it, or quit it first"
                + " (tern history and tern search read the database at any time)"
        }
        return nil
    }
}
