import Glibc

/// An opt-in measurement for benchmarks (`TERN_KEY_LATENCY_LOG=FILE`, used by `tern-bench rooms`):
/// for every key, the wall-clock times, in microseconds since the epoch, when Tern read it from
/// the terminal and when the first frame drawn after that was handed to the terminal; one
/// `READ DRAWN` line per key, in the order typed. A key that changes nothing on screen waits for
/// the next frame drawn for any reason. Nothing is logged without the variable.
final class KeyLatencyLog {
    private let file: UnsafeMutablePointer<FILE>
    /// When the keys not drawn yet were read.
    private var pending: [Int64] = []

    /// nil unless the environment names a file (created or emptied here).
    init?(environment: [String: String]) {
        guard let path = environment["TERN_KEY_LATENCY_LOG"], !path.isEmpty, let file = fopen(path, "w") else {
            return nil
        }
        self.file = file
    }

    deinit { fclose(file) }

    /// `count` keys were read now.
    func read(_ count: Int) {
        pending += repeatElement(Self.now(), count: count)
    }

    /// A frame reached the terminal now: every key read before it is drawn.
    func drawn() {
        guard !pending.isEmpty else { return }
        let now = Self.now()
        fputs(pending.map { "\($0) \(now)\n" }.joined(), file)
        fflush(file)
        pending.removeAll()
    }

    /// CLOCK_REALTIME, which the benchmark that types the keys reads too.
    private static func now() -> Int64 {
        var time = timespec()
        clock_gettime(CLOCK_REALTIME, &time)
        return Int64(time.tv_sec) * 1_000_000 + Int64(time.tv_nsec) / 1000
    }
}
