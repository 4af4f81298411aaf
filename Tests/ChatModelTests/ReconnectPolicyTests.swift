import Testing
import XMPPCore

@testable import ChatModel

/// The reconnect policy on its own: every delay and redirect decision over a manual timeline.
@Suite struct ReconnectPolicyTests {
    static let cut = ConnectionFailure(description: "connection lost", isRetryable: true)

    static func redirect(_ host: String) -> ConnectionFailure {
        ConnectionFailure(
            SessionError.streamError(StreamError(condition: .seeOtherHost, otherHost: host)))
    }

    @Test func aLongLivedConnectionIsRetriedAtOnceThenWithDoublingWaitsUpToFiveMinutes() {
        var policy = ReconnectPolicy()
        policy.online(at: 0)
        var delays: [Int64] = []
        var wasOnline = true
        for step in 0..<12 {
            delays.append(
                policy.delay(
                    after: Self.cut, wasOnline: wasOnline, now: 60_000 + Int64(step) * 1_000, jitter: 1, pause: 10))
            wasOnline = false
        }
        #expect(delays == [0, 1_000, 2_000, 4_000, 8_000, 16_000, 32_000, 64_000, 128_000, 256_000, 300_000, 300_000])
        // Online again: the next break is retried at once and the waits start over.
        policy.online(at: 1_000_000)
        #expect(policy.delay(after: Self.cut, wasOnline: true, now: 1_020_000, jitter: 1, pause: 10) == 0)
        #expect(policy.delay(after: Self.cut, wasOnline: false, now: 1_020_100, jitter: 1, pause: 10) == 1_000)
    }

    @Test func jitterSpreadsEveryWaitButTheImmediateOne() {
        var low = ReconnectPolicy()
        var high = ReconnectPolicy()
        #expect(low.delay(after: Self.cut, wasOnline: false, now: 0, jitter: 0.75, pause: 10) == 750)
        #expect(high.delay(after: Self.cut, wasOnline: false, now: 0, jitter: 1.25, pause: 10) == 1_250)
        for _ in 0..<20 {
            _ = low.delay(after: Self.cut, wasOnline: false, now: 0, jitter: 0.75, pause: 10)
            _ = high.delay(after: Self.cut, wasOnline: false, now: 0, jitter: 1.25, pause: 10)
        }
        #expect(low.delay(after: Self.cut, wasOnline: false, now: 0, jitter: 0.75, pause: 10) == 225_000)
        #expect(high.delay(after: Self.cut, wasOnline: false, now: 0, jitter: 1.25, pause: 10) == 375_000)
    }

    /// A server that accepts every session and drops it at once gets one immediate retry a
    /// minute, not a tight loop.
    @Test func aConnectionThatDiesYoungIsRetriedAtOnceOnlyOnceAMinute() {
        var policy = ReconnectPolicy()
        var now: Int64 = 0
        var immediate: [Int64] = []
        for _ in 0..<30 {
            policy.online(at: now)
            now += 2_000
            if policy.delay(after: Self.cut, wasOnline: true, now: now, jitter: 1, pause: 10) == 0 {
                immediate.append(now)
            }
            now += 3_000
        }
        #expect(immediate == [2_000, 62_000, 122_000])
    }

    @Test func aServerShuttingDownGetsItsPause() {
        var policy = ReconnectPolicy()
        policy.online(at: 0)
        let shutdown = ConnectionFailure(SessionError.streamError(StreamError(condition: .systemShutdown)))
        #expect(policy.delay(after: shutdown, wasOnline: true, now: 30_000, jitter: 1, pause: 7.5) == 7_500)
        #expect(policy.delay(after: shutdown, wasOnline: false, now: 40_000, jitter: 1, pause: 5) == 5_000)
        #expect(policy.delay(after: shutdown, wasOnline: false, now: 50_000, jitter: 1, pause: 5) == 5_000)
        #expect(policy.delay(after: shutdown, wasOnline: false, now: 60_000, jitter: 1, pause: 5) == 5_000)
        #expect(policy.delay(after: shutdown, wasOnline: false, now: 70_000, jitter: 1, pause: 5) == 8_000)
    }

    @Test func redirectsAreFollowedThreeInARowUntilAConnectionLasts() {
        var policy = ReconnectPolicy()
        var followed: [Bool] = []
        for index in 0..<5 {
            let outcome = policy.ended(by: Self.redirect("other\(index).example"), wasOnline: false, now: 0)
            followed.append(outcome?.followed ?? false)
            if outcome?.followed == true { #expect(policy.takeRedirect() == "other\(index).example") }
            #expect(policy.takeRedirect() == nil, "a redirect is used once")
        }
        #expect(followed == [true, true, true, false, false])
        // A connection that stayed online for 10 s: redirects are followed again.
        policy.online(at: 100_000)
        #expect(policy.ended(by: Self.cut, wasOnline: true, now: 109_000) == nil)
        #expect(policy.ended(by: Self.redirect("x.example"), wasOnline: false, now: 109_500)?.followed == false)
        policy.online(at: 200_000)
        #expect(policy.ended(by: Self.redirect("y.example"), wasOnline: true, now: 210_000)?.followed == true)
        #expect(policy.takeRedirect() == "y.example")
        // A clean logout or another error is not a redirect.
        #expect(policy.ended(by: nil, wasOnline: true, now: 220_000) == nil)
    }
}
