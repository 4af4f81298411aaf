import ChatStore
import XMPPCore
import XMPPExtensions

/// A feature that acts on the one-to-one messages the account sees and sends (receipts, markers,
/// chat states): messaging offers each message to every feature that is one, in feature order.
protocol MessageObserver: AnyObject {
    /// A message from `from` (bare `peer`) arrived, live or as a carbon of one sent to another of
    /// our devices; before its body (if any) is stored.
    func received(_ message: ChatMessage, from: JID, peer: JID, carbon: Bool)
    /// A copy of a message one of our other devices sent to `peer`.
    func sentElsewhere(_ message: ChatMessage, to peer: JID)
    /// A page of archived messages was stored; `outgoing`: sent by us.
    func archived(_ message: ChatMessage, peer: JID, outgoing: Bool)
    /// Adds what this feature puts in an outgoing chat message to `peer`.
    func decorate(_ message: inout XMLElement, to peer: JID)
}

extension MessageObserver {
    func received(_ message: ChatMessage, from: JID, peer: JID, carbon: Bool) {}
    func sentElsewhere(_ message: ChatMessage, to peer: JID) {}
    func archived(_ message: ChatMessage, peer: JID, outgoing: Bool) {}
    func decorate(_ message: inout XMLElement, to peer: JID) {}
}

/// A feature that seals the chat messages the account sends and opens those it receives
/// (end-to-end encryption): messaging asks the one installed, if any.
protocol MessageEncryption: AnyObject {
    /// What becomes of `stanza` to `contact`: as it is, sealed, held or refused.
    func seal(_ stanza: XMLElement, to contact: JID) -> SealOutcome
    /// Keeps a message until the keys it needs are here, then sends it through messaging again.
    func hold(_ message: WaitingMessage, reason: String)
    /// The message as its sender wrote it (unchanged when it is not encrypted).
    func open(_ message: ChatMessage, context: OpenContext) -> ChatMessage
    /// The messages opened so far are stored: what decrypting them changed is stored too.
    func commitOpened()
    /// A line in a chat's window; `refusal`: it says why a message was not sent.
    func notice(_ text: String, in conversation: JID?, refusal: Bool)
}

/// One-to-one chat messages: receiving (live and carbons), storing each once, delivery errors,
/// sending through the outbox, the resource a conversation is locked to (RFC 6121 §5.1), and
/// what becomes of strangers' messages; `/msg` and `/me`.
public final class MessagingFeature: AccountFeature {
    public static let name = "messaging"
    public let handler = MessageHandler()
    /// RFC 6121 §5.1: the full JID a conversation is locked to, by bare JID.
    var lockedResources: [JID: JID] = [:]
    /// Messages from strangers dropped (`StrangerMessages.drop`), and when that was last logged.
    private var droppedStrangerMessages = 0
    private var strangerDropLoggedAt: Int64?
    /// The features that act on messages, in feature order (found once every feature exists).
    private lazy var observers: [any MessageObserver] = account.features.compactMap { $0 as? any MessageObserver }
    private lazy var archive = account.feature(ArchiveFeature.self)
    private lazy var rooms = account.feature(RoomsFeature.self)
    private lazy var notifications = account.feature(NotificationsFeature.self)
    lazy var encryption = account.features.lazy.compactMap { $0 as? any MessageEncryption }.first
    unowned let account: AccountController

    public init(account: AccountController) throws(FeatureError) {
        self.account = account
        handler.onMessage = { [unowned self] message, _ in receive(message) }
        // A presence change unlocks the conversation (RFC 6121 §5.1).
        account.feature(PresenceFeature.self)?.observers.append { [unowned self] contact in
            lockedResources[contact.bare] = nil
        }
    }

    public var extensions: [any SessionExtension] { [handler] }

    public func connectionEnded() { lockedResources.removeAll() }

    // MARK: Receiving

    /// A message that arrived on this stream (not a carbon, not from the archive).
    func receive(_ message: ChatMessage) {
        let from = message.from ?? account.jid.domain
        let peer = from.bare
        if message.type == "error" {
            receiveError(message, from: peer)
            return
        }
        guard message.type != "groupchat", message.type != "headline" else { return }
        if let rooms, from.resourcepart != nil, rooms.knows(peer) {
            // Through a room we are no longer in: still a private chat, never the room's.
            rooms.receivePrivate(Self.undecryptedPrivate(message), outgoing: false)
            return
        }
        let message = encryption?.open(message, context: .live) ?? message
        defer { encryption?.commitOpened() }
        // RFC 6121 §5.1: reply to the resource that wrote, until its presence changes.
        if from.resourcepart != nil && message.body != nil { lockedResources[peer] = from }
        for observer in observers { observer.received(message, from: from, peer: peer, carbon: false) }
        guard let body = message.body else { return }
        store(body: body, of: message, from: from, outgoing: false, peer: peer)
    }

