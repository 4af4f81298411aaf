import ChatStore
import XMPPCore
import XMPPExtensions

/// The server's archive (XEP-0313): catch-up on login from the stored sync point, the trust in
/// stanza-ids (XEP-0359) only for an archive that stamps them, and older history on demand.
public final class ArchiveFeature: AccountFeature {
    public static let name = "archive"
    /// Archive results are unwrapped before the plain message handler sees messages.
    public static var ordering: [FeatureOrder] { [.before(MessagingFeature.name)] }
    public let manager: ArchiveManager
    /// An archive catch-up is running on this session.
    public private(set) var isCatchingUp = false
    /// The archive catch-up of this stream finished (a resumed stream keeps it; a new session
    /// starts over). From then on live messages move the sync point.
    private(set) var archiveCaughtUp = false
    /// Conversations whose older history is being fetched from the archive.
    private var backfilling: Set<JID> = []
    private lazy var observers: [any MessageObserver] = account.features.compactMap { $0 as? any MessageObserver }
    unowned let account: AccountController

    public init(account: AccountController) throws(FeatureError) {
        self.account = account
        manager = ArchiveManager(disco: try account.required(DiscoFeature.self, by: Self.name).client)
        manager.onSpoofedResult = { [unowned account] stanza in
            account.log(
                .debug,
                "dropped an archive result from \(stanza[attribute: "from"] ?? "our server") (not our archive or not our query)"
            )
        }
    }

    public var extensions: [any SessionExtension] { [manager] }

    public func sessionStarted(_ session: XMPPSession, _ start: SessionStart) {
        if start == .new { archiveCaughtUp = false }
    }

    public func sessionReady(_ session: XMPPSession, _ start: SessionStart) {
        if start == .new || !archiveCaughtUp { catchUpWithArchive() }
    }

    public func connectionEnded() {
        isCatchingUp = false
        backfilling.removeAll()
    }

    /// Fetches what arrived while we were away, from the stored sync point forward, a page per
    /// transaction (messages and sync point together). A first login fetches only the newest
    /// `initialArchiveMessages`.
    func catchUpWithArchive() {
        guard let session = account.session, !isCatchingUp else { return }
        isCatchingUp = true
        catchUp(
            CatchUp(
                archive: nil, what: "missed messages",
                store: { [unowned self] in self.storeArchivePage($0, sync: $1, direction: $2) },
                finished: { [unowned self] complete in
                    self.isCatchingUp = false
                    if complete { self.archiveCaughtUp = true }
                }), session: session)
    }

    /// One archive's catch-up: which archive (nil: our own), what its pages are called in the
    /// log, how a page is stored (with the sync point to record), and what happens when it ends
    /// (`true`: caught up; `false`: stopped early).
    struct CatchUp {
        var archive: JID?
        var what: String
        var store: (_ page: [ArchivedMessage], _ sync: (id: String, timestamp: Int64?)?, ArchiveDirection) -> Void
        var finished: (_ complete: Bool) -> Void
    }

    /// Catches up with an archive from its stored sync point, or its newest
    /// `initialArchiveMessages` when there is none.
    func catchUp(_ target: CatchUp, session: XMPPSession) {
        let sync = try? account.store.archiveSync(account: account.accountID, archive: target.archive ?? account.jid)
        if let last = sync?.lastStanzaID {
            fetchForward(
                after: last, start: nil, restart: sync?.lastTimestamp, progress: CatchUpProgress(), target: target,
                session: session)
        } else {
            fetchNewest(
                before: "", remaining: account.behaviour.initialArchiveMessages, newest: nil, target: target,
                session: session)
        }
    }

    /// How far before the sync point's time a catch-up starts when the archive does not know the
    /// sync point's id: the stored time may come from this machine's clock, and what is fetched
    /// twice is stored once.
    static let gapFillSlack: Int64 = 3_600_000

