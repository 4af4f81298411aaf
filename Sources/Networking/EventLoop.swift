import Foundation
import Glibc
import Synchronization

/// One `poll()` loop on one thread: file descriptors, timers, and work posted from other threads.
///
/// Everything that touches the terminal, the parser, TLS state or the database runs on the loop's
/// thread; worker threads hand results back through `runInBackground` (a queue guarded by a mutex
/// and a byte on a self-pipe that wakes `poll`).
public final class EventLoop {
    public typealias Time = ContinuousClock.Instant

    public struct Events: OptionSet, Sendable, Hashable {
        public let rawValue: Int16
        public init(rawValue: Int16) { self.rawValue = rawValue }
        public static let readable = Events(rawValue: Int16(POLLIN))
        public static let writable = Events(rawValue: Int16(POLLOUT))
        /// Error or hang-up; always reported.
        public static let failed = Events(rawValue: Int16(POLLERR | POLLHUP | POLLNVAL))

        /// Whether any of the error or hang-up conditions is set.
        public var hasFailed: Bool { !isDisjoint(with: .failed) }
    }

    public struct WatchID: Hashable, Sendable { fileprivate let value: Int }
    public struct TimerID: Hashable, Sendable { fileprivate let value: Int }

    private struct Watch {
        var fd: Int32
        var events: Events
        var handler: (Events) -> Void
    }

    private struct Timer {
        var deadline: Time
        var body: () -> Void
    }

    private let clock = ContinuousClock()
    private var watches: [Int: Watch] = [:]
    private var timers: [Int: Timer] = [:]
    private var nextID = 0
    private var completions: [Int: (any Sendable) -> Void] = [:]
    private let mailbox: Mailbox
    private var stopped = false
    /// The longest single wait. `poll`'s timeout does not count time the machine slept while the
    /// loop's clock does, so a wait is cut into pieces: after a resume, timers that came due
    /// during the sleep (a keep-alive ping, a dead-link check) fire within this interval.
    private let longestWait: Duration

    public init(longestWait: Duration = .seconds(5)) throws(SystemError) {
        self.longestWait = longestWait
        var fds: [Int32] = [0, 0]
        try retryingEINTR("pipe") { pipe(&fds) }
        for fd in fds {
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
            _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        }
        mailbox = Mailbox(readFD: fds[0], writeFD: fds[1])
    }

    deinit {
        close(mailbox.readFD)
        close(mailbox.writeFD)
    }

    /// The loop's clock (continuous: it keeps counting while the machine sleeps, so timers that
    /// should have fired during a suspend fire right after it).
    public var now: Time { clock.now }

    // MARK: File descriptors

    /// Calls `handler` on the loop thread whenever `fd` is ready for `events` (errors always).
    public func watch(_ fd: Int32, for events: Events, handler: @escaping (Events) -> Void) -> WatchID {
        let id = makeID()
        watches[id] = Watch(fd: fd, events: events, handler: handler)
        return WatchID(value: id)
    }

    public func update(_ id: WatchID, to events: Events) {
        watches[id.value]?.events = events
    }

    public func unwatch(_ id: WatchID) {
        watches[id.value] = nil
    }

    // MARK: Timers

    @discardableResult
    public func schedule(after delay: Duration, _ body: @escaping () -> Void) -> TimerID {
        schedule(at: now + delay, body)
    }

    @discardableResult
    public func schedule(at deadline: Time, _ body: @escaping () -> Void) -> TimerID {
        let id = makeID()
        timers[id] = Timer(deadline: deadline, body: body)
        return TimerID(value: id)
    }

    public func cancel(_ id: TimerID) {
        timers[id.value] = nil
    }

    // MARK: Other threads

    /// Runs `work` on a new background thread and `completion` with its result on the loop thread.
    public func runInBackground<Result: Sendable>(
        _ work: @escaping @Sendable () -> Result,
        completion: @escaping (Result) -> Void
    ) {
        let id = makeID()
        completions[id] = { value in completion(value as! Result) }
        let mailbox = self.mailbox
        Thread.detachNewThread {
            let result = work()
            mailbox.post(id: id, value: result)
        }
    }

