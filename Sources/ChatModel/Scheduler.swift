/// Timers for the model, supplied by the edge (the event loop) or by tests (a manual clock).
public protocol Scheduler: AnyObject {
    /// Wall-clock time, UTC milliseconds.
    var now: Int64 { get }
    @discardableResult
    func schedule(after delay: Duration, _ body: @escaping () -> Void) -> ScheduledTimer
}

/// A timer that can be cancelled.
public final class ScheduledTimer {
    private var cancelAction: (() -> Void)?

    public init(cancel: @escaping () -> Void) { cancelAction = cancel }

    public func cancel() {
        cancelAction?()
        cancelAction = nil
    }
}
