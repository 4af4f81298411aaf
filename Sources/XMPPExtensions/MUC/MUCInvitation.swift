import XMPPCore

/// An invitation to a room, as received: XEP-0249 direct invitations and XEP-0045 §7.8.2
/// mediated ones, read into one value.
///
///     <message from='crone1@shakespeare.lit/desktop' to='hecate@shakespeare.lit'>
///       <x xmlns='jabber:x:conference' jid='darkcave@macbeth.shakespeare.lit'
///          password='cauldronburn' reason='Hey Hecate, this is the place for all good witches!'/>
///     </message>
///
///     <message from='coven@chat.shakespeare.lit' id='nzd143v8' to='hecate@shakespeare.lit'>
///       <x xmlns='http://jabber.org/protocol/muc#user'>
///         <invite from='crone1@shakespeare.lit/desktop'><reason>Hey Hecate, ...</reason></invite>
///         <password>cauldronburn</password>
///       </x>
///     </message>
///
/// Security: anyone can send an invitation naming any room, any reason and any inviter (a
/// mediated one names its inviter in an attribute only the room vouches for). An invitation is
/// only ever shown to the user, who decides; it is never acted on (no automatic join, no
/// bookmark). XEP-0249 §6 also warns that the reason can be offensive and the room a lure.
public struct MUCInvitation: Sendable, Hashable {
    /// How the invitation came.
    public enum Kind: Sendable, Hashable {
        /// XEP-0249: from the inviter, `jabber:x:conference`.
        case direct
        /// XEP-0045 §7.8.2: relayed by the room, `muc#user` `<invite/>`.
        case mediated
    }

    /// The room's bare JID.
    public var room: JID
    /// Who invites: the sender of a direct invitation; for a mediated one the JID the room put in
    /// `<invite from=.../>` (bare, full or occupant JID), nil if the room left it out.
    public var inviter: JID?
    public var reason: String?
    public var password: String?
    /// The room continues a one-to-one chat (XEP-0045 §7.9, XEP-0249 `continue`).
    public var isContinuation: Bool
    /// The thread of the chat it continues, when named.
    public var thread: String?
    public var kind: Kind

    public init(
        room: JID, inviter: JID?, reason: String? = nil, password: String? = nil, isContinuation: Bool = false,
        thread: String? = nil, kind: Kind
    ) {
        self.room = room
        self.inviter = inviter
        self.reason = reason
        self.password = password
        self.isContinuation = isContinuation
        self.thread = thread
        self.kind = kind
    }

    /// Reads an invitation from a message; nil for any other message, an error, or one without a
    /// valid room (a direct invitation also needs a valid sender).
    ///
    /// A message with both payloads is mediated: XEP-0045 §7.8.2 notes that some rooms add the
    /// old `jabber:x:conference` payload to mediated invitations for compatibility.
    public init?(_ message: XMLElement) {
        guard message.name == "message", message[attribute: "type"] != "error" else { return nil }
        if let x = message.child("x", namespace: Namespace.mucUser),
            let invite = x.child("invite", namespace: Namespace.mucUser)
        {
            guard let from = message.from else { return nil }
            let resumes = invite.child("continue", namespace: Namespace.mucUser)
            self.init(
                room: from.bare, inviter: JID(parsing: invite[attribute: "from"]),
                reason: invite.childText("reason", namespace: Namespace.mucUser)?.trimmedXMLWhitespace,
                password: x.childText("password", namespace: Namespace.mucUser), isContinuation: resumes != nil,
                thread: resumes?[attribute: "thread"], kind: .mediated)
        } else if let x = message.child("x", namespace: Namespace.directInvitation) {
            guard let from = message.from, let room = JID(parsing: x[attribute: "jid"]) else { return nil }
            self.init(
                room: room.bare, inviter: from, reason: x[attribute: "reason"], password: x[attribute: "password"],
                isContinuation: x[attribute: "continue"] == "true" || x[attribute: "continue"] == "1",
                thread: x[attribute: "thread"], kind: .direct)
        } else {
            return nil
        }
    }

    /// XEP-0249 §2: a direct invitation to `invitee`. `thread`: the one-to-one chat the room
    /// continues, if it does.
    public static func direct(
        to invitee: JID, room: JID, reason: String? = nil, password: String? = nil, continuing thread: String? = nil,
        id: String? = nil
    ) -> XMLElement {
        XMLElement(
            "message", namespace: Namespace.client, ["to": invitee.description, "id": id],
            elements: [
                XMLElement(
                    "x", namespace: Namespace.directInvitation,
                    [
                        "jid": room.bare.description, "password": password, "reason": reason,
                        "continue": thread == nil ? nil : "true", "thread": thread,
                    ])
            ])
    }

