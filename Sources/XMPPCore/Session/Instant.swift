/// A point on a monotonic clock, in milliseconds. The core reads time only through the clock its
/// owner injects (the loop's clock at the edge, a manual one in tests).
public struct Instant: Sendable, Hashable, Comparable {
    public var milliseconds: Int64

    public init(milliseconds: Int64) { self.milliseconds = milliseconds }

    public static let zero = Instant(milliseconds: 0)

    public static func < (lhs: Instant, rhs: Instant) -> Bool { lhs.milliseconds < rhs.milliseconds }

    public static func + (lhs: Instant, rhs: Duration) -> Instant {
        Instant(milliseconds: lhs.milliseconds + rhs.milliseconds)
    }

    public static func - (lhs: Instant, rhs: Instant) -> Duration { .milliseconds(lhs.milliseconds - rhs.milliseconds) }
}

extension Duration {
    /// The duration in whole milliseconds (rounded toward zero).
    public var milliseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1000 + attoseconds / 1_000_000_000_000_000
    }
}