    /// A copy of a message one of our other resources sent or received (XEP-0280).
    func receiveCarbon(_ message: ChatMessage, direction: CarbonsManager.Direction) {
        guard message.type != "groupchat", message.type != "error" else { return }
        switch direction {
        case .received:
            guard let from = message.from else { return }
            let peer = from.bare
            // XEP-0280 §6: a private message through a room, copied to us.
            if let rooms, from.resourcepart != nil, rooms.knows(peer) {
                rooms.receivePrivate(Self.undecryptedPrivate(message), outgoing: false)
                return
            }
            let message = encryption?.open(message, context: .live) ?? message
            defer { encryption?.commitOpened() }
            for observer in observers { observer.received(message, from: from, peer: peer, carbon: true) }
            guard let body = message.body else { return }
            store(body: body, of: message, from: from, outgoing: false, peer: peer)
        case .sent:
            guard let peer = message.to?.bare else { return }
            if let rooms, message.to?.resourcepart != nil, rooms.knows(peer) {
                rooms.receivePrivate(Self.undecryptedPrivate(message), outgoing: true)
                return
            }
            let message = encryption?.open(message, context: .live) ?? message
            defer { encryption?.commitOpened() }
            for observer in observers { observer.sentElsewhere(message, to: peer) }
            guard let body = message.body else { return }
            store(body: body, of: message, from: message.from ?? account.jid, outgoing: true, peer: peer)
        }
    }

    /// A private message through a room that came encrypted: Tern does not decrypt those yet (the
    /// sender's real JID is the room's to give), so it says so rather than show the fallback.
    static func undecryptedPrivate(_ message: ChatMessage) -> ChatMessage {
        guard message.encryptedElement != nil else { return message }
        var notice = message
        notice.body = "[an OMEMO-encrypted private message through the room: Tern cannot decrypt those yet]"
        return notice
    }

    private func store(body: String, of message: ChatMessage, from: JID, outgoing: Bool, peer: JID) {
        if !outgoing, droppedAsStranger(peer) { return }
        let jid = account.jid
        var stanzaID: String?
        switch archive?.manager.stanzaID(of: message, assignedBy: jid) ?? .none {
        case .trusted(let id): stanzaID = id
        case .conflicting(let count):
            account.log(
                .warning,
                "a message from \(from) carried \(count) archive ids claiming to be our server's; one was forged,"
                    + " so none is used")
        case .none, .unvouched: break
        }
        let stored = NewMessage(
            conversation: peer, outgoing: outgoing, sender: from.description,
            senderKey: (outgoing ? jid : peer).description, recipient: message.to?.description, body: body,
            timestamp: message.delay ?? account.scheduler.now, type: message.type, idAttribute: message.id,
            originID: message.originID, stanzaID: stanzaID, stanzaIDBy: stanzaID == nil ? nil : jid.description,
            corrects: message.replaces, state: outgoing ? .acked : nil, encryption: message.encryption,
            highlight: !outgoing && notifications?.highlights(body, ownName: jid.localpart) == true,
            reply: message.storedReply)
        do {
            let outcome: InsertOutcome
            if let stanzaID, let archive, archive.archiveCaughtUp, !archive.isCatchingUp {
                // The archive was caught up on this stream and the stream has no gap since: this
                // message is where the next catch-up starts (stored with it, in one transaction).
                let sync = ArchiveSyncState(
                    archive: jid.description, lastStanzaID: stanzaID, lastTimestamp: stored.timestamp,
                    syncedAt: account.scheduler.now)
                outcome = try account.store.storeArchivePage(
                    [stored], sync: sync, account: account.accountID, direction: .forward)[0]
            } else {
                outcome = try account.store.insert(stored, account: account.accountID)
            }
            switch outcome {
            case .inserted(let id), .correction(of: let id, _):
                account.onEvent(
                    .messageStored(
                        conversation: peer, messageID: id, isNew: outcome.isNew, outgoing: outgoing,
                        // Never a marker for our own message, sent from another device (XEP-0333 §5).
                        markable: message.isMarkable && !outgoing ? message.id : nil))
            case .duplicate:
                return
            case .rejectedCorrection:
                account.log(
                    .debug, "dropped a correction from \(from) of a message it did not send or that was taken back")
            }
        } catch {
            // Not stored means not handled: the server keeps it and sends it again.
            account.log(.error, "could not store a message from \(peer): \(error); it stays on the server")
            account.abandonLastInbound(reason: "the store refused a message: \(error)")
        }
    }

    private func receiveError(_ message: ChatMessage, from peer: JID) {
        guard let id = message.id else { return }
        let reason = message.error?.description ?? "error"
        do {
            if let failed = try account.store.markFailed(
                account: account.accountID, conversation: peer, idAttribute: id, error: reason)
            {
                // The error is the server's answer for it: it leaves the outbox as it is, failed,
                // and does not go again after a break.
                account.acknowledge([failed])
                account.log(.warning, "message to \(peer) failed: \(reason)")
            }
        } catch {
            account.log(.error, "could not store a delivery error: \(error)")
        }
    }

    /// A receipt or marker from `peer` for our message `id` (only that peer's messages can change).
    func markReceived(_ peer: JID, _ id: String, _ state: DeliveryState) {
        do {
            for changed in try account.store.markReceived(
                account: account.accountID, conversation: peer, idAttribute: id, state: state)
            {
                account.onEvent(
                    .messageStored(conversation: peer, messageID: changed, isNew: false, outgoing: true, markable: nil))
            }
        } catch {
            account.log(.error, "could not store a receipt: \(error)")
        }
    }

