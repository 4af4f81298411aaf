import ChatStore
import XMPPCore
import XMPPExtensions

/// Group chat (XEP-0045): entering and leaving rooms, their occupants and subject, their
/// messages stored once each (by the room's stanza-id, which the room's archive also gives),
/// our messages confirmed by their reflection, private messages through a room kept apart from
/// one-to-one chats, and every room entered again after a new session.
///
/// Joins go through a queue (`maximumConcurrentJoins` at a time), so that fifty rooms after a
/// login do not arrive at the server at once.
public final class RoomsFeature: AccountFeature {
    public static let name = "rooms"
    /// Room stanzas are sorted out before presences and messages reach their handlers.
    public static var ordering: [FeatureOrder] { [.before(PresenceFeature.name), .before(MessagingFeature.name)] }
    public static var tables: [StoreMigration] {
        [
            StoreMigration(
                name: "create-rooms",
                sql: """
                    CREATE TABLE room (
                        account_id INTEGER NOT NULL REFERENCES account(id) ON DELETE CASCADE,
                        jid TEXT NOT NULL,
                        nick TEXT NOT NULL,
                        password TEXT,
                        joined INTEGER NOT NULL DEFAULT 1,
                        PRIMARY KEY (account_id, jid)
                    ) WITHOUT ROWID;
                    """)
        ]
    }

    public let router = MUCRouter()
    /// Rooms by bare JID: those we are in or entering, and those we were in.
    var rooms: [JID: Room] = [:]
    /// Rooms waiting for their turn to join, in order.
    private var joinQueue: [JID] = []
    /// Joins sent and not answered yet.
    private var joinsInFlight: Set<JID> = []
    /// The account's conference service (XEP-0045 §6.1), where `/join name` looks for rooms.
    public internal(set) var conferenceService: JID?
    /// The service is being looked for.
    var discoveringService = false
    /// When the rooms' silences are looked at next (XEP-0410 self-pings).
    var selfPingTimer: ScheduledTimer?
    lazy var archive = account.feature(ArchiveFeature.self)
    /// Told of each room the user leaves (`leave`), once it is left (bookmarks stop joining it).
    var leaveObservers: [(JID) -> Void] = []
    lazy var notifications = account.feature(NotificationsFeature.self)
    /// The features that act on room messages without text (found once every feature exists).
    lazy var messageObservers: [any RoomMessageObserver] = account.features.compactMap {
        $0 as? any RoomMessageObserver
    }
    unowned let account: AccountController

    /// How many joins wait for an answer at once.
    static let maximumConcurrentJoins = 5
    /// How long a room has to answer a join.
    static let joinTimeout: Duration = .seconds(60)
    /// How much join history a room without an archive sends.
    static let joinHistoryStanzas = 50
    /// How many taken nicks are tried (with a suffix) before giving up.
    static let maximumNickAttempts = 3

    public init(account: AccountController) throws(FeatureError) {
        self.account = account
        router.isRoom = { [unowned self] jid in
            guard let room = rooms[jid] else { return false }
            return room.state == .joining || room.state == .joined
        }
        router.onPresence = { [unowned self] presence in received(presence) }
        router.onJoinError = { [unowned self] room, nick, error in refused(room, nick: nick, error) }
        router.onGroupchat = { [unowned self] message in receiveGroupchat(message) }
        router.onPrivate = { [unowned self] message in receivePrivate(message, outgoing: false) }
        router.onError = { [unowned self] message in receiveError(message) }
        router.onConfigurationChange = { [unowned self] room, _ in configurationChanged(room) }
        router.onDropped = { [unowned account] stanza in
            account.log(
                .debug, "dropped a room message from \(stanza[attribute: "from"] ?? "nobody"), a room we are not in")
        }
        do {
            for (jid, nick, password, joined) in try account.store.featureRows(
                "SELECT jid, nick, password, joined FROM room WHERE account_id = ?", [account.accountID.rawValue.sql],
                { ($0.text(0), $0.text(1), $0.optionalText(2), $0.int(3) != 0) })
            {
                guard let jid = JID(parsing: jid) else { continue }
                let room = Room(jid: jid, nick: nick, password: password)
                if !joined { room.state = .left(nil) }
                rooms[room.jid] = room
            }
        } catch {
            account.log(.error, "could not read the rooms you are in: \(error)")
        }
    }

