/// When the interactive client draws: what arrives from the network at most once per frame (a
/// flood of messages is drawn some 60 times a second, not once per message), and what a key
/// changed at once, so that typing never waits for the frame.
public struct FramePacing: Sendable {
    /// The shortest time between two frames drawn for what the network brought.
    public static let interval = Duration.milliseconds(16)
    private var lastFrame: ContinuousClock.Instant?
    private var keyPending = false

    public init() {}

    /// A key was handled: the next frame is due at once.
    public mutating func keyHandled() {
        keyPending = true
    }

    /// How long the next frame waits, at `now` (zero: draw now).
    public func wait(at now: ContinuousClock.Instant) -> Duration {
        guard !keyPending, let lastFrame else { return .zero }
        return max(.zero, Self.interval - (now - lastFrame))
    }

    /// A frame was drawn at `now`.
    public mutating func drawn(at now: ContinuousClock.Instant) {
        lastFrame = now
        keyPending = false
    }
}
