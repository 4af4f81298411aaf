import TestServers

/// The peer's commands as methods: each sends one command, waits for its reply and throws the
/// peer's error text if it failed. Rooms and JIDs are bare JID strings.
extension RoomPeer {
    /// Joins `room` as `nick`; answers after the room's presence for us. A room this created
    /// (status 201) is unlocked with the instant-room form unless `unlock` is false. The reply
    /// has `nick` (as the room assigned it), `codes` and `created`.
    @discardableResult
    public func join(
        _ room: String, nick: String, password: String? = nil, maxHistory: Int? = nil, unlock: Bool = true,
        timeout: Duration = .seconds(10)
    ) throws -> Event {
        var arguments: [String: JSONValue] = ["room": .string(room), "nick": .string(nick), "unlock": .bool(unlock)]
        if let password { arguments["password"] = .string(password) }
        if let maxHistory { arguments["maxhistory"] = .number(Double(maxHistory)) }
        return try command("join", arguments, timeout: timeout)
    }

    /// Leaves `room`; answers after the room's unavailable presence for us.
    public func leave(_ room: String) throws {
        try command("leave", ["room": .string(room)])
    }

    /// Says `body` in `room` (with an XEP-0359 origin-id, also the message id, when given);
    /// answers when the room reflects it, with the reflection's `stanza_id` and `stanza_id_by`.
    @discardableResult
    public func say(_ room: String, _ body: String, originID: String? = nil) throws -> Event {
        var arguments: [String: JSONValue] = ["room": .string(room), "body": .string(body)]
        if let originID { arguments["origin_id"] = .string(originID) }
        return try command("say", arguments)
    }

    /// Sends "`prefix` 1" … "`prefix` `count`" to `room` at once; answers when all are reflected.
    public func sayMany(_ room: String, count: Int, prefix: String, timeout: Duration = .seconds(60)) throws {
        try reply(
            to: startSayMany(room, count: count, prefix: prefix, timeout: timeout), timeout: timeout + .seconds(5))
    }

    /// `sayMany` without waiting: returns the command's id, for `hasReplied(to:)` and `reply(to:)`
    /// (the peer floods the room while the test does something else).
    public func startSayMany(_ room: String, count: Int, prefix: String, timeout: Duration = .seconds(60)) throws
        -> String
    {
        try send(
            "say_many", ["room": .string(room), "count": .number(Double(count)), "prefix": .string(prefix)],
            timeout: timeout)
    }

    /// A private message to occupant `nick` of `room`.
    public func privateMessage(_ room: String, to nick: String, _ body: String) throws {
        try command("pm", ["room": .string(room), "nick": .string(nick), "body": .string(body)])
    }

    /// A 1:1 chat message.
    public func chat(to jid: String, _ body: String) throws {
        try command("chat", ["to": .string(jid), "body": .string(body)])
    }

    /// Our whole set of reactions (XEP-0444) to message `id` (a room's stanza-id in a room) of
    /// the chat or room `to` (`type` "chat" or "groupchat").
    public func react(to: String, id: String, _ reactions: [String], type: String = "chat") throws {
        try command(
            "react",
            [
                "to": .string(to), "message_id": .string(id), "reactions": .array(reactions.map { .string($0) }),
                "type": .string(type),
            ])
    }

    /// Retracts our message `id` (XEP-0424; a room's stanza-id in a room) in the chat or room `to`.
    public func retract(to: String, id: String, type: String = "chat") throws {
        try command("retract", ["to": .string(to), "message_id": .string(id), "type": .string(type)])
    }

    /// Sends `body` to `to` as a reply (XEP-0461) to message `id` by `author`, quoting `quote`
    /// by `nick` as fallback.
    public func reply(
        to: String, answering id: String, by author: String, _ body: String, quote: String, nick: String,
        type: String = "chat"
    ) throws {
        try command(
            "reply",
            [
                "to": .string(to), "reply_id": .string(id), "reply_to": .string(author), "body": .string(body),
                "quote": .string(quote), "quoted_nick": .string(nick), "type": .string(type),
            ])
    }

    /// Changes our nick in `room`; answers when the room confirms it.
    public func changeNick(_ room: String, to nick: String) throws {
        try command("nick", ["room": .string(room), "nick": .string(nick)])
    }

    /// Sets the subject of `room`; answers when the room reflects it.
    public func setSubject(_ room: String, _ text: String) throws {
        try command("subject", ["room": .string(room), "text": .string(text)])
    }

    public func kick(_ room: String, nick: String, reason: String = "") throws {
        try command("kick", ["room": .string(room), "nick": .string(nick), "reason": .string(reason)])
    }

