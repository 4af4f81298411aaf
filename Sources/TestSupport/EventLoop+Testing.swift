import Networking

extension EventLoop {
    /// Runs the loop until `condition` holds or `timeout` passes; returns whether it held.
    @discardableResult
    public func run(for timeout: Duration, until condition: () -> Bool) -> Bool {
        let deadline = now + timeout
        while !condition() {
            guard now < deadline else { return false }
            runOnce(maximumWait: min(.milliseconds(50), deadline - now))
        }
        return true
    }
}
