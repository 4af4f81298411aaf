import ChatStore
import XMPPCore
import XMPPExtensions

/// The roster (RFC 6121 §2, with versioning) and presence subscriptions (§3): kept in the store,
/// current with the server's pushes; `/roster` and `/sub`.
public final class RosterFeature: AccountFeature {
    public static let name = "roster"
    public let manager = RosterManager()
    /// The roster, from the store at start and kept current with the server.
    public private(set) var items: [JID: RosterItem] = [:]
    /// Contacts who asked to see our presence and got no answer yet.
    public internal(set) var requests: Set<JID> = []
    /// When the last "N requests are waiting" line was logged.
    private var requestSummaryLoggedAt: Int64?
    /// Subscription requests logged one line each before they are summarised.
    static let requestsLoggedOneByOne = 3
    unowned let account: AccountController

    public init(account: AccountController) throws(FeatureError) {
        self.account = account
        for item in (try? account.store.roster(account: account.accountID)) ?? [] { items[item.jid] = item }
        manager.storedVersion = { [unowned account] in try? account.store.rosterVersion(account: account.accountID) }
        manager.onUpdate = { [unowned self] update in apply(update) }
        manager.onSpoofedPush = { [unowned account] stanza in
            account.log(.debug, "dropped a roster push from \(stanza[attribute: "from"] ?? "?") (not our server)")
        }
    }

    public var extensions: [any SessionExtension] { [manager] }

    /// The roster changed (items, requests, or something shown with them).
    struct Changed: FeatureEvent {
        func apply(to model: AppModel, from account: AccountController) { model.onChange([.roster, .title]) }
    }

    private func apply(_ update: RosterManager.Update) {
        let store = account.store
        let accountID = account.accountID
        do {
            if update.replacesAll {
                try store.replaceRoster(update.items, version: update.version, account: accountID)
                items = Dictionary(update.items.map { ($0.jid, $0) }, uniquingKeysWith: { $1 })
            } else {
                try store.transaction {
                    for item in update.items {
                        try store.applyRosterChange(item, removed: false, version: nil, account: accountID)
                    }
                    for jid in update.removed {
                        try store.applyRosterChange(
                            RosterItem(jid: jid), removed: true, version: nil, account: accountID)
                    }
                    if let version = update.version { try store.setRosterVersion(version, account: accountID) }
                }
                for item in update.items {
                    items[item.jid] = item
                    if item.subscription == .from || item.subscription == .both { requests.remove(item.jid) }
                }
                for jid in update.removed { items[jid] = nil }
            }
        } catch {
            account.log(.error, "could not store the roster: \(error)")
        }
        // Without a subscription to them we see no presence of theirs: what we had is stale.
        let presence = account.feature(PresenceFeature.self)?.manager
        for item in update.items where item.subscription == .none || item.subscription == .from {
            presence?.forget(item.jid)
        }
        for jid in update.removed { presence?.forget(jid) }
        account.emit(Changed())
    }

    /// A subscription request, approval or refusal from `contact` (presence stanzas of RFC 6121 §3).
    func subscriptionEvent(_ contact: JID, _ event: PresenceManager.SubscriptionEvent) {
        switch event {
        case .requested(let status):
            // A repeated request is folded into the one waiting; past a few, one summary a
            // minute stands for the rest (they are all in the roster's Requests).
            guard requests.insert(contact).inserted else { return }
            let now = account.scheduler.now
            if requests.count <= Self.requestsLoggedOneByOne {
                let note = status.map { ": \($0)" } ?? ""
                account.log(
                    .info, "\(contact) asks to see your presence\(note) — /sub allow \(contact) or /sub deny \(contact)"
                )
            } else if requestSummaryLoggedAt.map({ now - $0 >= 60_000 }) ?? true {
                requestSummaryLoggedAt = now
                account.log(
                    .info,
                    "\(requests.count) requests to see your presence are waiting (Requests in the roster;"
                        + " /sub allow or /sub deny, /block)")
            }
            account.emit(Changed())
        case .approved:
            account.log(.info, "\(contact) accepted your subscription request")
        case .refused:
            account.log(.info, "\(contact) refused or cancelled your subscription")
            account.feature(PresenceFeature.self)?.manager.forget(contact)
        case .unsubscribed:
            account.log(.info, "\(contact) no longer sees your presence")
        }
    }

    // MARK: Requests

    /// Adds a contact (or changes its name and groups) and asks to see its presence.
    public func addContact(_ contact: JID, name: String?, groups: [String] = [], subscribe: Bool = true) {
        guard let session = account.session else {
            account.log(.warning, "not connected: cannot add \(contact)")
            return
        }
        let item = RosterItem(jid: contact.bare, name: name, groups: groups)
        manager.set(item, in: session) { [weak account] result in
            if case .failure(let error) = result { account?.log(.error, "could not add \(contact): \(error)") }
        }
        if subscribe { account.feature(PresenceFeature.self)?.manager.send(.request, to: contact, in: session) }
    }