    /// XEP-0045 §7.8.2 Example 56 (and Example 63, several invitees): a mediated invitation, sent
    /// to the room, which relays it. A normal message: no `type`.
    public static func mediated(
        room: JID, invitees: [JID], reason: String? = nil, continuing thread: String? = nil, id: String? = nil
    ) -> XMLElement {
        var x = XMLElement("x", namespace: Namespace.mucUser)
        for invitee in invitees {
            var invite = XMLElement("invite", namespace: Namespace.mucUser, ["to": invitee.description])
            if let reason { invite.append(XMLElement("reason", namespace: Namespace.mucUser, [:], text: reason)) }
            if let thread { invite.append(XMLElement("continue", namespace: Namespace.mucUser, ["thread": thread])) }
            x.append(invite)
        }
        return XMLElement(
            "message", namespace: Namespace.client, ["to": room.bare.description, "id": id], elements: [x])
    }
}

/// XEP-0045 §7.8.2: the invitee's formal refusal of a mediated invitation, which goes through the
/// room (Example 58) and comes back to the inviter from the room (Example 59).
///
///     <message from='coven@chat.shakespeare.lit' id='jk2vs61v' to='crone1@shakespeare.lit/desktop'>
///       <x xmlns='http://jabber.org/protocol/muc#user'>
///         <decline from='hecate@shakespeare.lit'><reason>Sorry, I'm too busy right now.</reason></decline>
///       </x>
///     </message>
///
/// A direct invitation is declined by ignoring it (XEP-0249 §2).
public struct MUCDecline: Sendable, Hashable {
    /// The room's bare JID.
    public var room: JID
    /// Who declined, as the room names them; nil if it did not.
    public var decliner: JID?
    public var reason: String?

    public init(room: JID, decliner: JID?, reason: String? = nil) {
        self.room = room
        self.decliner = decliner
        self.reason = reason
    }

    /// Reads a decline the room relays; nil for anything else.
    public init?(_ message: XMLElement) {
        guard message.name == "message", message[attribute: "type"] != "error", let from = message.from,
            let decline = message.child("x", namespace: Namespace.mucUser)?.child(
                "decline", namespace: Namespace.mucUser)
        else { return nil }
        self.init(
            room: from.bare, decliner: JID(parsing: decline[attribute: "from"]),
            reason: decline.childText("reason", namespace: Namespace.mucUser)?.trimmedXMLWhitespace)
    }

    /// Example 58: declines the invitation `inviter` sent to `room`.
    public static func message(room: JID, inviter: JID, reason: String? = nil, id: String? = nil) -> XMLElement {
        var decline = XMLElement("decline", namespace: Namespace.mucUser, ["to": inviter.description])
        if let reason { decline.append(XMLElement("reason", namespace: Namespace.mucUser, [:], text: reason)) }
        return XMLElement(
            "message", namespace: Namespace.client, ["to": room.bare.description, "id": id],
            elements: [XMLElement("x", namespace: Namespace.mucUser, [:], elements: [decline])])
    }
}

extension String {
    /// The string without leading and trailing XML white space (space, tab, CR, LF), which pretty
    /// printed `<reason/>` elements carry (XEP-0045 Examples 56-59).
    var trimmedXMLWhitespace: String {
        let scalars = unicodeScalars
        let isSpace: (Unicode.Scalar) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }
        guard let first = scalars.firstIndex(where: { !isSpace($0) }),
            let last = scalars.lastIndex(where: { !isSpace($0) })
        else { return "" }
        return String(scalars[first...last])
    }
}

/// Takes invitations (XEP-0249 direct, XEP-0045 §7.8.2 mediated) and declines out of the message
/// stream before the chat handler sees them, so an invitation's fallback body never passes for a
/// chat message. It only reads them: what to do is the user's to decide (nothing is joined).
public final class MUCInvitationHandler: SessionExtension {
    public var onInvitation: (MUCInvitation) -> Void = { _ in }
    public var onDecline: (MUCDecline) -> Void = { _ in }

    public init() {}

    /// XEP-0249 §3: clients that accept direct invitations say so.
    public var discoFeatures: [String] { [Namespace.directInvitation] }

    public func handle(_ stanza: XMLElement, in session: XMPPSession) -> Bool {
        guard stanza.stanzaKind == .message, stanza.type != "groupchat", stanza.type != "error" else { return false }
        if let invitation = MUCInvitation(stanza) {
            onInvitation(invitation)
            return true
        }
        if let decline = MUCDecline(stanza) {
            onDecline(decline)
            return true
        }
        return false
    }
}
