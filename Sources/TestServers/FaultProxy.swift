import Foundation
import Glibc

/// A loopback TCP proxy that forwards to a local port and injects network faults on command, for
/// integration tests: cut every connection, black-hole the traffic, refuse new connections.
///
/// One background thread runs a `poll()` loop over the listening socket, a self-pipe that wakes it
/// for commands, and both sockets of every relayed connection. Commands are synchronous: when one
/// returns, the relay thread has applied it.
public final class FaultProxy: Sendable {
    /// The loopback port clients connect to.
    public let port: UInt16
    private let control: Control

    /// Listens on 127.0.0.1 on an ephemeral port and forwards each accepted connection to
    /// 127.0.0.1:`targetPort`.
    public init(targetPort: UInt16) throws {
        let (listener, port) = try listenOnLoopback(backlog: 64)
        var wake: [Int32] = [-1, -1]
        guard pipe(&wake) == 0 else {
            let error = FixtureError("pipe: \(lastError())")
            close(listener)
            throw error
        }
        for fd in [listener] + wake { makeNonBlocking(fd) }
        self.port = port
        control = Control(wakeWriter: wake[1])
        let wakeReader = wake[0]
        Thread.detachNewThread { [control] in
            Relay(listener: listener, wakeReader: wakeReader, targetPort: targetPort, control: control).run()
        }
    }

    deinit { stop() }

    /// Abruptly closes every current connection, both sides, with a reset (`SO_LINGER` 0) so the
    /// client sees it at once. New connections are still accepted and forwarded.
    public func cutAll() { control.perform(.cutAll) }

    /// Stops forwarding in both directions, like a network where packets vanish: connections stay
    /// open, bytes read from them (and bytes buffered but not yet written) are discarded. New
    /// connections are accepted and held the same way, without connecting to the target.
    public func blackHole() { control.perform(.blackHole) }

    /// Ends a black hole or `down()`: connections held during a black hole are cut (their streams
    /// lost bytes), and new connections are forwarded again.
    public func restore() { control.perform(.restore) }

    /// Takes the network down: every current connection is cut and new ones are reset right after
    /// they are accepted, until `restore()`.
    public func down() { control.perform(.down) }

    /// Connections accepted so far, including those refused by `down()`.
    public var acceptedCount: Int { control.counts.accepted }

    /// Connections currently open (forwarded or held).
    public var openCount: Int { control.counts.open }

    /// Stops listening and closes every connection; idempotent. Commands after it do nothing.
    public func stop() { control.perform(.stop) }
}

/// What callers and the relay thread share, guarded by `condition`.
private final class Control: @unchecked Sendable {
    enum Command { case cutAll, blackHole, restore, down, stop }

    private let condition = NSCondition()
    private let wakeWriter: Int32
    private var queue: [Command] = []
    private var issued = 0
    private var applied = 0
    private var finished = false
    private var accepted = 0
    private var open = 0

    init(wakeWriter: Int32) { self.wakeWriter = wakeWriter }

    var counts: (accepted: Int, open: Int) {
        condition.lock()
        defer { condition.unlock() }
        return (accepted, open)
    }

    /// Queues `command`, wakes the relay thread and waits (at most 5 s) until it has been applied,
    /// for `stop` until the relay has finished.
    func perform(_ command: Command) {
        condition.lock()
        defer { condition.unlock() }
        guard !finished else { return }
        queue.append(command)
        issued += 1
        let ticket = issued
        var byte: UInt8 = 1
        _ = write(wakeWriter, &byte, 1)
        let deadline = Date(timeIntervalSinceNow: 5)
        while !finished && (applied < ticket || command == .stop) && condition.wait(until: deadline) {}
    }

    /// The commands queued since the last call.
    func takeCommands() -> [Command] {
        condition.lock()
        defer {
            queue.removeAll()
            condition.unlock()
        }
        return queue
    }

    /// Publishes the relay's counters and marks `count` more commands as applied.
    func publish(accepted: Int, open: Int, applied count: Int) {
        condition.lock()
        defer { condition.unlock() }
        self.accepted = accepted
        self.open = open
        applied += count
        condition.broadcast()
    }

    /// Marks the relay as gone, which releases every waiting caller, and closes the wake pipe's
    /// write end (before the relay closes the read end, so no caller writes into a broken pipe).
    func finish() {
        condition.lock()
        defer { condition.unlock() }
        finished = true
        open = 0
        close(wakeWriter)
        condition.broadcast()
    }
}

/// The relay thread: the listening socket, the current fault and every relayed connection.
private final class Relay {
    enum Mode { case forwarding, blackHole, down }

    let listener: Int32
    let wakeReader: Int32
    let targetPort: UInt16
    let control: Control
    var mode = Mode.forwarding
    var pairs: [Pair] = []
    var accepted = 0
    var stopped = false

