import Glibc

/// Turns SIGTERM, SIGHUP and SIGINT into a byte on a pipe the event loop watches, and restores the
/// terminal's settings on fatal signals before the process dies.
enum SignalPipe {
    nonisolated(unsafe) private static var writeFD: Int32 = -1
    nonisolated(unsafe) private static var savedTerminal = termios()
    nonisolated(unsafe) private static var haveSavedTerminal = false

    /// Reads whatever the handlers wrote (the pipe is non-blocking).
    static func drain(_ fd: Int32) {
        var buffer = [UInt8](repeating: 0, count: 64)
        while read(fd, &buffer, buffer.count) > 0 {}
    }

    /// Installs the handlers; returns the pipe's read end.
    static func install() -> Int32 {
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { return -1 }
        for fd in fds { _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) }
        writeFD = fds[1]
        // A parent may have blocked signals we rely on (SIGWINCH for resizes): unblock them all.
        var none = sigset_t()
        sigemptyset(&none)
        pthread_sigmask(SIG_SETMASK, &none, nil)
        if tcgetattr(0, &savedTerminal) == 0 { haveSavedTerminal = true }
        var quit = sigaction()
        quit.__sigaction_handler.sa_handler = { _ in
            var byte: UInt8 = 1
            _ = write(SignalPipe.writeFD, &byte, 1)
        }
        sigemptyset(&quit.sa_mask)
        for signal in [SIGTERM, SIGHUP, SIGINT] { sigaction(signal, &quit, nil) }
        var fatal = sigaction()
        fatal.__sigaction_handler.sa_handler = { number in
            // Only async-signal-safe calls: put the terminal back, then die of the same signal.
            if SignalPipe.haveSavedTerminal { tcsetattr(0, TCSANOW, &SignalPipe.savedTerminal) }
            let reset = "\u{1B}[?2004l\u{1B}[?1049l\u{1B}[?25h\r\n"
            _ = reset.withCString { write(2, $0, strlen($0)) }
            signal(number, SIG_DFL)
            raise(number)
        }
        sigemptyset(&fatal.sa_mask)
        for signal in [SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGTRAP] { sigaction(signal, &fatal, nil) }
        signal(SIGPIPE, SIG_IGN)
        return fds[0]
    }
}
