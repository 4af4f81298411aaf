import Glibc

/// Local-time formatting with strftime-style patterns (%H, %M, %S, %d, %m, %Y, %a, %b ...).
public enum TimeFormat {
    public static func format(_ milliseconds: Int64, pattern: String) -> String {
        var seconds = time_t(wholeSeconds(milliseconds))
        var parts = tm()
        localtime_r(&seconds, &parts)
        var buffer = [CChar](repeating: 0, count: 128)
        let count = strftime(&buffer, buffer.count, pattern, &parts)
        return String(decoding: buffer.prefix(count).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// The local calendar day of a time (for day separators), as days since 1970.
    public static func localDay(_ milliseconds: Int64) -> Int {
        var seconds = time_t(wholeSeconds(milliseconds))
        var parts = tm()
        localtime_r(&seconds, &parts)
        return Int(floorDivision(Int64(seconds) + Int64(parts.tm_gmtoff), 86_400))
    }

    /// The second a time is in: rounded down, also before 1970 (where division rounds up).
    private static func wholeSeconds(_ milliseconds: Int64) -> Int64 { floorDivision(milliseconds, 1000) }

    private static func floorDivision(_ value: Int64, _ divisor: Int64) -> Int64 {
        let quotient = value / divisor
        return value % divisor < 0 ? quotient - 1 : quotient
    }
}