    init(listener: Int32, wakeReader: Int32, targetPort: UInt16, control: Control) {
        self.listener = listener
        self.wakeReader = wakeReader
        self.targetPort = targetPort
        self.control = control
    }

    /// Polls (at most 200 ms at a time) until `stop`, then closes everything.
    func run() {
        while !stopped {
            let polled = pairs
            var fds = [pollfd(fd: wakeReader, events: Int16(POLLIN), revents: 0)]
            fds.append(pollfd(fd: listener, events: Int16(POLLIN), revents: 0))
            for pair in polled { fds += pair.pollRequests }
            guard poll(&fds, nfds_t(fds.count), 200) >= 0 || errno == EINTR else { break }
            if fds[0].revents != 0 {
                var buffer = [UInt8](repeating: 0, count: 64)
                _ = read(wakeReader, &buffer, buffer.count)
            }
            let commands = control.takeCommands()
            for command in commands { apply(command) }
            if !stopped {
                for (index, pair) in polled.enumerated() where !pair.isClosed {
                    pair.service(
                        client: fds[2 + 2 * index].revents, upstream: fds[3 + 2 * index].revents,
                        discarding: mode == .blackHole)
                }
                if fds[1].revents != 0 { acceptPending() }
                pairs.removeAll { $0.isClosed }
            }
            control.publish(accepted: accepted, open: pairs.count, applied: commands.count)
        }
        cutAll()
        close(listener)
        control.finish()
        close(wakeReader)
    }

    func apply(_ command: Control.Command) {
        switch command {
        case .cutAll:
            cutAll()
        case .blackHole:
            mode = .blackHole
            for pair in pairs { pair.dropBuffered() }
        case .restore:
            if mode == .blackHole { cutAll() }
            mode = .forwarding
        case .down:
            mode = .down
            cutAll()
        case .stop:
            stopped = true
        }
    }

    func cutAll() {
        for pair in pairs { pair.close(reset: true) }
        pairs.removeAll()
    }

    /// Accepts what the backlog holds (at most 64 at a time) and relays, holds or refuses each.
    func acceptPending() {
        for _ in 0..<64 {
            let fd = accept(listener, nil, nil)
            guard fd >= 0 else { return }
            accepted += 1
            makeNonBlocking(fd)
            switch mode {
            case .down:
                closeSocket(fd, reset: true)
            case .blackHole:
                pairs.append(Pair(client: fd, upstream: -1))
            case .forwarding:
                if let upstream = connectToTarget() {
                    pairs.append(Pair(client: fd, upstream: upstream))
                } else {
                    closeSocket(fd, reset: true)
                }
            }
        }
    }

    /// A non-blocking socket connected to the target, waiting at most 1 s (it is on loopback).
    func connectToTarget() -> Int32? {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue | SOCK_NONBLOCK.rawValue | SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return nil }
        var address = loopbackAddress(port: targetPort)
        let started = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 || errno == EINPROGRESS
            }
        }
        var request = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
        var error: Int32 = 0
        var length = socklen_t(MemoryLayout<Int32>.size)
        guard started, poll(&request, 1, 1000) == 1, getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length) == 0,
            error == 0
        else {
            close(fd)
            return nil
        }
        return fd
    }
}

/// One relayed connection: the client's socket, the target's (-1 when accepted during a black
/// hole), and a bounded buffer per direction.
private final class Pair {
    let client: Int32
    let upstream: Int32
    /// Client to target.
    var outbound = Flow()
    /// Target to client.
    var inbound = Flow()
    private(set) var isClosed = false

    init(client: Int32, upstream: Int32) {
        self.client = client
        self.upstream = upstream
        var on: Int32 = 1
        for fd in [client, upstream] where fd >= 0 {
            setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &on, socklen_t(MemoryLayout<Int32>.size))
        }
    }

    /// What to poll for: read while there is room, write while there are bytes. A socket with
    /// nothing to wait for is left out (fd -1) so a hang-up it already reported does not spin.
    var pollRequests: [pollfd] {
        func request(_ fd: Int32, reading: Flow, writing: Flow) -> pollfd {
            let events = (reading.wantsInput ? POLLIN : 0) | (writing.hasOutput ? POLLOUT : 0)
            return pollfd(fd: events == 0 ? -1 : fd, events: Int16(events), revents: 0)
        }
        return [
            request(client, reading: outbound, writing: inbound),
            request(upstream, reading: inbound, writing: outbound),
        ]
    }

    /// Moves bytes the sockets are ready for, or reads and drops them in a black hole. Resets the
    /// pair on a socket error, closes it once both directions have passed on their EOF.
    func service(client clientEvents: Int16, upstream upstreamEvents: Int16, discarding: Bool) {
        let readable = Int16(POLLIN | POLLHUP)
        guard (clientEvents | upstreamEvents) & Int16(POLLERR | POLLNVAL) == 0 else { return close(reset: true) }
        var healthy = true
        if clientEvents & readable != 0 { healthy = outbound.fill(from: client, discarding: discarding) && healthy }
        if upstreamEvents & readable != 0 { healthy = inbound.fill(from: upstream, discarding: discarding) && healthy }
        if !discarding { healthy = outbound.flush(to: upstream) && inbound.flush(to: client) && healthy }
        if !healthy {
            close(reset: true)
        } else if outbound.isFinished && inbound.isFinished {
            close(reset: false)
        }
    }

    func dropBuffered() {
        outbound.drop()
        inbound.drop()
    }

    func close(reset: Bool) {
        guard !isClosed else { return }
        isClosed = true
        for fd in [client, upstream] where fd >= 0 { closeSocket(fd, reset: reset) }
    }
}

