import XMPPCore
import XMPPExtensions

/// A feature that encrypts rooms' messages end to end as well as one-to-one chats': the room
/// feature asks the one installed, if any, to seal what it sends to a room (`seal(_:to:)` with
/// the room's JID) and to open what an occupant sends.
protocol RoomEncryption: MessageEncryption {
    /// Whether messages to `room` are encrypted now.
    func isOn(for room: JID) -> Bool
    /// The message as its sender wrote it; `sender`: the occupant's real JID, nil when the room
    /// does not show it.
    func open(_ message: ChatMessage, inRoom room: JID, sender: JID?, context: OpenContext) -> ChatMessage
}

/// End-to-end encryption of a room's messages: sealed before they go to the outbox, opened
/// before they are stored.
extension RoomsFeature {
    var encryption: (any RoomEncryption)? { account.features.lazy.compactMap { $0 as? any RoomEncryption }.first }

    /// `stanza` to `room` as it goes: sealed when the room is encrypted, with the name of its
    /// encryption; nil when it must not go now (held until keys are here, or refused: the room's
    /// window says why).
    func sealed(_ stanza: XMLElement, body: String, extra: [XMLElement], corrects: String?, in room: Room)
        -> (stanza: XMLElement, encryption: String?)?
    {
        guard let encryption else { return (stanza, nil) }
        switch encryption.seal(stanza, to: room.jid) {
        case .plaintext: return (stanza, nil)
        case .sealed(let sealed, let name): return (sealed, name)
        case .wait(let reason):
            let waiting = WaitingMessage(
                contact: room.jid, body: body, extra: extra, corrects: corrects, since: account.scheduler.now)
            encryption.hold(waiting, reason: reason)
        case .refused(let reason):
            encryption.notice(reason, in: room.jid, refusal: true)
        }
        return nil
    }

    /// A room message as its sender wrote it, its sender's real JID found from the occupant
    /// (by occupant id where the room vouches for them, else by nick).
    func opened(_ message: ChatMessage, in room: Room, context: OpenContext) -> ChatMessage {
        guard let encryption, message.encryptedElement != nil, let nick = message.from?.resourcepart else {
            return message
        }
        return encryption.open(
            message, inRoom: room.jid, sender: realJID(of: message, nick: nick, in: room), context: context)
    }

    /// The real bare JID of whoever sent `message` as `nick`: ours for our own, else the one
    /// the occupant's presence showed.
    private func realJID(of message: ChatMessage, nick: String, in room: Room) -> JID? {
        if sender(of: message, nick: nick, in: room).ours { return account.jid.bare }
        if room.stampsOccupantIDs, let occupantID = message.occupantID {
            return room.occupants.values.first { $0.occupantID == occupantID }?.realJID?.bare
        }
        return room.occupants[nick]?.realJID?.bare
    }

    /// Whether a message of ours the room refused may be sent again as stored (in plaintext):
    /// never in an encrypted room.
    func mayResendStored(in room: Room) -> Bool { encryption?.isOn(for: room.jid) != true }
}
