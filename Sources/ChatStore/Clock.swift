import Glibc

/// Wall-clock time in UTC milliseconds, the store's timestamp unit.
public enum Clock {
    public static func nowMilliseconds() -> Int64 {
        var time = timespec()
        clock_gettime(CLOCK_REALTIME, &time)
        return Int64(time.tv_sec) * 1000 + Int64(time.tv_nsec) / 1_000_000
    }
}
