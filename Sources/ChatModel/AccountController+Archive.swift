import ChatStore
import XMPPCore
import XMPPExtensions

/// Archive (XEP-0313) catch-up on login and history on demand.
extension AccountController {
    /// Fetches what arrived while we were away, from the stored sync point forward, a page per
    /// transaction (messages and sync point together). A first login fetches only the newest
    /// `initialArchiveMessages`.
    func catchUpWithArchive() {
        guard let session, !isCatchingUp else { return }
        isCatchingUp = true
        let sync = try? store.archiveSync(account: accountID, archive: jid)
        if let last = sync?.lastStanzaID {
            fetchForward(after: last, session: session)
        } else {
            fetchNewest(before: "", remaining: behaviour.initialArchiveMessages, newest: nil, session: session)
        }
    }

    private func fetchForward(after: String, session: XMPPSession) {
        archive.query(ArchiveQuery(after: after, max: behaviour.archivePageSize), in: session) { [weak self] result in
            guard let self else { return }
            switch result {
            case .success(let page):
                let newest = page.last ?? page.messages.last?.archiveID
                // The next page is asked for before this one is stored, so that the server
                // works on it meanwhile.
                let next = page.complete || newest == after || self.session == nil ? nil : newest
                if let next { self.fetchForward(after: next, session: session) }
                self.storeArchivePage(
                    page.messages, sync: newest.map { (id: $0, timestamp: page.messages.last?.timestamp) })
                if next == nil { self.finishCatchUp() }
            case .failure(.error(let error)) where error.condition == .itemNotFound:
                // The archive no longer has our sync point (expired, reset): start afresh.
                self.log(.info, "the archive does not know where we left off; fetching the newest messages")
                self.fetchNewest(
                    before: "", remaining: self.behaviour.initialArchiveMessages, newest: nil, session: session)
            case .failure(let failure):
                self.isCatchingUp = false
                if case .disconnected = failure { return }
                self.log(.warning, "could not fetch missed messages from the archive: \(failure)")
            }
        }
    }

    private func fetchNewest(before: String, remaining: Int, newest: String?, session: XMPPSession) {
        let size = min(behaviour.archivePageSize, remaining)
        guard size > 0 else {
            finishCatchUp()
            return
        }
        archive.query(ArchiveQuery(before: before, max: size), in: session) { [weak self] result in
            guard let self else { return }
            switch result {
            case .success(let page):
                // The newest id of the very first page is where the next catch-up starts.
                let syncID = newest ?? page.last ?? page.messages.last?.archiveID
                let older =
                    page.complete || page.messages.isEmpty || self.session == nil
                    ? nil : page.first ?? page.messages.first?.archiveID
                if let older {
                    self.fetchNewest(
                        before: older, remaining: remaining - page.messages.count, newest: syncID, session: session)
                }
                self.storeArchivePage(
                    page.messages,
                    sync: newest == nil ? syncID.map { (id: $0, timestamp: page.messages.last?.timestamp) } : nil)
                if older == nil { self.finishCatchUp() }
            case .failure(let failure):
                self.isCatchingUp = false
                if case .disconnected = failure { return }
                self.log(.warning, "could not fetch recent messages from the archive: \(failure)")
            }
        }
    }

    private func finishCatchUp() {
        isCatchingUp = false
        archiveCaughtUp = true
    }

    /// Stores one page in one transaction, with the sync point when given; returns the new
    /// message ids by conversation.
    @discardableResult
    func storeArchivePage(
        _ messages: [ArchivedMessage],
        sync: (id: String, timestamp: Int64?)?,
        olderThanStored: Bool = false
    ) -> [JID: [Int64]] {
        var rows: [NewMessage] = []
        var receipts: [(JID, String, DeliveryState)] = []
        for archived in messages {
            let message = archived.message
            guard message.type != "groupchat", message.type != "error" else { continue }
            let outgoing = message.from?.bare == jid
            guard let peer = (outgoing ? message.to : message.from)?.bare else { continue }
            if !outgoing {
                if let id = message.receiptFor { receipts.append((peer, id, .delivered)) }
                if let id = message.displayedMarkerFor { receipts.append((peer, id, .displayed)) }
            }
            guard let body = message.body else { continue }
            rows.append(
                NewMessage(
                    conversation: peer, outgoing: outgoing, sender: (message.from ?? jid).description,
                    senderKey: (outgoing ? jid : peer).description, recipient: message.to?.description, body: body,
                    timestamp: archived.timestamp ?? message.delay ?? scheduler.now, type: message.type,
                    idAttribute: message.id, originID: message.originID, stanzaID: archived.archiveID,
                    stanzaIDBy: jid.description, corrects: message.replaces, state: outgoing ? .acked : nil))
        }
        var stored: [JID: [Int64]] = [:]
        do {
            let outcomes = try store.storeArchivePage(
                rows,
                sync: sync.map {
                    ArchiveSyncState(
                        archive: jid.description, lastStanzaID: $0.id, lastTimestamp: $0.timestamp,
                        syncedAt: scheduler.now)
                }, account: accountID, olderThanStored: olderThanStored)
            for (row, outcome) in zip(rows, outcomes) {
                switch outcome {
                case .inserted(let id), .correction(of: let id, _): stored[row.conversation, default: []].append(id)
                case .duplicate, .rejectedCorrection: continue
                }
            }
            for (peer, id, state) in receipts {
                try store.markReceived(account: accountID, conversation: peer, idAttribute: id, state: state)
            }
        } catch {
            log(.error, "could not store archived messages: \(error)")
            return [:]
        }
        if !stored.isEmpty || !receipts.isEmpty { onEvent(.archiveStored(stored)) }
        return stored
    }

    /// Fetches a page of older history of one conversation from the archive (scrolling back past
    /// what is stored). Calls `completion` with how many messages were added.
    public func fetchOlderFromArchive(_ contact: JID, completion: @escaping (Int) -> Void) {
        guard let session else {
            completion(0)
            return
        }
        let backfill =
            (try? store.archiveBackfill(account: accountID, conversation: contact)) ?? (oldestID: nil, complete: false)
        guard !backfill.complete else {
            completion(0)
            return
        }
        let oldestStored = try? store.oldestArchiveID(account: accountID, conversation: contact, archive: jid)
        let before = backfill.oldestID ?? oldestStored ?? ""
        archive.query(ArchiveQuery(with: contact.bare, before: before, max: behaviour.archivePageSize), in: session) {
            [weak self] result in
            guard let self else { return }
            guard case .success(let page) = result else {
                completion(0)
                return
            }
            let stored = self.storeArchivePage(page.messages, sync: nil, olderThanStored: true)
            let oldest = page.first ?? page.messages.first?.archiveID ?? backfill.oldestID
            try? self.store.setArchiveBackfill(
                account: self.accountID, conversation: contact, oldestID: oldest,
                complete: page.complete || page.messages.isEmpty)
            completion(stored.values.reduce(0) { $0 + $1.count })
        }
    }
}