    /// Wakes the loop from another thread (for example from a signal-handling thread).
    public var waker: Waker { Waker(mailbox: mailbox) }

    public struct Waker: Sendable {
        fileprivate let mailbox: Mailbox
        public func wake() { mailbox.wake() }
    }

    // MARK: Running

    /// Runs until `stop()` is called or `condition` becomes true (checked after each iteration).
    public func run(until condition: () -> Bool = { false }) {
        stopped = false
        while !stopped && !condition() {
            runOnce()
        }
    }

    /// Runs until `condition` holds or `timeout` passes; returns whether it held.
    @discardableResult
    public func run(for timeout: Duration, until condition: () -> Bool) -> Bool {
        let deadline = now + timeout
        while !condition() {
            guard now < deadline else { return false }
            runOnce(maximumWait: min(.milliseconds(50), deadline - now))
        }
        return true
    }

    public func stop() { stopped = true }

    /// Waits for one batch of readiness, timer expiry or posted results (at most `maximumWait`),
    /// and handles it.
    public func runOnce(maximumWait: Duration? = nil) {
        var wait = min(maximumWait ?? longestWait, longestWait)
        if let deadline = timers.values.map(\.deadline).min() {
            wait = min(wait, max(deadline - now, .zero))
        }
        let ids = Array(watches.keys)
        var fds = [pollfd(fd: mailbox.readFD, events: Int16(POLLIN), revents: 0)]
        fds.reserveCapacity(ids.count + 1)
        for id in ids {
            let watch = watches[id]!
            fds.append(pollfd(fd: watch.fd, events: watch.events.rawValue, revents: 0))
        }
        let timeout = EventLoop.pollTimeout(wait)
        let ready = poll(&fds, nfds_t(fds.count), timeout)
        if ready > 0 {
            if fds[0].revents != 0 { drainMailbox() }
            for (index, id) in ids.enumerated() {
                let revents = Events(rawValue: fds[index + 1].revents)
                guard !revents.isEmpty, let watch = watches[id] else { continue }
                watch.handler(revents)
            }
        }
        fireTimers()
    }

    /// Milliseconds for `poll`, rounded up so that a timer is never woken for early.
    private static func pollTimeout(_ wait: Duration) -> Int32 {
        let (seconds, attoseconds) = wait.components
        let milliseconds = seconds * 1000 + (attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000
        return Int32(clamping: milliseconds)
    }

    /// Runs the timers due now, earliest first, and those due at the same instant in the order
    /// they were scheduled (their ids grow).
    private func fireTimers() {
        let current = now
        let due = timers.filter { $0.value.deadline <= current }.sorted {
            ($0.value.deadline, $0.key) < ($1.value.deadline, $1.key)
        }
        for (id, timer) in due where timers[id] != nil {
            timers[id] = nil
            timer.body()
        }
    }

    private func drainMailbox() {
        for (id, value) in mailbox.drain() {
            if let completion = completions.removeValue(forKey: id) { completion(value) }
        }
    }

    private func makeID() -> Int {
        nextID += 1
        return nextID
    }
}

/// Results handed from worker threads to the loop thread.
final class Mailbox: Sendable {
    let readFD: Int32
    let writeFD: Int32
    private let queue = Mutex<[(Int, any Sendable)]>([])

    init(readFD: Int32, writeFD: Int32) {
        self.readFD = readFD
        self.writeFD = writeFD
    }

    func post(id: Int, value: any Sendable) {
        queue.withLock { $0.append((id, value)) }
        wake()
    }

    func wake() {
        var byte: UInt8 = 1
        _ = write(writeFD, &byte, 1)
    }

    func drain() -> [(Int, any Sendable)] {
        var buffer = [UInt8](repeating: 0, count: 256)
        while read(readFD, &buffer, buffer.count) > 0 {}
        return queue.withLock { items in
            defer { items.removeAll() }
            return items
        }
    }
}
