/// The HTTP side of file sharing, which the model cannot do itself (no sockets here): the edge
/// (`HTTPTransfer`) runs transfers off the loop thread and reports on it; tests script one.
public protocol FileTransferClient: AnyObject {
    /// Starts a transfer. `progress` (bytes done, total when known) and `completion` (once) are
    /// called on the loop thread; the returned closure cancels it (then `completion` gets
    /// `.cancelled`).
    func start(
        _ request: TransferRequest, progress: @escaping (Int64, Int64?) -> Void,
        completion: @escaping (TransferOutcome) -> Void
    ) -> () -> Void
    /// Runs the configured opener on a file or URL; `completion` gets what went wrong, if anything.
    func open(_ target: String, completion: @escaping (String?) -> Void)
    /// Runs `work` (encrypting or decrypting a file) off the loop thread; `completion` gets what
    /// went wrong, if anything, on the loop thread.
    func process(_ work: @escaping @Sendable () -> String?, completion: @escaping (String?) -> Void)
    /// Where downloads go (`downloads` in config.toml, else `$XDG_DOWNLOAD_DIR`, else `~/Downloads`).
    var downloadDirectory: String { get }
}

/// One HTTP request of file sharing.
public struct TransferRequest: Sendable, Hashable {
    public enum Method: Sendable, Hashable {
        /// Uploads a file's first `size` bytes with these headers (`Name: value`, already checked).
        case put(file: String, size: Int64, contentType: String, headers: [String])
        /// Downloads into `destination`, a new file.
        case get(destination: String)
        /// Asks only for the size.
        case head
    }

    public var url: String
    public var method: Method

    public init(url: String, method: Method) {
        self.url = url
        self.method = method
    }
}

/// How a transfer ended.
public enum TransferOutcome: Sendable, Hashable {
    /// The server answered `status` (the transfer succeeded only for 2xx); `length`: the size
    /// the server gave (HEAD) or the bytes moved.
    case finished(status: Int, length: Int64?)
    /// No answer: DNS, connection, TLS verification, a file that cannot be read or written.
    case failed(String)
    case cancelled

    /// A 2xx answer.
    public var succeeded: Bool {
        if case .finished(let status, _) = self { return (200..<300).contains(status) }
        return false
    }

    /// What to tell the user when it did not succeed.
    public var problem: String {
        switch self {
        case .finished(let status, _): "the server answered HTTP \(status)"
        case .failed(let reason): reason
        case .cancelled: "cancelled"
        }
    }
}
