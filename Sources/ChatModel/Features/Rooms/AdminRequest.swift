import XMPPCore
import XMPPExtensions

/// A list of a room's users by role or by affiliation (XEP-0045 §8.5, §9.2, §9.5, §9.8, §10.5,
/// §10.8).
enum AdminList: Hashable {
    case role(MUCRole)
    case affiliation(MUCAffiliation)

    /// "the member list".
    var name: String {
        switch self {
        case .role(.moderator): "moderator list"
        case .role(.participant): "voice list"
        case .role(let role): "list of \(role.rawValue)s"
        case .affiliation(.outcast): "ban list"
        case .affiliation(.none): "list of unaffiliated users"
        case .affiliation(let affiliation): "\(affiliation.rawValue) list"
        }
    }

    /// The request for the list (Examples 103, 116, 129 ...).
    func request(room: JID, id: String) -> XMLElement {
        switch self {
        case .role(let role): MUCAdmin.requestList(role: role, room: room, id: id)
        case .affiliation(let affiliation): MUCAdmin.requestList(affiliation: affiliation, room: room, id: id)
        }
    }
}

/// What an admin or owner request asked a room for, to say what became of it: each error a room
/// answers (XEP-0045 §8-§10) as a sentence for the room's window.
enum AdminRequest {
    /// A role for an occupant (`none` kicks).
    case role(nick: String, MUCRole)
    /// An affiliation for a user, given as a nick or an address (`outcast` bans).
    case affiliation(target: String, MUCAffiliation)
    case showList(AdminList)
    case changeList(AdminList)
    case showConfiguration
    case saveConfiguration

    /// What was asked, as it reads after "to": "kick bob", "make bob a moderator".
    var asked: String {
        switch self {
        case .role(let nick, .none): "kick \(nick)"
        case .role(let nick, let role): "make \(nick) \(Self.phrase(role))"
        case .affiliation(let target, .outcast): "ban \(target)"
        case .affiliation(let target, .none): "take away \(target)'s affiliation"
        case .affiliation(let target, let affiliation): "make \(target) \(Self.phrase(affiliation))"
        case .showList(let list): "show the \(list.name)"
        case .changeList(let list): "change the \(list.name)"
        case .showConfiguration: "send its configuration form"
        case .saveConfiguration: "save the configuration"
        }
    }

    /// The room's answer, when it is not a success, as a sentence.
    func refusal(_ failure: IQFailure, room: JID) -> String {
        switch failure {
        case .timeout: return "\(room) did not answer the request to \(asked)"
        case .disconnected: return "the connection ended before \(room) answered the request to \(asked)"
        case .error(let error):
            return explanation(of: error.condition, room: room) + (error.text.map { " (the room says: \($0))" } ?? "")
        }
    }

    private func explanation(of condition: StanzaErrorCondition, room: JID) -> String {
        switch (condition, self) {
        case (.forbidden, _): forbidden(room)
        case (.notAllowed, .role(let nick, _)):
            "\(room) does not let you \(asked): \(nick)'s affiliation is at or above yours"
        case (.notAllowed, .affiliation):
            "\(room) does not let you \(asked): their affiliation is above yours"
        case (.notAllowed, .changeList(let list)), (.conflict, .changeList(let list)):
            "\(room) changed nothing in the \(list.name): one of the changes is not allowed (someone whose "
                + "affiliation is at or above yours, yourself, or the last owner)"
        case (.notAllowed, .showConfiguration), (.notAllowed, .saveConfiguration):
            "\(room) cannot be configured"
        case (.conflict, .role(_, MUCRole.none)): "\(room) does not let you kick yourself"
        case (.conflict, .affiliation(_, .outcast)): "you cannot ban yourself from \(room)"
        case (.conflict, .affiliation): "\(room) refused: a room keeps at least one owner"
        case (.itemNotFound, .role(let nick, _)): "nobody called \(nick) is in \(room)"
        case (.itemNotFound, .affiliation(let target, _)): "\(room) knows no user \(target)"
        case (.itemNotFound, _): "\(room) does not exist (any more)"
        case (.notAcceptable, .saveConfiguration): "\(room) refused this configuration: a value breaks its rules"
        case (.notAuthorized, .affiliation), (.notAuthorized, .changeList):
            "\(room) does not let one owner take away another's status"
        case (.badRequest, _): "\(room) did not understand the request to \(asked) (bad request)"
        default: "\(room) refused to \(asked) (\(condition.rawValue))"
        }
    }

    /// `forbidden`: the sender lacks the affiliation or role the request needs.
    private func forbidden(_ room: JID) -> String {
        switch self {
        case .role(_, .none): "you cannot kick anyone in \(room): only its moderators may"
        case .role(_, .moderator):
            "you cannot \(asked): only admins and owners of \(room) may grant or revoke moderator status"
        case .role: "you cannot \(asked): only moderators of \(room) may give or take voice"
        case .affiliation(_, .owner), .affiliation(_, .admin):
            "you cannot \(asked): only owners of \(room) may make owners and admins"
        case .affiliation: "you cannot \(asked): only admins and owners of \(room) may"
        case .showList(let list): "you may not see the \(list.name) of \(room)"
        case .changeList(let list): "you may not change the \(list.name) of \(room)"
        case .showConfiguration, .saveConfiguration: "you are not an owner of \(room), so you cannot configure it"
        }
    }

    static func phrase(_ role: MUCRole) -> String {
        switch role {
        case .moderator: "a moderator"
        case .participant: "a participant, with voice"
        case .visitor: "a visitor, without voice"
        case .none: "no occupant"
        }
    }

    static func phrase(_ affiliation: MUCAffiliation) -> String {
        switch affiliation {
        case .owner: "an owner"
        case .admin: "an admin"
        case .member: "a member"
        case .outcast: "banned"
        case .none: "unaffiliated"
        }
    }
}
