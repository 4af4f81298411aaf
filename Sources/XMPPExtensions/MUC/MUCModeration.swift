import XMPPCore

/// XEP-0425: Moderated Message Retraction — a moderator asks the room to retract an occupant's
/// message, and the room tells every occupant. Both the current form (0.3,
/// `urn:xmpp:message-moderate:1` around XEP-0424 `urn:xmpp:message-retract:1`) and the older 0.2
/// one (`urn:xmpp:message-moderate:0` inside XEP-0422 `<apply-to/>`), which deployed rooms still
/// send, are read.
///
///     <message type='groupchat' id='retraction-id-1' from='room@muc.example.com'
///              to='room@muc.example.com/macbeth'>
///       <retract id='stanza-id-1' xmlns='urn:xmpp:message-retract:1'>
///         <moderated by='room@muc.example.com/macbeth' xmlns='urn:xmpp:message-moderate:1'>
///           <occupant-id xmlns='urn:xmpp:occupant-id:0' id='dd72603deec90a38ba552f7c68cbcc61bca202cd'/>
///         </moderated>
///         <reason>This message contains inappropriate content for this forum</reason>
///       </retract>
///     </message>
///
/// The target is named by the stanza-id the room stamped (XEP-0359, `by` = the room's JID), never
/// by another id: the caller looks the message up by that id among the room's messages only
/// (§3.1: "The client MUST check that the correct stanza ID was used"). The room answers the
/// request with an empty result, or `forbidden` when we may not moderate (Example 7).
/// Moderation is a hint (§1): other clients may still show the message.
public struct ModeratedMessage: Sendable, Hashable {
    /// Which form of XEP-0425 a room speaks (the feature it lists in disco#info).
    public enum Version: Sendable, Hashable {
        /// 0.3: `urn:xmpp:message-moderate:1`.
        case current
        /// 0.2: `urn:xmpp:message-moderate:0`, with XEP-0422 fastening.
        case legacy
    }

    /// The stanza-id, stamped by the room, of the retracted message.
    public var stanzaID: String
    /// The moderator as the room names them in `by`: their occupant JID (`room/nick`) or real JID.
    public var moderator: JID?
    /// XEP-0421: the moderator's occupant id, when the room gives one.
    public var moderatorOccupantID: String?
    public var reason: String?
    public var version: Version

    public init(
        stanzaID: String, moderator: JID? = nil, moderatorOccupantID: String? = nil, reason: String? = nil,
        version: Version
    ) {
        self.stanzaID = stanzaID
        self.moderator = moderator
        self.moderatorOccupantID = moderatorOccupantID
        self.reason = reason
        self.version = version
    }

    /// The moderator's nick, when `by` is an occupant JID of the room.
    public func moderatorNick(in room: JID) -> String? {
        guard let moderator, moderator.bare == room.bare else { return nil }
        return moderator.resourcepart
    }

    /// Reads `room`'s announcement that a message was moderated. Nil for anything else, and for
    /// an announcement that does not come from the room's bare JID itself (§5: "only moderation
    /// messages ... received from the MUC service itself are legitimate, all other such
    /// messages MUST be discarded" — an occupant can send a look-alike from `room/nick`).
    public init?(_ message: XMLElement, room: JID) {
        guard message.name == "message", message[attribute: "type"] != "error", let from = message.from,
            from.isBare, from == room.bare
        else { return nil }
        if let retract = message.child("retract", namespace: Namespace.messageRetract),
            let moderated = retract.child("moderated", namespace: Namespace.messageModerate),
            let id = retract[attribute: "id"], !id.isEmpty
        {
            self.init(
                stanzaID: id, moderator: JID(parsing: moderated[attribute: "by"]),
                moderatorOccupantID: moderated.child("occupant-id", namespace: Namespace.occupantID)?[attribute: "id"],
                reason: retract.childText("reason", namespace: Namespace.messageRetract), version: .current)
        } else if let applyTo = message.child("apply-to", namespace: Namespace.fasten),
            let moderated = applyTo.child("moderated", namespace: Namespace.messageModerate0),
            moderated.child("retract", namespace: Namespace.messageRetract0) != nil,
            let id = applyTo[attribute: "id"], !id.isEmpty
        {
            self.init(
                stanzaID: id, moderator: JID(parsing: moderated[attribute: "by"]),
                moderatorOccupantID: moderated.child("occupant-id", namespace: Namespace.occupantID)?[attribute: "id"],
                reason: moderated.childText("reason", namespace: Namespace.messageModerate0), version: .legacy)
        } else {
            return nil
        }
    }

    /// XEP-0425 0.3 Example 4 (`.current`) or 0.2 Example 4 (`.legacy`): asks `room` to retract
    /// the message it stamped with `stanzaID`.
    public static func request(
        room: JID, stanzaID: String, reason: String? = nil, version: Version = .current, id: String
    ) -> XMLElement {
        switch version {
        case .current:
            var moderate = XMLElement(
                "moderate", namespace: Namespace.messageModerate, ["id": stanzaID],
                elements: [XMLElement("retract", namespace: Namespace.messageRetract)])
            if let reason {
                moderate.append(XMLElement("reason", namespace: Namespace.messageModerate, [:], text: reason))
            }
            return .iq(.set, id: id, to: room.bare, payload: moderate)
        case .legacy:
            var moderate = XMLElement(
                "moderate", namespace: Namespace.messageModerate0, [:],
                elements: [XMLElement("retract", namespace: Namespace.messageRetract0)])
            if let reason {
                moderate.append(XMLElement("reason", namespace: Namespace.messageModerate0, [:], text: reason))
            }
            return .iq(
                .set, id: id, to: room.bare,
                payload: XMLElement("apply-to", namespace: Namespace.fasten, ["id": stanzaID], elements: [moderate]))
        }
    }
}
