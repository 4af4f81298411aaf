import ChatModel
import Networking
import Subprocess

/// File transfers for the model over HTTP(S) with libcurl: each transfer runs on a worker thread
/// (`EventLoop.runInBackground`), so the loop never waits on the network or the disk; the loop
/// reads its progress ten times a second while it runs and gets its outcome through the loop's
/// mailbox. The opener runs off the loop thread too.
public final class HTTPTransferClient: FileTransferClient {
    let loop: EventLoop
    let extraAnchor: String?
    let opener: String
    public let downloadDirectory: String
    /// How often progress is read.
    static let progressInterval: Duration = .milliseconds(100)

    /// `extraAnchor`: a PEM file trusted beside the system's CAs (the account's `ca_file`, as the
    /// XMPP connection uses it); `opener`: a command run with the file or URL as its argument.
    public init(loop: EventLoop, extraAnchor: String?, opener: String, downloadDirectory: String) {
        self.loop = loop
        self.extraAnchor = extraAnchor
        self.opener = opener
        self.downloadDirectory = downloadDirectory
        _ = CurlTransfer.initialized
    }

    public func start(
        _ request: TransferRequest, progress: @escaping (Int64, Int64?) -> Void,
        completion: @escaping (TransferOutcome) -> Void
    ) -> () -> Void {
        let transfer = CurlTransfer(request, extraAnchor: extraAnchor)
        var finished = false
        var reported: (Int64, Int64?) = (-1, nil)
        func watch() {
            _ = loop.schedule(after: Self.progressInterval) {
                guard !finished else { return }
                let now = transfer.progress.withLock { $0 }
                if now.done != reported.0 || now.total != reported.1 {
                    reported = (now.done, now.total)
                    progress(now.done, now.total)
                }
                watch()
            }
        }
        watch()
        loop.runInBackground {
            transfer.run()
        } completion: { outcome in
            finished = true
            completion(outcome)
        }
        return { transfer.cancel() }
    }

    public func process(_ work: @escaping @Sendable () -> String?, completion: @escaping (String?) -> Void) {
        loop.runInBackground(work) { problem in completion(problem) }
    }

    public func open(_ target: String, completion: @escaping (String?) -> Void) {
        // The target is the shell's $1, never part of the command text.
        let command = opener + " \"$1\""
        loop.runInBackground {
            do {
                let output = try Subprocess.run("/bin/sh", ["-c", command, "tern-opener", target])
                return output.status == 0 ? nil : "the opener exited with status \(output.status)"
            } catch {
                return String(describing: error)
            }
        } completion: { problem in
            completion(problem)
        }
    }
}