    public var extensions: [any SessionExtension] { [router] }

    // MARK: Read side

    /// Whether `jid` (bare) is a room of this account, joined or not.
    public func knows(_ jid: JID) -> Bool { rooms[jid.bare] != nil }

    /// Whether we are in the room `jid` now.
    public func isJoined(_ jid: JID) -> Bool { rooms[jid.bare]?.state == .joined }

    /// The nick to enter `room` with: the one chosen for it before, else the account's name.
    func nick(for room: JID) -> String { rooms[room.bare]?.wantedNick ?? account.jid.localpart ?? "tern" }

    /// Whether the room said it is for members only (XEP-0045 §15.3 `muc_membersonly`).
    func isMembersOnly(_ room: JID) -> Bool { rooms[room.bare]?.info?.features.contains("muc_membersonly") == true }

    /// The password we entered `room` with.
    func password(of room: JID) -> String? { rooms[room.bare]?.password }

    // MARK: Session

    public func sessionStarted(_ session: XMPPSession, _ start: SessionStart) {
        // A resumed stream is still in its rooms (the server kept us in them while it waited);
        // a new session, or a stream resumed from a previous run, is in none: what was typed for
        // them waits (`holds`) until they are entered again.
        if start != .resumed(fromStore: false) { outOfEveryRoom() }
    }

    public func sessionReady(_ session: XMPPSession, _ start: SessionStart) {
        for room in rooms.values.sorted(by: { $0.jid.description < $1.jid.description }) where room.wanted {
            if room.state == .offline {
                // Every room after a new session; on a resumed stream, those we were entering
                // when the link broke or chose while it was down.
                enqueueJoin(room.jid)
            } else if room.state == .joined && room.hasArchive && !room.caughtUp {
                // The link broke during the catch-up: it goes on from the sync point.
                catchUp(room)
            }
        }
        discoverConferenceService(in: session)
        startSelfPings()
    }

    public func connectionEnded() {
        discoveringService = false
        stopSelfPings()
        joinQueue.removeAll()
        joinsInFlight.removeAll()
        for room in rooms.values {
            room.joinTimer?.cancel()
            room.joinTimer = nil
            room.catchingUp = false
            room.selfPinging = false
            // A join whose answer may be lost goes again on the next stream.
            if room.state == .joining { room.state = .offline }
        }
        // The rooms we are in stay ours while the server keeps the stream for us to resume.
        if account.resumption == nil { outOfEveryRoom() }
        emit(nil)
    }

    /// The stream is gone for good: so are we from its rooms.
    public func resumptionForgotten() {
        outOfEveryRoom()
        emit(nil)
    }

    /// We are in no room (a stream ended that cannot be resumed): every room we were in or
    /// entering is one to enter again, with what we knew of its occupants gone.
    private func outOfEveryRoom() {
        for room in rooms.values {
            room.caughtUp = false
            room.nickChangePending = false
            room.subjectRequests.removeAll()
            room.occupants.removeAll()
            room.selfPresence = nil
            if room.state == .joining || room.state == .joined { room.state = .offline }
        }
    }

    // MARK: Joining and leaving

    /// Enters `room` as `nick` (now when online, else at the next login) and keeps entering it
    /// after every new session until `leave`.
    public func join(_ jid: JID, nick: String, password: String? = nil) {
        let room = rooms[jid.bare] ?? Room(jid: jid, nick: nick, password: password)
        rooms[room.jid] = room
        room.wantedNick = nick
        room.nick = nick
        room.nickAttempts = 0
        if let password { room.password = password }
        if room.state == .joined || room.state == .joining {
            if room.nick != room.selfPresence?.nick { changeNick(in: room.jid, to: nick) }
            return
        }
        room.state = .offline
        save(room)
        emit(room.jid)
        guard account.session != nil else {
            account.log(.info, "you will enter \(room.jid) when \(account.name) is online")
            return
        }
        enqueueJoin(room.jid)
    }