    /// The most pages one catch-up reads (100,000 messages at the default page size). A catch-up
    /// cut there is not finished: the next connection goes on from where it stopped.
    static let maximumCatchUpPages = 1_000

    /// How far one catch-up got, so that a server that sends the same pages over and over, or
    /// empty pages without end, cannot keep it going.
    struct CatchUpProgress {
        var pages = 0
        var seen: Set<String> = []
    }

    /// Pages forward after the archive id `after` (or, without one, from the time `start`).
    /// `restart`: the time to start from instead if the archive does not know `after`.
    private func fetchForward(
        after: String?,
        start: Int64?,
        restart: Int64?,
        progress: CatchUpProgress,
        target: CatchUp,
        session: XMPPSession
    ) {
        let query = ArchiveQuery(after: after, start: start, max: account.behaviour.archivePageSize)
        manager.query(query, in: session, archive: target.archive) { [weak self] result in
            guard let self else { return }
            switch result {
            case .success(let page):
                let newest = page.last ?? page.messages.last?.archiveID
                var progress = progress
                progress.pages += 1
                let repeated = newest.map { !progress.seen.insert($0).inserted } ?? false
                if repeated || (page.messages.isEmpty && !page.complete) {
                    self.account.log(
                        .warning,
                        "the archive sent \(repeated ? "a page it had sent before" : "an empty page that is not the last");"
                            + " the catch-up stops here")
                }
                let capped = progress.pages >= Self.maximumCatchUpPages
                // The next page is asked for before this one is stored, so that the server
                // works on it meanwhile.
                let next =
                    page.complete || page.messages.isEmpty || repeated || capped || self.account.session == nil
                    ? nil : newest
                if let next {
                    self.fetchForward(
                        after: next, start: start, restart: nil, progress: progress, target: target, session: session)
                }
                target.store(
                    page.messages,
                    repeated || page.messages.isEmpty
                        ? nil : newest.map { (id: $0, timestamp: page.messages.last?.timestamp) },
                    .forward)
                if next == nil && capped && !page.complete {
                    target.finished(false)
                    self.account.log(
                        .warning,
                        "fetched \(Self.maximumCatchUpPages) pages of \(target.what); the rest comes with the next connection"
                    )
                } else if next == nil {
                    target.finished(true)
                }
            case .failure(.error(let error)) where error.condition == .itemNotFound:
                guard let restart else {
                    // Nothing to go by: start afresh.
                    self.account.log(
                        .info, "the archive does not know where we left off; fetching the newest \(target.what)")
                    self.fetchNewest(
                        before: "", remaining: self.account.behaviour.initialArchiveMessages, newest: nil,
                        target: target, session: session)
                    return
                }
                // The archive no longer has our sync point (expired, reset, or an id that was
                // never its own): what came since that time is fetched again, so nothing
                // between the sync point and now is skipped.
                let since = restart - Self.gapFillSlack
                self.account.log(
                    .info,
                    "the archive does not know where we left off; fetching everything since "
                        + XMPPDateTime.string(fromMilliseconds: since))
                self.fetchForward(
                    after: nil, start: since, restart: nil, progress: progress, target: target, session: session)
            case .failure(let failure):
                target.finished(false)
                if case .disconnected = failure { return }
                self.account.log(.warning, "could not fetch \(target.what) from the archive: \(failure)")
            }
        }
    }

