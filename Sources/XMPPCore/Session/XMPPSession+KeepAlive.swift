/// Keep-alive and dead-link detection (XEP-0199 pings, XEP-0198 ack requests), and the clock.
///
/// The link counts as dead only when the server stays silent for `pingTimeout` after we asked it
/// something (a ping sent after `pingInterval` without inbound bytes, or an `<r/>`), with no byte
/// from it since. Halfway through that silence one more ping goes out: a server may hold what it
/// has to send (Prosody's client-state handling pauses its writes while we are inactive, and an
/// answer that slipped in just before the pause waits for the next important stanza, which an IQ
/// result is). Every deadline is measured from the clock reading of the request itself.
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
        keepAlive.since = keepAlive.since.map { $0 + asleep }
        now = reading
        if phase == .established && awaitingAnswer == nil { sendPing() }
    }

    /// When the server was last asked something it has not answered since (nothing came in since).
    var awaitingAnswer: Instant? {
        guard let since = keepAlive.since, lastInbound <= since else { return nil }
        return since
    }

    /// The keep-alive's next deadline: the probe or the verdict while waiting, else the next ping.
    var keepAliveDeadline: Instant? {
        guard phase == .established else { return nil }
        guard let since = awaitingAnswer else { return lastInbound + configuration.pingInterval }
        return keepAlive.probed ? since + configuration.pingTimeout : since + probeDelay
    }

    private var probeDelay: Duration { configuration.pingTimeout / 2 }

    /// We asked the server something (a ping, an `<r/>`): its silence from now on counts.
    func noteRequest() {
        if awaitingAnswer == nil {
            keepAlive.since = now
            keepAlive.probed = false
        }
    }

    func checkKeepAlive() {
        guard phase == .established else { return }
        guard let since = awaitingAnswer else {
            if now - lastInbound >= configuration.pingInterval { sendPing() }
            return
        }
        if now - since >= configuration.pingTimeout {
            fail(.pingTimeout)
        } else if !keepAlive.probed && now - since >= probeDelay {
            keepAlive.probed = true
            sendPing()
        }
    }

    /// A ping to the server; its answer, like any byte, shows the link is alive (the verdict is
    /// `checkKeepAlive`'s, not this request's own timeout).
    private func sendPing() {
        let ping = XMLElement.iq(
            .get, id: makeID(), to: boundJID.domain, payload: XMLElement("ping", namespace: Namespace.ping))
        iqs.track(id: ping.id ?? "", to: boundJID.domain, deadline: now + configuration.iqTimeout) { _ in }
        noteRequest()
        write(ping)
    }
}

/// The keep-alive's state: since when the server has been silent to a request, and whether the
/// halfway probe went out.
struct KeepAliveState {
    var since: Instant?
    var probed = false
}
