import XMPPCore

/// Sorts out what comes from rooms (XEP-0045) before the presence and message handlers see it:
/// occupants' presences, refused joins, room messages, private messages through a room, and
/// errors a room sent back.
///
/// Which JIDs are rooms is the owner's to say (`isRoom`: rooms joined or being joined), so a
/// stranger's stanza never passes for a room's. A `groupchat` message from anything else than a
/// room we are in is dropped: only a room sends them (XEP-0045 §7.4).
public final class MUCRouter: SessionExtension {
    /// Whether a bare JID is a room we are in or entering.
    public var isRoom: (JID) -> Bool = { _ in false }
    /// An occupant's presence (ours has status 110).
    public var onPresence: (MUCOccupantPresence) -> Void = { _ in }
    /// The room refused us (or our nick change), with the nick it was for.
    public var onJoinError: (_ room: JID, _ nick: String?, MUCJoinError) -> Void = { _, _, _ in }
    /// A message of the room (`groupchat`), from an occupant or from the room itself.
    public var onGroupchat: (ChatMessage) -> Void = { _ in }
    /// A private message from an occupant (`room@service/nick`, not `groupchat`).
    public var onPrivate: (ChatMessage) -> Void = { _ in }
    /// An error the room sent back for one of our messages.
    public var onError: (ChatMessage) -> Void = { _ in }
    /// A `groupchat` message that no room of ours sent, dropped.
    public var onDropped: (XMLElement) -> Void = { _ in }
    /// The room itself told its occupants that its configuration changed (XEP-0045 §10.2.1:
    /// status 104, 170-174), before the message goes to `onGroupchat`.
    public var onConfigurationChange: (_ room: JID, _ codes: Set<Int>) -> Void = { _, _ in }

    public init() {}

    public var discoFeatures: [String] { [Namespace.muc] }

    public func handle(_ stanza: XMLElement, in session: XMPPSession) -> Bool {
        switch stanza.stanzaKind {
        case .presence:
            guard let from = stanza.from, isRoom(from.bare) else { return false }
            if stanza.type == "error" {
                if let error = MUCJoinError(stanza) { onJoinError(from.bare, from.resourcepart, error) }
            } else if let presence = MUCOccupantPresence(stanza) {
                onPresence(presence)
            }
            return true
        case .message:
            let type = stanza.type ?? "normal"
            guard let from = stanza.from, isRoom(from.bare) else {
                if type == "groupchat" {
                    onDropped(stanza)
                    return true
                }
                return false
            }
            switch type {
            case "groupchat":
                if from.isBare, let x = stanza.child("x", namespace: Namespace.mucUser) {
                    let codes = MUCStatus.codes(in: x).intersection(MUCStatus.configurationChanges)
                    if !codes.isEmpty { onConfigurationChange(from, codes) }
                }
                onGroupchat(ChatMessage(stanza))
            case "error":
                onError(ChatMessage(stanza))
            case "chat" where from.resourcepart != nil, "normal" where from.resourcepart != nil:
                onPrivate(ChatMessage(stanza))
            default:
                // From the room itself and not groupchat: invitations, declines, requests; the
                // extensions that know them take them.
                return false
            }
            return true
        default:
            return false
        }
    }
}
