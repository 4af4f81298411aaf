import ChatStore
import XMPPCore
import XMPPExtensions

/// A room's messages: the room's own (stored once each, by the room's stanza-id or, without
/// one, by occupant, text and time), private messages through it, the errors it sends back for
/// ours, and sending through the outbox, confirmed by the room's reflection.
extension RoomsFeature {
    // MARK: Messages

    func receiveGroupchat(_ message: ChatMessage) {
        guard let from = message.from, let room = rooms[from.bare], room.state == .joined else { return }
        heard(from: room)
        let nick = from.resourcepart
        if let moderation = message.moderation, from.isBare {
            applyModeration(moderation, in: room)
            return
        }
        if let subject = message.subject, message.body == nil {
            if let id = message.id { room.subjectRequests.remove(id) }
            let changed = room.subject != nil && room.subject != subject
            room.subject = subject.isEmpty ? nil : subject
            if changed || room.subject != nil {
                notice(
                    room.jid,
                    subject.isEmpty
                        ? "\(nick ?? "the room") cleared the subject"
                        : changed ? "\(nick ?? "the room") set the subject: \(subject)" : "subject: \(subject)")
            }
            emit(room.jid)
            return
        }
        let message = opened(message, in: room, context: .live)
        defer { encryption?.commitOpened() }
        let timestamp = message.delay ?? account.scheduler.now
        offerToObservers(message, in: room, timestamp: timestamp)
        guard let body = message.body else { return }
        store(roomMessage(message, body: body, in: room, timestamp: timestamp), in: room)
    }

    /// Hands a room message that acts on another (a retraction, reactions) or shares a file (an
    /// OOB URL) to the features that apply it, with its sender as the room vouches for them.
    func offerToObservers(_ message: ChatMessage, in room: Room, timestamp: Int64) {
        guard message.retraction != nil || message.reactions != nil || message.outOfBandURL != nil,
            let nick = message.from?.resourcepart
        else { return }
        let (sender, ours) = self.sender(of: message, nick: nick, in: room)
        for observer in messageObservers {
            observer.receivedInRoom(message, room: room.jid, sender: sender, ours: ours, timestamp: timestamp)
        }
    }

    /// Who sent a room message, as stored (`Room.senderKey`), and whether it is ours.
    func sender(of message: ChatMessage, nick: String?, in room: Room) -> (key: String, ours: Bool) {
        let occupantID = room.stampsOccupantIDs ? message.occupantID : nil
        let ours = nick != nil && room.isOurs(nick: nick, occupantID: occupantID)
        return (ours ? room.ownSenderKey : room.senderKey(nick: nick, occupantID: occupantID), ours)
    }

    /// A room message as stored: from an occupant (by nick) or from the room itself (sender "").
    func roomMessage(_ message: ChatMessage, body: String, in room: Room, timestamp: Int64, archiveID: String? = nil)
        -> NewMessage
    {
        let nick = message.from?.resourcepart
        let (senderKey, ours) = sender(of: message, nick: nick, in: room)
        var stanzaID = archiveID
        if stanzaID == nil, let archive {
            switch archive.manager.stanzaID(of: message, assignedBy: room.jid) {
            case .trusted(let id): stanzaID = id
            case .conflicting(let count):
                account.log(
                    .warning,
                    "a message in \(room.jid) carried \(count) ids claiming to be the room's; one was forged, so none is used"
                )
            case .none, .unvouched: break
            }
        }
        return NewMessage(
            conversation: room.jid, kind: .groupchat, outgoing: ours, sender: nick ?? "",
            senderKey: senderKey, body: body,
            timestamp: timestamp, type: "groupchat", idAttribute: message.id, originID: message.originID,
            stanzaID: stanzaID, stanzaIDBy: stanzaID == nil ? nil : room.jid.description, corrects: message.replaces,
            state: ours ? .delivered : nil, encryption: message.encryption,
            highlight: !ours && nick != nil && notifications?.highlights(body, ownName: room.nick) == true,
            reply: message.storedReply)
    }

    private func store(_ message: NewMessage, in room: Room) {
        do {
            let outcome: InsertOutcome
            if let stanzaID = message.stanzaID, room.caughtUp, !room.catchingUp {
                // The room's archive was caught up on this join: this message is where the next
                // catch-up starts.
                let sync = ArchiveSyncState(
                    archive: room.jid.description, lastStanzaID: stanzaID, lastTimestamp: message.timestamp,
                    syncedAt: account.scheduler.now)
                outcome = try account.store.storeArchivePage(
                    [message], sync: sync, account: account.accountID, direction: .forward)[0]
            } else {
                outcome = try account.store.insert(message, account: account.accountID)
            }
            announce(outcome, in: room.jid, outgoing: message.outgoing)
        } catch {
            account.log(.error, "could not store a message in \(room.jid): \(error); it stays on the server")
            account.abandonLastInbound(reason: "the store refused a room message: \(error)")
        }
    }

    func announce(_ outcome: InsertOutcome, in conversation: JID, outgoing: Bool) {
        switch outcome {
        case .inserted(let id), .correction(of: let id, _):
            account.onEvent(
                .messageStored(
                    conversation: conversation, messageID: id, isNew: outcome.isNew, outgoing: outgoing,
                    markable: nil))
        case .duplicate(let id):
            // Our message came back from the room: delivered.
            if outgoing {
                account.onEvent(
                    .messageStored(
                        conversation: conversation, messageID: id, isNew: false, outgoing: true, markable: nil))
            }
        case .rejectedCorrection:
            account.log(
                .debug,
                "dropped a correction in \(conversation) of a message its sender did not send or that was taken back")
        }
    }

