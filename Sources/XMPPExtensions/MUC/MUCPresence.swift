import XMPPCore

/// A room occupant's long-lived privilege (XEP-0045 §5.2).
public enum MUCAffiliation: String, Sendable, Hashable, CaseIterable {
    case owner, admin, member, outcast, none
}

/// A room occupant's privilege for this visit (XEP-0045 §5.1).
public enum MUCRole: String, Sendable, Hashable, CaseIterable {
    case moderator, participant, visitor, none
}

/// The status codes of a room's `<x xmlns='http://jabber.org/protocol/muc#user'/>` (XEP-0045 §15.6).
public enum MUCStatus {
    /// XEP-0045 §10.2.1: the room's configuration changed (104), or whether it is logged or
    /// anonymous (170-174); a room says so in a message from its bare JID.
    public static let configurationChanges: Set<Int> = [104, 170, 171, 172, 173, 174]

    /// The codes in `x`, a `muc#user` element.
    public static func codes(in x: XMLElement) -> Set<Int> {
        Set(x.children("status", namespace: Namespace.mucUser).compactMap { $0[attribute: "code"].flatMap { Int($0) } })
    }
}

/// The presence of one occupant of a multi-user chat room (XEP-0045 §7.2), as a room sends it:
/// from `room@service/nick`, with a `muc#user` item and status codes. Also our own (status 110).
public struct MUCOccupantPresence: Sendable, Hashable {
    /// The room's bare JID.
    public var room: JID
    /// The occupant's nick (the resource of `from`).
    public var nick: String
    /// False for `unavailable`: the occupant left, changed nick, was kicked or banned.
    public var isAvailable: Bool
    public var affiliation: MUCAffiliation
    public var role: MUCRole
    /// The occupant's real JID, when the room shows it (non-anonymous rooms, or to moderators).
    public var realJID: JID?
    public var statusCodes: Set<Int>
    /// The new nick of a nick change (status 303).
    public var newNick: String?
    /// Why an occupant was kicked, banned or removed, and by whom (a nick).
    public var reason: String?
    public var actor: String?
    /// XEP-0421: the room's stable id for the occupant, when the room assigns one.
    public var occupantID: String?
    /// RFC 6121 `<show/>` (away, chat, dnd, xa), nil when plainly available.
    public var show: String?

    /// Reads a room's presence; nil when `stanza` is not one (no `muc#user` payload, no nick) or
    /// is an error (see `MUCJoinError`).
    public init?(_ stanza: XMLElement) {
        guard stanza.name == "presence", stanza[attribute: "type"] != "error",
            let from = stanza[attribute: "from"].flatMap(JID.init(parsing:)), let nick = from.resourcepart,
            !nick.isEmpty, let x = stanza.child("x", namespace: Namespace.mucUser)
        else { return nil }
        room = from.bare
        self.nick = nick
        isAvailable = stanza[attribute: "type"] != "unavailable"
        let item = x.child("item", namespace: Namespace.mucUser)
        affiliation = item?[attribute: "affiliation"].flatMap(MUCAffiliation.init(rawValue:)) ?? .none
        role = item?[attribute: "role"].flatMap(MUCRole.init(rawValue:)) ?? .none
        realJID = item?[attribute: "jid"].flatMap(JID.init(parsing:))
        newNick = item?[attribute: "nick"]
        reason = item?.childText("reason", namespace: Namespace.mucUser)
        actor = item?.child("actor", namespace: Namespace.mucUser)?[attribute: "nick"]
        statusCodes = MUCStatus.codes(in: x)
        // XEP-0421: to be trusted only when the room advertises urn:xmpp:occupant-id:0 (the room
        // then strips any an occupant sent); the caller checks.
        occupantID = stanza.child("occupant-id", namespace: Namespace.occupantID)?[attribute: "id"]
        show = stanza.childText("show")
    }

    /// Our own presence in the room (status 110).
    public var isSelf: Bool { statusCodes.contains(110) }

    /// Why an unavailable presence ended the occupant's visit.
    public enum Departure: Sendable, Hashable {
        case left
        /// Status 303: the occupant is now `newNick`.
        case nickChanged(String)
        /// Status 307.
        case kicked
        /// Status 301.
        case banned
        /// Status 321: the affiliation change removed them.
        case affiliationChanged
        /// Status 322: the room became members-only.
        case membersOnly
        /// Status 332: the service is shutting down.
        case serviceShutdown
    }

    /// For an unavailable presence: why the occupant is gone (nil while available).
    public var departure: Departure? {
        guard !isAvailable else { return nil }
        if statusCodes.contains(303), let newNick, !newNick.isEmpty { return .nickChanged(newNick) }
        if statusCodes.contains(301) { return .banned }
        if statusCodes.contains(307) { return .kicked }
        if statusCodes.contains(321) { return .affiliationChanged }
        if statusCodes.contains(322) { return .membersOnly }
        if statusCodes.contains(332) { return .serviceShutdown }
        return .left
    }
}

/// Why a room refused us (XEP-0045 §7.2.6-§7.2.11), from the error presence it sent back.
public enum MUCJoinError: Sendable, Hashable {
    /// The nick is taken (409 conflict).
    case nickInUse
    /// The room needs a password, or the one given was wrong (401).
    case passwordRequired
    /// Members only, and we are not one (407).
    case membersOnly
    /// We are banned (403).
    case banned
    /// The room does not exist and may not be created by us (404), or it is locked.
    case roomNotFound
    /// The room is full (503).
    case roomFull
    /// Anything else, with the room's error.
    case other(StanzaError)

    /// Reads an error presence from a room; nil for anything else.
    public init?(_ stanza: XMLElement) {
        guard stanza.name == "presence", stanza[attribute: "type"] == "error", let error = StanzaError(stanza: stanza)
        else { return nil }
        switch error.condition {
        case .conflict: self = .nickInUse
        case .notAuthorized: self = .passwordRequired
        case .registrationRequired: self = .membersOnly
        case .forbidden: self = .banned
        case .itemNotFound: self = .roomNotFound
        case .serviceUnavailable: self = .roomFull
        default: self = .other(error)
        }
    }
}

/// Presences to enter and leave a room (XEP-0045 §7.2, §7.14).
public enum MUCJoin {
    /// Enters `room` as `nick`. `historyStanzas`: how much of the room's history it sends on
    /// entering (0 when the archive fills the gap instead; nil: the room's default).
    public static func presence(room: JID, nick: String, password: String? = nil, historyStanzas: Int? = nil) throws
        -> XMLElement
    {
        var x = XMLElement("x", namespace: Namespace.muc)
        if let historyStanzas {
            x.append(XMLElement("history", namespace: Namespace.muc, ["maxstanzas": String(historyStanzas)]))
        }
        if let password { x.append(XMLElement("password", namespace: Namespace.muc, [:], text: password)) }
        return XMLElement(
            "presence", namespace: Namespace.client, ["to": try room.bare.with(resource: nick).description],
            elements: [x])
    }

    /// Leaves `room` (our nick there is `nick`).
    public static func leave(room: JID, nick: String) throws -> XMLElement {
        XMLElement(
            "presence", namespace: Namespace.client,
            ["to": try room.bare.with(resource: nick).description, "type": "unavailable"])
    }
}
