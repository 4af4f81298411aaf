import Foundation
import Glibc
import Synchronization
import TestServers
import Testing

@Suite struct FaultProxyTests {
    @Test func relaysBothWaysIntactAndPassesOnHalfClose() throws {
        let setup = try EchoThroughProxy(greeting: "hello")
        defer { setup.stop() }
        let proxy = setup.proxy
        let client = setup.client

        let payload = (0..<(1 << 20)).map { UInt8(truncatingIfNeeded: ($0 &* 2_654_435_761) >> 16) }
        let written = DispatchSemaphore(value: 0)
        Thread.detachNewThread { [fd = client.fd] in
            if sendAll(fd, payload) { shutdown(fd, Int32(SHUT_WR)) }
            written.signal()
        }
        let echoed = client.receive(count: payload.count, seconds: 10)
        #expect(written.wait(timeout: .now() + 10) == .success)
        #expect(echoed.count == payload.count)
        #expect(echoed == payload)
        #expect(client.waitForInput(milliseconds: 1000) == .closed)
        #expect(proxy.acceptedCount == 1)
        #expect(eventually { proxy.openCount == 0 })
    }

    @Test func cutAllResetsConnectionsAtOnceAndKeepsAccepting() throws {
        let setup = try EchoThroughProxy(greeting: "ping")
        defer { setup.stop() }
        let proxy = setup.proxy
        let client = setup.client
        #expect(proxy.openCount == 1)

        let start = ContinuousClock.now
        proxy.cutAll()
        #expect(proxy.openCount == 0)
        #expect(client.waitForInput(milliseconds: 1000) == .closed)
        #expect(ContinuousClock.now - start < .seconds(1))

        let next = try #require(Client(port: proxy.port))
        defer { next.close() }
        try next.expectEcho("again")
        #expect(proxy.acceptedCount == 2)
    }

    @Test func blackHoleDropsBytesAndRestoreCutsHeldConnections() throws {
        let setup = try EchoThroughProxy(greeting: "before")
        defer { setup.stop() }
        let proxy = setup.proxy
        let relayed = setup.client

        proxy.blackHole()
        #expect(relayed.send("lost"))
        #expect(relayed.waitForInput(milliseconds: 300) == .nothing)
        let held = try #require(Client(port: proxy.port))
        defer { held.close() }
        #expect(held.send("held"))
        #expect(held.waitForInput(milliseconds: 300) == .nothing)
        #expect(eventually { proxy.openCount == 2 })

        proxy.restore()
        #expect(relayed.waitForInput(milliseconds: 1000) == .closed)
        #expect(held.waitForInput(milliseconds: 1000) == .closed)
        let next = try #require(Client(port: proxy.port))
        defer { next.close() }
        try next.expectEcho("after")
    }

    @Test func downCutsAndRefusesUntilRestored() throws {
        let setup = try EchoThroughProxy(greeting: "up")
        defer { setup.stop() }
        let proxy = setup.proxy
        let existing = setup.client

        proxy.down()
        #expect(existing.waitForInput(milliseconds: 1000) == .closed)
        if let refused = Client(port: proxy.port) {
            defer { refused.close() }
            #expect(refused.waitForInput(milliseconds: 1000) == .closed)
        }
        #expect(proxy.openCount == 0)

        proxy.restore()
        let next = try #require(Client(port: proxy.port))
        defer { next.close() }
        try next.expectEcho("back")
    }

    @Test func stopIsIdempotentAndClosesThePort() throws {
        let echo = try EchoServer()
        defer { echo.stop() }
        let proxy = try FaultProxy(targetPort: echo.port)
        let client = try #require(Client(port: proxy.port))
        defer { client.close() }
        try client.expectEcho("ping")

        proxy.stop()
        proxy.stop()
        #expect(client.waitForInput(milliseconds: 1000) == .closed)
        let late = Client(port: proxy.port)
        late?.close()
        #expect(late == nil)
        #expect(proxy.openCount == 0)
        proxy.cutAll()
        proxy.restore()
    }
}