    /// Leaves a room and stops entering it again.
    public func leave(_ jid: JID, reason: String? = nil) {
        guard let room = rooms[jid.bare] else { return }
        let wasIn = room.state == .joined || room.state == .joining
        room.state = .left(nil)
        room.joinTimer?.cancel()
        joinQueue.removeAll { $0 == room.jid }
        save(room)
        if wasIn, let session = account.session, var presence = try? MUCJoin.leave(room: room.jid, nick: room.nick) {
            if let reason { presence.append(XMLElement("status", namespace: Namespace.client, [:], text: reason)) }
            session.send(presence)
        }
        room.occupants.removeAll()
        emit(room.jid)
        for observer in leaveObservers { observer(room.jid) }
    }

    /// Asks the room for another nick (XEP-0045 §7.6).
    public func changeNick(in jid: JID, to nick: String) {
        guard let room = rooms[jid.bare], room.state == .joined, let session = account.session else { return }
        guard let presence = try? MUCJoin.presence(room: room.jid, nick: nick) else {
            notice(room.jid, "\"\(nick)\" cannot be a nick")
            return
        }
        room.wantedNick = nick
        room.nickChangePending = true
        // Only the `to` matters for a nick change; the MUC element is for entering.
        session.send(
            XMLElement("presence", namespace: Namespace.client, ["to": presence[attribute: "to"]]))
    }

    /// Sets the room's subject (XEP-0045 §8.1).
    public func setSubject(of jid: JID, to subject: String) {
        guard let room = rooms[jid.bare], room.state == .joined, let session = account.session else { return }
        let id = session.makeID()
        var message = XMLElement(
            "message", namespace: Namespace.client, ["to": room.jid.description, "type": "groupchat", "id": id])
        message.append(XMLElement("subject", namespace: Namespace.client, [:], text: subject))
        room.subjectRequests.insert(id)
        session.send(message)
    }

    /// Enters a room we turned out not to be in (XEP-0410): its archive fills the gap.
    func enterAgain(_ room: Room) {
        room.state = .offline
        room.occupants.removeAll()
        room.selfPresence = nil
        room.caughtUp = false
        emit(room.jid)
        enqueueJoin(room.jid)
    }

    private func enqueueJoin(_ jid: JID) {
        guard !joinQueue.contains(jid), !joinsInFlight.contains(jid) else { return }
        joinQueue.append(jid)
        startQueuedJoins()
    }

    private func startQueuedJoins() {
        while joinsInFlight.count < Self.maximumConcurrentJoins, !joinQueue.isEmpty {
            let jid = joinQueue.removeFirst()
            guard let room = rooms[jid], room.state == .offline, let session = account.session else { continue }
            joinsInFlight.insert(jid)
            room.state = .joining
            room.occupants.removeAll()
            room.joinTimer = account.scheduler.schedule(after: Self.joinTimeout) { [weak self, weak room] in
                guard let self, let room, room.state == .joining else { return }
                room.state = .offline
                self.notice(room.jid, "\(room.jid) did not answer; you will enter it again on the next connection")
                self.joinFinished(room.jid)
            }
            // What the room keeps decides the history it is asked for: none when its archive
            // fills the gap.
            let discovered: (DiscoInfo?) -> Void = { [weak self, weak room] info in
                guard let self, let room, room.state == .joining, self.account.session === session else { return }
                room.info = info
                self.sendJoin(room, in: session)
            }
            if let archive {
                archive.manager.learnWhetherStamps(room.jid, in: session) { [weak self] in
                    discovered(self?.account.feature(DiscoFeature.self)?.client.cached(room.jid))
                }
            } else {
                discovered(nil)
            }
        }
    }

