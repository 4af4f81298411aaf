import ChatStore
import XMPPCore
import XMPPExtensions

/// A room's archive (XEP-0313 on the room's JID) is the source of its history: on entering, the
/// room sends none (`maxstanzas='0'`) and the archive fills the gap from the room's sync point,
/// page by page; scrolling back past the oldest stored message fetches older pages.
extension RoomsFeature {
    func catchUp(_ room: Room) {
        guard let archive, let session = account.session, !room.catchingUp else { return }
        room.catchingUp = true
        let target = ArchiveFeature.CatchUp(
            archive: room.jid, what: "messages of \(room.jid)",
            store: { [weak self, weak room] page, sync, direction in
                guard let self, let room else { return }
                self.storeArchivePage(page, of: room, sync: sync, direction: direction, announce: true)
            },
            finished: { [weak room] complete in
                room?.catchingUp = false
                if complete { room?.caughtUp = true }
            })
        archive.catchUp(target, session: session)
    }

    /// Older messages of a room from its archive (scrolling back).
    public func fetchOlder(of jid: JID, completion: @escaping (ArchiveBackfill) -> Void) {
        guard let archive, let room = rooms[jid.bare], room.hasArchive else {
            completion(.unavailable("the room keeps no archive"))
            return
        }
        archive.fetchOlder(
            of: room.jid, archive: room.jid,
            store: { [weak self, weak room] page in
                guard let self, let room else { return 0 }
                return self.storeArchivePage(page, of: room, sync: nil, direction: .backward, announce: false)
            }, completion: completion)
    }

    /// Stores a page of the room's archive in one transaction (with the sync point when given);
    /// returns how many messages were new.
    @discardableResult
    func storeArchivePage(
        _ page: [ArchivedMessage],
        of room: Room,
        sync: (id: String, timestamp: Int64?)?,
        direction: ArchiveDirection,
        announce: Bool
    ) -> Int {
        let now = account.scheduler.now
        defer { encryption?.commitOpened() }
        let rows = page.compactMap { archived -> NewMessage? in
            let message = opened(archived.message, in: room, context: .archive)
            // Only the room's own messages: an archive result from the room's JID that claims
            // to come from elsewhere is not the room's to vouch for.
            guard message.type == "groupchat", message.from?.bare == room.jid, message.moderation == nil,
                let body = message.body
            else { return nil }
            return roomMessage(
                message, body: body, in: room, timestamp: archived.timestamp ?? message.delay ?? now,
                archiveID: archived.archiveID)
        }
        do {
            let outcomes = try account.store.storeArchivePage(
                rows,
                sync: sync.map {
                    ArchiveSyncState(
                        archive: room.jid.description, lastStanzaID: $0.id, lastTimestamp: $0.timestamp, syncedAt: now)
                }, account: account.accountID, direction: direction)
            let added = outcomes.compactMap { outcome -> Int64? in
                switch outcome {
                case .inserted(let id), .correction(of: let id, _): id
                case .duplicate, .rejectedCorrection: nil
                }
            }
            if announce && !added.isEmpty {
                account.onEvent(.archiveStored([room.jid: added], older: direction == .backward))
            }
            // The room's announcements that a moderator removed a message (XEP-0425), and the
            // actions of its occupants on messages, kept in its archive: applied once what they
            // name is stored.
            for archived in page {
                if let moderation = archived.message.moderation, archived.message.from == room.jid {
                    applyModeration(moderation, in: room)
                } else if archived.message.type == "groupchat", archived.message.from?.bare == room.jid {
                    // Retractions and reactions (XEP-0424, XEP-0444) kept in its archive.
                    offerToObservers(archived.message, in: room, timestamp: archived.timestamp ?? now)
                }
            }
            for observer in messageObservers { observer.archivePageStored(in: room.jid) }
            return added.count
        } catch {
            account.log(.error, "could not store archived messages of \(room.jid): \(error)")
            return 0
        }
    }
}
