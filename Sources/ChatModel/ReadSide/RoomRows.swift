import XMPPCore
import XMPPExtensions

/// A room as the roster's Rooms section, the title line and /names show it.
public struct RoomRow: Sendable, Hashable {
    public enum State: Sendable, Hashable {
        case offline, joining, joined
        /// Not in it (left, or put out: the reason when the room gave one).
        case left(String?)
    }

    public var key: ConversationKey
    /// Our nick there.
    public var nick: String
    public var state: State
    public var subject: String?
    /// The room's name from disco#info, if it has one.
    public var name: String?
    public var occupantCount: Int
    public var unread: Int
    /// The room has a bookmark (XEP-0402 or XEP-0048) on the account.
    public var isBookmarked = false
    /// The name the user gave its bookmark, if any.
    public var bookmarkName: String?
    /// Unread messages that named us or a keyword.
    public var highlights = 0

    /// What the room is called: its bookmark's name, else its own name, else its JID's local part.
    public var title: String {
        [bookmarkName, name].compactMap { $0 }.first { !$0.isEmpty } ?? key.jid.localpart ?? key.address
    }

    /// We are in the room, or entering it.
    public var isIn: Bool { state == .joined || state == .joining }
}

/// One occupant of a room, for the occupants pane and /names.
public struct OccupantRow: Sendable, Hashable {
    /// In the pane's order: moderators, participants, visitors.
    public enum Role: Int, Sendable, Hashable, Comparable, CaseIterable {
        case moderator, participant, visitor

        public static func < (lhs: Role, rhs: Role) -> Bool { lhs.rawValue < rhs.rawValue }

        public var title: String {
            switch self {
            case .moderator: "Moderators"
            case .participant: "Participants"
            case .visitor: "Visitors"
            }
        }
    }

    public var nick: String
    public var role: Role
    /// `owner`, `admin`, `member`, or nil.
    public var affiliation: String?
    public var presence: PresenceShown
    /// The real JID, when the room shows it.
    public var realJID: String?
    public var isSelf: Bool
}

extension RoomRow.State {
    init(_ state: Room.State) {
        switch state {
        case .offline: self = .offline
        case .joining: self = .joining
        case .joined: self = .joined
        case .left(let reason): self = .left(reason)
        }
    }
}

extension AppModel {
    /// The rooms of an account (joined, being joined, or to join again) and its bookmarked rooms,
    /// by JID.
    public func rooms(of account: String) -> [RoomRow] {
        guard let controller = self.account(named: account), let feature = controller.feature(RoomsFeature.self)
        else { return [] }
        let wanted = feature.rooms.values.filter(\.wanted).map { roomRow($0, of: controller) }
        let listed = Set(wanted.map(\.key.jid))
        let bookmarked = (controller.feature(BookmarksFeature.self)?.bookmarks.keys.map(\.self) ?? []).filter {
            !listed.contains($0)
        }
        let others = bookmarked.map { jid in
            feature.rooms[jid].map { roomRow($0, of: controller) } ?? bookmarkedRoomRow(jid, of: controller)
        }
        return (wanted + others).sorted { $0.key.jid.description < $1.key.jid.description }
    }

    /// The room a conversation is with (nil: not a room we were ever in).
    public func room(_ key: ConversationKey) -> RoomRow? {
        guard let account = account(of: key), let room = account.feature(RoomsFeature.self)?.rooms[key.jid] else {
            return nil
        }
        return roomRow(room, of: account)
    }

    /// Enters a room of the roster's Rooms section that we are not in (a bookmark's, or one we
    /// left): with its bookmark's nick and password, else as we were last in it.
    public func enterRoom(_ key: ConversationKey) {
        guard let account = account(of: key), key.jid.isBare,
            account.feature(RoomsFeature.self)?.rooms[key.jid]?.wanted != true
        else { return }
        account.feature(BookmarksFeature.self)?.enter(key.jid)
    }

