import ChatModel
import ChatRuntime
import Networking
import XMPPCore

/// The event loop's timers and wall clock, with a clock a test can move forward: `skip(by:)` adds
/// to what `now` reads and runs, in order, every timer that falls due meanwhile, each at its own
/// time, as `ManualScheduler.advance` does. For integration tests of what an account does after a
/// long silence (XEP-0410 self-pings after 15 minutes) against a real server, which never waits:
/// the connection's own timers (keep-alive, IQ timeouts) keep to the real clock.
public final class SkippingScheduler: Scheduler {
    private let base: EventLoopScheduler
    /// How far `now` is ahead of the wall clock.
    private var skipped: Int64 = 0
    private var timers: [(deadline: Int64, id: Int, body: () -> Void, real: ScheduledTimer)] = []
    private var nextID = 0

    public init(loop: EventLoop) { base = EventLoopScheduler(loop: loop) }

    public var now: Int64 { base.now + skipped }

    public func schedule(after delay: Duration, _ body: @escaping () -> Void) -> ScheduledTimer {
        nextID += 1
        let id = nextID
        // Due on the loop as usual, unless a skip ran it first.
        let real = base.schedule(after: delay) { [weak self] in
            guard let self, self.timers.contains(where: { $0.id == id }) else { return }
            self.timers.removeAll { $0.id == id }
            body()
        }
        timers.append((now + delay.milliseconds, id, body, real))
        return ScheduledTimer { [weak self] in
            real.cancel()
            self?.timers.removeAll { $0.id == id }
        }
    }

    /// Moves the clock `duration` ahead and runs the timers that became due, in order.
    public func skip(by duration: Duration) {
        let target = now + duration.milliseconds
        while let next = timers.filter({ $0.deadline <= target }).min(by: {
            ($0.deadline, $0.id) < ($1.deadline, $1.id)
        }) {
            timers.removeAll { $0.id == next.id }
            next.real.cancel()
            skipped = max(skipped, next.deadline - base.now)
            next.body()
        }
        skipped = target - base.now
    }
}
