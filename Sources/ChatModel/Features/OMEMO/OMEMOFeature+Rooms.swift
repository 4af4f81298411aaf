import OMEMO
import XMPPCore
import XMPPExtensions

/// XEP-0384 §Group Chats: OMEMO in a room that is non-anonymous (every occupant's address is
/// known) and members-only. A message is encrypted to every trusted device of every member (the
/// member, admin and owner lists, asked for on each session, and the occupants the room shows)
/// and of our own account, with the room as the envelope's `<to/>`; it is not sent when that
/// cannot be done. A message received in the room is decrypted with the session of its sender's
/// real address, as the room showed it in the occupant's presence.
///
///     <message to='secret-room@conference.capulet.lit' type='groupchat'>
///       <encrypted xmlns='urn:xmpp:omemo:2'>
///         <header sid='27183'>
///           <keys jid='juliet@capulet.lit'><key rid='31415'>b64/encoded/data</key></keys>
///           <keys jid='romeo@montague.lit'><key kex='true' rid='123'>b64/encoded/data</key></keys>
///         </header>
///         <payload>base64/encoded/message/key/encrypted/envelope/element</payload>
///       </encrypted>
///       <store xmlns='urn:xmpp:hints'/>
///     </message>
extension OMEMOFeature: RoomEncryption {
    /// The rooms this account knows.
    private var rooms: RoomsFeature? { account.feature(RoomsFeature.self) }

    /// Whether `jid` is a room of this account (its messages go to its members).
    func isRoom(_ jid: JID) -> Bool { jid.isBare && rooms?.knows(jid) == true }

    /// Why OMEMO cannot be used in `room`; nil when it is non-anonymous and members-only.
    func roomProblem(_ room: JID) -> String? {
        guard let features = rooms?.rooms[room.bare]?.info?.features else {
            return "what kind of room \(room) is is not known yet (enter it first)"
        }
        if !features.contains("muc_nonanonymous") {
            return "\(room) is not non-anonymous: OMEMO needs every member's address to encrypt to their devices"
        }
        if !features.contains("muc_membersonly") {
            return "\(room) is not members-only: OMEMO encrypts to its members, and anyone may enter it"
        }
        return nil
    }

    /// `/omemo on` in a room: refused, with the reason, in a room OMEMO cannot be used in.
    func checkCanTurnOn(_ jid: JID) throws(CommandError) {
        guard isRoom(jid) else { return }
        if let problem = roomProblem(jid) { throw .failed("OMEMO stays off: \(problem)") }
    }

    /// `/omemo status` in a room: to whom its messages are encrypted.
    func roomStatus(_ room: JID) -> [String] {
        if let problem = roomProblem(room) { return ["OMEMO is on for \(room), but \(problem): nothing can be sent"] }
        guard let members = recipients(of: room) else {
            return ["OMEMO is on for \(room): its members are being asked for"]
        }
        let names = members.map(\.description).sorted().joined(separator: ", ")
        return ["OMEMO is on for \(room): encrypted to the devices of \(names.isEmpty ? "nobody" : names)"]
    }

    // MARK: Members

    /// The real bare JIDs a message to `room` is encrypted to (ours left out: our devices are
    /// added anyway); nil until the member lists were fetched on this session. The lists as the
    /// room answered, with the occupants it shows now; an occupant whose presence says it lost
    /// its affiliation is left out.
    func recipients(of room: JID) -> Set<JID>? {
        guard let session = account.session, let listed = roomMembers.lists[room],
            listed.session == ObjectIdentifier(session)
        else { return nil }
        var members = listed.jids
        for occupant in rooms?.rooms[room]?.occupants.values.map({ $0 }) ?? [] {
            guard let real = occupant.realJID?.bare else { continue }
            switch occupant.affiliation {
            case .none, .outcast: members.remove(real)
            case .member, .admin, .owner: members.insert(real)
            }
        }
        members.remove(account.jid.bare)
        return members
    }

