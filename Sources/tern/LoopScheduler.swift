import ChatModel
import ChatStore
import Networking

/// The model's timers on the event loop; wall-clock time for timestamps.
final class LoopScheduler: Scheduler {
    let loop: EventLoop

    init(loop: EventLoop) { self.loop = loop }

    var now: Int64 { Clock.nowMilliseconds() }

    func schedule(after delay: Duration, _ body: @escaping () -> Void) -> ScheduledTimer {
        let id = loop.schedule(after: delay, body)
        return ScheduledTimer { [loop] in loop.cancel(id) }
    }
}
