import ChatStore
import XMPPCore
import XMPPExtensions

/// Receiving and sending one-to-one messages.
extension AccountController {
    func receive(_ message: ChatMessage) {
        let from = message.from ?? jid.domain
        let peer = from.bare
        if message.type == "error" {
            guard let id = message.id else { return }
            let reason = message.error?.description ?? "error"
            do {
                if let failed = try store.markFailed(
                    account: accountID, conversation: peer, idAttribute: id, error: reason)
                {
                    onEvent(.messageStored(conversation: peer, messageID: failed, isNew: false, outgoing: true))
                }
            } catch {
                log(.error, "could not store a delivery error: \(error)")
            }
            log(.warning, "message to \(peer) failed: \(reason)")
            return
        }
        if let state = message.chatState, message.type != "groupchat" {
            let shown: ChatState? = message.body == nil ? state : nil
            if chatStates[peer] != shown {
                chatStates[peer] = shown
                onEvent(.chatStateChanged(peer, shown))
            }
        }
        guard let body = message.body, message.type != "groupchat", message.type != "headline" else { return }
        let stanzaID = message.stanzaID(by: jid)
        let stored = NewMessage(
            conversation: peer, outgoing: false, sender: from.description, senderKey: peer.description,
            recipient: message.to?.description, body: body, timestamp: message.delay ?? scheduler.now,
            type: message.type, idAttribute: message.id, originID: message.originID, stanzaID: stanzaID,
            stanzaIDBy: stanzaID == nil ? nil : jid.description, corrects: message.replaces)
        do {
            let outcome = try store.insert(stored, account: accountID)
            switch outcome {
            case .inserted(let id), .correction(of: let id):
                onEvent(.messageStored(conversation: peer, messageID: id, isNew: outcome.isNew, outgoing: false))
            case .duplicate:
                return
            case .rejectedCorrection:
                log(.debug, "dropped a correction from \(from) of a message it did not send")
            }
        } catch {
            log(.error, "could not store a message from \(peer): \(error)")
        }
    }

    /// Sends a chat message: stored in the outbox first, then sent (now if online, else on the
    /// next login). Returns the stored message's id.
    @discardableResult
    public func send(_ body: String, to contact: JID) -> Int64? {
        let id = connection?.session.makeID() ?? makeMessageID()
        let stanza = Message.chat(to: contact.bare, body: body, id: id)
        let message = NewMessage(
            conversation: contact.bare, outgoing: true, sender: boundJID.description, senderKey: jid.description,
            recipient: contact.bare.description, body: body, timestamp: scheduler.now, idAttribute: id, originID: id)
        do {
            let stored = try store.enqueue(
                message, stanza: stanza.serialized(parentNamespace: Namespace.client), account: accountID)
            onEvent(.messageStored(conversation: contact.bare, messageID: stored, isNew: true, outgoing: true))
            if session != nil { flushOutbox() }
            return stored
        } catch {
            log(.error, "could not store your message to \(contact): \(error) — it was not sent")
            return nil
        }
    }

    /// Sends every outbox entry not yet written on this session, in the order they were typed,
    /// then asks the server for a round trip that confirms them.
    func flushOutbox() {
        guard let session else { return }
        do {
            for entry in try store.outbox(account: accountID) where !awaitingAck.contains(entry.messageID) {
                guard session.send(serialized: entry.stanza) else { return }
                try store.markSent(entry.messageID)
                awaitingAck.append(entry.messageID)
                if let conversation = JID(parsing: entry.conversation) {
                    onEvent(
                        .messageStored(
                            conversation: conversation, messageID: entry.messageID, isNew: false, outgoing: true))
                }
            }
        } catch {
            log(.error, "could not read the outbox: \(error)")
        }
        requestAck()
    }

    /// A ping after the messages: the server handles a stream in order, so its answer proves it
    /// has them (stream management acknowledgements replace this when the server offers them).
    private func requestAck() {
        guard !ackPending, !awaitingAck.isEmpty, let session else { return }
        ackPending = true
        let covered = awaitingAck
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

    private func acknowledge(_ ids: [Int64]) {
        do {
            try store.markAcked(ids)
        } catch {
            log(.error, "could not update the outbox: \(error)")
        }
        awaitingAck.removeAll { ids.contains($0) }
        for id in ids {
            if let message = try? store.message(id: id), let conversation = JID(parsing: message.conversation) {
                onEvent(.messageStored(conversation: conversation, messageID: id, isNew: false, outgoing: true))
            }
        }
    }

    private func makeMessageID() -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")
        return String((0..<16).map { _ in alphabet.randomElement()! })
    }
}
