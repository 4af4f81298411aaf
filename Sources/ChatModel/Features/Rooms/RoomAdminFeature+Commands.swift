import XMPPCore
import XMPPExtensions

extension RoomAdminFeature {
    static let roles = MUCRole.allCases.map(\.rawValue)
    static let affiliations = MUCAffiliation.allCases.map(\.rawValue)

    public static var commands: [CommandSpec] {
        [
            CommandSpec(
                "kick",
                arguments: [
                    ArgumentSpec("nick", completion: .occupant([])), ArgumentSpec("reason", optional: true, rest: true),
                ],
                summary: "put an occupant out of the room of this window (moderators may)"
            ) { context throws(CommandError) in
                let (room, admin) = try currentRoom(context)
                try admin.setRole(.none, of: context.required("nick"), in: room, reason: context.argument("reason"))
            },
            CommandSpec(
                "ban",
                arguments: [
                    ArgumentSpec("nick|jid", completion: .occupant([])),
                    ArgumentSpec("reason", optional: true, rest: true),
                ],
                summary: "ban a user from the room of this window (admins and owners may)",
                help: """
                    A nick stands for that occupant's address, which the room must show you; else give
                    the address. /affiliation list outcast shows and edits the ban list.
                    """
            ) { context throws(CommandError) in
                let (room, admin) = try currentRoom(context)
                try admin.setAffiliation(
                    .outcast, of: context.required("nick|jid"), in: room, reason: context.argument("reason"))
            },
            CommandSpec(
                "role",
                arguments: [
                    ArgumentSpec("nick|list", completion: .occupant(["list"])),
                    ArgumentSpec("role", completion: .choice(roles)),
                    ArgumentSpec("reason", optional: true, rest: true),
                ],
                summary: "give an occupant a role: moderator, participant (voice), visitor (no voice), none (kick)",
                help: """
                    Moderators give and take voice; admins and owners make moderators. /role list
                    moderator|participant opens that list as a form: change the entries, add occupants,
                    and s sends only what changed.
                    """
            ) { context throws(CommandError) in
                let (room, admin) = try currentRoom(context)
                let role = try word(context.required("role"), of: MUCRole.self, "role")
                guard context.required("nick|list") != "list" else {
                    guard role == .moderator || role == .participant else {
                        throw .usage("the lists are moderator and participant")
                    }
                    try admin.editList(.role(role), of: room, model: context.model)
                    return
                }
                try admin.setRole(role, of: context.required("nick|list"), in: room, reason: context.argument("reason"))
            },
            CommandSpec(
                "affiliation",
                arguments: [
                    ArgumentSpec("nick|jid|list", completion: .occupant(["list"])),
                    ArgumentSpec("affiliation", completion: .choice(affiliations)),
                    ArgumentSpec("reason", optional: true, rest: true),
                ],
                summary: "give a user a lasting affiliation: owner, admin, member, none, outcast (banned)",
                help: """
                    Admins grant and take membership and ban; owners make admins and owners. A nick
                    stands for that occupant's address. /affiliation list owner|admin|member|outcast
                    opens that list as a form: change the entries, add addresses, and s sends only what
                    changed.
                    """
            ) { context throws(CommandError) in
                let (room, admin) = try currentRoom(context)
                let affiliation = try word(context.required("affiliation"), of: MUCAffiliation.self, "affiliation")
                guard context.required("nick|jid|list") != "list" else {
                    guard affiliation != .none else { throw .usage("the lists are owner, admin, member and outcast") }
                    try admin.editList(.affiliation(affiliation), of: room, model: context.model)
                    return
                }
                try admin.setAffiliation(
                    affiliation, of: context.required("nick|jid|list"), in: room, reason: context.argument("reason"))
            },
            CommandSpec(
                "config", summary: "edit the configuration of the room of this window (its owners may)",
                help: """
                    The room's form opens in the window: ↑/↓ choose a field, Enter changes it, Space
                    toggles, s saves, Esc cancels.
                    """
            ) { context throws(CommandError) in
                let (room, admin) = try currentRoom(context)
                try admin.configure(room, model: context.model)
            },
        ]
    }

    /// The room of the current window, with this feature of its account.
    private static func currentRoom(_ context: CommandContext) throws(CommandError) -> (JID, RoomAdminFeature) {
        let (room, rooms) = try RoomsFeature.currentRoom(context)
        return (room, try rooms.account.required(RoomAdminFeature.self))
    }

    /// A role or affiliation as typed.
    private static func word<Word: RawRepresentable<String> & CaseIterable>(
        _ text: String, of type: Word.Type, _ name: String
    ) throws(CommandError) -> Word {
        guard let word = Word(rawValue: text.lowercased()) else {
            throw .usage("\"\(text)\" is no \(name) (\(Word.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        return word
    }
}
