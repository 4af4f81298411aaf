/// The median, 99th percentile and maximum of some durations (seconds).
struct Spread {
    let sorted: [Double]

    init(_ values: [Double]) { sorted = values.sorted() }

    var median: Double { sorted.isEmpty ? 0 : sorted[sorted.count / 2] }
    var p99: Double { sorted.isEmpty ? 0 : sorted[min(sorted.count - 1, sorted.count * 99 / 100)] }
    var max: Double { sorted.last ?? 0 }

    /// `median N ms (min N)`.
    var ms: String { "\(format(median * 1000)) ms (min \(format((sorted.first ?? 0) * 1000)))" }

    /// `median N ms, p99 N ms, max N ms (COUNT keys)`.
    var tail: String {
        "median \(format(median * 1000)) ms, p99 \(format(p99 * 1000)) ms, max \(format(max * 1000)) ms"
            + " (\(sorted.count) keys)"
    }
}
