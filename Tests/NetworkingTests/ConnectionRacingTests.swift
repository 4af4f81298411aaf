import Glibc
import TestServers
import Testing

@testable import Networking

/// RFC 8305's connection racing over loopback, with an address that never answers: a listener
/// whose one-place accept queue is full, so the kernel drops further SYNs.
@Suite struct ConnectionRacingTests {
    final class Silent {
        let listener: Int32
        let filler: Int32
        let address: SocketAddress

        init() throws {
            let (listener, port) = try listenOnLoopback(backlog: 0)
            self.listener = listener
            let filler = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            self.filler = filler
            var target = loopbackAddress(port: port)
            let connected = withUnsafePointer(to: &target) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    connect(filler, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
            guard connected == 0 else { throw FixtureError("cannot fill the accept queue") }
            address = try SocketAddress.resolve(host: "127.0.0.1", port: Int(port)).get()[0]
        }

        deinit {
            close(filler)
            close(listener)
        }
    }

    /// Runs a connector to completion (at most five seconds); its result and how long it took.
    func race(_ addresses: [SocketAddress], delay: Duration, timeout: Duration = .seconds(10)) throws -> (
        Result<TCPSocket, ConnectError>?, Duration
    ) {
        let loop = try EventLoop()
        var outcome: Result<TCPSocket, ConnectError>?
        let start = loop.now
        let connector = TCPConnector(loop: loop, addresses: addresses, attemptDelay: delay, timeout: timeout) {
            outcome = $0
        }
        connector.start()
        loop.run(for: .seconds(5)) { outcome != nil }
        return (outcome, loop.now - start)
    }

    func live() throws -> (listener: Int32, address: SocketAddress) {
        let (listener, port) = try listenOnLoopback(backlog: 8)
        return (listener, try SocketAddress.resolve(host: "127.0.0.1", port: Int(port)).get()[0])
    }

    @Test func aSilentAddressHoldsTheNextOnlyForTheAttemptDelay() throws {
        let silent = try Silent()
        let (listener, address) = try live()
        defer { close(listener) }
        let (outcome, took) = try race([silent.address, address], delay: .milliseconds(150))
        #expect(try outcome?.get().peer == address)
        #expect(took >= .milliseconds(150) && took < .seconds(2), "took \(took)")
    }

    @Test func aRefusedAddressStartsTheNextAtOnce() throws {
        let (closed, closedAddress) = try live()
        close(closed)
        let (listener, address) = try live()
        defer { close(listener) }
        let (outcome, took) = try race([closedAddress, address], delay: .seconds(5))
        #expect(try outcome?.get().peer == address)
        #expect(took < .seconds(1), "took \(took)")
    }

    @Test func theWholeRaceHasATimeout() throws {
        let silent = try Silent()
        let (outcome, took) = try race([silent.address], delay: .milliseconds(50), timeout: .milliseconds(200))
        guard case .failure(let error)? = outcome else {
            Issue.record("expected a failure, got \(String(describing: outcome))")
            return
        }
        #expect(error.failures == ["\(silent.address): timed out"])
        #expect(took >= .milliseconds(200) && took < .seconds(2))
    }

    @Test func nothingToTryIsAFailureAtOnce() throws {
        let (outcome, _) = try race([], delay: .milliseconds(50))
        guard case .failure(let error)? = outcome else {
            Issue.record("expected a failure")
            return
        }
        #expect(error.description == "no address to connect to")
    }

    @Test func aCancelledRaceNeverCompletes() throws {
        let loop = try EventLoop()
        let silent = try Silent()
        var completed = false
        let connector = TCPConnector(
            loop: loop, addresses: [silent.address], attemptDelay: .milliseconds(10), timeout: .milliseconds(50)
        ) { _ in completed = true }
        connector.start()
        connector.cancel()
        loop.run(for: .milliseconds(150)) { false }
        #expect(!completed)
    }

    /// Reading what is there, nothing yet, and the end; writing to a peer that left is an error,
    /// never SIGPIPE.
    @Test func aConnectedSocketReportsDataItsAbsenceAndTheEnd() throws {
        let (listener, address) = try live()
        defer { close(listener) }
        let (outcome, _) = try race([address], delay: .milliseconds(50))
        let socket = try #require(try outcome?.get())
        let peer = accept(listener, nil, nil)
        #expect(peer >= 0)
        var buffer = [UInt8](repeating: 0, count: 16)
        #expect(try buffer.withUnsafeMutableBytes { try socket.read(into: $0) } == nil)
        #expect(send(peer, "hi", 2, 0) == 2)
        usleep(20_000)
        #expect(try buffer.withUnsafeMutableBytes { try socket.read(into: $0) } == 2)
        close(peer)
        usleep(20_000)
        #expect(try buffer.withUnsafeMutableBytes { try socket.read(into: $0) } == 0)
        var failure: SystemError?
        for _ in 0..<50 where failure == nil {
            do {
                _ = try Array("x".utf8).withUnsafeBytes { try socket.write($0) }
                usleep(5_000)
            } catch {
                failure = error as? SystemError
            }
        }
        #expect(failure?.call == "send")
        #expect([EPIPE, ECONNRESET].contains(failure?.code ?? 0))
    }
}

/// Socket addresses as text, and the order RFC 8305 §4 tries them in.
@Suite struct SocketAddressTests {
    func address(_ host: String, _ port: Int = 5222) throws -> SocketAddress {
        try SocketAddress.resolve(host: host, port: port).get()[0]
    }

    @Test func literalsAreWrittenInTheirShortestForm() throws {
        #expect(try address("127.0.0.1").description == "127.0.0.1:5222")
        #expect(try address("2001:DB8:0:0:0:0:0:1").description == "[2001:db8::1]:5222")
        #expect(try address("::ffff:192.0.2.1", 443).description == "[::ffff:192.0.2.1]:443")
        #expect(try address("::1").family == AF_INET6 && (try address("127.0.0.1")).family == AF_INET)
    }

    @Test func addressesAreEqualByWhatTheyName() throws {
        #expect(try address("::1") == (try address("0:0:0:0:0:0:0:1")))
        #expect(try address("127.0.0.1", 1) != (try address("127.0.0.1", 2)))
        #expect(Set([try address("127.0.0.1"), try address("127.0.0.1"), try address("::1")]).count == 2)
    }

    @Test func familiesAlternateStartingWithTheResolversFirstChoice() throws {
        let v6 = try [1, 2, 3].map { try address("::1", $0) }
        let v4 = try [4, 5].map { try address("127.0.0.1", $0) }
        #expect(SocketAddress.interleavingFamilies(v6 + v4) == [v6[0], v4[0], v6[1], v4[1], v6[2]])
        #expect(SocketAddress.interleavingFamilies(v4 + v6) == [v4[0], v6[0], v4[1], v6[1], v6[2]])
        #expect(SocketAddress.interleavingFamilies(v4) == v4)
        #expect(SocketAddress.interleavingFamilies([]).isEmpty)
    }
}
