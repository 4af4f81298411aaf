import XMPPCore

/// The account's room bookmarks on its server: XEP-0402 (PEP Native Bookmarks) where the server
/// unifies them with XEP-0049 private storage, else XEP-0048 bookmarks in private storage. It
/// reads them all, changes one room's at a time (read, change, write back), and hands on the
/// notifications of our other clients' changes, only from our own account (security rule 4).
///
///     <iq type='get' id='retrieve1'>
///       <pubsub xmlns='http://jabber.org/protocol/pubsub'><items node='urn:xmpp:bookmarks:1'/></pubsub>
///     </iq>
///
/// The caps features ask the server for both kinds of notification (XEP-0402 §3.1, XEP-0048
/// §3.2): which one counts depends on the storage, known only after the account's disco#info.
public final class BookmarksManager: SessionExtension {
    /// Where the account's bookmarks are kept.
    public enum Storage: Sendable, Hashable {
        /// XEP-0402: one PEP item per room.
        case pep
        /// XEP-0048 in XEP-0049 private storage: one element for all rooms.
        case privateStorage
    }

    /// A change our server notified.
    public enum Notification: Sendable, Hashable {
        /// XEP-0402 §4: rooms published or retracted, in order.
        case pep([Bookmarks.Event])
        /// XEP-0048 §3.2: the whole storage, as the server mirrors it after a change.
        case privateStorage(LegacyBookmarks)
    }

    /// One room's bookmark before and after an edit (nil: there was none, or there is none now).
    public struct Edit: Sendable, Hashable {
        public var before: RoomBookmark?
        public var after: RoomBookmark?

        public init(before: RoomBookmark?, after: RoomBookmark?) {
            self.before = before
            self.after = after
        }
    }

    public var onNotification: (Notification) -> Void = { _ in }
    /// A bookmarks notification from anyone but our own account: dropped.
    public var onSpoofedNotification: (XMLElement) -> Void = { _ in }
    /// Edits waiting for the one under way (private storage is written whole, so two at once
    /// would undo each other).
    private var pendingEdits: [() -> Void] = []
    private var editing = false

    public init() {}

    public var discoFeatures: [String] { [Bookmarks.notifyFeature, LegacyBookmarks.notifyFeature] }

    /// XEP-0402 §5.3: with `urn:xmpp:bookmarks:1#compat` on the account, XEP-0402 alone keeps
    /// clients of private storage up to date; without it, private storage is what every client
    /// reads. (ejabberd 23.01 lists PEP and publish-options but not `#compat`, and refuses
    /// XEP-0402's publish-options: `pubsub#max_items` is an unknown field to it.)
    public static func storage(for account: DiscoInfo?) -> Storage {
        account?.features.contains(Bookmarks.compatFeature) == true ? .pep : .privateStorage
    }

    public func handle(_ stanza: XMLElement, in session: XMPPSession) -> Bool {
        guard stanza.name == "message", stanza[attribute: "type"] != "error",
            let node = stanza.child("event", namespace: Namespace.pubsubEvent)?.child(
                "items", namespace: Namespace.pubsubEvent)?[attribute: "node"],
            node == Bookmarks.node || node == Namespace.storageBookmarks
        else { return false }
        let account = session.boundJID
        if !Bookmarks.isFromOwnAccount(stanza, account: account) {
            onSpoofedNotification(stanza)
        } else if let events = Bookmarks.events(stanza, account: account) {
            onNotification(.pep(events))
        } else if let storage = LegacyBookmarks.event(stanza, account: account) {
            onNotification(.privateStorage(storage))
        }
        return true
    }

    /// Reads every bookmark. A missing node or empty storage is no bookmarks, not an error.
    public func fetch(
        _ storage: Storage, in session: XMPPSession, completion: @escaping (Result<[RoomBookmark], IQFailure>) -> Void
    ) {
        switch storage {
        case .pep:
            session.sendIQ(Bookmarks.requestItems(id: session.makeID())) { result in
                completion(Self.found(result).map { $0.flatMap(Bookmarks.items) ?? [] })
            }
        case .privateStorage:
            session.sendIQ(LegacyBookmarks.request(id: session.makeID())) { result in
                completion(Self.found(result).map { $0.flatMap(LegacyBookmarks.init(result:))?.rooms ?? [] })
            }
        }
    }

