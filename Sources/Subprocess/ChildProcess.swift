import Glibc

/// A program that runs while its owner talks to it: its standard input, output and error are
/// connected to this process, which writes to the first and reads the others with bounded waits
/// (`read(timeout:)`), never blocking on a child that stopped reading or writing.
///
/// Standard input is one end of a socket pair rather than a pipe, so that writing to a child that
/// has gone fails with `EPIPE` (`MSG_NOSIGNAL`) instead of raising `SIGPIPE` in this process.
/// One owner drives an instance; it is not for use from several threads at once.
public final class ChildProcess {
    public let pid: pid_t
    public let program: String
    /// The exit status once reaped (128 + the signal number when it was killed).
    public private(set) var exitStatus: Int32?
    private var input: Int32
    private var output: Int32
    private var errors: Int32

    /// Starts `program` (a path, or a name looked up in PATH) with `arguments`; `environment`
    /// adds to (or replaces entries of) this process's environment.
    public init(_ program: String, _ arguments: [String], environment: [String: String] = [:])
        throws(Subprocess.SpawnError)
    {
        self.program = program
        var stdin: [Int32] = [-1, -1]
        var stdout: [Int32] = [-1, -1]
        var stderr: [Int32] = [-1, -1]
        guard socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0, &stdin) == 0 else {
            throw Subprocess.SpawnError(program: program, code: errno)
        }
        guard pipe(&stdout) == 0, pipe(&stderr) == 0 else {
            let code = errno
            for fd in stdin + stdout + stderr where fd >= 0 { close(fd) }
            throw Subprocess.SpawnError(program: program, code: code)
        }
        let all = stdin + stdout + stderr
        // Other threads may spawn concurrently: none of their children may inherit these.
        for fd in all { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, stdin[1], 0)
        posix_spawn_file_actions_adddup2(&actions, stdout[1], 1)
        posix_spawn_file_actions_adddup2(&actions, stderr[1], 2)
        for fd in all { posix_spawn_file_actions_addclose(&actions, fd) }
        let spawned = Subprocess.spawn(program, arguments, environment: environment, actions: &actions)
        for fd in [stdin[1], stdout[1], stderr[1]] { close(fd) }
        switch spawned {
        case .success(let started):
            pid = started
        case .failure(let error):
            for fd in [stdin[0], stdout[0], stderr[0]] { close(fd) }
            throw error
        }
        input = stdin[0]
        output = stdout[0]
        errors = stderr[0]
        for fd in [output, errors] { _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) }
    }

    deinit { kill() }

    /// What `read(timeout:)` found.
    public struct Chunk {
        public var output: [UInt8] = []
        public var errors: [UInt8] = []
        /// Standard output has ended (the child closed it, usually by exiting).
        public var outputEnded = false
    }

    /// Writes all of `bytes` to the child's standard input, waiting at most `timeout` for it to
    /// take them. False if the child is gone or did not read in time.
    @discardableResult
    public func write(_ bytes: [UInt8], timeout: Duration = .seconds(5)) -> Bool {
        guard input >= 0 else { return false }
        let deadline = ContinuousClock.now + timeout
        var offset = 0
        while offset < bytes.count {
            let sent = bytes.withUnsafeBytes {
                send(input, $0.baseAddress! + offset, bytes.count - offset, Int32(MSG_NOSIGNAL | MSG_DONTWAIT))
            }
            if sent > 0 {
                offset += sent
                continue
            }
            guard sent < 0, errno == EAGAIN || errno == EINTR else { return false }
            let remaining = deadline - ContinuousClock.now
            guard remaining > .zero else { return false }
            var request = pollfd(fd: input, events: Int16(POLLOUT), revents: 0)
            _ = poll(&request, 1, Int32(max(1, remaining.milliseconds)))
        }
        return true
    }

    /// Closes the child's standard input (it reads end of file).
    public func closeInput() {
        guard input >= 0 else { return }
        close(input)
        input = -1
    }

    /// Waits at most `timeout` for output on either stream and returns what is there (maybe
    /// nothing); returns at once when something is.
    public func read(timeout: Duration) -> Chunk {
        var chunk = Chunk()
        let open = [output, errors].filter { $0 >= 0 }
        guard !open.isEmpty else {
            chunk.outputEnded = true
            return chunk
        }
        var fds = open.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
        let ready = poll(&fds, nfds_t(fds.count), Int32(max(0, timeout.milliseconds)))
        guard ready > 0 else { return chunk }
        for request in fds where request.revents != 0 {
            let (bytes, ended) = drain(request.fd)
            if request.fd == output {
                chunk.output += bytes
                if ended { closeReader(&output) }
            } else {
                chunk.errors += bytes
                if ended { closeReader(&errors) }
            }
        }
        chunk.outputEnded = output < 0
        return chunk
    }

    /// Reaps the child if it has exited; its status then.
    @discardableResult
    public func checkExit() -> Int32? {
        if exitStatus == nil { exitStatus = reap(blocking: false) }
        return exitStatus
    }

    /// Waits at most `timeout` for the child to exit, reading (and dropping) its output meanwhile
    /// so that it cannot block on a full pipe. Its status, or nil if it is still running.
    @discardableResult
    public func waitForExit(timeout: Duration) -> Int32? {
        let deadline = ContinuousClock.now + timeout
        while checkExit() == nil && ContinuousClock.now < deadline {
            _ = read(timeout: .milliseconds(20))
        }
        return exitStatus
    }

    /// Kills the child (`SIGKILL`) unless it has exited, reaps it and closes every descriptor;
    /// idempotent.
    public func kill() {
        if checkExit() == nil {
            _ = Glibc.kill(pid, SIGKILL)
            exitStatus = reap(blocking: true)
        }
        closeInput()
        closeReader(&output)
        closeReader(&errors)
    }

    /// Reads what `fd` holds right now (at most 1 MiB); whether it has reached end of file.
    private func drain(_ fd: Int32) -> ([UInt8], Bool) {
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while bytes.count < 1 << 20 {
            let count = Glibc.read(fd, &buffer, buffer.count)
            if count > 0 {
                bytes += buffer[0..<count]
            } else if count == 0 {
                return (bytes, true)
            } else if errno == EINTR {
                continue
            } else {
                return (bytes, errno != EAGAIN)
            }
        }
        return (bytes, false)
    }

    private func closeReader(_ fd: inout Int32) {
        guard fd >= 0 else { return }
        close(fd)
        fd = -1
    }

    private func reap(blocking: Bool) -> Int32? { Subprocess.reap(pid, blocking: blocking) }
}

extension Duration {
    /// Whole milliseconds, rounded down, clamped to what `poll` takes.
    fileprivate var milliseconds: Int {
        let (seconds, attoseconds) = components
        return Int(min(Int64(Int32.max), seconds * 1000 + attoseconds / 1_000_000_000_000_000))
    }
}