    private func sendJoin(_ room: Room, in session: XMPPSession) {
        do {
            session.send(
                try MUCJoin.presence(
                    room: room.jid, nick: room.nick, password: room.password,
                    historyStanzas: room.hasArchive ? 0 : Self.joinHistoryStanzas))
        } catch {
            room.state = .left("\"\(room.nick)\" cannot be a nick")
            notice(room.jid, "cannot enter \(room.jid) as \"\(room.nick)\": not a valid nick")
            joinFinished(room.jid)
        }
    }

    private func joinFinished(_ jid: JID) {
        rooms[jid]?.joinTimer?.cancel()
        rooms[jid]?.joinTimer = nil
        joinsInFlight.remove(jid)
        startQueuedJoins()
    }

    // MARK: Presences

    private func received(_ presence: MUCOccupantPresence) {
        guard let room = rooms[presence.room] else { return }
        heard(from: room)
        if presence.isSelf || (room.state == .joining && presence.nick == room.nick && presence.isAvailable) {
            receivedOwn(presence, in: room)
            return
        }
        let known = room.occupants[presence.nick] != nil
        if presence.isAvailable {
            if let previous = room.occupants[presence.nick], room.state == .joined {
                announce(changesFrom: previous, to: presence, in: room.jid)
            }
            room.occupants[presence.nick] = presence
            if !known && room.state == .joined { occupantLine(room, "\(presence.nick) joined") }
        } else {
            room.occupants[presence.nick] = nil
            if room.state == .joined, let departure = presence.departure {
                occupantLine(room, Self.describe(departure, of: presence.nick, reason: presence.reason))
            }
        }
        emit(room.jid, occupantsOnly: true)
    }

    private func receivedOwn(_ presence: MUCOccupantPresence, in room: Room) {
        room.nickChangePending = false
        guard presence.isAvailable else {
            if case .nickChanged(let nick) = presence.departure {
                room.occupants[room.nick] = nil
                room.nick = nick
                save(room)
                notice(room.jid, "you are now known as \(nick)")
                return
            }
            let departure = presence.departure ?? .left
            room.occupants.removeAll()
            room.selfPresence = nil
            switch departure {
            case .serviceShutdown:
                room.state = .offline
                notice(room.jid, "\(room.jid) is shutting down; you will enter it again on the next connection")
            case .left:
                // Not asked for by /leave (that sets the state first): our logging out, which
                // takes us out of every room. The room stays one to enter again.
                if room.wanted { room.state = .offline }
            default:
                room.state = .left(presence.reason)
                notice(room.jid, Self.describe(departure, of: "you", reason: presence.reason))
            }
            save(room)
            emit(room.jid)
            return
        }
        let entering = room.state == .joining
        if !entering, let previous = room.selfPresence { announce(changesFrom: previous, to: presence, in: room.jid) }
        room.selfPresence = presence
        room.occupants[presence.nick] = presence
        room.nick = presence.nick
        room.state = .joined
        if entering {
            joinFinished(room.jid)
            save(room)
            if presence.statusCodes.contains(201) { createInstantRoom(room) }
            if presence.statusCodes.contains(210) {
                notice(room.jid, "the room named you \(presence.nick)")
            }
            notice(room.jid, "you entered \(room.jid) as \(presence.nick)")
            if room.hasArchive { catchUp(room) }
            // Messages typed for the room while we were out go now.
            account.flushOutbox()
        }
        emit(room.jid)
    }

    private func refused(_ jid: JID, nick: String?, _ error: MUCJoinError) {
        guard let room = rooms[jid] else { return }
        if room.state == .joined {
            // A nick change the room refused; we stay as we were.
            room.nickChangePending = false
            notice(room.jid, "the room refused the nick \(nick ?? "?"): \(Self.describe(error))")
            return
        }
        guard room.state == .joining else { return }
        if error == .nickInUse, room.nickAttempts < Self.maximumNickAttempts, let session = account.session {
            room.nickAttempts += 1
            let taken = room.nick
            room.nick = room.wantedNick + String(repeating: "_", count: room.nickAttempts)
            notice(room.jid, "the nick \(taken) is taken in \(room.jid); trying \(room.nick)")
            sendJoin(room, in: session)
            return
        }
        room.state = .left(Self.describe(error))
        save(room)
        let hint = error == .passwordRequired ? " (/join ROOM/NICK PASSWORD)" : ""
        notice(room.jid, "cannot enter \(room.jid): \(Self.describe(error))\(hint)")
        joinFinished(room.jid)
        emit(room.jid)
    }

