import ChatStore
import XMPPCore
import XMPPExtensions

/// Our own actions: each goes through the outbox (exactly once, like a message) and is applied
/// here at once.
extension MessageActionsFeature {
    /// Our sender key in `conversation` (as our messages there are stored).
    func ownSender(in conversation: JID) -> String {
        rooms?.rooms[conversation]?.ownSenderKey ?? account.jid.description
    }

    /// The id others name `message` by: the room's stanza-id in a room (its origin-id in a room
    /// that stamps none, XEP-0424 §Using the correct ID), else its id attribute.
    func wireID(of message: StoredMessage, in conversation: JID) throws(CommandError) -> String {
        if let room = rooms?.rooms[conversation] {
            if let id = message.stanzaID, message.stanzaIDBy == room.jid.description { return id }
            if room.info.map({ !$0.features.contains(Namespace.stanzaID) }) == true, let id = message.originID {
                return id
            }
            throw .failed("\(room.jid) has not given that message its id yet; try again once it has come back")
        }
        guard let id = message.idAttribute ?? message.originID else {
            throw .failed("that message came without an id, so it cannot be named")
        }
        return id
    }

    /// Puts the stanza that `build` makes (from the recipient, the message type and a new id) in
    /// the outbox, as an action on `message`, and sends it when it can go.
    func send(
        _ kind: MessageActionKind, on message: StoredMessage, in conversation: JID,
        _ build: (_ to: JID, _ type: String, _ id: String) -> XMLElement
    ) throws(CommandError) {
        guard let id = account.session?.makeID() ?? rooms?.makeMessageID() else {
            throw .failed("you are not connected")
        }
        let room = rooms?.rooms[conversation]
        let to =
            room?.jid
            ?? (conversation.resourcepart != nil ? conversation : messaging?.target(for: conversation) ?? conversation)
        let stanza = build(to, room == nil ? "chat" : "groupchat", id)
        do {
            try account.store.enqueueAction(
                kind, on: message.id, sender: room?.nick ?? account.boundJID.description,
                senderKey: ownSender(in: conversation), stanza: stanza.serialized(parentNamespace: Namespace.client),
                id: id, timestamp: account.scheduler.now, account: account.accountID)
        } catch {
            throw .failed("could not store it: \(error); nothing was sent")
        }
        if account.session != nil { account.flushOutbox() }
    }

    /// `/retract`: takes back our `message` (XEP-0424) and erases it here.
    func retract(_ message: StoredMessage, in conversation: JID) throws(CommandError) {
        let target = try wireID(of: message, in: conversation)
        try send(.retraction, on: message, in: conversation) { to, type, id in
            MessageRetraction.message(retracting: target, to: to, type: type, messageID: id)
        }
        erase(message, in: conversation)
    }

    /// `/react`: adds `emoji` to our reactions to `message`, or takes it away if it is there, and
    /// sends the whole set (XEP-0444 §Updating reactions).
    func toggle(_ emoji: String, on message: StoredMessage, in conversation: JID) throws(CommandError) {
        guard MessageReactions.isEmoji(emoji) else { throw .usage("\"\(emoji)\" is not one emoji") }
        let sender = ownSender(in: conversation)
        var reactions: [String]
        do {
            reactions = try account.store.reactions(messageID: message.id, senderKey: sender)
        } catch {
            throw .failed("could not read your reactions: \(error)")
        }
        if let index = reactions.firstIndex(of: emoji) {
            reactions.remove(at: index)
        } else {
            guard reactions.count < MessageReactions.maximumCount else {
                throw .failed("that is as many reactions as one message takes")
            }
            reactions.append(emoji)
        }
        let target = try wireID(of: message, in: conversation)
        try send(.reaction, on: message, in: conversation) { to, type, id in
            MessageReactions.message(reactions, to: target, recipient: to, type: type, id: id)
        }
        record(
            reactions, on: message, in: conversation, sender: sender, outgoing: true,
            timestamp: account.scheduler.now)
    }

    /// `/moderate`: asks the room to remove someone's `message` (XEP-0425); the room's
    /// announcement erases it. A refusal is shown in the room's window.
    func moderate(_ message: StoredMessage, in conversation: JID, reason: String?) throws(CommandError) {
        guard let rooms, let room = rooms.rooms[conversation] else { throw .failed("/moderate works in a room") }
        guard let session = account.session, room.state == .joined else {
            throw .failed("you are not in \(room.jid) now")
        }
        guard room.selfPresence?.role == .moderator else {
            throw .failed("only moderators of \(room.jid) can remove messages")
        }
        let features = room.info?.features ?? []
        let version: ModeratedMessage.Version
        if features.contains(Namespace.messageModerate) {
            version = .current
        } else if features.contains(Namespace.messageModerate0) {
            version = .legacy
        } else {
            throw .failed("\(room.jid) does not let moderators remove messages (XEP-0425)")
        }
        guard let stanzaID = message.stanzaID, message.stanzaIDBy == room.jid.description else {
            throw .failed("\(room.jid) gave that message no id, so it cannot be named")
        }
        let request = ModeratedMessage.request(
            room: room.jid, stanzaID: stanzaID, reason: reason, version: version, id: session.makeID())
        session.sendIQ(request) { [weak rooms] result in
            if case .failure(let failure) = result {
                rooms?.notice(room.jid, "\(room.jid) did not remove the message: \(failure)")
            }
        }
    }
}

extension MessageActionsFeature {
    /// `/reply`: sends `text` as a reply to `message` (XEP-0461), after a one-line quote of it
    /// marked as fallback (XEP-0428) for clients without replies.
    func reply(_ text: String, to message: StoredMessage, in conversation: JID) throws(CommandError) {
        guard let messaging else { throw .failed("messaging is not available") }
        let room = rooms?.rooms[conversation]
        let id: String
        let author: JID?
        let name: String
        if let room {
            // §Using the correct ID: a room's message without the room's stanza-id cannot be answered.
            guard let stanzaID = message.stanzaID, message.stanzaIDBy == room.jid.description else {
                throw .failed("\(room.jid) has not given that message its id yet; try again once it has come back")
            }
            id = stanzaID
            author =
                message.outgoing
                ? try? room.jid.with(resource: room.nick) : try? room.jid.with(resource: message.sender)
            name = message.outgoing ? room.nick : message.sender
        } else {
            guard let ownID = message.originID ?? message.idAttribute else {
                throw .failed("that message came without an id, so it cannot be answered")
            }
            id = ownID
            author = message.outgoing ? account.jid : JID(parsing: message.sender)
            let bare = author?.bare
            name =
                (message.outgoing
                    ? account.jid.localpart : bare.flatMap { account.roster[$0]?.name } ?? bare?.localpart)
                ?? message.sender
        }
        let quote = MessageReply.quote(author: name, text: ReplyQuote.shownBody(of: message))
        guard
            messaging.send(
                quote + text, to: conversation, extra: MessageReply.elements(replyingTo: id, by: author, quote: quote))
                != nil
        else { throw .failed("your reply could not be stored, so it was not sent") }
    }
}