    public func ban(_ room: String, jid: String, reason: String = "") throws {
        try command("ban", ["room": .string(room), "jid": .string(jid), "reason": .string(reason)])
    }

    /// Sets an occupant's role: "none", "visitor", "participant" or "moderator".
    public func setRole(_ room: String, nick: String, role: String) throws {
        try command("role", ["room": .string(room), "nick": .string(nick), "role": .string(role)])
    }

    /// Sets a user's affiliation: "outcast", "none", "member", "admin" or "owner".
    public func setAffiliation(_ room: String, jid: String, affiliation: String) throws {
        try command("affiliation", ["room": .string(room), "jid": .string(jid), "affiliation": .string(affiliation)])
    }

    /// Invites `jid` to `room`: mediated (XEP-0045, through the room) or direct (XEP-0249).
    public func invite(
        _ jid: String, to room: String, reason: String = "", mediated: Bool = true, password: String? = nil
    ) throws {
        var arguments: [String: JSONValue] = [
            "room": .string(room), "jid": .string(jid), "reason": .string(reason), "mediated": .bool(mediated),
        ]
        if let password { arguments["password"] = .string(password) }
        try command("invite", arguments)
    }

    /// Submits the owner configuration form of `room` with these fields changed (booleans become
    /// 1/0, arrays several values), e.g. `["muc#roomconfig_membersonly": true]`. Fails, listing
    /// the form's fields, if the form has no such field.
    public func configure(_ room: String, _ fields: [String: JSONValue]) throws {
        try command("configure", ["room": .string(room), "fields": .object(fields)])
    }

    /// Queries the whole archive `archive` (a room's JID, or our own bare JID), page by page, and
    /// returns its messages oldest first (`archived` events: body, nick, ids, delay ...).
    public func queryArchive(_ archive: String, max: Int? = nil, timeout: Duration = .seconds(30)) throws -> [Event] {
        let start = mark
        var arguments: [String: JSONValue] = ["archive": .string(archive)]
        if let max { arguments["max"] = .number(Double(max)) }
        let reply = try command("mam", arguments, timeout: timeout)
        let archived = events[start...].filter { $0.name == "archived" && $0.string("archive") == archive }
        guard archived.count == reply["count"]?.int else {
            throw FixtureError("room peer \(jid): the archive query counted \(reply) but \(archived.count) arrived")
        }
        return Array(archived)
    }

    /// The features `jid` lists in disco#info.
    public func discoFeatures(_ jid: String) throws -> [String] {
        try discoInfo(jid).features
    }

    /// What `jid` says in disco#info: its features, and the names of its identities.
    public func discoInfo(_ jid: String) throws -> (features: [String], names: [String]) {
        let info = try command("disco_info", ["jid": .string(jid)])
        let names = info["identities"]?.array?.compactMap { $0.array?.dropFirst(2).first?.string } ?? []
        return (info["features"]?.array?.compactMap(\.string) ?? [], names)
    }

    /// Where the peer keeps its account's bookmarks: XEP-0402's PEP node, or XEP-0048 in XEP-0049
    /// private storage.
    public enum BookmarkStorage: String, Sendable {
        case pep
        case privateStorage = "private"
    }

    /// Adds or replaces our account's bookmark of `room`: published with XEP-0402's
    /// publish-options, or written into private storage (read, change, write).
    public func bookmark(
        _ room: String, in storage: BookmarkStorage, autojoin: Bool, name: String? = nil, nick: String? = nil
    ) throws {
        var arguments: [String: JSONValue] = [
            "room": .string(room), "storage": .string(storage.rawValue), "autojoin": .bool(autojoin),
        ]
        if let name { arguments["name"] = .string(name) }
        if let nick { arguments["nick"] = .string(nick) }
        try command("bookmark", arguments)
    }

    /// Removes our account's bookmark of `room` (XEP-0402: retracted with notify).
    public func unbookmark(_ room: String, in storage: BookmarkStorage) throws {
        try command("unbookmark", ["room": .string(room), "storage": .string(storage.rawValue)])
    }

    /// Our account's bookmarks as the server keeps them: objects with `room`, `name`, `autojoin`, `nick`.
    public func bookmarks(in storage: BookmarkStorage) throws -> [JSONValue] {
        try command("bookmarks", ["storage": .string(storage.rawValue)])["bookmarks"]?.array ?? []
    }

    /// Sends `xml` as written, as a stanza of the peer's stream (for hostile-input tests).
    public func sendRaw(_ xml: String) throws {
        try command("raw", ["xml": .string(xml)])
    }
}
