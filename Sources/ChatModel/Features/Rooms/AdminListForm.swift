import XMPPCore
import XMPPExtensions

/// A role or affiliation list of a room as a form to edit: one choice per entry (its role or
/// affiliation) and a last field to add entries. What comes back is turned into the "delta" the
/// room wants (XEP-0045 §8.5, §9.2, §9.5, §9.8, §10.5, §10.8): only the changed items, roles by
/// nick, affiliations by bare JID.
struct AdminListForm {
    let list: AdminList
    let room: JID
    /// The form as first shown.
    let form: DataForm

    /// The name of the field that adds entries.
    static let addField = "add"

    /// `items` as the room listed them; `occupants` are the nicks a role list can add.
    init(_ list: AdminList, of room: JID, items: [MUCAdmin.Item], occupants: [String]) {
        self.list = list
        self.room = room
        var seen: Set<String> = []
        var fields: [DataForm.Field] = []
        for item in items {
            guard let field = Self.field(for: item, in: list), let name = field.variable,
                seen.insert(name).inserted
            else { continue }
            fields.append(field)
        }
        fields.append(Self.addition(list, occupants: occupants.filter { !seen.contains("nick:" + $0) }))
        let instructions: [String]
        switch list {
        case .affiliation:
            instructions = [
                "One row per user, with their affiliation: change it, or choose none to take it away.",
                "Add users by address in the last row. Only what you change is sent.",
            ]
        case .role:
            instructions = [
                "One row per occupant, with their role: change it (none kicks them out).",
                "Add occupants in the last row. Only what you change is sent.",
            ]
        }
        form = DataForm(
            type: .form, title: "The \(list.name) of \(room)", instructions: instructions, fields: fields)
    }

    /// The changed items of `edited`, in the form's order, then the added ones.
    func delta(_ edited: DataForm) -> [MUCAdmin.Item] {
        var items: [MUCAdmin.Item] = []
        for field in form.fields {
            guard let name = field.variable, name != Self.addField,
                let value = edited[name]?.values.first, value != field.values.first
            else { continue }
            items += Self.item(name, value)
        }
        let listed = Set(form.fields.compactMap(\.variable))
        for value in edited[Self.addField]?.values ?? [] {
            switch list {
            case .affiliation(let affiliation):
                guard let jid = JID(parsing: value)?.bare,
                    !listed.contains("jid:" + jid.description)
                else { continue }
                items.append(MUCAdmin.Item(jid: jid, affiliation: affiliation))
            case .role(let role):
                guard !value.isEmpty, !listed.contains("nick:" + value) else { continue }
                items.append(MUCAdmin.Item(nick: value, role: role))
            }
        }
        return items
    }

    /// An entry's field: `jid:` and the bare JID for an affiliation, `nick:` and the nick for a
    /// role; nil for an item without what its list is keyed by.
    private static func field(for item: MUCAdmin.Item, in list: AdminList) -> DataForm.Field? {
        switch list {
        case .affiliation(let affiliation):
            guard let jid = item.jid?.bare else { return nil }
            return DataForm.Field(
                variable: "jid:" + jid.description, type: .listSingle,
                label: item.nick.map { "\(jid) (\($0))" } ?? jid.description, desc: item.reason,
                values: [(item.affiliation ?? affiliation).rawValue], options: affiliationOptions)
        case .role(let role):
            guard let nick = item.nick else { return nil }
            return DataForm.Field(
                variable: "nick:" + nick, type: .listSingle,
                label: item.jid.map { "\(nick) (\($0.bare))" } ?? nick, desc: item.reason,
                values: [(item.role ?? role).rawValue], options: roleOptions)
        }
    }

    /// The field that adds entries: addresses for an affiliation, occupants for a role.
    private static func addition(_ list: AdminList, occupants: [String]) -> DataForm.Field {
        switch list {
        case .affiliation(let affiliation):
            DataForm.Field(
                variable: addField, type: .jidMulti,
                label: "Add as \(AdminRequest.phrase(affiliation))", desc: "addresses (user@example.org)")
        case .role(let role):
            DataForm.Field(
                variable: addField, type: .listMulti, label: "Add as \(AdminRequest.phrase(role))",
                desc: "occupants of the room", options: occupants.map { DataForm.Field.Option(value: $0) })
        }
    }

    private static func item(_ name: String, _ value: String) -> [MUCAdmin.Item] {
        if name.hasPrefix("jid:"), let jid = JID(parsing: String(name.dropFirst(4))),
            let affiliation = MUCAffiliation(rawValue: value)
        {
            return [MUCAdmin.Item(jid: jid, affiliation: affiliation)]
        }
        if name.hasPrefix("nick:"), let role = MUCRole(rawValue: value) {
            return [MUCAdmin.Item(nick: String(name.dropFirst(5)), role: role)]
        }
        return []
    }

    private static let affiliationOptions: [DataForm.Field.Option] = [
        .init(label: "owner", value: "owner"), .init(label: "admin", value: "admin"),
        .init(label: "member", value: "member"), .init(label: "none (remove)", value: "none"),
        .init(label: "outcast (banned)", value: "outcast"),
    ]

    private static let roleOptions: [DataForm.Field.Option] = [
        .init(label: "moderator", value: "moderator"), .init(label: "participant (voice)", value: "participant"),
        .init(label: "visitor (no voice)", value: "visitor"), .init(label: "none (kick)", value: "none"),
    ]
}
