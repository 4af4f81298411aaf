internal import CCurl
import ChatModel
import Glibc
import Synchronization

/// One HTTP request run to its end with libcurl's easy interface, on the calling (worker)
/// thread. Progress goes into a mutex-guarded counter the loop thread reads; `cancel()` makes
/// curl's progress callback abort the transfer.
///
/// What curl gets: peer and host verification on (the system's CAs plus the account's extra
/// anchor), http and https only (redirects too, for GET and HEAD), proxies from the environment
/// (`https_proxy`, `no_proxy`, curl's default), no signals, a stall limit.
final class CurlTransfer: Sendable {
    let request: TransferRequest
    let extraAnchor: String?
    /// Bytes moved and the total, when known.
    let progress = Mutex<(done: Int64, total: Int64?)>((0, nil))
    let cancelled = Atomic<Bool>(false)

    /// curl_global_init is not thread-safe: done once, from the loop thread, before any transfer.
    static let initialized: Bool = curl_global_init(Int(CURL_GLOBAL_DEFAULT)) == CURLE_OK

    init(_ request: TransferRequest, extraAnchor: String?) {
        self.request = request
        self.extraAnchor = extraAnchor
    }

    func cancel() { cancelled.store(true, ordering: .relaxed) }

    /// Runs the request; blocks until it ends.
    func run() -> TransferOutcome {
        guard let curl = curl_easy_init() else { return .failed("libcurl could not start a transfer") }
        defer { curl_easy_cleanup(curl) }
        var headers: UnsafeMutablePointer<curl_slist>?
        defer { curl_slist_free_all(headers) }
        var file: UnsafeMutablePointer<FILE>?
        defer { if let file { fclose(file) } }
        // The anchor's path must outlive the transfer: curl hands it to its SSL_CTX callback.
        let anchor = extraAnchor.map { strdup($0) }
        defer { anchor.map { free($0) } }

        tern_curl_set_string(curl, CURLOPT_URL, request.url)
        tern_curl_set_string(curl, CURLOPT_USERAGENT, "Tern")
        tern_curl_set_long(curl, CURLOPT_NOSIGNAL, 1)
        tern_curl_set_long(curl, CURLOPT_SSL_VERIFYPEER, 1)
        tern_curl_set_long(curl, CURLOPT_SSL_VERIFYHOST, 2)
        tern_curl_set_string(curl, CURLOPT_PROTOCOLS_STR, "http,https")
        tern_curl_set_string(curl, CURLOPT_REDIR_PROTOCOLS_STR, "http,https")
        tern_curl_set_long(curl, CURLOPT_CONNECTTIMEOUT, 30)
        // A transfer that moves nothing for a minute has stalled.
        tern_curl_set_long(curl, CURLOPT_LOW_SPEED_LIMIT, 1)
        tern_curl_set_long(curl, CURLOPT_LOW_SPEED_TIME, 60)
        if let anchor, let anchor { tern_curl_set_extra_anchor(curl, anchor) }
        tern_curl_set_long(curl, CURLOPT_NOPROGRESS, 0)
        tern_curl_set_progress_function(curl, curlProgress)
        tern_curl_set_pointer(curl, CURLOPT_XFERINFODATA, Unmanaged.passUnretained(self).toOpaque())

        switch request.method {
        case .put(let path, let size, let contentType, let slotHeaders):
            guard let opened = fopen(path, "rb") else { return .failed("cannot read \(path): \(errnoText())") }
            file = opened
            tern_curl_set_long(curl, CURLOPT_UPLOAD, 1)
            tern_curl_set_offset(curl, CURLOPT_INFILESIZE_LARGE, curl_off_t(size))
            tern_curl_set_pointer(curl, CURLOPT_READDATA, UnsafeMutableRawPointer(opened))
            tern_curl_set_long(curl, CURLOPT_UPLOAD_BUFFERSIZE, 2 * 1024 * 1024)
            // No `Expect: 100-continue` round trip before the body.
            for line in ["Content-Type: \(contentType)", "Expect:"] + slotHeaders {
                headers = curl_slist_append(headers, line)
            }
            tern_curl_set_pointer(curl, CURLOPT_HTTPHEADER, UnsafeMutableRawPointer(headers))
        case .get(let destination):
            // A new file only: never one that appeared since the name was chosen.
            let descriptor = open(destination, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
            guard descriptor >= 0, let opened = fdopen(descriptor, "wb") else {
                return .failed("cannot create \(destination): \(errnoText())")
            }
            file = opened
            tern_curl_set_long(curl, CURLOPT_FOLLOWLOCATION, 1)
            tern_curl_set_long(curl, CURLOPT_MAXREDIRS, 5)
            tern_curl_set_long(curl, CURLOPT_BUFFERSIZE, 512 * 1024)
            tern_curl_set_pointer(curl, CURLOPT_WRITEDATA, UnsafeMutableRawPointer(opened))
        case .head:
            tern_curl_set_long(curl, CURLOPT_NOBODY, 1)
            tern_curl_set_long(curl, CURLOPT_FOLLOWLOCATION, 1)
            tern_curl_set_long(curl, CURLOPT_MAXREDIRS, 5)
        }
        let result = curl_easy_perform(curl)
        if result == CURLE_ABORTED_BY_CALLBACK { return .cancelled }
        guard result == CURLE_OK else { return .failed(String(cString: curl_easy_strerror(result))) }
        if let opened = file, fflush(opened) != 0 { return .failed("cannot write the file: \(errnoText())") }
        let status = Int(tern_curl_response_code(curl))
        switch request.method {
        case .head:
            let length = tern_curl_content_length(curl)
            return .finished(status: status, length: length >= 0 ? Int64(length) : nil)
        case .get, .put:
            return .finished(status: status, length: progress.withLock { $0.done })
        }
    }

    fileprivate func report(downloadTotal: Int64, downloaded: Int64, uploadTotal: Int64, uploaded: Int64) -> Int32 {
        progress.withLock { progress in
            if case .put = request.method {
                progress = (uploaded, uploadTotal > 0 ? uploadTotal : nil)
            } else {
                progress = (downloaded, downloadTotal > 0 ? downloadTotal : nil)
            }
        }
        return cancelled.load(ordering: .relaxed) ? 1 : 0
    }

    private func errnoText() -> String { String(cString: strerror(errno)) }
}

/// curl's progress callback (CURLOPT_XFERINFOFUNCTION); its data is the transfer, which
/// outlives `curl_easy_perform`. A non-zero answer aborts the transfer.
private let curlProgress: curl_xferinfo_callback = { data, downloadTotal, downloaded, uploadTotal, uploaded in
    guard let data else { return 0 }
    return Unmanaged<CurlTransfer>.fromOpaque(data).takeUnretainedValue().report(
        downloadTotal: Int64(downloadTotal), downloaded: Int64(downloaded), uploadTotal: Int64(uploadTotal),
        uploaded: Int64(uploaded))
}
