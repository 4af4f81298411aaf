/// When an account reconnects after its connection ended, and where: the backoff, the jitter and
/// the server's redirects. A value the account keeps; it reads no clock and sets no timer.
struct ReconnectPolicy {
    /// Waits in a row since the account was last online (each doubles the next one).
    private(set) var attempts = 0
    /// When a broken connection was last retried without waiting. A connection that broke within
    /// 10 s of coming online is retried at once only if that was over a minute ago, so a server
    /// that accepts and then drops every session does not get a tight loop.
    private var lastImmediate: Int64?
    /// When the current connection came online (established or resumed).
    private var onlineSince: Int64?
    /// Where the server told us to go (`see-other-host`), for the next connection.
    private var redirect: String?
    /// Redirects followed since a connection last stayed online for 10 s; past
    /// `maximumRedirects` none is followed until one does.
    private var redirectsFollowed = 0
    /// How many redirects in a row are followed; after that the configured host is tried again.
    static let maximumRedirects = 3

    /// A connection came online.
    mutating func online(at now: Int64) {
        attempts = 0
        onlineSince = now
    }

    /// Whether the connection that just ended had been online for 10 s.
    private func lived(now: Int64) -> Bool { onlineSince.map { now - $0 >= 10_000 } ?? false }

    /// A connection ended; a redirect (`see-other-host`) in its error is followed unless too
    /// many came in a row. Returns the redirect's host and whether it is followed.
    mutating func ended(by error: ConnectionFailure?, wasOnline: Bool, now: Int64) -> (host: String, followed: Bool)? {
        if wasOnline && lived(now: now) { redirectsFollowed = 0 }
        guard let streamError = error?.streamError, streamError.condition == .seeOtherHost,
            let host = streamError.otherHost
        else { return nil }
        guard redirectsFollowed < Self.maximumRedirects else { return (host, false) }
        redirectsFollowed += 1
        redirect = host
        return (host, true)
    }

    /// Where the next connection goes instead of the configured host (once).
    mutating func takeRedirect() -> String? {
        defer { redirect = nil }
        return redirect
    }

    /// How long to wait before the next attempt, in milliseconds: at once when a working
    /// connection broke (a failed write, a dead link, a cut: the network may already be back),
    /// then 1, 2, 4 ... up to 300 seconds, times `jitter` (0.75 to 1.25). A server shutting down
    /// gets 5 to 15 seconds first (`pause` picks within them).
    mutating func delay(
        after error: ConnectionFailure, wasOnline: Bool, now: Int64, jitter: Double, pause: Double
    ) -> Int64 {
        var seconds: Double
        let immediate =
            wasOnline && attempts == 0 && (lived(now: now) || lastImmediate.map { now - $0 >= 60_000 } ?? true)
        if immediate {
            seconds = 0
            lastImmediate = now
        } else {
            seconds = min(300, Double(1 << min(attempts, 9))) * jitter
            attempts += 1
        }
        if error.streamError?.condition == .systemShutdown { seconds = max(seconds, pause) }
        return Int64(seconds * 1000)
    }
}
