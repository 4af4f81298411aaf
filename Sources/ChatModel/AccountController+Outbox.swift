import ChatStore
import XMPPCore

/// The outbox: messages are stored before they are sent, written in the order they were typed,
/// and marked acknowledged when the server confirms them (stream management acks, else a ping).
extension AccountController {
    /// The features that hold some outbox entries back (a room's messages until it is joined).
    var outboxGates: [any OutboxGate] { features.compactMap { $0 as? any OutboxGate } }

    /// Sends every outbox entry not yet written on this stream, in the order they were typed.
    /// With stream management the server's acks confirm them (each entry's stanza number is
    /// committed before it is written); without, a ping after them does.
    func flushOutbox() {
        guard let session else { return }
        let pending: [OutboxEntry]
        do {
            pending = try store.outbox(account: accountID).filter { entry in
                !awaitingAck.contains(entry.messageID) && !outboxGates.contains { $0.holds(entry) }
            }
        } catch {
            log(.error, "could not read the outbox: \(error)")
            return
        }
        guard !pending.isEmpty else { return }
        let first = session.nextOutboundSequence
        let numbered = pending.enumerated().map { index, entry in
            (messageID: entry.messageID, sequence: first.map { $0 &+ UInt32(truncatingIfNeeded: index) })
        }
        do {
            try store.markSent(numbered)
        } catch {
            log(.error, "could not update the outbox: \(error)")
            return
        }
        for (entry, number) in zip(pending, numbered) {
            guard session.send(serialized: entry.stanza) else { return }
            awaitingAck.append(entry.messageID)
            if let sequence = number.sequence { outboxBySequence[sequence] = entry.messageID }
            if let conversation = JID(parsing: entry.conversation) {
                onEvent(
                    .messageStored(
                        conversation: conversation, messageID: entry.messageID, isNew: false, outgoing: true,
                        markable: nil))
            }
        }
        if !session.isStreamManaged { requestAck() }
    }

    /// A ping after the messages: the server handles a stream in order, so its answer proves it
    /// has them. Only without stream management.
    func requestAck() {
        guard !ackPending, let session, !session.isStreamManaged else { return }
        let covered = awaitingAck
        guard !covered.isEmpty else { return }
        ackPending = true
        let ping = XMLElement.iq(
            .get, id: session.makeID(), to: session.boundJID.domain,
            payload: XMLElement("ping", namespace: Namespace.ping))
        session.sendIQ(ping) { [weak self] result in
            guard let self else { return }
            self.ackPending = false
            switch result {
            case .success, .failure(.error):
                self.acknowledge(covered)
                self.requestAck()
            case .failure(.timeout), .failure(.disconnected):
                return
            }
        }
    }

    /// A message that went out goes again: it no longer waits for an acknowledgement on this
    /// stream (an ack of its old number must not take the requeued entry out of the outbox).
    func forgetSent(_ id: Int64) {
        awaitingAck.removeAll { $0 == id }
        outboxBySequence = outboxBySequence.filter { $0.value != id }
    }

    func acknowledge(_ ids: [Int64]) {
        do {
            try store.markAcked(ids)
        } catch {
            log(.error, "could not update the outbox: \(error)")
        }
        let acked = Set(ids)
        awaitingAck.removeAll { acked.contains($0) }
        for id in ids {
            if let message = try? store.message(id: id), let conversation = JID(parsing: message.conversation) {
                onEvent(
                    .messageStored(
                        conversation: conversation, messageID: id, isNew: false, outgoing: true, markable: nil))
            }
        }
    }
}

/// A feature that keeps some outbox entries from going out for now; it calls `flushOutbox()`
/// when they may.
protocol OutboxGate: AnyObject {
    func holds(_ entry: OutboxEntry) -> Bool
}