    /// Unlocks a room we just created with its default configuration (XEP-0045 §10.1.2).
    private func createInstantRoom(_ room: Room) {
        guard let session = account.session else { return }
        var query = XMLElement("query", namespace: Namespace.mucOwner)
        query.append(XMLElement("x", namespace: Namespace.dataForms, ["type": "submit"]))
        session.sendIQ(.iq(.set, id: session.makeID(), to: room.jid, payload: query)) { [weak self] result in
            switch result {
            case .success:
                self?.notice(room.jid, "created \(room.jid) with the default configuration")
            case .failure(let failure):
                self?.notice(room.jid, "created \(room.jid), but it stays locked: \(failure)")
            }
        }
    }

    // MARK: Helpers

    private func save(_ room: Room) {
        do {
            try account.store.featureWrite(
                """
                INSERT INTO room (account_id, jid, nick, password, joined) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (account_id, jid) DO UPDATE SET nick = excluded.nick, password = excluded.password,
                    joined = excluded.joined
                """,
                [
                    account.accountID.rawValue.sql, room.jid.description.sql, room.wantedNick.sql, room.password?.sql,
                    room.wanted.sql,
                ])
        } catch {
            account.log(.error, "could not remember the room \(room.jid): \(error)")
        }
    }

    /// A line in the room's window (not stored: what happened, not what was said).
    func notice(_ room: JID, _ text: String) {
        emit(RoomNotice(account: account.name, room: room, text: text, isOccupantLine: false))
    }

    /// A join, leave or nick change line (the model decides, by the room's size and a setting,
    /// whether it is shown).
    private func occupantLine(_ room: Room, _ text: String) {
        emit(RoomNotice(account: account.name, room: room.jid, text: text, isOccupantLine: true))
    }

    func emit(_ room: JID?, occupantsOnly: Bool = false) {
        account.emit(RoomChanged(room: room, occupantsOnly: occupantsOnly))
    }

    private func emit(_ event: any FeatureEvent) { account.emit(event) }

    func makeMessageID() -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")
        return String((0..<16).map { _ in alphabet.randomElement()! })
    }

    static func describe(_ departure: MUCOccupantPresence.Departure, of nick: String, reason: String?) -> String {
        let because = reason.map { " (\($0))" } ?? ""
        let subject = nick == "you" ? "you were" : "\(nick) was"
        switch departure {
        case .left: return nick == "you" ? "you left" + because : "\(nick) left" + because
        case .nickChanged(let new): return "\(nick) is now known as \(new)"
        case .kicked: return "\(subject) kicked" + because
        case .banned: return "\(subject) banned" + because
        case .affiliationChanged: return "\(subject) removed: the affiliation changed" + because
        case .membersOnly: return "\(subject) removed: the room is now members-only" + because
        case .serviceShutdown: return "\(subject) removed: the service is shutting down" + because
        }
    }

    /// Why a room refused us, for a person.
    public static func describe(_ error: MUCJoinError) -> String {
        switch error {
        case .nickInUse: "the nick is taken"
        case .passwordRequired: "the room needs a password"
        case .membersOnly: "the room is for members only"
        case .banned: "you are banned from it"
        case .roomNotFound: "the room does not exist, and you may not create it"
        case .roomFull: "the room is full"
        case .other(let error): error.description
        }
    }
}

extension RoomsFeature: OutboxGate {
    /// A room message waits until we are in the room (sent before, the room would refuse it).
    func holds(_ entry: OutboxEntry) -> Bool {
        guard entry.kind == .groupchat, let jid = JID(parsing: entry.conversation) else { return false }
        return rooms[jid]?.state != .joined
    }
}
