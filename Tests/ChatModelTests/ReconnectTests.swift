import ChatModel
import TestServers
import TestSupport
import Testing
import XMPPCore

/// An account's connection over time: the waits between attempts, drawn from the account's own
/// random source; what /disconnect, /connect and /reconnect do meanwhile; logins that cannot
/// succeed; and the state as the status bar says it.
@Suite struct ReconnectTests {
    /// The waits, in milliseconds, of `count` attempts after a working connection broke and the
    /// server stayed unreachable, with the account's jitter drawn from `seed`.
    func waits(seed: UInt64, count: Int) -> [Int64] {
        let fixture = ModelFixture()
        fixture.account.randomSource = SplitMix64(state: seed)
        fixture.connect()
        fixture.reachable = false
        fixture.harness.perform { $0.transportClosed() }
        #expect(fixture.account.status == .reconnecting(at: fixture.scheduler.now), "a broken link: at once")
        fixture.scheduler.advance(by: .zero)
        var waits: [Int64] = []
        for _ in 0..<count {
            guard case .reconnecting(let at) = fixture.account.status else {
                Issue.record("expected reconnecting, got \(fixture.account.status)")
                break
            }
            waits.append(at - fixture.scheduler.now)
            fixture.scheduler.advance(by: .milliseconds(at - fixture.scheduler.now))
        }
        #expect(fixture.connectionCount == 2 + waits.count)
        return waits
    }

    /// The waits doubling from one second to five minutes, times the jitter.
    static func base(_ attempt: Int) -> Double { min(300, Double(1 << min(attempt, 9))) }

    @Test func eachWaitIsTheDoublingBackoffTimesAJitterFromTheAccountsSource() {
        var source = SplitMix64(state: 42)
        var expected: [Int64] = []
        // Each attempt draws the jitter, then the pause a shutting-down server would get.
        _ = Double.random(in: 0.75...1.25, using: &source)
        _ = Double.random(in: 5...15, using: &source)
        for attempt in 0..<12 {
            let jitter = Double.random(in: 0.75...1.25, using: &source)
            _ = Double.random(in: 5...15, using: &source)
            expected.append(Int64(Self.base(attempt) * jitter * 1000))
        }
        #expect(waits(seed: 42, count: 12) == expected)
    }

    @Test func theJitterStaysWithinAQuarterAndSpreadsAccountsApart() {
        var firsts: Set<Int64> = []
        for seed in UInt64(1)...20 {
            let found = waits(seed: seed, count: 11)
            for (attempt, wait) in found.enumerated() {
                let base = Self.base(attempt) * 1000
                #expect(Double(wait) >= base * 0.75 && Double(wait) <= base * 1.25, "seed \(seed): \(found)")
            }
            firsts.insert(found.first ?? 0)
        }
        #expect(firsts.count >= 15, "twenty accounts cut at once do not come back together: \(firsts.sorted())")
    }

    @Test func disconnectWhileWaitingStaysOffline() throws {
        let fixture = ModelFixture()
        fixture.connect()
        fixture.reachable = false
        fixture.harness.perform { $0.transportClosed() }
        fixture.scheduler.advance(by: .milliseconds(1))
        guard case .reconnecting = fixture.account.status else {
            Issue.record("expected reconnecting, got \(fixture.account.status)")
            return
        }
        fixture.model.submit("/disconnect")
        #expect(fixture.account.status == .offline)
        #expect(!fixture.model.log.contains { $0.text.contains("already offline") })
        let attempts = fixture.connectionCount
        fixture.scheduler.advance(by: .seconds(3600))
        #expect(fixture.connectionCount == attempts, "no attempt after /disconnect")
        #expect(fixture.model.accountRows.first?.status.summary(now: fixture.scheduler.now) == "offline")
    }

    @Test func reconnectSkipsTheWait() throws {
        let fixture = ModelFixture()
        fixture.connect()
        fixture.reachable = false
        fixture.harness.perform { $0.transportClosed() }
        fixture.scheduler.advance(by: .milliseconds(1))
        for _ in 0..<3 {
            guard case .reconnecting(let at) = fixture.account.status else { break }
            fixture.scheduler.advance(by: .milliseconds(at - fixture.scheduler.now))
        }
        guard case .reconnecting(let at) = fixture.account.status else {
            Issue.record("expected reconnecting, got \(fixture.account.status)")
            return
        }
        #expect(at - fixture.scheduler.now >= 6_000, "a wait of some seconds")
        fixture.reachable = true
        let before = fixture.connectionCount
        fixture.model.submit("/reconnect")
        #expect(fixture.model.log.contains { $0.text == "reconnecting now (instead of waiting)" })
        #expect(fixture.connectionCount == before + 1)
        #expect(fixture.account.status == .online)
        fixture.scheduler.advance(by: .seconds(600))
        #expect(fixture.connectionCount == before + 1, "the skipped wait does not start another")
    }