    public func removeContact(_ contact: JID) {
        guard let session = account.session else {
            account.log(.warning, "not connected: cannot remove \(contact)")
            return
        }
        manager.remove(contact, in: session) { [weak account] result in
            if case .failure(let error) = result { account?.log(.error, "could not remove \(contact): \(error)") }
        }
    }

    /// Renames a contact (nil removes the name) or changes its groups, keeping the rest.
    public func updateContact(_ contact: JID, name: String?? = nil, groups: [String]? = nil) {
        guard let session = account.session else {
            account.log(.warning, "not connected: cannot change \(contact)")
            return
        }
        var item = items[contact.bare] ?? RosterItem(jid: contact.bare)
        if let name { item.name = name }
        if let groups { item.groups = groups }
        manager.set(item, in: session) { [weak account] result in
            if case .failure(let error) = result { account?.log(.error, "could not change \(contact): \(error)") }
        }
    }

    /// Answers or asks for a presence subscription.
    public func subscription(_ action: PresenceManager.SubscriptionAction, _ contact: JID) {
        guard let session = account.session, let presence = account.feature(PresenceFeature.self)?.manager else {
            account.log(.warning, "not connected: cannot change the subscription of \(contact)")
            return
        }
        presence.send(action, to: contact, in: session)
        // Allowing someone we do not see yet also asks to see them (a mutual subscription), as
        // people expect when they accept a contact request.
        if action == .allow, requests.contains(contact.bare) {
            let item = items[contact.bare]
            let seesThem = item?.subscription == .to || item?.subscription == .both || item?.pendingOut == true
            if !seesThem { presence.send(.request, to: contact, in: session) }
        }
        if action == .allow || action == .deny {
            requests.remove(contact.bare)
            account.emit(Changed())
        }
    }

    /// The name to show for a contact: roster name, else the JID.
    public func displayName(_ contact: JID) -> String {
        items[contact.bare]?.name ?? contact.bare.description
    }

    // MARK: Commands

    public static var commands: [CommandSpec] {
        [
            CommandSpec(
                "roster", summary: "manage contacts",
                subcommands: [
                    CommandSpec(
                        "add",
                        arguments: [
                            ArgumentSpec("jid", completion: .contact), ArgumentSpec("name", optional: true, rest: true),
                        ],
                        summary: "add a contact and ask to see its presence"
                    ) { context throws(CommandError) in
                        guard let jid = JID(parsing: context.required("jid")), jid.localpart != nil else {
                            throw .usage("\"\(context.required("jid"))\" is not a JID (user@domain)")
                        }
                        try context.account().required(RosterFeature.self).addContact(
                            jid, name: context.argument("name"))
                    },
                    CommandSpec(
                        "remove", arguments: [ArgumentSpec("jid", completion: .contact)],
                        summary: "remove a contact (and both subscriptions)"
                    ) { context throws(CommandError) in
                        let (jid, account) = try context.targetContact(context.required("jid"))
                        try account.required(RosterFeature.self).removeContact(jid)
                    },
                    CommandSpec(
                        "rename",
                        arguments: [ArgumentSpec("jid", completion: .contact), ArgumentSpec("name", rest: true)],
                        summary: "rename a contact"
                    ) { context throws(CommandError) in
                        let (jid, account) = try context.targetContact(context.required("jid"))
                        try account.required(RosterFeature.self).updateContact(
                            jid, name: .some(context.required("name")))
                    },
                    CommandSpec(
                        "group",
                        arguments: [
                            ArgumentSpec("jid", completion: .contact),
                            ArgumentSpec("group", optional: true, repeated: true, completion: .group),
                        ],
                        summary: "put a contact in these groups (none: no group)"
                    ) { context throws(CommandError) in
                        let (jid, account) = try context.targetContact(context.required("jid"))
                        try account.required(RosterFeature.self).updateContact(jid, groups: context.repeated)
                    },
                ]),
            CommandSpec(
                "sub",
                arguments: [
                    ArgumentSpec(
                        "allow|deny|request|cancel", completion: .choice(["allow", "deny", "request", "cancel"])),
                    ArgumentSpec("jid", completion: .contact),
                ],
                summary: "answer or ask for a presence subscription",
                help:
                    "allow: let the contact see your presence (also pre-approves; answering a request also asks to\n"
                    + "see theirs); deny: refuse or revoke;\n"
                    + "request: ask to see the contact's presence; cancel: stop seeing it"
            ) { context throws(CommandError) in
                guard
                    let action = PresenceManager.SubscriptionAction(
                        rawValue: context.required("allow|deny|request|cancel"))
                else { throw .usage("choose allow, deny, request or cancel") }
                let (jid, account) = try context.targetContact(context.required("jid"))
                try account.required(RosterFeature.self).subscription(action, jid)
            },
        ]
    }
}