    private func fetchNewest(
        before: String,
        remaining: Int,
        newest: String?,
        target: CatchUp,
        session: XMPPSession
    ) {
        let size = min(account.behaviour.archivePageSize, remaining)
        guard size > 0 else {
            target.finished(true)
            return
        }
        manager.query(ArchiveQuery(before: before, max: size), in: session, archive: target.archive) {
            [weak self] result in
            guard let self else { return }
            switch result {
            case .success(let page):
                // The newest id of the very first page is where the next catch-up starts.
                let syncID = newest ?? page.last ?? page.messages.last?.archiveID
                let first = page.first ?? page.messages.first?.archiveID
                let older =
                    page.complete || page.messages.isEmpty || first == before || self.account.session == nil
                    ? nil : first
                if let older {
                    self.fetchNewest(
                        before: older, remaining: remaining - page.messages.count, newest: syncID, target: target,
                        session: session)
                }
                // Newest page first: each page goes before what is stored, in its own order.
                target.store(
                    page.messages,
                    newest == nil ? syncID.map { (id: $0, timestamp: page.messages.last?.timestamp) } : nil,
                    .backward)
                if older == nil { target.finished(true) }
            case .failure(let failure):
                target.finished(false)
                if case .disconnected = failure { return }
                self.account.log(.warning, "could not fetch recent \(target.what) from the archive: \(failure)")
            }
        }
    }

    /// Stores one page in one transaction, with the sync point when given; returns the new
    /// message ids by conversation. `announce`: tell the windows (scrolling back tells its
    /// requester instead).
    @discardableResult
    func storeArchivePage(
        _ messages: [ArchivedMessage],
        sync: (id: String, timestamp: Int64?)?,
        direction: ArchiveDirection,
        announce: Bool = true
    ) -> [JID: [Int64]] {
        let jid = account.jid
        let now = account.scheduler.now
        let messaging = account.feature(MessagingFeature.self)
        let notifications = account.feature(NotificationsFeature.self)
        var rows: [NewMessage] = []
        var seen: [(ChatMessage, JID, Bool)] = []
        for archived in messages {
            guard archived.message.type != "groupchat", archived.message.type != "error" else { continue }
            let message = messaging?.encryption?.open(archived.message, context: .archive) ?? archived.message
            let outgoing = message.from?.bare == jid
            guard let peer = (outgoing ? message.to : message.from)?.bare else { continue }
            // Observers see when the archive stamped it (what orders reactions, XEP-0444).
            var observed = message
            observed.delay = archived.timestamp ?? message.delay
            seen.append((observed, peer, outgoing))
            guard let body = message.body, outgoing || messaging?.droppedAsStranger(peer) != true else { continue }
            rows.append(
                NewMessage(
                    conversation: peer, outgoing: outgoing, sender: (message.from ?? jid).description,
                    senderKey: (outgoing ? jid : peer).description, recipient: message.to?.description, body: body,
                    timestamp: archived.timestamp ?? message.delay ?? now, type: message.type,
                    idAttribute: message.id, originID: message.originID, stanzaID: archived.archiveID,
                    stanzaIDBy: jid.description, corrects: message.replaces, state: outgoing ? .acked : nil,
                    encryption: message.encryption,
                    highlight: !outgoing && notifications?.highlights(body, ownName: jid.localpart) == true,
                    reply: message.storedReply))
        }
        var stored: [JID: [Int64]] = [:]
        do {
            let outcomes = try account.store.storeArchivePage(
                rows,
                sync: sync.map {
                    ArchiveSyncState(
                        archive: jid.description, lastStanzaID: $0.id, lastTimestamp: $0.timestamp, syncedAt: now)
                }, account: account.accountID, direction: direction)
            for (row, outcome) in zip(rows, outcomes) {
                switch outcome {
                case .inserted(let id), .correction(of: let id, _): stored[row.conversation, default: []].append(id)
                case .duplicate, .rejectedCorrection: continue
                }
            }
        } catch {
            account.log(.error, "could not store archived messages: \(error)")
            return [:]
        }
        messaging?.encryption?.commitOpened()
        // Receipts and markers in the page apply to messages it may have just stored.
        for (message, peer, outgoing) in seen {
            for observer in observers { observer.archived(message, peer: peer, outgoing: outgoing) }
        }
        if announce && !stored.isEmpty {
            account.onEvent(.archiveStored(stored, older: direction == .backward))
        }
        return stored
    }