    /// Whether a message from `peer` is dropped as one from a stranger (`[chat] strangers =
    /// "drop"`); the log counts them, at most one line a minute.
    func droppedAsStranger(_ peer: JID) -> Bool {
        guard account.behaviour.strangers == .drop, !account.isContact(peer) else { return false }
        droppedStrangerMessages += 1
        let now = account.scheduler.now
        if strangerDropLoggedAt.map({ now - $0 >= 60_000 }) ?? true {
            strangerDropLoggedAt = now
            account.log(
                .info,
                "dropped \(droppedStrangerMessages) message(s) from people not in your roster so far, the latest from"
                    + " \(peer) ([chat] strangers = \"drop\")")
        }
        return true
    }

    // MARK: Sending

    /// Sends a chat message: stored in the outbox first, then sent (now if online, else on the
    /// next login). `extra` goes into the stanza; `corrects`: the id of the message it replaces
    /// (XEP-0308); `flush` false leaves it in the outbox for the caller's transaction to commit
    /// first. Returns the stored message's id.
    @discardableResult
    public func send(
        _ body: String, to contact: JID, extra: [XMLElement] = [], corrects original: String? = nil, flush: Bool = true
    ) -> Int64? {
        if let rooms, contact.resourcepart == nil, rooms.knows(contact) {
            return rooms.send(body, to: contact, extra: extra, corrects: original, flush: flush)
        }
        let id = account.session?.makeID() ?? makeMessageID()
        // A private message through a room goes to the occupant, with the MUC marker that lets
        // carbons copy it (XEP-0045 §7.5); anyone else to the locked resource, else the bare JID.
        let occupant = contact.resourcepart != nil && rooms?.knows(contact.bare) == true
        let conversation = occupant ? contact : contact.bare
        let target = occupant ? contact : lockedResources[contact.bare] ?? contact.bare
        var stanza = Message.chat(to: target, body: body, id: id)
        if occupant { stanza.append(XMLElement("x", namespace: Namespace.mucUser)) }
        for element in extra { stanza.append(element) }
        for observer in observers where !occupant { observer.decorate(&stanza, to: contact.bare) }
        let reply = ChatMessage(stanza).storedReply
        var encryptionName: String?
        if let encryption, !occupant {
            switch encryption.seal(stanza, to: conversation) {
            case .plaintext: break
            case .sealed(let sealed, let name): (stanza, encryptionName) = (sealed, name)
            case .wait(let reason):
                let waiting = WaitingMessage(
                    contact: conversation, body: body, extra: extra, corrects: original, since: account.scheduler.now)
                encryption.hold(waiting, reason: reason)
                return nil
            case .refused(let reason):
                encryption.notice(reason, in: conversation, refusal: true)
                return nil
            }
        }
        let message = NewMessage(
            conversation: conversation, outgoing: true, sender: account.boundJID.description,
            senderKey: account.jid.description, recipient: target.description, body: body,
            timestamp: account.scheduler.now, idAttribute: id, originID: id, corrects: original,
            encryption: encryptionName, reply: reply)
        do {
            let stored = try account.store.enqueue(
                message, stanza: stanza.serialized(parentNamespace: Namespace.client), account: account.accountID)
            account.onEvent(
                .messageStored(
                    conversation: conversation, messageID: stored.shownAs, isNew: original == nil, outgoing: true,
                    markable: nil))
            if flush, account.session != nil { account.flushOutbox() }
            return stored.shownAs
        } catch {
            account.log(.error, "could not store your message to \(contact): \(error) — it was not sent")
            return nil
        }
    }

    private func makeMessageID() -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")
        return String((0..<16).map { _ in alphabet.randomElement()! })
    }

    /// Where a reply to `contact` goes: the locked resource, else the bare JID.
    func target(for contact: JID) -> JID { lockedResources[contact.bare] ?? contact.bare }

    public static var commands: [CommandSpec] {
        [
            CommandSpec(
                "msg",
                arguments: [
                    ArgumentSpec("jid", completion: .contact), ArgumentSpec("text", optional: true, rest: true),
                ],
                summary: "open a chat (and send a message)"
            ) { context throws(CommandError) in
                let model = context.model
                let account = try context.account(for: context.required("jid"))
                let jid = try context.contact(context.required("jid"), on: account)
                model.openChat(model.conversation(jid, on: account), focus: true)
                if let text = context.argument("text"), !text.isEmpty {
                    try account.required(MessagingFeature.self).send(text, to: jid)
                }
            },
            CommandSpec(
                "me", arguments: [ArgumentSpec("action", rest: true)], summary: "send an action (/me waves)"
            ) { context throws(CommandError) in
                let model = context.model
                guard let key = model.currentWindow.conversation, let account = model.account(of: key) else {
                    throw .failed("/me works in a chat window")
                }
                try account.required(MessagingFeature.self).send("/me " + context.required("action"), to: key.jid)
            },
        ]
    }
}
