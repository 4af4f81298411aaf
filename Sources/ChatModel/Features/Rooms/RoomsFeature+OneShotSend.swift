import ChatStore
import XMPPCore

/// What `tern send --groupchat` (which runs no account) needs of the rooms feature: where the
/// interactive client is, and how it stores its own messages.
extension RoomsFeature {
    /// Where `tern send --groupchat` enters a room: with the nick and password the interactive
    /// client is in it with (its `room` table), if it is.
    public static func storedEntry(of room: JID, account: AccountID, in store: ChatStore) -> (
        nick: String, password: String?
    )? {
        // A database no interactive client opened has no `room` table: no entry.
        let rows = try? store.featureRows(
            "SELECT nick, password FROM room WHERE account_id = ? AND jid = ? AND joined = 1",
            [account.rawValue.sql, room.bare.description.sql], { ($0.text(0), $0.optionalText(1)) })
        return rows?.first.map { (nick: $0.0, password: $0.1) }
    }

    /// A message `tern send --groupchat` sent to `room` as `nick`, as the interactive client
    /// stores its own (the room's conversation, the same sender key), so that the room's archive
    /// and the reflection the interactive client sees meet it as the same message.
    /// `occupantID`: ours, when the room vouches for occupant ids.
    public static func sentMessage(
        _ body: String, to room: JID, as nick: String, occupantID: String?, id: String, stanzaID: String?,
        timestamp: Int64, state: DeliveryState
    ) -> NewMessage {
        NewMessage(
            conversation: room.bare, kind: .groupchat, outgoing: true, sender: nick,
            senderKey: Room.senderKey(in: room.bare, nick: nick, occupantID: occupantID), body: body,
            timestamp: timestamp, type: "groupchat", idAttribute: id, originID: id, stanzaID: stanzaID,
            stanzaIDBy: stanzaID == nil ? nil : room.bare.description, state: state)
    }
}
