import ChatModel

/// A `FileTransferClient` a test finishes by hand: what was started, cancelled and opened.
public final class ScriptedTransfers: FileTransferClient {
    public struct Started {
        public var request: TransferRequest
        public var progress: (Int64, Int64?) -> Void
        public var completion: (TransferOutcome) -> Void
    }

    public var started: [Started] = []
    public var opened: [String] = []
    public let downloadDirectory: String

    public init(downloadDirectory: String) { self.downloadDirectory = downloadDirectory }

    public func start(
        _ request: TransferRequest, progress: @escaping (Int64, Int64?) -> Void,
        completion: @escaping (TransferOutcome) -> Void
    ) -> () -> Void {
        started.append(Started(request: request, progress: progress, completion: completion))
        return { completion(.cancelled) }
    }

    /// Runs `work` at once, on the calling thread.
    public func process(_ work: @escaping @Sendable () -> String?, completion: @escaping (String?) -> Void) {
        completion(work())
    }

    public func open(_ target: String, completion: @escaping (String?) -> Void) {
        opened.append(target)
        completion(nil)
    }
}
