import ChatModel
import ChatStore
import Networking

/// The model's timers on the event loop; wall-clock time for timestamps.
public final class EventLoopScheduler: Scheduler {
    public let loop: EventLoop

    public init(loop: EventLoop) { self.loop = loop }

    public var now: Int64 { Clock.nowMilliseconds() }

    @discardableResult
    public func schedule(after delay: Duration, _ body: @escaping () -> Void) -> ScheduledTimer {
        let id = loop.schedule(after: delay, body)
        return ScheduledTimer { [loop] in loop.cancel(id) }
    }
}