    /// A room's occupants, by role and then nick (sorted again only after a change).
    public func occupants(of key: ConversationKey) -> [OccupantRow] {
        guard let room = account(of: key)?.feature(RoomsFeature.self)?.rooms[key.jid] else { return [] }
        if let rows = room.occupantRows { return rows }
        // Each nick is folded once, not once per comparison.
        let rows = room.occupants.values.map { OccupantRow($0, isSelf: $0.nick == room.nick) }
            .map { (role: $0.role, folded: $0.nick.lowercased(), row: $0) }
            .sorted { ($0.role, $0.folded) < ($1.role, $1.folded) }.map(\.row)
        room.occupantRows = rows
        return rows
    }

    /// Nicks to complete in a room window (most recent speakers are not tracked: by name).
    public func nicks(in key: ConversationKey) -> [String] {
        guard let room = account(of: key)?.feature(RoomsFeature.self)?.rooms[key.jid] else { return [] }
        return room.occupants.keys.filter { $0 != room.nick }.sorted { $0.lowercased() < $1.lowercased() }
    }

    private func roomRow(_ room: Room, of account: AccountController) -> RoomRow {
        let key = ConversationKey(account: account.name, jid: room.jid)
        let bookmark = account.feature(BookmarksFeature.self)?.bookmarks[room.jid]
        return RoomRow(
            key: key, nick: room.nick, state: RoomRow.State(room.state), subject: room.subject,
            name: room.info?.identities.first { $0.category == "conference" }?.name,
            occupantCount: room.occupants.count, unread: unreadCounts[key] ?? 0, isBookmarked: bookmark != nil,
            bookmarkName: bookmark?.name, highlights: highlightCounts[key] ?? 0)
    }

    /// A bookmarked room we have never been in (on this device).
    private func bookmarkedRoomRow(_ jid: JID, of account: AccountController) -> RoomRow {
        let key = ConversationKey(account: account.name, jid: jid)
        let bookmark = account.feature(BookmarksFeature.self)?.bookmarks[jid]
        return RoomRow(
            key: key, nick: bookmark?.nick ?? "", state: .left(nil), subject: nil, name: nil, occupantCount: 0,
            unread: unreadCounts[key] ?? 0, isBookmarked: true, bookmarkName: bookmark?.name,
            highlights: highlightCounts[key] ?? 0)
    }
}

extension OccupantRow {
    init(_ presence: MUCOccupantPresence, isSelf: Bool) {
        nick = presence.nick
        switch presence.role {
        case .moderator: role = .moderator
        case .visitor: role = .visitor
        default: role = .participant
        }
        switch presence.affiliation {
        case .owner: affiliation = "owner"
        case .admin: affiliation = "admin"
        case .member: affiliation = "member"
        default: affiliation = nil
        }
        self.presence =
            !presence.isAvailable
            ? .offline
            : presence.show.flatMap { PresenceShown(rawValue: $0) }.map { $0 == .offline ? .online : $0 } ?? .online
        realJID = presence.realJID?.description
        self.isSelf = isSelf
    }
}

extension AppModel {
    /// Tab in a room window (not a command): the occupants' nicks that start with the word
    /// before the cursor, case-insensitively; at the start of the line as `nick:` (addressing).
    public func nickCompletions(for line: String) -> (wordStart: String.Index, candidates: [String])? {
        guard !line.hasPrefix("/"), let key = currentWindow.conversation, room(key) != nil else { return nil }
        let wordStart = line.lastIndex(where: \.isWhitespace).map { line.index(after: $0) } ?? line.startIndex
        let partial = line[wordStart...].lowercased()
        let addressing = wordStart == line.startIndex
        let candidates = nicks(in: key).filter { $0.lowercased().hasPrefix(partial) }.map {
            addressing ? $0 + ":" : $0
        }
        return candidates.isEmpty ? nil : (wordStart, candidates)
    }
}