    /// Changes the bookmark of `room` as `change` says (given nil: there is none; returning nil:
    /// remove it), starting from what the server holds now, so that other clients' changes and
    /// `<extensions/>`, the other rooms and private storage's URL bookmarks are kept. XEP-0402
    /// publishes with its publish-options and never without (see `Bookmarks.isPreconditionNotMet`).
    /// Edits run one after the other.
    public func edit(
        _ room: JID, in storage: Storage, session: XMPPSession,
        _ change: @escaping (RoomBookmark?) -> RoomBookmark?,
        completion: @escaping (Result<Edit, IQFailure>) -> Void
    ) {
        pendingEdits.append { [unowned self] in
            let finish: (Result<Edit, IQFailure>) -> Void = { [weak self] result in
                completion(result)
                self?.editing = false
                self?.startNextEdit()
            }
            switch storage {
            case .pep: editItem(room.bare, session, change, finish)
            case .privateStorage: editStorage(room.bare, session, change, finish)
            }
        }
        startNextEdit()
    }

    private func startNextEdit() {
        guard !editing, !pendingEdits.isEmpty else { return }
        editing = true
        pendingEdits.removeFirst()()
    }

    private func editItem(
        _ room: JID, _ session: XMPPSession, _ change: @escaping (RoomBookmark?) -> RoomBookmark?,
        _ finish: @escaping (Result<Edit, IQFailure>) -> Void
    ) {
        session.sendIQ(Bookmarks.requestItem(room: room, id: session.makeID())) { result in
            let before: RoomBookmark?
            switch Self.found(result) {
            case .failure(let failure): return finish(.failure(failure))
            case .success(let response):
                before = response.flatMap(Bookmarks.items)?.first { $0.room.bare == room }
            }
            let edit = Edit(before: before, after: change(before))
            guard edit.after != edit.before else { return finish(.success(edit)) }
            let request =
                edit.after.map { Bookmarks.publish($0, id: session.makeID()) }
                ?? Bookmarks.retract(room: room, id: session.makeID())
            session.sendIQ(request) { finish($0.map { _ in edit }) }
        }
    }

    private func editStorage(
        _ room: JID, _ session: XMPPSession, _ change: @escaping (RoomBookmark?) -> RoomBookmark?,
        _ finish: @escaping (Result<Edit, IQFailure>) -> Void
    ) {
        session.sendIQ(LegacyBookmarks.request(id: session.makeID())) { result in
            var stored: LegacyBookmarks
            switch Self.found(result) {
            case .failure(let failure): return finish(.failure(failure))
            case .success(let response):
                stored = response.flatMap(LegacyBookmarks.init(result:)) ?? LegacyBookmarks(rooms: [])
            }
            let index = stored.rooms.firstIndex { $0.room.bare == room }
            let edit = Edit(before: index.map { stored.rooms[$0] }, after: change(index.map { stored.rooms[$0] }))
            guard edit.after != edit.before else { return finish(.success(edit)) }
            switch (index, edit.after) {
            case (let index?, let after?): stored.rooms[index] = after
            case (nil, let after?): stored.rooms.append(after)
            case (let index?, nil): stored.rooms.remove(at: index)
            case (nil, nil): break
            }
            session.sendIQ(stored.store(id: session.makeID())) { finish($0.map { _ in edit }) }
        }
    }

    /// An answer, or nil when there is nothing stored (`item-not-found`: no node yet).
    private static func found(_ result: Result<XMLElement, IQFailure>) -> Result<XMLElement?, IQFailure> {
        switch result {
        case .success(let response): .success(response)
        case .failure(.error(let error)) where error.condition == .itemNotFound: .success(nil)
        case .failure(let failure): .failure(failure)
        }
    }
}