    @Test func aWrongPasswordIsNotTriedAgainButATemporaryFailureIs() throws {
        let fixture = ModelFixture()
        fixture.connect()
        fixture.connection.onEvent(
            .disconnected(
                ConnectionFailure(SessionError.authentication(.failure(condition: .notAuthorized, text: nil)))))
        #expect(fixture.account.status == .failed("wrong user name or password (not-authorized)"))
        #expect(fixture.model.log.last?.level == .error)
        #expect(
            fixture.model.accountRows.first?.status.summary(now: fixture.scheduler.now)
                == "offline (failed: wrong user name or password (not-authorized))")
        fixture.scheduler.advance(by: .seconds(3600))
        #expect(fixture.connectionCount == 1)
        fixture.model.submit("/connect")
        #expect(fixture.model.log.contains { $0.text == "connecting as alice@example.org" })
        #expect(fixture.connectionCount == 2, "the user may try again")
        #expect(fixture.account.status == .online)
        fixture.connection.onEvent(
            .disconnected(
                ConnectionFailure(
                    SessionError.authentication(.failure(condition: .temporaryAuthFailure, text: "database down")))))
        guard case .reconnecting = fixture.account.status else {
            Issue.record("expected reconnecting, got \(fixture.account.status)")
            return
        }
        fixture.scheduler.advance(by: .seconds(2))
        #expect(fixture.connectionCount == 3)
    }

    @Test func anAccountWithoutItsPasswordSaysWhyAtEveryConnect() throws {
        let fixture = ModelFixture()
        fixture.account.cannotConnect = "password_file ~/.tern-pw cannot be read (No such file or directory)"
        fixture.model.submit("/connect")
        #expect(fixture.connectionCount == 0)
        #expect(
            fixture.account.status == .failed("password_file ~/.tern-pw cannot be read (No such file or directory)"))
        #expect(fixture.model.log.last?.level == .error)
        fixture.model.submit("/reconnect")
        #expect(fixture.connectionCount == 0)
        #expect(
            fixture.model.log.filter { $0.text.hasPrefix("password_file") }.count == 2, "said again, never hidden")
    }

    @Test func connectSaysWhatItDoesInEveryState() throws {
        let fixture = ModelFixture()
        fixture.reachable = false
        fixture.model.submit("/connect")
        #expect(fixture.model.log.contains { $0.text == "connecting as alice@example.org" })
        guard case .reconnecting = fixture.account.status else {
            Issue.record("expected reconnecting, got \(fixture.account.status)")
            return
        }
        let before = fixture.model.log.count
        fixture.model.submit("/connect")
        #expect(fixture.model.log.dropFirst(before).first?.text == "reconnecting now (instead of waiting)")
        #expect(fixture.connectionCount == 2, "tried at once")
        fixture.reachable = true
        fixture.model.submit("/reconnect")
        #expect(fixture.account.status == .online)
        fixture.model.submit("/connect")
        #expect(fixture.model.log.last?.text == "already connected as alice@example.org/tern")
    }

    @Test func theStatusBarCountsTheSecondsLeftUp() {
        let now: Int64 = 1_000_000
        #expect(ConnectionStatus.reconnecting(at: now + 7_001).summary(now: now) == "reconnecting in 8 s")
        #expect(ConnectionStatus.reconnecting(at: now + 7_000).summary(now: now) == "reconnecting in 7 s")
        #expect(ConnectionStatus.reconnecting(at: now + 1).summary(now: now) == "reconnecting in 1 s")
        #expect(ConnectionStatus.reconnecting(at: now - 500).summary(now: now) == "reconnecting in 0 s", "overdue")
        #expect(ConnectionStatus.connecting.summary(now: now) == "connecting")
        #expect(ConnectionStatus.online.summary(now: now) == "online")
        #expect(ConnectionStatus.online.isOnline && !ConnectionStatus.connecting.isOnline)
    }
}
