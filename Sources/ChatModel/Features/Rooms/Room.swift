import XMPPCore
import XMPPExtensions

/// A room of the account (XEP-0045): one we are in, entering, or were in and will enter again.
final class Room {
    enum State: Equatable {
        /// Not in it now (offline, or waiting for its turn to join).
        case offline
        /// Our join presence went out; the room has not answered with our own presence yet.
        case joining
        case joined
        /// We left, or the room put us out (the reason, if it gave one): not joined again
        /// until the user says so.
        case left(String?)
    }

    let jid: JID
    /// Our nick: the one asked for while joining, then the one the room gave us.
    var nick: String
    /// The nick the user chose (a taken nick is retried with a suffix, from this one).
    var wantedNick: String
    var password: String?
    var state: State = .offline
    /// Occupants by nick.
    var occupants: [String: MUCOccupantPresence] = [:] {
        didSet { occupantRows = nil }
    }
    /// The occupants in the pane's order (`AppModel.occupants(of:)`), kept until they change (our
    /// own nick changes with them): the pane is drawn with every frame, and a room may have
    /// thousands.
    var occupantRows: [OccupantRow]?
    /// Our own occupant: id (XEP-0421) and role.
    var selfPresence: MUCOccupantPresence?
    var subject: String?
    /// What the room said in disco#info (nil until it answered).
    var info: DiscoInfo?
    /// Taken nicks tried on this join.
    var nickAttempts = 0
    /// The archive catch-up of this session ended; from then on live messages move the sync point.
    var caughtUp = false
    var catchingUp = false
    /// A join that takes too long is given up (the slot goes to the next room).
    var joinTimer: ScheduledTimer?
    /// When the room last sent us anything (XEP-0410: a long silence is checked with a self-ping).
    var lastHeard: Int64 = 0
    /// A self-ping is out.
    var selfPinging = false
    /// We asked for another nick and the room has not answered yet (no self-ping meanwhile).
    var nickChangePending = false
    /// The ids of our subject changes the room has not sent back yet (a refusal names one).
    var subjectRequests: Set<String> = []

    init(jid: JID, nick: String, password: String?) {
        self.jid = jid.bare
        self.nick = nick
        self.wantedNick = nick
        self.password = password
    }

    /// The room keeps an archive (XEP-0313 on the room's JID).
    var hasArchive: Bool { info?.features.contains(Namespace.mam) == true }

    /// The room stamps occupant ids (XEP-0421 §5: only then is an `<occupant-id/>` the room's).
    var stampsOccupantIDs: Bool { info?.features.contains(Namespace.occupantID) == true }

    /// Whether the room wants us in it.
    var wanted: Bool {
        if case .left = state { return false }
        return true
    }

    /// Who sent a message, as compared for duplicates and corrections: the occupant id when the
    /// room vouches for it, else the occupant's room JID.
    func senderKey(nick: String?, occupantID: String?) -> String {
        Self.senderKey(in: jid, nick: nick, occupantID: stampsOccupantIDs ? occupantID : nil)
    }

    /// The sender key of `nick` in `room`, by `occupantID` when the room vouches for it.
    static func senderKey(in room: JID, nick: String?, occupantID: String?) -> String {
        if let occupantID { return "occupant:" + occupantID }
        guard let nick else { return room.description }
        return room.description + "/" + nick
    }

    /// Whether a message from `nick` (with `occupantID`) is ours: by occupant id where the room
    /// stamps them, else by our current nick.
    func isOurs(nick: String?, occupantID: String?) -> Bool {
        if stampsOccupantIDs, let occupantID, let own = selfPresence?.occupantID { return occupantID == own }
        return nick != nil && nick == self.nick
    }

    /// Our own sender key (for the messages we send).
    var ownSenderKey: String { senderKey(nick: nick, occupantID: selfPresence?.occupantID) }
}
