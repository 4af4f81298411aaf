import Glibc

/// Connects to the first reachable of several addresses, racing them in the style of RFC 8305:
/// the next attempt starts when the previous one has not succeeded within `attemptDelay` (or has
/// failed), and the first to connect wins.
public final class TCPConnector {
    public typealias Completion = (Result<TCPSocket, ConnectError>) -> Void

    private let loop: EventLoop
    private let addresses: [SocketAddress]
    private let attemptDelay: Duration
    private var completion: Completion?
    private var next = 0
    private var attempts: [Int32: (address: SocketAddress, watch: EventLoop.WatchID)] = [:]
    private var failures: [String] = []
    private var timers: [EventLoop.TimerID] = []

    public init(
        loop: EventLoop,
        addresses: [SocketAddress],
        attemptDelay: Duration = .milliseconds(250),
        timeout: Duration = .seconds(10),
        completion: @escaping Completion
    ) {
        self.loop = loop
        self.addresses = addresses
        self.attemptDelay = attemptDelay
        self.completion = completion
        timers.append(loop.schedule(after: timeout) { [weak self] in self?.timedOut() })
    }

    public func start() {
        startNextAttempt()
    }

    /// Abandons every attempt without calling the completion.
    public func cancel() {
        completion = nil
        cleanUp()
    }

    private func startNextAttempt() {
        guard completion != nil else { return }
        guard next < addresses.count else {
            if attempts.isEmpty { finish(.failure(ConnectError(failures: failures))) }
            return
        }
        let address = addresses[next]
        next += 1
        do {
            let (fd, connected) = try TCPSocket.startConnect(to: address)
            if connected {
                finish(.success(TCPSocket(fd: fd, peer: address)))
                return
            }
            let watch = loop.watch(fd, for: .writable) { [weak self] _ in self?.attemptReady(fd) }
            attempts[fd] = (address, watch)
            timers.append(loop.schedule(after: attemptDelay) { [weak self] in self?.startNextAttempt() })
        } catch {
            failures.append("\(address): \(error.message)")
            startNextAttempt()
        }
    }

    private func attemptReady(_ fd: Int32) {
        guard let attempt = attempts.removeValue(forKey: fd) else { return }
        loop.unwatch(attempt.watch)
        let error = TCPSocket.connectResult(fd)
        if error == 0 {
            finish(.success(TCPSocket(fd: fd, peer: attempt.address)))
        } else {
            failures.append("\(attempt.address): \(SystemError("connect", code: error).message)")
            close(fd)
            startNextAttempt()
        }
    }

    private func timedOut() {
        for (_, attempt) in attempts { failures.append("\(attempt.address): timed out") }
        finish(.failure(ConnectError(failures: failures)))
    }

    private func finish(_ result: Result<TCPSocket, ConnectError>) {
        let completion = self.completion
        self.completion = nil
        cleanUp(keeping: (try? result.get())?.fd)
        completion?(result)
    }

    private func cleanUp(keeping winner: Int32? = nil) {
        for (fd, attempt) in attempts {
            loop.unwatch(attempt.watch)
            if fd != winner { close(fd) }
        }
        attempts.removeAll()
        for timer in timers { loop.cancel(timer) }
        timers.removeAll()
    }
}

public struct ConnectError: Error, Sendable, Hashable, CustomStringConvertible {
    /// One line per address tried.
    public var failures: [String]

    public init(failures: [String]) { self.failures = failures }

    public var description: String {
        failures.isEmpty ? "no address to connect to" : "cannot connect: " + failures.joined(separator: "; ")
    }
}
