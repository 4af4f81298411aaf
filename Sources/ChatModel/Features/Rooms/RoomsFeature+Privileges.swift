import XMPPCore
import XMPPExtensions

/// XEP-0045 §8.3-§8.4, §9.3-§9.4, §9.6-§9.7, §10.6-§10.8: an occupant who stays in the room with
/// another role or affiliation is announced in its window ("bob is now a moderator").
extension RoomsFeature {
    /// Says what changed between an occupant's presences, if their role or affiliation did.
    func announce(changesFrom old: MUCOccupantPresence, to new: MUCOccupantPresence, in room: JID) {
        for line in Self.privilegeChanges(from: old, to: new) { notice(room, line) }
    }

    /// A line for a new affiliation and one for a new role (ours: "you are ..."), with the reason
    /// the room gave.
    static func privilegeChanges(from old: MUCOccupantPresence, to new: MUCOccupantPresence) -> [String] {
        let subject = new.isSelf ? "you" : new.nick
        let (are, have) = new.isSelf ? ("are", "have") : ("is", "has")
        var lines: [String] = []
        if new.affiliation != old.affiliation {
            lines.append(
                new.affiliation == .none
                    ? "\(subject) \(are) no longer \(AdminRequest.phrase(old.affiliation))"
                    : "\(subject) \(are) now \(AdminRequest.phrase(new.affiliation))")
        }
        if new.role != old.role {
            switch (old.role, new.role) {
            case (_, .moderator): lines.append("\(subject) \(are) now a moderator")
            case (.moderator, .participant): lines.append("\(subject) \(are) no longer a moderator")
            case (_, .participant): lines.append("\(subject) \(have) voice now")
            case (_, .visitor): lines.append("\(subject) \(have) no voice now")
            case (_, .none): break
            }
        }
        let because = new.reason.map { " (\($0))" } ?? ""
        return lines.map { $0 + because }
    }
}
