import XMPPCore

/// XEP-0045 §6.4: what a room says about itself in disco#info — its name, its type (the `muc_*`
/// features of §15.3), what it stamps and keeps, and the `muc#roominfo` form of §15.5.4.
///
///     <query xmlns='http://jabber.org/protocol/disco#info'>
///       <identity category='conference' name='A Dark Cave' type='text'/>
///       <feature var='http://jabber.org/protocol/muc'/>
///       <feature var='muc_passwordprotected'/>
///       <feature var='muc_nonanonymous'/>
///       <x xmlns='jabber:x:data' type='result'>
///         <field var='FORM_TYPE' type='hidden'><value>http://jabber.org/protocol/muc#roominfo</value></field>
///         <field var='muc#roominfo_occupants'><value>3</value></field>
///       </x>
///     </query>
///
/// §6.4 asks clients to query this before entering, to learn the room's privacy profile: in a
/// non-anonymous room every occupant sees our real JID. A feature the room does not list is
/// unknown, not false: rooms list one of each pair (persistent/temporary ...) but need not.
public struct MUCRoomInfo: Sendable, Hashable {
    /// Who sees occupants' real JIDs (§4.2).
    public enum Anonymity: Sendable, Hashable {
        /// `muc_nonanonymous`: every occupant.
        case nonAnonymous
        /// `muc_semianonymous`: moderators only.
        case semiAnonymous
    }

    /// The name of the `conference` identity, else the `muc#roomconfig_roomname` of the form.
    public var name: String?
    /// Every feature the room lists.
    public var features: Set<String>
    /// `muc_passwordprotected` (against `muc_unsecured`).
    public var isPasswordProtected: Bool
    /// `muc_membersonly` (against `muc_open`).
    public var isMembersOnly: Bool
    /// `muc_moderated` (against `muc_unmoderated`): only participants with voice may speak.
    public var isModerated: Bool
    /// `muc_hidden` (against `muc_public`): not listed in the service's disco#items.
    public var isHidden: Bool
    /// `muc_persistent` true, `muc_temporary` false, nil when the room lists neither.
    public var isPersistent: Bool?
    /// nil when the room lists neither.
    public var anonymity: Anonymity?
    /// XEP-0313: the room keeps an archive (`urn:xmpp:mam:2`).
    public var hasArchive: Bool
    /// XEP-0359: the room stamps messages with stanza-ids `by` itself (`urn:xmpp:sid:0`).
    public var stampsStanzaIDs: Bool
    /// XEP-0421: the room gives occupants stable ids, and strips ones occupants send
    /// (`urn:xmpp:occupant-id:0`); only then is an occupant id to be trusted.
    public var hasOccupantIDs: Bool
    /// XEP-0425: moderators can retract messages (`urn:xmpp:message-moderate:1` or `:0`).
    public var supportsModeration: Bool
    /// XEP-0410 §3.3: the room answers self-pings itself.
    public var answersSelfPings: Bool

    /// `muc#roominfo_description`.
    public var description: String?
    /// `muc#roominfo_subject`.
    public var subject: String?
    /// `muc#roominfo_subjectmod` (older rooms: `muc#roomconfig_changesubject`): occupants may
    /// change the subject.
    public var occupantsMayChangeSubject: Bool?
    /// `muc#roominfo_occupants`.
    public var occupantCount: Int?
    /// `muc#roominfo_lang`.
    public var language: String?
    /// `muc#roominfo_contactjid`, the JIDs that parse.
    public var contacts: [JID]
    /// `muc#roominfo_logs`: where the room publishes its logs.
    public var logsURL: String?
    /// `muc#maxhistoryfetch`.
    public var maxHistoryFetch: Int?
    /// The whole `muc#roominfo` form, by field, for the fields not read above.
    public var roomInfoFields: [String: [String]]

    /// Reads a room's disco#info; nil when the entity is no MUC room (neither a `conference`
    /// identity nor the `http://jabber.org/protocol/muc` feature).
    public init?(_ info: DiscoInfo) {
        let identity = info.identities.first { $0.category == "conference" }
        guard identity != nil || info.features.contains(Namespace.muc) else { return nil }
        features = info.features
        let form = info.forms.first { $0.type == Namespace.mucRoomInfo }?.fields ?? [:]
        roomInfoFields = form
        func value(_ name: String) -> String? { form[name]?.first }
        name = identity?.name ?? value("muc#roomconfig_roomname")
        isPasswordProtected = features.contains("muc_passwordprotected")
        isMembersOnly = features.contains("muc_membersonly")
        isModerated = features.contains("muc_moderated")
        isHidden = features.contains("muc_hidden")
        isPersistent =
            features.contains("muc_persistent") ? true : features.contains("muc_temporary") ? false : nil
        anonymity =
            features.contains("muc_nonanonymous")
            ? .nonAnonymous : features.contains("muc_semianonymous") ? .semiAnonymous : nil
        hasArchive = features.contains(Namespace.mam)
        stampsStanzaIDs = features.contains(Namespace.stanzaID)
        hasOccupantIDs = features.contains(Namespace.occupantID)
        supportsModeration =
            features.contains(Namespace.messageModerate) || features.contains(Namespace.messageModerate0)
        answersSelfPings = features.contains(Namespace.mucSelfPingOptimization)
        description = value("muc#roominfo_description")
        subject = value("muc#roominfo_subject")
        occupantsMayChangeSubject = (value("muc#roominfo_subjectmod") ?? value("muc#roomconfig_changesubject"))
            .flatMap(DataForm.Field.boolean)
        occupantCount = value("muc#roominfo_occupants").flatMap { Int($0) }.flatMap { $0 >= 0 ? $0 : nil }
        language = value("muc#roominfo_lang")
        contacts = (form["muc#roominfo_contactjid"] ?? []).compactMap { JID(parsing: $0) }
        logsURL = value("muc#roominfo_logs")
        maxHistoryFetch = value("muc#maxhistoryfetch").flatMap { Int($0) }
    }
}
