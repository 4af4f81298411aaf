import Glibc

/// Local-time formatting with strftime-style patterns (%H, %M, %S, %d, %m, %Y, %a, %b ...).
public enum TimeFormat {
    public static func format(_ milliseconds: Int64, pattern: String) -> String {
        var seconds = time_t(milliseconds / 1000)
        var parts = tm()
        localtime_r(&seconds, &parts)
        var buffer = [CChar](repeating: 0, count: 128)
        let count = strftime(&buffer, buffer.count, pattern, &parts)
        return String(decoding: buffer.prefix(count).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// The local calendar day of a time (for day separators), as days since 1970.
    public static func localDay(_ milliseconds: Int64) -> Int {
        var seconds = time_t(milliseconds / 1000)
        var parts = tm()
        localtime_r(&seconds, &parts)
        return Int((milliseconds / 1000 + Int64(parts.tm_gmtoff)) / 86_400)
    }
}