/// Bytes read from one socket and not yet written to the other (at most 256 KiB, so a slow reader
/// holds the writer back), and how far that direction has got towards its end.
private struct Flow {
    static let capacity = 256 * 1024
    private var buffer = [UInt8](repeating: 0, count: capacity)
    private var start = 0
    private var end = 0
    /// The source sent EOF.
    private(set) var sourceClosed = false
    /// The EOF has been passed on: the destination is shut down for writing.
    private(set) var isFinished = false

    var wantsInput: Bool { !sourceClosed && end - start < Flow.capacity }
    var hasOutput: Bool { end > start }

    /// Reads what `fd` has into the free space (or reads and forgets it). False on an error.
    mutating func fill(from fd: Int32, discarding: Bool) -> Bool {
        guard wantsInput else { return true }
        if discarding || start == end {
            drop()
        } else if end == Flow.capacity {
            buffer.withUnsafeMutableBytes { _ = memmove($0.baseAddress!, $0.baseAddress! + start, end - start) }
            end -= start
            start = 0
        }
        let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress! + end, Flow.capacity - end, 0) }
        if count > 0 {
            // Acknowledge at once, as a client does: a peer that writes small pieces without
            // TCP_NODELAY would otherwise wait for our delayed ACK (40 ms) before the next one.
            var on: Int32 = 1
            setsockopt(fd, Int32(IPPROTO_TCP), TCP_QUICKACK, &on, socklen_t(MemoryLayout<Int32>.size))
        }
        if count == 0 { sourceClosed = true }
        if count > 0 && !discarding { end += count }
        return count >= 0 || errno == EAGAIN || errno == EINTR
    }

    /// Writes what the buffer holds to `fd`; after the source's EOF, once everything is written,
    /// shuts `fd` down for writing. False on an error.
    mutating func flush(to fd: Int32) -> Bool {
        if hasOutput {
            let count = buffer.withUnsafeBytes { send(fd, $0.baseAddress! + start, end - start, Int32(MSG_NOSIGNAL)) }
            guard count >= 0 else { return errno == EAGAIN || errno == EINTR }
            start += count
        }
        if sourceClosed && !hasOutput && !isFinished {
            isFinished = true
            return shutdown(fd, Int32(SHUT_WR)) == 0
        }
        return true
    }

    mutating func drop() {
        start = 0
        end = 0
    }
}

/// A listening TCP socket on 127.0.0.1 with an ephemeral port.
public func listenOnLoopback(backlog: Int32) throws -> (fd: Int32, port: UInt16) {
    let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard listener >= 0 else { throw FixtureError("socket: \(lastError())") }
    var address = loopbackAddress(port: 0)
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let listening = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
            bind(listener, $0, length) == 0 && listen(listener, backlog) == 0
                && getsockname(listener, $0, &length) == 0
        }
    }
    guard listening else {
        let error = FixtureError("cannot listen on loopback: \(lastError())")
        close(listener)
        throw error
    }
    return (listener, UInt16(bigEndian: address.sin_port))
}

/// The socket address 127.0.0.1:`port`.
public func loopbackAddress(port: UInt16) -> sockaddr_in {
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = port.bigEndian
    return address
}

/// Closes `fd`; with `reset`, with `SO_LINGER` 0 so the peer gets a reset at once instead of an
/// orderly end of stream.
private func closeSocket(_ fd: Int32, reset: Bool) {
    if reset {
        var option = linger(l_onoff: 1, l_linger: 0)
        setsockopt(fd, SOL_SOCKET, SO_LINGER, &option, socklen_t(MemoryLayout<linger>.size))
    }
    close(fd)
}

private func makeNonBlocking(_ fd: Int32) {
    _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
    _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
}

private func lastError() -> String { String(cString: strerror(errno)) }