/// An echo server, a proxy in front of it, and a client that has had one echo through both.
private struct EchoThroughProxy {
    let echo: EchoServer
    let proxy: FaultProxy
    let client: Client

    init(greeting: String) throws {
        echo = try EchoServer()
        proxy = try FaultProxy(targetPort: echo.port)
        client = try #require(Client(port: proxy.port))
        try client.expectEcho(greeting)
    }

    func stop() {
        client.close()
        proxy.stop()
        echo.stop()
    }
}

/// Polls `condition` every 10 ms for up to 2 s.
private func eventually(_ condition: () -> Bool) -> Bool {
    let deadline = ContinuousClock.now + .seconds(2)
    while !condition() {
        guard ContinuousClock.now < deadline else { return false }
        Thread.sleep(forTimeInterval: 0.01)
    }
    return true
}

private func sendAll(_ fd: Int32, _ bytes: [UInt8]) -> Bool {
    var sent = 0
    while sent < bytes.count {
        let count = bytes.withUnsafeBytes { send(fd, $0.baseAddress! + sent, bytes.count - sent, Int32(MSG_NOSIGNAL)) }
        guard count > 0 else { return false }
        sent += count
    }
    return true
}

/// A loopback echo server: one thread accepts (polling, so it notices `stop()`), one thread per
/// connection echoes until end of stream or an error.
private final class EchoServer: Sendable {
    let port: UInt16
    private let stopped = Atomic(false)

    init() throws {
        let (listener, port) = try listenOnLoopback(backlog: 16)
        self.port = port
        Thread.detachNewThread { [self] in acceptUntilStopped(listener) }
    }

    func stop() { stopped.store(true, ordering: .relaxed) }

    private func acceptUntilStopped(_ listener: Int32) {
        while !stopped.load(ordering: .relaxed) {
            var request = pollfd(fd: listener, events: Int16(POLLIN), revents: 0)
            guard poll(&request, 1, 100) > 0 else { continue }
            let fd = accept(listener, nil, nil)
            if fd >= 0 { Thread.detachNewThread { EchoServer.echo(fd) } }
        }
        close(listener)
    }

    private static func echo(_ fd: Int32) {
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = recv(fd, &buffer, buffer.count, 0)
            guard count > 0, sendAll(fd, Array(buffer[0..<count])) else { break }
        }
        close(fd)
    }
}

/// A blocking loopback client socket.
private struct Client: Equatable {
    enum Input: Equatable {
        case bytes([UInt8])
        /// End of stream or a reset.
        case closed
        case nothing
    }

    let fd: Int32

    /// Connects to 127.0.0.1:`port`, or nil when the connection is refused.
    init?(port: UInt16) {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = loopbackAddress(port: port)
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
        guard connected else {
            Glibc.close(fd)
            return nil
        }
    }

    func close() { Glibc.close(fd) }

    func send(_ text: String) -> Bool { sendAll(fd, Array(text.utf8)) }

    /// Sends `text` and expects it back within 2 s.
    func expectEcho(_ text: String) throws {
        try #require(send(text))
        let echoed = receive(count: text.utf8.count, seconds: 2)
        #expect(String(decoding: echoed, as: UTF8.self) == text)
    }

    /// Reads until `count` bytes, end of stream, an error or the deadline.
    func receive(count: Int, seconds: Int) -> [UInt8] {
        let deadline = ContinuousClock.now + .seconds(seconds)
        var received: [UInt8] = []
        received.reserveCapacity(count)
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while received.count < count && ContinuousClock.now < deadline {
            var request = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            guard poll(&request, 1, 100) >= 0 else { break }
            guard request.revents != 0 else { continue }
            let read = recv(fd, &buffer, min(buffer.count, count - received.count), 0)
            guard read > 0 else { break }
            received += buffer[0..<read]
        }
        return received
    }

    /// What arrives within `milliseconds`.
    func waitForInput(milliseconds: Int32) -> Input {
        var request = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        guard poll(&request, 1, milliseconds) > 0 else { return .nothing }
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        let read = recv(fd, &buffer, buffer.count, 0)
        return read > 0 ? .bytes(Array(buffer[0..<read])) : .closed
    }
}
