import Glibc
import Networking
import TestServers
import Testing

@Suite struct EventLoopTests {
    @Test func timersFireInDeadlineOrderAndCanBeCancelled() throws {
        let loop = try EventLoop()
        var fired: [Int] = []
        loop.schedule(after: .milliseconds(30)) { fired.append(3) }
        loop.schedule(after: .milliseconds(10)) { fired.append(1) }
        let cancelled = loop.schedule(after: .milliseconds(20)) { fired.append(2) }
        loop.cancel(cancelled)
        let start = loop.now
        while fired.count < 2 && loop.now - start < .seconds(2) { loop.runOnce() }
        #expect(fired == [1, 3])
        #expect(loop.now - start >= .milliseconds(30))
    }

    @Test func noWaitIsLongerThanTheLongestWait() throws {
        let loop = try EventLoop(longestWait: .milliseconds(30))
        let clock = ContinuousClock()
        var fired = false
        loop.schedule(after: .seconds(60)) { fired = true }
        let waited = clock.measure { loop.runOnce() }
        #expect(waited < .seconds(2), "a suspend cannot stretch a wait past the longest one")
        #expect(waited >= .milliseconds(25))
        #expect(!fired)
    }

    @Test func aHangUpIsReportedAsAFailure() throws {
        let loop = try EventLoop()
        var fds: [Int32] = [0, 0]
        #expect(pipe(&fds) == 0)
        defer { close(fds[0]) }
        close(fds[1])
        var seen: EventLoop.Events?
        _ = loop.watch(fds[0], for: .readable) { seen = $0 }
        loop.runOnce(maximumWait: .milliseconds(100))
        let events = try #require(seen)
        #expect(events.hasFailed, "POLLHUP alone is a failure (\(events.rawValue))")
        #expect(!EventLoop.Events.readable.hasFailed)
    }

    @Test func backgroundWorkCompletesOnTheLoopThread() throws {
        let loop = try EventLoop()
        var result: Int?
        loop.runInBackground {
            (1...1000).reduce(0, +)
        } completion: {
            result = $0
        }
        let start = loop.now
        while result == nil && loop.now - start < .seconds(5) { loop.runOnce(maximumWait: .milliseconds(100)) }
        #expect(result == 500_500)
    }

    @Test func watchesReportReadability() throws {
        let loop = try EventLoop()
        var fds: [Int32] = [0, 0]
        #expect(pipe(&fds) == 0)
        defer {
            close(fds[0])
            close(fds[1])
        }
        var readable = false
        let watch = loop.watch(fds[0], for: .readable) { events in readable = events.contains(.readable) }
        loop.runOnce(maximumWait: .milliseconds(10))
        #expect(!readable)
        var byte: UInt8 = 1
        #expect(write(fds[1], &byte, 1) == 1)
        loop.runOnce(maximumWait: .seconds(1))
        #expect(readable)
        loop.unwatch(watch)
    }
}

@Suite struct TCPConnectorTests {
    /// A listening socket on a free loopback port.
    func listener() throws -> (fd: Int32, port: Int) {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let ok = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, length) == 0 && listen(fd, 8) == 0 && getsockname(fd, $0, &length) == 0
            }
        }
        #expect(ok)
        return (fd, Int(UInt16(bigEndian: address.sin_port)))
    }

    @Test func connectsToTheReachableAddressAfterAFailingOne() throws {
        let loop = try EventLoop()
        let (listening, port) = try listener()
        defer { close(listening) }
        let (closed, closedPort) = try listener()
        close(closed)
        let dead = try SocketAddress.resolve(host: "127.0.0.1", port: closedPort).get()
        let live = try SocketAddress.resolve(host: "127.0.0.1", port: port).get()
        var outcome: Result<TCPSocket, ConnectError>?
        let connector = TCPConnector(loop: loop, addresses: dead + live) { outcome = $0 }
        connector.start()
        let start = loop.now
        while outcome == nil && loop.now - start < .seconds(5) { loop.runOnce(maximumWait: .milliseconds(50)) }
        let socket = try #require(try outcome?.get())
        #expect(socket.peer.description == "127.0.0.1:\(port)")
    }

    @Test func reportsEveryFailedAddress() throws {
        let loop = try EventLoop()
        let (closed, closedPort) = try listener()
        close(closed)
        let dead = try SocketAddress.resolve(host: "127.0.0.1", port: closedPort).get()
        var outcome: Result<TCPSocket, ConnectError>?
        let connector = TCPConnector(loop: loop, addresses: dead) { outcome = $0 }
        connector.start()
        let start = loop.now
        while outcome == nil && loop.now - start < .seconds(5) { loop.runOnce(maximumWait: .milliseconds(50)) }
        guard case .failure(let error) = outcome else {
            Issue.record("expected a failure")
            return
        }
        #expect(error.description == "cannot connect: 127.0.0.1:\(closedPort): Connection refused")
    }

    @Test func interleavesAddressFamilies() throws {
        let v4 = try SocketAddress.resolve(host: "127.0.0.1", port: 1).get()
        #expect(v4.count == 1)
        #expect(try SocketAddress.resolve(host: "::1", port: 5222).get().first?.description == "[::1]:5222")
    }

    @Test func unresolvableHostIsExplained() {
        guard case .failure(let error) = SocketAddress.resolve(host: "no-such-host.invalid", port: 5222) else {
            Issue.record("resolved an invalid name")
            return
        }
        #expect(error.description.hasPrefix("cannot resolve no-such-host.invalid: "))
    }
}

@Suite struct SRVOrderingTests {
    @Test func ordersByPriorityThenWeight() {
        var generator = SplitMix64(state: 42)
        let records = [
            SRVRecord(priority: 20, weight: 0, port: 5222, target: "c.example"),
            SRVRecord(priority: 10, weight: 0, port: 5222, target: "a.example"),
            SRVRecord(priority: 10, weight: 100, port: 5222, target: "b.example"),
        ]
        var firstCounts: [String: Int] = [:]
        for _ in 0..<1000 {
            let ordered = DNSResolver.ordered(records, using: &generator).map(\.target)
            #expect(ordered.last == "c.example")
            #expect(Set(ordered.prefix(2)) == ["a.example", "b.example"])
            firstCounts[ordered[0], default: 0] += 1
        }
        #expect(firstCounts["b.example", default: 0] > 950, "weight 100 beats weight 0 almost always")
    }
}
