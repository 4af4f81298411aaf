import Glibc

/// A connected, non-blocking TCP socket. Closed when released.
public final class TCPSocket {
    public let fd: Int32
    public let peer: SocketAddress
    private var isClosed = false

    init(fd: Int32, peer: SocketAddress) {
        self.fd = fd
        self.peer = peer
    }

    deinit { close() }

    /// Reads what is available into `buffer`: the byte count, 0 at end of stream, nil if nothing is
    /// available yet.
    public func read(into buffer: UnsafeMutableRawBufferPointer) throws(SystemError) -> Int? {
        while true {
            let count = Glibc.recv(fd, buffer.baseAddress, buffer.count, 0)
            if count > 0 {
                // Acknowledge at once: a server that writes small pieces without TCP_NODELAY
                // otherwise waits for our delayed ACK (40 ms on Linux) before sending the next.
                var one: Int32 = 1
                setsockopt(fd, Int32(IPPROTO_TCP), TCP_QUICKACK, &one, socklen_t(MemoryLayout<Int32>.size))
            }
            if count >= 0 { return count }
            switch errno {
            case EINTR: continue
            case EAGAIN, EWOULDBLOCK: return nil
            default: throw SystemError("recv")
            }
        }
    }

    /// Writes as much of `bytes` as the kernel accepts now and returns how much that was.
    /// Never raises SIGPIPE: a closed peer is an EPIPE error.
    public func write(_ bytes: UnsafeRawBufferPointer) throws(SystemError) -> Int {
        while true {
            let count = Glibc.send(fd, bytes.baseAddress, bytes.count, Int32(MSG_NOSIGNAL))
            if count >= 0 { return count }
            switch errno {
            case EINTR: continue
            case EAGAIN, EWOULDBLOCK: return 0
            default: throw SystemError("send")
            }
        }
    }

    public func close() {
        guard !isClosed else { return }
        isClosed = true
        _ = Glibc.close(fd)
    }

    /// Opens a non-blocking socket and starts connecting; returns the socket and whether the
    /// connection is already complete.
    static func startConnect(to address: SocketAddress) throws(SystemError) -> (fd: Int32, connected: Bool) {
        let fd = socket(
            address.family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue),
            0)
        guard fd >= 0 else { throw SystemError("socket") }
        var one: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        var storage = address.storage
        let status = withUnsafePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, address.length) }
        }
        if status == 0 { return (fd, true) }
        if errno == EINPROGRESS || errno == EINTR { return (fd, false) }
        let error = SystemError("connect")
        Glibc.close(fd)
        throw error
    }

    /// The outcome of a non-blocking connect once the socket is writable.
    static func connectResult(_ fd: Int32) -> Int32 {
        var error: Int32 = 0
        var length = socklen_t(MemoryLayout<Int32>.size)
        getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length)
        return error
    }
}
