import ChatStore
import XMPPCore
import XMPPExtensions

/// XEP-0425 Moderated Message Retraction, as an occupant sees it: the room announces that a
/// moderator removed a message, named by the stanza-id the room stamped on it. The message's
/// text (and every correction's) is erased from the store and the search index, and the window
/// shows "removed by a moderator". Only the room itself may announce it (§5: `ModeratedMessage`
/// reads it only from the room's bare JID), and only a message of that room, found by the room's
/// own id, is touched.
extension RoomsFeature {
    func applyModeration(_ moderation: ModeratedMessage, in room: Room) {
        let by = moderation.moderatorNick(in: room.jid) ?? moderation.moderator?.description
        do {
            guard
                let id = try account.store.retract(
                    account: account.accountID, conversation: room.jid, stanzaID: moderation.stanzaID, by: room.jid,
                    Retraction(kind: .moderator, by: by, reason: moderation.reason))
            else {
                account.log(.debug, "\(room.jid) removed a message Tern does not have (\(moderation.stanzaID))")
                return
            }
            account.onEvent(
                .messageStored(conversation: room.jid, messageID: id, isNew: false, outgoing: false, markable: nil))
        } catch {
            account.log(.error, "could not remove a moderated message of \(room.jid): \(error)")
        }
    }
}
