import Testing
import XMPPCore

/// XEP-0082 date-times, as delay stamps (XEP-0203) and archive times (XEP-0313) carry them.
@Suite struct XMPPDateTimeTests {
    /// XEP-0082 §3.2's two examples name the same instant.
    @Test func theXEPsExamplesAreTheSameMoment() {
        #expect(XMPPDateTime.milliseconds(from: "1969-07-21T02:56:15Z") == -14_159_025_000)
        #expect(XMPPDateTime.milliseconds(from: "1969-07-20T21:56:15-05:00") == -14_159_025_000)
    }

    @Test(arguments: [
        ("2002-09-10T23:08:25Z", 1_031_699_305_000), ("2002-09-10T23:08:25.123Z", 1_031_699_305_123),
        ("2002-09-10T23:08:25.1Z", 1_031_699_305_100), ("2002-09-10T23:08:25.123456789Z", 1_031_699_305_123),
        ("2002-09-11T09:08:25+10:00", 1_031_699_305_000), ("2002-09-10T13:08:25.5-10:00", 1_031_699_305_500),
        ("2002-09-10T23:08:25+00:00", 1_031_699_305_000), ("2024-02-29T00:00:00Z", 1_709_164_800_000),
        ("1998-12-31T23:59:60Z", 915_148_799_000), ("1900-03-01T00:00:00Z", -2_203_891_200_000),
        ("9999-12-31T23:59:59.999Z", 253_402_300_799_999), ("2002-09-11T13:08:25+14:00", 1_031_699_305_000),
    ])
    func dateTimesAreUTCMilliseconds(text: String, milliseconds: Int64) {
        #expect(XMPPDateTime.milliseconds(from: text) == milliseconds)
    }

    @Test(arguments: [
        "", "2002-09-10T23:08:25", "2002-09-10 23:08:25Z", "02-09-10T23:08:25Z", "2002-9-10T23:08:25Z",
        "2002-13-10T23:08:25Z", "2002-00-10T23:08:25Z", "2002-09-00T23:08:25Z", "2002-09-32T23:08:25Z",
        "2002-09-10T24:00:00Z", "2002-09-10T23:60:00Z", "2002-09-10T23:08:61Z", "2002-09-10T23:08:25.Z",
        "2002-09-10T23:08:25+0500", "2002-09-10T23:08:25+05", "2002-09-10T23:08:25Zjunk", "2002-09-10T23:08:25 Z",
        "2002-09-10", "2002-09-10T23:08Z", "２００２-09-10T23:08:25Z", "2002-09-10T23:08:25+25:00",
        "2002-09-10T23:08:25-05:60", "2023-02-29T00:00:00Z", "2100-02-29T00:00:00Z", "2024-02-30T00:00:00Z",
        "2023-04-31T00:00:00Z", "2023-11-31T00:00:00Z", "2002-09-10T23:08:25+14:30",
    ])
    func malformedOrImpossibleDateTimesAreRefused(text: String) {
        #expect(XMPPDateTime.milliseconds(from: text) == nil)
    }

    @Test func utcTimesAreWrittenWithMilliseconds() {
        #expect(XMPPDateTime.string(fromMilliseconds: 0) == "1970-01-01T00:00:00.000Z")
        #expect(XMPPDateTime.string(fromMilliseconds: -1) == "1969-12-31T23:59:59.999Z")
        #expect(XMPPDateTime.string(fromMilliseconds: -14_159_025_000) == "1969-07-21T02:56:15.000Z")
        #expect(XMPPDateTime.string(fromMilliseconds: 1_709_164_800_042) == "2024-02-29T00:00:00.042Z")
    }

    @Test func writtenTimesReadBackExactly() {
        let day: Int64 = 86_400_000
        for milliseconds in stride(from: -400 * 365 * day, through: 400 * 365 * day, by: 7_777_777_777) {
            let text = XMPPDateTime.string(fromMilliseconds: milliseconds)
            #expect(XMPPDateTime.milliseconds(from: text) == milliseconds, "\(text)")
        }
    }
}
