import ChatStore
import XMPPCore
import XMPPExtensions

/// Room bookmarks (XEP-0402, or XEP-0048 in private storage where the server does not unify the
/// two), shared with the user's other clients: read after every new session, kept in the store
/// (so the roster lists them offline and at start), rooms with autojoin entered through
/// `RoomsFeature.join` and its join queue, and our other clients' changes applied as they come.
///
/// One rule for every change, whoever made it (a notification, the list read at login, a
/// `/bookmark` command): a bookmark with autojoin joins its room unless we are in it or entering
/// it; a bookmark whose autojoin went off, or that went away while it had autojoin, leaves the
/// room (XEP-0402 §4). `/join` does not bookmark; `/leave` turns a bookmark's autojoin off, so
/// the user's other clients and the next login agree.
public final class BookmarksFeature: AccountFeature {
    public static let name = "bookmarks"
    /// Bookmark notifications are taken before messaging sees a headline.
    public static var ordering: [FeatureOrder] { [.before(MessagingFeature.name)] }
    public static var tables: [StoreMigration] {
        [
            StoreMigration(
                name: "create-bookmarks",
                sql: """
                    CREATE TABLE bookmark (
                        account_id INTEGER NOT NULL REFERENCES account(id) ON DELETE CASCADE,
                        jid TEXT NOT NULL,
                        name TEXT,
                        autojoin INTEGER NOT NULL DEFAULT 0,
                        nick TEXT,
                        password TEXT,
                        PRIMARY KEY (account_id, jid)
                    ) WITHOUT ROWID;
                    """)
        ]
    }

    public let manager = BookmarksManager()
    /// The bookmarks by room (bare JID): what the server said last.
    public internal(set) var bookmarks: [JID: RoomBookmark] = [:]
    /// Where the server keeps them (nil until its disco#info answered on this run).
    public internal(set) var storage: BookmarksManager.Storage?
    /// Rooms left while offline whose bookmark still had autojoin: it goes off at the next login.
    private var leftOffline: Set<JID> = []
    unowned let account: AccountController
    unowned let rooms: RoomsFeature

    public init(account: AccountController) throws(FeatureError) {
        self.account = account
        rooms = try account.required(RoomsFeature.self, by: Self.name)
        manager.onNotification = { [unowned self] notification in notified(notification) }
        manager.onSpoofedNotification = { [unowned account] stanza in
            account.log(
                .debug, "dropped a bookmarks notification from \(stanza[attribute: "from"] ?? "?"), not our account")
        }
        rooms.leaveObservers.append { [unowned self] room in left(room) }
        do {
            for (jid, name, autojoin, nick, password) in try account.store.featureRows(
                "SELECT jid, name, autojoin, nick, password FROM bookmark WHERE account_id = ?",
                [account.accountID.rawValue.sql],
                { ($0.text(0), $0.optionalText(1), $0.int(2) != 0, $0.optionalText(3), $0.optionalText(4)) })
            {
                guard let room = JID(parsing: jid) else { continue }
                bookmarks[room] = RoomBookmark(
                    room: room, name: name, autojoin: autojoin, nick: nick, password: password)
            }
        } catch {
            account.log(.error, "could not read your bookmarks: \(error)")
        }
    }

    public var extensions: [any SessionExtension] { [manager] }

    // MARK: Session

    public func sessionReady(_ session: XMPPSession, _ start: SessionStart) {
        // A resumed stream got every notification it missed; only a new session reads them all.
        guard start == .new || storage == nil, let disco = account.feature(DiscoFeature.self) else { return }
        disco.client.info(session.boundJID.bare, in: session) { [weak self] result in
            guard let self, self.account.session === session else { return }
            storage = BookmarksManager.storage(for: try? result.get())
            if start == .new { fetch(in: session) }
        }
    }

    private func fetch(in session: XMPPSession) {
        guard let storage else { return }
        manager.fetch(storage, in: session) { [weak self] result in
            guard let self else { return }
            switch result {
            case .success(let list):
                replace(with: list, atLogin: true)
            case .failure(.disconnected):
                // The next session reads them (and turns off what was left offline).
                return
            case .failure(let failure):
                account.log(.warning, "could not read your bookmarks: \(failure); the list is the one from before")
            }
            leftOffline.removeAll()
        }
    }

    // MARK: Changes

    private func notified(_ notification: BookmarksManager.Notification) {
        switch (notification, storage) {
        case (.pep(let events), .pep), (.pep(let events), nil):
            for event in events {
                switch event {
                case .published(let bookmark): apply(bookmark.room.bare, bookmark)
                case .retracted(let room): apply(room.bare, nil)
                }
            }
        case (.privateStorage(let stored), .privateStorage):
            replace(with: stored.rooms, atLogin: false)
        case (.pep, .privateStorage), (.privateStorage, .pep), (.privateStorage, nil):
            // The other storage's mirror of the same change.
            break
        }
    }

