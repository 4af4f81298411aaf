import XMPPCore

/// XEP-0045 §8-§9 (and the affiliation lists of §10): moderators change roles by nick, admins and
/// owners change affiliations by bare JID, and both read the lists, all with `muc#admin` IQs to
/// the room.
///
///     <iq from='fluellen@shakespeare.lit/pda' id='kick1' to='harfleur@chat.shakespeare.lit' type='set'>
///       <query xmlns='http://jabber.org/protocol/muc#admin'>
///         <item nick='pistol' role='none'><reason>Avaunt, you cullion!</reason></item>
///       </query>
///     </iq>
///
/// The room answers an empty result on success, and then sends the presences that show the
/// change. The errors it answers with (§8.2, §9.1, §9.5): `not-allowed` when the target's
/// affiliation is higher than the sender's (an admin cannot ban an owner, a member-moderator
/// cannot kick an admin), `conflict` when an admin bans or (some rooms) a moderator kicks
/// themselves, `forbidden` when the sender may not do it at all (lists included),
/// `item-not-found` for a nick that is not in the room, `bad-request` for a malformed item.
public enum MUCAdmin {
    /// One `<item/>` of a request or a list: who (nick for roles, JID for affiliations), what,
    /// and why.
    public struct Item: Sendable, Hashable {
        public var jid: JID?
        public var nick: String?
        public var role: MUCRole?
        public var affiliation: MUCAffiliation?
        public var reason: String?

        public init(
            jid: JID? = nil, nick: String? = nil, role: MUCRole? = nil, affiliation: MUCAffiliation? = nil,
            reason: String? = nil
        ) {
            self.jid = jid
            self.nick = nick
            self.role = role
            self.affiliation = affiliation
            self.reason = reason
        }

        /// Reads an item; a JID, role or affiliation that does not parse is left out.
        public init(_ element: XMLElement) {
            jid = JID(parsing: element[attribute: "jid"])
            nick = element[attribute: "nick"]
            role = element[attribute: "role"].flatMap(MUCRole.init(rawValue:))
            affiliation = element[attribute: "affiliation"].flatMap(MUCAffiliation.init(rawValue:))
            reason = element.childText("reason", namespace: Namespace.mucAdmin)
        }

        public var element: XMLElement {
            var item = XMLElement(
                "item", namespace: Namespace.mucAdmin,
                [
                    "affiliation": affiliation?.rawValue, "jid": jid?.description, "nick": nick,
                    "role": role?.rawValue,
                ])
            if let reason { item.append(XMLElement("reason", namespace: Namespace.mucAdmin, [:], text: reason)) }
            return item
        }
    }

    /// §8.2-§8.5, §9.6-§9.7: gives the occupant `nick` a role for this visit: `none` kicks them,
    /// `participant` grants voice, `visitor` revokes it, `moderator` makes them a moderator.
    public static func setRole(_ role: MUCRole, nick: String, reason: String? = nil, room: JID, id: String)
        -> XMLElement
    {
        change([Item(nick: nick, role: role, reason: reason)], room: room, id: id)
    }

    /// §8.2 Example 89: kicks the occupant `nick` (role `none`; the room then sends status 307).
    public static func kick(nick: String, reason: String? = nil, room: JID, id: String) -> XMLElement {
        setRole(.none, nick: nick, reason: reason, room: room, id: id)
    }

    /// §9.1-§9.5, §10.3-§10.7: gives `jid`'s bare JID a lasting affiliation: `outcast` bans,
    /// `member`, `admin` and `owner` grant, `none` removes whatever they had.
    public static func setAffiliation(
        _ affiliation: MUCAffiliation, jid: JID, reason: String? = nil, room: JID, id: String
    ) -> XMLElement {
        change([Item(jid: jid.bare, affiliation: affiliation, reason: reason)], room: room, id: id)
    }

    /// §9.1 Example 111: bans `jid`'s bare JID (affiliation `outcast`; status 301 follows).
    public static func ban(jid: JID, reason: String? = nil, room: JID, id: String) -> XMLElement {
        setAffiliation(.outcast, jid: jid, reason: reason, room: room, id: id)
    }

    /// §8.5 Example 105, §9.2 Example 118, §9.5 Example 131: several changes at once (a list's
    /// "delta"). Role items carry a nick and no affiliation, affiliation items a JID and no role.
    public static func change(_ items: [Item], room: JID, id: String) -> XMLElement {
        .iq(
            .set, id: id, to: room.bare,
            payload: XMLElement("query", namespace: Namespace.mucAdmin, [:], elements: items.map(\.element)))
    }