    /// A private message through a room (`room@service/nick`): its own conversation, never the
    /// one-to-one chat with anyone. `outgoing`: a carbon of one our other device sent.
    func receivePrivate(_ message: ChatMessage, outgoing: Bool) {
        guard let occupant = outgoing ? message.to : message.from, occupant.resourcepart != nil,
            let body = message.body
        else { return }
        let stored = NewMessage(
            conversation: occupant, outgoing: outgoing, sender: (outgoing ? account.jid : occupant).description,
            senderKey: (outgoing ? account.jid : occupant).description, recipient: message.to?.description, body: body,
            timestamp: message.delay ?? account.scheduler.now, type: message.type, idAttribute: message.id,
            originID: message.originID, corrects: message.replaces, state: outgoing ? .acked : nil,
            highlight: !outgoing && notifications?.highlights(body, ownName: rooms[occupant.bare]?.nick) == true,
            reply: message.storedReply)
        do {
            announce(try account.store.insert(stored, account: account.accountID), in: occupant, outgoing: outgoing)
        } catch {
            account.log(.error, "could not store a private message from \(occupant): \(error)")
            account.abandonLastInbound(reason: "the store refused a message: \(error)")
        }
    }

    /// An error from a room: our message failed; `not-acceptable` means we are no longer in
    /// the room (XEP-0410 §3), so we enter it again.
    func receiveError(_ message: ChatMessage) {
        guard let from = message.from, let room = rooms[from.bare] else { return }
        let reason = message.error?.description ?? "error"
        if let id = message.id, room.subjectRequests.remove(id) != nil {
            // XEP-0045 §8.1: a room whose occupants may not change the subject says forbidden.
            notice(
                room.jid,
                message.error?.condition == .forbidden
                    ? "\(room.jid) does not let you set the subject (\(reason))"
                    : "\(room.jid) did not take your subject: \(reason)")
            // A refused subject is no sign of having been dropped from the room.
            return
        } else if message.error?.condition == .notAcceptable, room.state == .joined, from.isBare, let id = message.id,
            mayResendStored(in: room),
            let again = try? account.store.requeue(
                account: account.accountID, conversation: room.jid, idAttribute: id,
                stanza: { Self.stanza(resending: $0, to: room.jid) })
        {
            // XEP-0045 §7.4: refused because we are not in the room: it goes again once we are.
            account.forgetSent(again)
            account.onEvent(
                .messageStored(conversation: room.jid, messageID: again, isNew: false, outgoing: true, markable: nil))
        } else if let id = message.id,
            let failed = try? account.store.markFailed(
                account: account.accountID, conversation: room.jid, idAttribute: id, error: reason)
        {
            // The room's answer for it: it leaves the outbox, failed, and does not go again.
            account.acknowledge([failed])
            notice(room.jid, "your message did not reach \(room.jid): \(reason)")
        } else {
            notice(room.jid, "\(room.jid) refused something you sent: \(reason)")
        }
        guard room.state == .joined, from.isBare else { return }
        if message.error?.condition == .notAcceptable {
            // XEP-0045 §7.4: what a room answers someone who is not in it.
            notice(room.jid, "\(room.jid) says you are not in it; entering it again (what it refused goes again)")
            enterAgain(room)
        } else if let session = account.session, !room.selfPinging {
            // Any other refusal may also mean the room forgot us: ask it (XEP-0410).
            selfPing(room, in: session)
        }
    }

    // MARK: Sending

    /// The stanza that sends a stored message of ours to `room` again: its body, with its id and
    /// origin-id as before (so the room's reflection is recognised as it).
    static func stanza(resending message: StoredMessage, to room: JID) -> String {
        let id = message.originID ?? message.idAttribute ?? message.id.description
        return OutgoingMessage.groupchat(to: room, body: message.body, id: id).serialized(
            parentNamespace: Namespace.client)
    }

    /// Sends a message to a room through the outbox: it goes when the room is joined, and its
    /// reflection from the room marks it delivered.
    @discardableResult
    public func send(
        _ body: String, to jid: JID, extra: [XMLElement] = [], corrects original: String? = nil, flush: Bool = true
    ) -> Int64? {
        guard let room = rooms[jid.bare] else { return nil }
        let id = account.session?.makeID() ?? makeMessageID()
        var stanza = OutgoingMessage.groupchat(to: room.jid, body: body, id: id)
        for element in extra { stanza.append(element) }
        let reply = ChatMessage(stanza).storedReply
        guard let outgoing = sealed(stanza, body: body, extra: extra, corrects: original, in: room) else { return nil }
        let message = NewMessage(
            conversation: room.jid, kind: .groupchat, outgoing: true, sender: room.nick, senderKey: room.ownSenderKey,
            body: body, timestamp: account.scheduler.now, type: "groupchat", idAttribute: id, originID: id,
            corrects: original, encryption: outgoing.encryption, reply: reply)
        do {
            let stored = try account.store.enqueue(
                message, stanza: outgoing.stanza.serialized(parentNamespace: Namespace.client),
                account: account.accountID)
            account.onEvent(
                .messageStored(
                    conversation: room.jid, messageID: stored.shownAs, isNew: original == nil, outgoing: true,
                    markable: nil))
            if flush, room.state == .joined { account.flushOutbox() }
            if !room.wanted { notice(room.jid, "you are not in \(room.jid): /join it to send what you wrote") }
            return stored.shownAs
        } catch {
            account.log(.error, "could not store your message to \(room.jid): \(error) — it was not sent")
            return nil
        }
    }
}
