import ChatStore
import XMPPCore
import XMPPExtensions

/// Receiving and sending one-to-one messages, with receipts, markers, chat states, corrections
/// and carbons.
extension AccountController {
    /// A message that arrived on this stream (not a carbon, not from the archive).
    func receive(_ message: ChatMessage) {
        let from = message.from ?? jid.domain
        let peer = from.bare
        if message.type == "error" {
            receiveError(message, from: peer)
            return
        }
        guard message.type != "groupchat", message.type != "headline" else { return }
        // RFC 6121 §5.1: reply to the resource that wrote, until its presence changes.
        if from.resourcepart != nil && message.body != nil { lockedResources[peer] = from }
        if let state = message.chatState {
            chatStatePeers.insert(peer)
            let shown: ChatState? = message.body == nil ? state : nil
            if chatStates[peer] != shown {
                chatStates[peer] = shown
                onEvent(.chatStateChanged(peer, shown))
            }
        }
        if let id = message.receiptFor { markReceived(peer, id, .delivered) }
        if let id = message.displayedMarkerFor { markReceived(peer, id, .displayed) }
        guard let body = message.body else { return }
        if message.requestsReceipt, behaviour.sendReceipts, isContact(peer), let id = message.id, let session {
            session.send(OutgoingMessage.receipt(to: from, for: id, newID: session.makeID()))
        }
        store(body: body, of: message, from: from, outgoing: false, peer: peer)
    }

    /// A copy of a message one of our other resources sent or received (XEP-0280).
    func receiveCarbon(_ message: ChatMessage, direction: CarbonsManager.Direction) {
        guard message.type != "groupchat", message.type != "error" else { return }
        switch direction {
        case .received:
            guard let from = message.from else { return }
            let peer = from.bare
            if let id = message.receiptFor { markReceived(peer, id, .delivered) }
            if let id = message.displayedMarkerFor { markReceived(peer, id, .displayed) }
            guard let body = message.body else { return }
            store(body: body, of: message, from: from, outgoing: false, peer: peer)
        case .sent:
            guard let peer = message.to?.bare else { return }
            if message.displayedMarkerFor != nil {
                // Read on another device: everything up to here counts as seen.
                onEvent(.readElsewhere(peer))
            }
            guard let body = message.body else { return }
            store(body: body, of: message, from: message.from ?? jid, outgoing: true, peer: peer)
        }
    }

    private func store(body: String, of message: ChatMessage, from: JID, outgoing: Bool, peer: JID) {
        if !outgoing, droppedAsStranger(peer) { return }
        var stanzaID: String?
        switch archive.stanzaID(of: message, assignedBy: jid) {
        case .trusted(let id): stanzaID = id
        case .conflicting(let count):
            log(
                .warning,
                "a message from \(from) carried \(count) archive ids claiming to be our server's; one was forged,"
                    + " so none is used")
        case .none, .unvouched: break
        }
        let stored = NewMessage(
            conversation: peer, outgoing: outgoing, sender: from.description,
            senderKey: (outgoing ? jid : peer).description, recipient: message.to?.description, body: body,
            timestamp: message.delay ?? scheduler.now, type: message.type, idAttribute: message.id,
            originID: message.originID, stanzaID: stanzaID, stanzaIDBy: stanzaID == nil ? nil : jid.description,
            corrects: message.replaces, state: outgoing ? .acked : nil)
        do {
            let outcome: InsertOutcome
            if let stanzaID, archiveCaughtUp, !isCatchingUp {
                // The archive was caught up on this stream and the stream has no gap since: this
                // message is where the next catch-up starts (stored with it, in one transaction).
                let sync = ArchiveSyncState(
                    archive: jid.description, lastStanzaID: stanzaID, lastTimestamp: stored.timestamp,
                    syncedAt: scheduler.now)
                outcome = try store.storeArchivePage([stored], sync: sync, account: accountID, direction: .forward)[0]
            } else {
                outcome = try store.insert(stored, account: accountID)
            }
            switch outcome {
            case .inserted(let id), .correction(of: let id, _):
                onEvent(
                    .messageStored(
                        conversation: peer, messageID: id, isNew: outcome.isNew, outgoing: outgoing,
                        markable: message.isMarkable ? message.id : nil))
            case .duplicate:
                return
            case .rejectedCorrection:
                log(.debug, "dropped a correction from \(from) of a message it did not send")
            }
        } catch {
            // Not stored means not handled: the server keeps it and sends it again.
            log(.error, "could not store a message from \(peer): \(error); it stays on the server")
            connection?.session.abandonLastInbound(reason: "the store refused a message: \(error)")
        }
    }

    private func receiveError(_ message: ChatMessage, from peer: JID) {
        guard let id = message.id else { return }
        let reason = message.error?.description ?? "error"
        do {
            if let failed = try store.markFailed(account: accountID, conversation: peer, idAttribute: id, error: reason)
            {
                onEvent(
                    .messageStored(conversation: peer, messageID: failed, isNew: false, outgoing: true, markable: nil))
                log(.warning, "message to \(peer) failed: \(reason)")
            }
        } catch {
            log(.error, "could not store a delivery error: \(error)")
        }
    }

    /// A receipt or marker from `peer` for our message `id` (only that peer's messages can change).
    private func markReceived(_ peer: JID, _ id: String, _ state: DeliveryState) {
        do {
            for changed in try store.markReceived(account: accountID, conversation: peer, idAttribute: id, state: state)
            {
                onEvent(
                    .messageStored(conversation: peer, messageID: changed, isNew: false, outgoing: true, markable: nil))
            }
        } catch {
            log(.error, "could not store a receipt: \(error)")
        }
    }

