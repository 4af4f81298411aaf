import ChatStore
import XMPPCore
import XMPPExtensions

/// A feature that acts on room messages that act on others (retractions, reactions) or share a
/// file (an OOB URL): the room offers each, live or archived, to every feature that is one. `sender` is the occupant's
/// sender key (by occupant id where the room vouches for them); `ours`: it is ours, reflected.
protocol RoomMessageObserver: AnyObject {
    func receivedInRoom(_ message: ChatMessage, room: JID, sender: String, ours: Bool, timestamp: Int64)
    /// A page of the room's archive was stored.
    func archivePageStored(in room: JID)
}

extension RoomMessageObserver {
    /// Most observers need nothing once a page is stored.
    func archivePageStored(in room: JID) {}
}

/// Acting on messages already sent, in chats and rooms: retraction (XEP-0424) and reactions
/// (XEP-0444), received (live, as carbons, from archives) and sent (`/retract`, `/react`,
/// through the outbox), and asking a room to remove a message (`/moderate`, XEP-0425).
///
/// An action names its message by `id` attribute in a chat and by the room's stanza-id in a room,
/// and is looked up among that conversation's messages only: a reaction or retraction can never
/// reach a message of a conversation its sender is not part of. A retraction is obeyed only from
/// the message's sender (the same bare JID; in a room the same occupant id, else occupant JID).
/// A retraction that arrives before its message (an archive read backward) is kept until a later
/// archive page of that conversation brings the message (at most `maximumPending`, for this run).
public final class MessageActionsFeature: AccountFeature, MessageObserver, RoomMessageObserver {
    public static let name = "message-actions"
    unowned let account: AccountController
    /// Retractions whose message is not stored yet, oldest first.
    private var pendingRetractions: [(conversation: JID, anchor: MessageAnchor, sender: String)] = []
    static let maximumPending = 200
    lazy var rooms = account.feature(RoomsFeature.self)
    lazy var messaging = account.feature(MessagingFeature.self)

    public init(account: AccountController) throws(FeatureError) {
        self.account = account
    }

    // MARK: Receiving

    func received(_ message: ChatMessage, from: JID, peer: JID, carbon: Bool) {
        apply(message, in: peer, sender: peer.description, outgoing: false, room: nil)
    }

    func sentElsewhere(_ message: ChatMessage, to peer: JID) {
        apply(message, in: peer, sender: account.jid.description, outgoing: true, room: nil)
    }

    func archived(_ message: ChatMessage, peer: JID, outgoing: Bool) {
        apply(message, in: peer, sender: (outgoing ? account.jid : peer).description, outgoing: outgoing, room: nil)
        retryPendingRetractions(in: peer)
    }

    func archivePageStored(in room: JID) { retryPendingRetractions(in: room) }

    /// Applies the retractions waiting for a message of `conversation` that is now stored.
    private func retryPendingRetractions(in conversation: JID) {
        guard pendingRetractions.contains(where: { $0.conversation == conversation }) else { return }
        let waiting = pendingRetractions.filter { $0.conversation == conversation }
        pendingRetractions.removeAll { $0.conversation == conversation }
        for pending in waiting {
            retract(pending.anchor, in: conversation, sender: pending.sender)
        }
    }

    func receivedInRoom(_ message: ChatMessage, room: JID, sender: String, ours: Bool, timestamp: Int64) {
        apply(message, in: room, sender: sender, outgoing: ours, room: room, timestamp: timestamp)
    }

    private func apply(
        _ message: ChatMessage, in conversation: JID, sender: String, outgoing: Bool, room: JID?,
        timestamp: Int64? = nil
    ) {
        let anchor = { (id: String) in room.map { MessageAnchor.stanzaID(id, by: $0) } ?? .messageID(id) }
        if let retraction = message.retraction {
            retract(anchor(retraction.id), in: conversation, sender: sender)
        }
        if let reactions = message.reactions {
            react(
                reactions.reactions, to: anchor(reactions.id), in: conversation, sender: sender, outgoing: outgoing,
                timestamp: timestamp ?? message.delay ?? account.scheduler.now)
        }
    }

    private func target(_ anchor: MessageAnchor, in conversation: JID) -> StoredMessage? {
        do {
            return try account.store.message(account: account.accountID, conversation: conversation, anchor: anchor)
        } catch {
            account.log(.error, "could not read a message of \(conversation): \(error)")
            return nil
        }
    }

    private func retract(_ anchor: MessageAnchor, in conversation: JID, sender: String) {
        guard let message = target(anchor, in: conversation) else {
            account.log(.debug, "\(conversation): a retraction of a message Tern does not have (yet)")
            if !pendingRetractions.contains(where: { $0.conversation == conversation && $0.anchor == anchor }) {
                pendingRetractions.append((conversation, anchor, sender))
            }
            if pendingRetractions.count > Self.maximumPending { pendingRetractions.removeFirst() }
            return
        }
        guard message.senderKey == sender else {
            account.log(.warning, "ignored a retraction in \(conversation) of a message its sender did not send")
            return
        }
        guard message.retraction == nil else { return }
        erase(message, in: conversation)
    }

    /// Erases `message` as retracted by its sender, and shows it so.
    func erase(_ message: StoredMessage, in conversation: JID) {
        do {
            let replies = try account.store.retract(messageID: message.id, Retraction(kind: .sender))
            changed(message, in: conversation)
            // The replies that quoted it no longer do.
            for reply in replies {
                account.onEvent(
                    .messageStored(
                        conversation: conversation, messageID: reply, isNew: false, outgoing: false, markable: nil))
            }
        } catch {
            account.log(.error, "could not retract a message of \(conversation): \(error)")
        }
    }

    private func react(
        _ emoji: [String], to anchor: MessageAnchor, in conversation: JID, sender: String, outgoing: Bool,
        timestamp: Int64
    ) {
        guard let message = target(anchor, in: conversation), message.retraction == nil else {
            account.log(.debug, "\(conversation): reactions to a message Tern does not have")
            return
        }
        record(emoji, on: message, in: conversation, sender: sender, outgoing: outgoing, timestamp: timestamp)
    }

    func record(
        _ emoji: [String], on message: StoredMessage, in conversation: JID, sender: String, outgoing: Bool,
        timestamp: Int64
    ) {
        do {
            if try account.store.setReactions(
                messageID: message.id, senderKey: sender, outgoing: outgoing, emoji: emoji, timestamp: timestamp)
            {
                changed(message, in: conversation)
            }
        } catch {
            account.log(.error, "could not store reactions in \(conversation): \(error)")
        }
    }

    private func changed(_ message: StoredMessage, in conversation: JID) {
        account.onEvent(
            .messageStored(
                conversation: conversation, messageID: message.id, isNew: false, outgoing: message.outgoing,
                markable: nil))
    }
}
