import XMPPCore
import XMPPExtensions

/// Finding rooms (XEP-0045 §6): the account's conference service (the first item of the
/// server's disco#items that is a text conference service, §6.1-§6.2), the rooms a service lists
/// (§6.3, paged with XEP-0059), and what a room says about itself (§6.4).
extension RoomsFeature {
    /// How many of the server's items are asked whether they are a conference service.
    static let maximumServiceCandidates = 16
    /// Rooms asked for per page, and the most `/rooms` lists.
    static let roomListPage = 100
    static let roomListLimit = 1000

    /// Learns the account's conference service once per run (a resumed stream keeps it).
    func discoverConferenceService(in session: XMPPSession) {
        guard conferenceService == nil, !discoveringService else { return }
        discoveringService = true
        let server = account.jid.domain
        session.sendIQ(DiscoItemsPage.request(to: server, id: session.makeID())) { [weak self] result in
            guard let self else { return }
            guard case .success(let response) = result, let page = DiscoItemsPage(response) else {
                self.discoveringService = false
                return
            }
            let candidates = page.items.filter {
                $0.node == nil && $0.jid.localpart == nil && $0.jid.resourcepart == nil
            }
            self.findService(among: Array(candidates.prefix(Self.maximumServiceCandidates)), in: session)
        }
    }

    /// Asks each candidate in turn, so the first listed service wins whatever order answers come in.
    private func findService(among candidates: [DiscoItem], in session: XMPPSession) {
        guard let candidate = candidates.first, account.session === session else {
            discoveringService = false
            return
        }
        session.sendIQ(DiscoInfo.request(to: candidate.jid, id: session.makeID())) { [weak self] result in
            guard let self else { return }
            if case .success(let response) = result, let info = DiscoInfo(result: response),
                Self.isConferenceService(info)
            {
                self.conferenceService = candidate.jid
                self.discoveringService = false
                return
            }
            self.findService(among: Array(candidates.dropFirst()), in: session)
        }
    }

    /// §6.2: a service of category `conference`, type `text`, that speaks XEP-0045 (a gateway
    /// to another chat network lists other types).
    static func isConferenceService(_ info: DiscoInfo) -> Bool {
        info.features.contains(Namespace.muc)
            && info.identities.contains { $0.category == "conference" && $0.type == "text" }
    }

    /// The rooms `service` lists (§6.3), page by page up to `roomListLimit`; `completion` gets
    /// the rooms and how many the service says it has, or what went wrong.
    public func listRooms(
        on service: JID, completion: @escaping (Result<(rooms: [DiscoItem], total: Int?), IQFailure>) -> Void
    ) {
        guard let session = account.session else {
            completion(.failure(.disconnected))
            return
        }
        fetchRoomPage(of: service, after: nil, collected: [], in: session, completion: completion)
    }

    private func fetchRoomPage(
        of service: JID, after: String?, collected: [DiscoItem], in session: XMPPSession,
        completion: @escaping (Result<(rooms: [DiscoItem], total: Int?), IQFailure>) -> Void
    ) {
        let request = DiscoItemsPage.request(to: service, max: Self.roomListPage, after: after, id: session.makeID())
        session.sendIQ(request) { [weak self] result in
            switch result {
            case .failure(let failure):
                completion(.failure(failure))
            case .success(let response):
                guard let page = DiscoItemsPage(response) else {
                    completion(.failure(.error(StanzaError(.badRequest))))
                    return
                }
                let rooms = collected + page.items
                // A service that ignores RSM answers everything at once; one that pages says
                // where the next page starts. A page that adds nothing ends the walk.
                guard let self, let last = page.last, last != after, !page.items.isEmpty,
                    rooms.count < Self.roomListLimit, page.count.map({ rooms.count < $0 }) ?? true
                else {
                    completion(.success((Array(rooms.prefix(Self.roomListLimit)), page.count)))
                    return
                }
                self.fetchRoomPage(of: service, after: last, collected: rooms, in: session, completion: completion)
            }
        }
    }

    /// The room said its configuration changed (XEP-0045 §10.2.1): what it says about itself is
    /// asked again, so that what depends on it (its name in the title and the roster, whether it
    /// is members-only for `/invite`, whether it keeps an archive and stamps ids) follows.
    func configurationChanged(_ jid: JID) {
        guard let room = rooms[jid.bare], room.state == .joined, let session = account.session,
            let disco = account.feature(DiscoFeature.self)?.client
        else { return }
        disco.info(room.jid, fresh: true, in: session) { [weak self, weak room] result in
            guard let self, let room, case .success(let info) = result else { return }
            room.info = info
            self.archive?.manager.learnWhetherStamps(room.jid, in: session)
            self.emit(room.jid)
        }
    }

    /// The lines `/rooms` shows for a service's list.
    static func describe(rooms: [DiscoItem], total: Int?, on service: JID) -> [String] {
        guard !rooms.isEmpty else { return ["\(service) lists no rooms"] }
        let count = total.map { $0 > rooms.count ? "\(rooms.count) of \($0)" : "\($0)" } ?? "\(rooms.count)"
        let lines = rooms.map { room in
            guard let name = room.name, !name.isEmpty, name != room.jid.localpart else { return "  \(room.jid)" }
            return "  \(name) — \(room.jid)"
        }
        return ["rooms on \(service) (\(count)); /join one to enter it:"]
            + lines.sorted { ($0.lowercased(), $0) < ($1.lowercased(), $1) }
    }
}

extension MUCRoomInfo {
    /// What `/info` says about a room: its name, subject and description, who is in it, and
    /// what entering it means (who sees our address, whether it keeps an archive).
    var summary: [String] {
        var lines: [String] = []
        if let name, !name.isEmpty { lines.append("  name: \(name)") }
        if let description, !description.isEmpty { lines.append("  description: \(description)") }
        if let subject, !subject.isEmpty { lines.append("  subject: \(subject)") }
        if let occupantCount { lines.append("  occupants: \(occupantCount)") }
        if let language, !language.isEmpty { lines.append("  language: \(language)") }
        var kind: [String] = []
        switch anonymity {
        case .nonAnonymous: kind.append("non-anonymous (every occupant sees your address)")
        case .semiAnonymous: kind.append("semi-anonymous (moderators see your address)")
        case nil: break
        }
        if isMembersOnly { kind.append("members only") }
        if isPasswordProtected { kind.append("password protected") }
        if isModerated { kind.append("moderated") }
        if isHidden { kind.append("hidden") }
        switch isPersistent {
        case true?: kind.append("persistent")
        case false?: kind.append("temporary")
        case nil: break
        }
        if !kind.isEmpty { lines.append("  room: " + kind.joined(separator: ", ")) }
        var keeps: [String] = []
        if hasArchive { keeps.append("an archive (XEP-0313)") }
        if stampsStanzaIDs { keeps.append("message ids (XEP-0359)") }
        if hasOccupantIDs { keeps.append("occupant ids (XEP-0421)") }
        if supportsModeration { keeps.append("message moderation (XEP-0425)") }
        if !keeps.isEmpty { lines.append("  keeps: " + keeps.joined(separator: ", ")) }
        if !contacts.isEmpty { lines.append("  contacts: " + contacts.map(\.description).joined(separator: ", ")) }
        if let logsURL, !logsURL.isEmpty { lines.append("  logs: \(logsURL)") }
        return lines
    }
}