    // MARK: Sending

    /// Sends a chat message: stored in the outbox first, then sent (now if online, else on the
    /// next login). Returns the stored message's id.
    @discardableResult
    public func send(_ body: String, to contact: JID) -> Int64? {
        enqueue(body, to: contact, replacing: nil)
    }

    /// XEP-0308: replaces the text of the last message we sent to `contact`.
    @discardableResult
    public func correctLastMessage(to contact: JID, with body: String) -> Int64? {
        guard let last = lastSentMessage(to: contact), let original = last.idAttribute else {
            log(.warning, "there is no message to \(contact) to correct")
            return nil
        }
        return enqueue(body, to: contact, replacing: original)
    }

    /// Our last message in a conversation, when it was typed here (what /correct changes): after
    /// one from another of our devices there is nothing to correct here.
    public func lastSentMessage(to contact: JID) -> StoredMessage? {
        let last = (try? store.lastMessages(account: accountID, conversation: contact, limit: 50))?.last {
            $0.outgoing && $0.state != .failed
        }
        return last?.sentHere == true ? last : nil
    }

    private func enqueue(_ body: String, to contact: JID, replacing original: String?) -> Int64? {
        let id = connection?.session.makeID() ?? makeMessageID()
        let target = lockedResources[contact.bare] ?? contact.bare
        let stanza = OutgoingMessage.chat(
            to: target, body: body, id: id, replacing: original,
            chatState: behaviour.sendChatStates && isContact(contact) && chatStatePeers.contains(contact.bare)
                ? .active : nil)
        let message = NewMessage(
            conversation: contact.bare, outgoing: true, sender: boundJID.description, senderKey: jid.description,
            recipient: target.description, body: body, timestamp: scheduler.now, idAttribute: id, originID: id,
            corrects: original)
        cancelPaused(contact.bare)
        sentChatStates[contact.bare] = .active
        do {
            let stored = try store.enqueue(
                message, stanza: stanza.serialized(parentNamespace: Namespace.client), account: accountID)
            onEvent(
                .messageStored(
                    conversation: contact.bare, messageID: stored.shownAs, isNew: original == nil, outgoing: true,
                    markable: nil))
            if session != nil { flushOutbox() }
            return stored.shownAs
        } catch {
            log(.error, "could not store your message to \(contact): \(error) — it was not sent")
            return nil
        }
    }

    /// Sends every outbox entry not yet written on this stream, in the order they were typed.
    /// With stream management the server's acks confirm them (each entry's stanza number is
    /// committed before it is written); without, a ping after them does.
    func flushOutbox() {
        guard let session else { return }
        let pending: [OutboxEntry]
        do {
            pending = try store.outbox(account: accountID).filter { !awaitingAck.contains($0.messageID) }
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

    private func makeMessageID() -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")
        return String((0..<16).map { _ in alphabet.randomElement()! })
    }

    /// Whether a message from `peer` is dropped as one from a stranger (`[chat] strangers =
    /// "drop"`); the log counts them, at most one line a minute.
    func droppedAsStranger(_ peer: JID) -> Bool {
        guard behaviour.strangers == .drop, !isContact(peer) else { return false }
        droppedStrangerMessages += 1
        if strangerDropLoggedAt.map({ scheduler.now - $0 >= 60_000 }) ?? true {
            strangerDropLoggedAt = scheduler.now
            log(
                .info,
                "dropped \(droppedStrangerMessages) message(s) from people not in your roster so far, the latest from"
                    + " \(peer) ([chat] strangers = \"drop\")")
        }
        return true
    }

    // MARK: Markers and chat states

    /// Someone in the roster (or our own account). Receipts, markers and chat states go only to
    /// them: to a stranger they would confirm that the account is read, and when.
    func isContact(_ jid: JID) -> Bool {
        jid.bare == self.jid || roster[jid.bare] != nil
    }

    /// XEP-0333: tells `contact` we have seen everything up to its message `id`.
    public func sendDisplayed(to contact: JID, for id: String) {
        guard behaviour.sendMarkers, isContact(contact), let session else { return }
        session.send(
            OutgoingMessage.displayed(
                to: lockedResources[contact.bare] ?? contact.bare, for: id, newID: session.makeID()))
    }

    /// XEP-0085 from the input line: composing while typing, paused after five quiet seconds,
    /// inactive when the window is left, gone when it is closed. Only to contacts that use chat
    /// states themselves (they sent some, or their capabilities say so).
    public func setChatState(_ state: ChatState, for contact: JID) {
        let peer = contact.bare
        guard behaviour.sendChatStates, let session, sentChatStates[peer] != state, usesChatStates(peer) else { return }
        cancelPaused(peer)
        sentChatStates[peer] = state
        session.send(OutgoingMessage.chatState(state, to: lockedResources[peer] ?? peer))
        if state == .composing {
            pausedTimers[peer] = scheduler.schedule(after: .seconds(5)) { [weak self] in
                self?.pausedTimers[peer] = nil
                self?.setChatState(.paused, for: peer)
            }
        }
    }

    private func cancelPaused(_ peer: JID) {
        pausedTimers.removeValue(forKey: peer)?.cancel()
    }

    func usesChatStates(_ peer: JID) -> Bool {
        guard isContact(peer) else { return false }
        if chatStatePeers.contains(peer) { return true }
        guard let best = presenceManager.best(for: peer), let features = capabilities.features(of: best) else {
            return false
        }
        return features.contains(Namespace.chatStates)
    }
}
