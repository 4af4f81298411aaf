import ChatStore
import XMPPCore

/// Stream management (XEP-0198) as the account sees it: which outbox entries the server has,
/// the stream to resume after a break (in memory, and in the store for the next run).
extension AccountController {
    func handleStreamManagement(_ event: StreamManagementEvent) {
        switch event {
        case .enabled(let resumable):
            log(.debug, resumable ? "stream management on, resumable" : "stream management on (no resumption)")
            persistStreamState()
        case .acknowledging:
            // Written before the `<a/>` goes out: a later run resumes with at least this count.
            persistStreamState()
        case .unavailable(let reason):
            log(.debug, "\(reason); confirming messages with pings")
            outboxBySequence.removeAll()
            requestAck()
        case .acknowledged(let h):
            let acked = outboxBySequence.filter { !StreamResumption.isAfter($0.key, h) }
            guard !acked.isEmpty else { return }
            for sequence in acked.keys { outboxBySequence[sequence] = nil }
            acknowledge(acked.sorted { StreamResumption.isAfter($1.key, $0.key) }.map(\.value))
        case .resumeFailed(let h):
            log(.info, "the server no longer has the previous stream; starting a new session")
            if let h { handleStreamManagement(.acknowledged(through: h)) }
            forgetResumption()
        }
    }

    /// The stream kept from the previous run, if the store has one.
    func loadStreamState() {
        guard let state = try? store.streamState(account: accountID), let bound = JID(parsing: state.boundJID),
            bound.bare == jid
        else { return }
        resumption = StreamResumption(
            id: state.resumptionID, location: state.location, boundJID: bound,
            handled: UInt32(truncatingIfNeeded: state.inboundCount), sent: nil, acknowledged: 0,
            maximumSeconds: state.maximumSeconds.map { Int($0) })
        resumptionBrokeAt = state.updatedAt
        resumptionFromStore = true
        persistedHandled = UInt32(truncatingIfNeeded: state.inboundCount)
        for entry in (try? store.outbox(account: accountID)) ?? [] {
            guard let sequence = entry.sentSequence else { continue }
            outboxBySequence[sequence] = entry.messageID
            awaitingAck.append(entry.messageID)
        }
    }

    /// The stream to resume now, unless the server's window has passed.
    func usableResumption() -> StreamResumption? {
        guard let resumption else { return nil }
        if let seconds = resumption.maximumSeconds, scheduler.now - resumptionBrokeAt > Int64(seconds) * 1000 {
            log(.debug, "the previous stream has expired on the server; starting a new session")
            forgetResumption()
            return nil
        }
        return resumption
    }

    /// No stream to resume any more: presences we kept for it are stale, and the next session
    /// numbers its stanzas afresh.
    func forgetResumption() {
        guard resumption != nil || persistedHandled != nil else { return }
        if resumption != nil && connection?.session.isEstablished != true {
            for feature in features { feature.resumptionForgotten() }
        }
        resumption = nil
        resumptionFromStore = false
        persistedHandled = nil
        try? store.clearStreamState(account: accountID)
    }

    /// Writes the current (or kept) stream's resumption state. It is written whenever we
    /// acknowledge inbound stanzas, so the stored count is never below what the server was told
    /// (a lower one fails the resumption) and never above what was committed (ack after commit).
    func persistStreamState() {
        guard !userDisconnected, let state = connection?.session.resumption ?? resumption else { return }
        guard state.handled != persistedHandled || persistedHandled == nil else { return }
        do {
            try store.saveStreamState(
                StreamResumptionState(
                    resumptionID: state.id, location: state.location, boundJID: state.boundJID.description,
                    inboundCount: Int64(state.handled), outboundCount: Int64(state.sent ?? 0), updatedAt: scheduler.now,
                    maximumSeconds: state.maximumSeconds.map { Int64($0) }), account: accountID)
            persistedHandled = state.handled
        } catch {
            log(.warning, "could not save the stream state: \(error)")
        }
    }
}
