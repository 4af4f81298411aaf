/// Keep-alive and dead-link detection (XEP-0199 pings, XEP-0198 ack requests), and the clock.
///
/// The link counts as dead only when the server stays silent for `pingTimeout` after we asked it
/// something: a ping sent after `pingInterval` without inbound bytes, or an `<r/>` with nothing
/// received since. Every deadline is measured from the clock reading of the request itself.
extension XMPPSession {
    /// How much later than its next deadline the session may be woken before it counts as not
    /// having run at all (the machine slept, or the process was stopped).
    static let lateness = Duration.seconds(5)

    /// Reads the clock for the current input or request. When the reading is far past the
    /// earliest deadline (nothing woke the session), the time since the previous reading was not
    /// awake time: every deadline moves by it, so that nothing times out for the server's failure
    /// to answer while we were not listening, and an established stream is checked with a ping
    /// at once.
    func readClock() {
        let reading = clock()
        defer { now = max(now, reading) }
        guard phase != .idle && phase != .closed, let deadline = nextDeadline, reading > deadline + Self.lateness
        else { return }
        let asleep = reading - now
        phaseDeadline = phaseDeadline.map { $0 + asleep }
        iqs.postpone(by: asleep)
        lastInbound = lastInbound + asleep
        sm.ackRequestedAt = sm.ackRequestedAt.map { $0 + asleep }
        now = reading
        if phase == .established && keepAlivePingID == nil { sendKeepAlivePing() }
    }

    func checkKeepAlive() {
        guard phase == .established, keepAlivePingID == nil, now - lastInbound >= configuration.pingInterval
        else { return }
        sendKeepAlivePing()
    }

    private func sendKeepAlivePing() {
        let id = makeID()
        keepAlivePingID = id
        let ping = XMLElement.iq(
            .get, id: id, to: boundJID.domain, payload: XMLElement("ping", namespace: Namespace.ping))
        iqs.track(id: id, to: boundJID.domain, deadline: now + configuration.pingTimeout) { [weak self] result in
            guard let self else { return }
            self.keepAlivePingID = nil
            if case .failure(.timeout) = result { self.fail(.pingTimeout) }
        }
        write(ping)
    }
}