    /// Fetches older history of one conversation from the archive (scrolling back past what is
    /// stored): the page before the oldest archive id reached, and the ones before it while a page
    /// brings only messages already stored (at most `backfillPageLimit`). Ends with how many
    /// messages were added, or with the archive having nothing older.
    public func fetchOlderFromArchive(_ contact: JID, completion: @escaping (ArchiveBackfill) -> Void) {
        let peer = contact.bare
        fetchOlder(
            of: peer, archive: nil,
            store: { [unowned self] page in
                self.storeArchivePage(page, sync: nil, direction: .backward, announce: false)[peer]?.count ?? 0
            }, completion: completion)
    }

    /// Fetches older history of `conversation` from `archive` (nil: ours, asked for messages
    /// with that peer; else a room's archive); `store` stores a page and says how many messages
    /// were new.
    func fetchOlder(
        of peer: JID,
        archive: JID?,
        store: @escaping ([ArchivedMessage]) -> Int,
        completion: @escaping (ArchiveBackfill) -> Void
    ) {
        guard let session = account.session else {
            completion(.unavailable("offline"))
            return
        }
        let marker =
            (try? account.store.archiveBackfill(account: account.accountID, conversation: peer)) ?? (
                oldestID: nil, complete: false
            )
        guard !marker.complete else {
            completion(.complete)
            return
        }
        guard backfilling.insert(peer).inserted else { return }
        let before =
            marker.oldestID
            ?? (try? account.store.oldestArchiveID(
                account: account.accountID, conversation: peer, archive: archive ?? account.jid))
            ?? nil
        let query = Backfill(peer: peer, archive: archive, store: store)
        backfill(query, before: before ?? "", pages: Self.backfillPageLimit, session: session) {
            [weak self] outcome in
            self?.backfilling.remove(peer)
            completion(outcome)
        }
    }

    /// How many pages one scroll-back request reads at most while they add nothing new.
    static let backfillPageLimit = 10

    /// One scroll-back: whose history, from which archive, and how a page is stored.
    private struct Backfill {
        var peer: JID
        var archive: JID?
        var store: ([ArchivedMessage]) -> Int
    }

    private func backfill(
        _ target: Backfill,
        before: String,
        pages: Int,
        session: XMPPSession,
        completion: @escaping (ArchiveBackfill) -> Void
    ) {
        let peer = target.peer
        let query = ArchiveQuery(
            with: target.archive == nil ? peer : nil, before: before, max: account.behaviour.archivePageSize)
        manager.query(query, in: session, archive: target.archive) { [weak self] result in
            guard let self else { return }
            switch result {
            case .success(let page):
                let added = target.store(page.messages)
                let oldest = page.first ?? page.messages.first?.archiveID ?? before
                let complete = page.complete || page.messages.isEmpty
                do {
                    try self.account.store.setArchiveBackfill(
                        account: self.account.accountID, conversation: peer, oldestID: oldest, complete: complete)
                } catch {
                    self.account.log(.warning, "could not record how far back the history of \(peer) goes: \(error)")
                }
                if added == 0 && !complete && pages > 1 && oldest != before, self.account.session === session {
                    self.backfill(target, before: oldest, pages: pages - 1, session: session, completion: completion)
                } else {
                    completion(added > 0 ? .added(added) : complete ? .complete : .added(0))
                }
            case .failure(let failure):
                if case .disconnected = failure {
                    completion(.unavailable("offline"))
                } else {
                    self.account.log(.warning, "could not fetch older messages of \(peer) from the archive: \(failure)")
                    completion(.unavailable(failure.description))
                }
            }
        }
    }
}

/// How a request for older history from the archive ended.
public enum ArchiveBackfill: Sendable, Hashable {
    /// This many messages older than the stored ones were added.
    case added(Int)
    /// The archive has nothing older (the history is complete).
    case complete
    /// The archive could not be asked (offline, or it answered with an error).
    case unavailable(String)
}