    /// Asks `room` for its member, admin and owner lists (XEP-0384 §Retrieving and maintaining
    /// members list), then for the device lists of everyone on them.
    func fetchMembers(of room: JID) {
        guard let session = account.session, roomMembers.fetching.insert(room).inserted else { return }
        let affiliations: [MUCAffiliation] = [.member, .admin, .owner]
        var remaining = affiliations.count
        var jids: Set<JID> = []
        for affiliation in affiliations {
            let request = MUCAdmin.requestList(affiliation: affiliation, room: room, id: session.makeID())
            session.sendIQ(request) { [weak self] result in
                guard let self else { return }
                switch result {
                case .success(let answer):
                    jids.formUnion((MUCAdmin.items(answer) ?? []).compactMap { $0.jid?.bare })
                case .failure(.disconnected): break
                case .failure(let failure):
                    account.log(.info, "\(room) did not give its \(affiliation.rawValue) list: \(failure)")
                }
                remaining -= 1
                guard remaining == 0 else { return }
                roomMembers.fetching.remove(room)
                guard account.session === session else { return }
                roomMembers.lists[room] = OMEMORoomMembers.Lists(jids: jids, session: ObjectIdentifier(session))
                for member in recipients(of: room) ?? [] { fetchDeviceLists(of: member) }
                retryWaiting()
            }
        }
    }

    // MARK: Sending

    /// Whether a message to `room` can be sealed now: every member's preparation merged (each
    /// device once); the first refusal refuses it, any wait makes it wait.
    func prepare(room: JID) -> Preparation {
        if let problem = roomProblem(room) { return .refused("\(problem): not sent (/omemo off sends in plaintext)") }
        guard let members = recipients(of: room) else {
            guard account.session != nil else {
                return .refused("offline, and the members of \(room) are not known yet: not sent")
            }
            fetchMembers(of: room)
            return .wait("asking \(room) for its members")
        }
        guard !members.isEmpty else { return .refused("\(room) has no other member to encrypt to: not sent") }
        var device: OwnDevice?
        var byVersion: [OMEMOVersion: [OMEMORecipient]] = [:]
        var seen: Set<OMEMODeviceAddress> = []
        var waits: [String] = []
        for member in members.sorted(by: { $0.description < $1.description }) {
            switch prepare(member) {
            case .refused(let reason): return .refused(reason)
            case .wait(let reason): waits.append(reason)
            case .ready(let own, let recipients):
                device = own
                for (version, list) in recipients {
                    byVersion[version, default: []] += list.filter { seen.insert($0.address).inserted }
                }
            }
        }
        guard waits.isEmpty, let device else { return .wait(waits.joined(separator: "; ")) }
        return .ready(device, byVersion)
    }

    // MARK: Receiving

    /// A room message as its sender wrote it: decrypted with the session of `sender` (the real
    /// JID the room showed for the occupant). Without a known sender it gets a body saying so,
    /// never its fallback; our own message, reflected by the room, keeps what we stored when we
    /// sent it (the store matches it by its origin-id).
    func open(_ message: ChatMessage, inRoom room: JID, sender: JID?, context: OpenContext) -> ChatMessage {
        guard let element = message.encryptedElement else { return message }
        let nick = message.from?.resourcepart ?? "the room"
        guard let sender else {
            var unknown = message
            unknown.body =
                "[an OMEMO message from \(nick), whose address \(room) does not show: it cannot be decrypted]"
            return unknown
        }
        if sender.bare == account.jid.bare, let own, (try? OMEMOEncrypted(element))?.sender == own.deviceID {
            var reflected = message
            reflected.body = "[an OMEMO message you sent from this device]"
            return reflected
        }
        var addressed = message
        addressed.from = sender.bare
        addressed.to = room.bare
        var opened = open(addressed, context: context)
        opened.from = message.from
        opened.to = message.to
        if context == .live, opened.encryption != nil, chats[room.bare] == nil, roomProblem(room) == nil {
            turnOn(room.bare, because: "\(nick) writes encrypted")
        }
        return opened
    }
}

/// What OMEMO keeps of rooms on this session: the member lists, and which are being asked for.
final class OMEMORoomMembers {
    struct Lists {
        /// The real bare JIDs on the member, admin and owner lists.
        var jids: Set<JID>
        /// The session they were asked for on (a new session asks again).
        var session: ObjectIdentifier
    }

    var lists: [JID: Lists] = [:]
    var fetching: Set<JID> = []
}
