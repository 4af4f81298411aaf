import ChatModel
import Testing

/// Times as the chat shows them (in the machine's time zone, whichever it is) and the local day
/// that day separators go by.
@Suite struct TimeFormatTests {
    /// 2023-11-14 22:13:20 UTC.
    static let instant: Int64 = 1_700_000_000_000

    @Test func aPatternShowsTheTimeAndKeepsItsText() {
        #expect(TimeFormat.format(Self.instant, pattern: "%S") == "20", "seconds are the same in every zone")
        #expect(TimeFormat.format(Self.instant + 999, pattern: "%S") == "20", "milliseconds are cut, not rounded")
        #expect(TimeFormat.format(-500, pattern: "%S") == "59", "half a second before 1970")
        #expect(TimeFormat.format(Self.instant, pattern: "at 100%%") == "at 100%")
        #expect(TimeFormat.format(Self.instant, pattern: "[%S] ·") == "[20] ·", "other text as it is, in UTF-8")
        #expect(TimeFormat.format(Self.instant, pattern: "") == "")
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil).
    func days(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// The local day of every 37th minute of a year (DST changes included, wherever the machine
    /// is), of the hours around 1970, and of a message a broken server dated before it, is the
    /// day of its local date.
    @Test func theLocalDayIsTheDayOfTheLocalDate() {
        let times =
            Array(stride(from: Self.instant, to: Self.instant + 366 * 86_400_000, by: 37 * 60_000))
            + Array(stride(from: Int64(-3 * 86_400_000), to: 3 * 86_400_000, by: 3_599_000))
        for time in times {
            let parts = TimeFormat.format(time, pattern: "%Y %m %d").split(separator: " ").compactMap { Int($0) }
            guard parts.count == 3 else {
                Issue.record("no date for \(time)")
                return
            }
            let expected = days(year: parts[0], month: parts[1], day: parts[2])
            guard TimeFormat.localDay(time) == expected else {
                Issue.record("\(time) is on day \(expected), not \(TimeFormat.localDay(time))")
                return
            }
        }
    }

}
