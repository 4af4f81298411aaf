import Glibc

/// A failed system call: the call's name and `errno`.
public struct SystemError: Error, Sendable, Hashable {
    public var call: String
    public var code: Int32

    public init(_ call: String, code: Int32 = errno) {
        self.call = call
        self.code = code
    }

    public var message: String { String(cString: strerror(code)) }
}

extension SystemError: CustomStringConvertible {
    public var description: String { "\(call): \(message)" }
}

/// Runs a system call, retrying on EINTR; a negative result becomes a `SystemError`.
@discardableResult
func retryingEINTR<T: SignedInteger>(_ call: String, _ body: () -> T) throws(SystemError) -> T {
    while true {
        let result = body()
        if result >= 0 { return result }
        if errno == EINTR { continue }
        throw SystemError(call)
    }
}