    /// §8.5 Example 103 (`participant`: the voice list), §9.8 (`moderator`).
    public static func requestList(role: MUCRole, room: JID, id: String) -> XMLElement {
        change([Item(role: role)], room: room, id: id).withType(.get)
    }

    /// §9.2 Example 116 (`outcast`: the ban list), §9.5 (`member`), §10.5 (`owner`), §10.8
    /// (`admin`).
    public static func requestList(affiliation: MUCAffiliation, room: JID, id: String) -> XMLElement {
        change([Item(affiliation: affiliation)], room: room, id: id).withType(.get)
    }

    /// The items of a list result (Examples 104, 117, 130); nil when `result` is not a `result`
    /// with a `muc#admin` query.
    public static func items(_ result: XMLElement) -> [Item]? {
        guard result.iqType == .result, let query = result.child("query", namespace: Namespace.mucAdmin) else {
            return nil
        }
        return query.children("item", namespace: Namespace.mucAdmin).map(Item.init)
    }
}

/// XEP-0045 §10: an owner's configuration of a room, and its destruction, with `muc#owner` IQs.
///
///     <iq from='crone1@shakespeare.lit/desktop' id='create1' to='coven@chat.shakespeare.lit' type='set'>
///       <query xmlns='http://jabber.org/protocol/muc#owner'><x xmlns='jabber:x:data' type='submit'/></query>
///     </iq>
///
/// Errors (§10.1, §10.2, §10.9): `forbidden` when the sender is not an owner, `not-acceptable`
/// when the submitted configuration is refused (Example 161), `not-allowed` when the service
/// lets nobody (or not us) create rooms. A `cancel` of the initial configuration destroys the
/// new room.
public enum MUCOwner {
    /// §10.1.3 Example 156, §10.2 Example 163: asks for the configuration form.
    public static func requestConfiguration(room: JID, id: String) -> XMLElement {
        .iq(.get, id: id, to: room.bare, payload: XMLElement("query", namespace: Namespace.mucOwner))
    }

    /// The room's configuration form out of the answer to `requestConfiguration` (Example 157);
    /// nil when the answer is no result, holds no form (Example 158: nothing can be configured)
    /// or holds a malformed one.
    public static func configurationForm(_ result: XMLElement) -> DataForm? {
        guard result.iqType == .result,
            let x = result.child("query", namespace: Namespace.mucOwner)?.child("x", namespace: Namespace.dataForms)
        else { return nil }
        return DataForm(x)
    }

    /// §10.1.3 Example 159: sends a form, normally `form.submission()` of the room's form after
    /// editing (a `cancel` form cancels, Example 162).
    public static func submitConfiguration(_ form: DataForm, room: JID, id: String) -> XMLElement {
        .iq(
            .set, id: id, to: room.bare,
            payload: XMLElement("query", namespace: Namespace.mucOwner, [:], elements: [form.element]))
    }

    /// §10.1.2 Example 155: accepts the default configuration of the room we just created
    /// (status 201): an empty submit form, which unlocks the room.
    public static func createInstantRoom(room: JID, id: String) -> XMLElement {
        submitConfiguration(DataForm(type: .submit), room: room, id: id)
    }

    /// §10.1.3 Example 162, §10.2 Example 166: gives up configuring (a new room is destroyed).
    public static func cancelConfiguration(room: JID, id: String) -> XMLElement {
        submitConfiguration(DataForm(type: .cancel), room: room, id: id)
    }

    /// §10.9 Example 201: destroys `room`, telling the occupants why and where to go instead (an
    /// alternate venue and its password).
    public static func destroy(
        room: JID, reason: String? = nil, alternateVenue: JID? = nil, password: String? = nil, id: String
    ) -> XMLElement {
        var destroy = XMLElement("destroy", namespace: Namespace.mucOwner, ["jid": alternateVenue?.description])
        if let password { destroy.append(XMLElement("password", namespace: Namespace.mucOwner, [:], text: password)) }
        if let reason { destroy.append(XMLElement("reason", namespace: Namespace.mucOwner, [:], text: reason)) }
        return .iq(
            .set, id: id, to: room.bare,
            payload: XMLElement("query", namespace: Namespace.mucOwner, [:], elements: [destroy]))
    }
}

extension XMLElement {
    /// This IQ with another type.
    fileprivate func withType(_ type: IQType) -> XMLElement {
        var copy = self
        copy[attribute: "type"] = type.rawValue
        return copy
    }
}