    /// The whole list anew: read at login (every autojoin room is entered), or notified whole
    /// from private storage (only the rooms whose bookmark changed are acted on).
    private func replace(with list: [RoomBookmark], atLogin: Bool) {
        let new = Dictionary(list.map { ($0.room.bare, $0) }) { first, _ in first }
        for room in bookmarks.keys where new[room] == nil { apply(room, nil) }
        for room in new.keys.sorted(by: { $0.description < $1.description })
        where atLogin || new[room] != bookmarks[room] {
            apply(room, new[room])
        }
    }

    /// `room`'s bookmark is now `bookmark` (nil: none): stored, and the room joined or left as
    /// the bookmark says.
    func apply(_ room: JID, _ bookmark: RoomBookmark?) {
        let before = bookmarks[room]
        bookmarks[room] = bookmark
        if before != bookmark {
            save(room, bookmark)
            account.emit(BookmarksChanged())
        }
        if let bookmark, bookmark.autojoin {
            if leftOffline.contains(room) {
                // Left while offline: autojoin goes off now rather than entering it again.
                turnAutojoinOff(room)
            } else if rooms.rooms[room]?.wanted != true {
                enter(room)
            }
        } else if before?.autojoin == true, rooms.rooms[room]?.wanted == true {
            rooms.notice(
                room, bookmark == nil ? "its bookmark was removed: leaving" : "its bookmark no longer joins it: leaving"
            )
            rooms.leave(room)
        }
    }

    /// Joins `room` with its bookmark's nick and password, else as we were last in it.
    public func enter(_ room: JID) {
        let bookmark = bookmarks[room.bare]
        let known = rooms.rooms[room.bare]
        rooms.join(
            room.bare, nick: bookmark?.nick ?? rooms.nick(for: room),
            password: bookmark?.password ?? known?.password)
    }

    /// The user left `room` (`/leave`): its bookmark stops joining it, here and on their other clients.
    private func left(_ room: JID) {
        guard bookmarks[room]?.autojoin == true else { return }
        guard account.session != nil, storage != nil else {
            leftOffline.insert(room)
            return
        }
        turnAutojoinOff(room)
    }

    /// Publishes `room`'s bookmark without autojoin; what happened is told in its window.
    private func turnAutojoinOff(_ room: JID) {
        let report: (String) -> Void = { [weak self] in self?.rooms.notice(room, $0) }
        edit(room, report: report) { bookmark in
            var changed = bookmark
            changed?.autojoin = false
            return changed
        }
    }

    /// Changes `room`'s bookmark on the server (see `BookmarksManager.edit`), then here; `report`
    /// gets what happened, in words.
    func edit(
        _ room: JID, report: @escaping (String) -> Void, _ change: @escaping (RoomBookmark?) -> RoomBookmark?
    ) {
        guard let session = account.session, let storage else {
            report("not connected: the bookmark of \(room) is unchanged")
            return
        }
        manager.edit(room, in: storage, session: session, change) { [weak self] result in
            guard let self else { return }
            switch result {
            case .success(let edit):
                report(Self.describe(edit, of: room))
                apply(room.bare, edit.after)
            case .failure(.error(let error)) where Bookmarks.isPreconditionNotMet(error):
                report(
                    "your server keeps bookmarks with other settings than private, kept and unlimited "
                        + "(precondition-not-met): the bookmark of \(room) was not saved, so that no one else sees it")
            case .failure(let failure):
                report("could not save the bookmark of \(room): \(failure)")
            }
        }
    }

    static func describe(_ edit: BookmarksManager.Edit, of room: JID) -> String {
        guard let after = edit.after else {
            return edit.before == nil ? "\(room) has no bookmark" : "removed the bookmark of \(room)"
        }
        let joins = after.autojoin ? "entered at login" : "not entered at login"
        return (edit.before == nil ? "bookmarked \(room)" : "the bookmark of \(room) is saved") + " (\(joins))"
    }

    // MARK: Store

    private func save(_ room: JID, _ bookmark: RoomBookmark?) {
        do {
            if let bookmark {
                try account.store.featureWrite(
                    """
                    INSERT INTO bookmark (account_id, jid, name, autojoin, nick, password) VALUES (?, ?, ?, ?, ?, ?)
                    ON CONFLICT (account_id, jid) DO UPDATE SET name = excluded.name, autojoin = excluded.autojoin,
                        nick = excluded.nick, password = excluded.password
                    """,
                    [
                        account.accountID.rawValue.sql, room.description.sql, bookmark.name?.sql,
                        bookmark.autojoin.sql, bookmark.nick?.sql, bookmark.password?.sql,
                    ])
            } else {
                try account.store.featureWrite(
                    "DELETE FROM bookmark WHERE account_id = ? AND jid = ?",
                    [account.accountID.rawValue.sql, room.description.sql])
            }
        } catch {
            account.log(.error, "could not remember the bookmark of \(room): \(error)")
        }
    }
}

/// The bookmarks changed: the roster's Rooms section is redrawn.
struct BookmarksChanged: FeatureEvent {
    func apply(to model: AppModel, from account: AccountController) { model.onChange(.roster) }
}
