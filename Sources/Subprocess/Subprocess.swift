import Glibc

/// Runs a program to completion with `posix_spawn`, capturing its output.
///
/// Foundation's `Process` was seen to hang in `waitUntilExit` when several threads start processes
/// at once; this waits with `waitpid` and reads both pipes with `poll`, so it cannot deadlock on a
/// full pipe or on a daemon that keeps the pipes open after the child exits.
public enum Subprocess {
    public struct Output: Sendable, Hashable {
        /// The exit status, or 128 + the signal number when it was killed.
        public var status: Int32
        public var standardOutput: [UInt8]
        public var standardError: [UInt8]

        public var standardOutputText: String { String(decoding: standardOutput, as: UTF8.self) }
        public var standardErrorText: String { String(decoding: standardError, as: UTF8.self) }
    }

    public struct SpawnError: Error, Sendable, Hashable, CustomStringConvertible {
        public var program: String
        public var code: Int32
        public var description: String { "cannot run \(program): \(String(cString: strerror(code)))" }
    }

    /// Runs `program` (a path, or a name looked up in PATH) with `arguments`; standard input is
    /// the file `standardInput` (default /dev/null). Output after the child has exited is not
    /// waited for. `environment` adds to (or replaces entries of) this process's environment.
    public static func run(
        _ program: String,
        _ arguments: [String],
        environment: [String: String] = [:],
        standardInput: String = "/dev/null"
    ) throws(SpawnError) -> Output {
        var outPipe: [Int32] = [0, 0]
        var errPipe: [Int32] = [0, 0]
        guard pipe(&outPipe) == 0, pipe(&errPipe) == 0 else { throw SpawnError(program: program, code: errno) }
        // Other threads may spawn concurrently: none of their children may inherit these pipes.
        for fd in outPipe + errPipe { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, standardInput, O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, outPipe[1], 1)
        posix_spawn_file_actions_adddup2(&actions, errPipe[1], 2)
        for fd in outPipe + errPipe { posix_spawn_file_actions_addclose(&actions, fd) }
        let spawned = spawn(program, arguments, environment: environment, actions: &actions)
        close(outPipe[1])
        close(errPipe[1])
        defer {
            close(outPipe[0])
            close(errPipe[0])
        }
        let pid = try spawned.get()

        var output = Output(status: 0, standardOutput: [], standardError: [])
        var open = [outPipe[0], errPipe[0]]
        var exited: Int32?
        while !open.isEmpty {
            var fds = open.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
            // Once the child is gone, drain what is buffered but do not wait for grandchildren.
            let ready = poll(&fds, nfds_t(fds.count), exited == nil ? 100 : 0)
            if ready == 0 {
                if exited != nil { break }
                exited = reap(pid, blocking: false)
                continue
            }
            if ready < 0 && errno == EINTR { continue }
            for poll in fds where poll.revents != 0 {
                var buffer = [UInt8](repeating: 0, count: 4096)
                let count = read(poll.fd, &buffer, buffer.count)
                if count <= 0 {
                    open.removeAll { $0 == poll.fd }
                } else if poll.fd == outPipe[0] {
                    output.standardOutput += buffer[0..<count]
                } else {
                    output.standardError += buffer[0..<count]
                }
            }
        }
        output.status = exited ?? reap(pid, blocking: true) ?? 127
        return output
    }

    /// Starts `program` with these file actions, no blocked signals and default signal handlers
    /// (whatever this process, its runtime threads and its own handlers did to them), and this
    /// process's environment with `environment` added or replacing entries.
    static func spawn(
        _ program: String, _ arguments: [String], environment: [String: String],
        actions: inout posix_spawn_file_actions_t
    ) -> Result<pid_t, SpawnError> {
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var empty = sigset_t()
        sigemptyset(&empty)
        posix_spawnattr_setsigmask(&attributes, &empty)
        var all = sigset_t()
        sigfillset(&all)
        sigdelset(&all, SIGKILL)
        sigdelset(&all, SIGSTOP)
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        let argv = ([program] + arguments).map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var envp: [UnsafeMutablePointer<CChar>?] = []
        if !environment.isEmpty {
            var index = 0
            while let entry = environ[index] {
                let text = String(cString: entry)
                let name = String(text.prefix { $0 != "=" })
                if environment[name] == nil { envp.append(strdup(text)) }
                index += 1
            }
            for (name, value) in environment { envp.append(strdup("\(name)=\(value)")) }
            envp.append(nil)
        }
        defer { for pointer in envp { free(pointer) } }
        var pid: pid_t = 0
        let status =
            envp.isEmpty
            ? posix_spawnp(&pid, program, &actions, &attributes, argv, environ)
            : posix_spawnp(&pid, program, &actions, &attributes, argv, envp)
        return status == 0 ? .success(pid) : .failure(SpawnError(program: program, code: status))
    }

    static func reap(_ pid: pid_t, blocking: Bool) -> Int32? {
        var status: Int32 = 0
        while true {
            let result = waitpid(pid, &status, blocking ? 0 : WNOHANG)
            if result == 0 { return nil }
            if result < 0 {
                if errno == EINTR { continue }
                return 127
            }
            break
        }
        let signal = status & 0x7F
        return signal == 0 ? (status >> 8) & 0xFF : 128 + signal
    }
}
