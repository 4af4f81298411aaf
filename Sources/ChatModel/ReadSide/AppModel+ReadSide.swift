import ChatStore
import XMPPCore
import XMPPExtensions

/// What the terminal reads and asks of the model, in value types: the UI sees no store, no
/// protocol type and no account controller.
extension AppModel {
    /// The model's clock (UTC milliseconds).
    public var now: Int64 { scheduler.now }

    /// Every account's state, in the order of `accounts`.
    public var accountRows: [AccountRow] {
        accounts.map { account in
            let own = account.feature(PresenceFeature.self)?.manager.own ?? (.offline, nil, 0)
            return AccountRow(
                name: account.name, address: account.jid.description, status: account.status,
                presence: PresenceShown(own.availability), statusMessage: own.status)
        }
    }

    /// The roster of an account, unsorted.
    public func contacts(of account: String) -> [ContactRow] {
        guard let controller = self.account(named: account) else { return [] }
        let sources = RowSources(controller)
        return controller.roster.values.map { contactRow($0, of: controller, sources) }
    }

    /// One conversation's contact (nil: not in the roster).
    public func contact(_ key: ConversationKey) -> ContactRow? {
        guard let account = account(of: key), let item = account.roster[key.jid] else { return nil }
        return contactRow(item, of: account, RowSources(account))
    }

    /// The features a contact's row is read from, looked up once per roster.
    private struct RowSources {
        let presence: PresenceManager?
        let blocked: Set<JID>
        let notifications: NotificationsFeature?

        init(_ account: AccountController) {
            presence = account.feature(PresenceFeature.self)?.manager
            blocked = account.feature(BlockingFeature.self)?.manager.blocked ?? []
            notifications = account.feature(NotificationsFeature.self)
        }
    }

    private func contactRow(_ item: RosterItem, of account: AccountController, _ sources: RowSources) -> ContactRow {
        let key = ConversationKey(account: account.name, jid: item.jid)
        let best = sources.presence?.best(for: item.jid)
        return ContactRow(
            key: key, name: item.name, groups: item.groups, presence: PresenceShown(best?.availability ?? .offline),
            statusMessage: best?.status, pendingOut: item.pendingOut, blocked: sources.blocked.contains(item.jid),
            muted: sources.notifications?.level(of: item.jid).level == NotificationLevel.none,
            unread: unreadCounts[key] ?? 0)
    }

    /// Who waits under Requests on an account: subscription requests and strangers who wrote.
    public func requests(of account: String) -> [RequestRow] {
        guard let controller = self.account(named: account) else { return [] }
        var keys = Set(
            (controller.feature(RosterFeature.self)?.requests ?? []).map { ConversationKey(account: account, jid: $0) })
        keys.formUnion(strangers.filter { $0.account == account })
        return keys.sorted().map(request)
    }

    /// One conversation's row under Requests.
    public func request(_ key: ConversationKey) -> RequestRow {
        RequestRow(
            key: key,
            askedForPresence: account(of: key)?.feature(RosterFeature.self)?.requests.contains(key.jid) == true,
            wrote: strangers.contains(key), unread: unreadCounts[key] ?? 0)
    }

    /// The presence of a conversation's peer (its best resource), and its status message.
    public func presence(of key: ConversationKey) -> (PresenceShown, String?) {
        let best = account(of: key)?.feature(PresenceFeature.self)?.manager.best(for: key.jid)
        return (PresenceShown(best?.availability ?? .offline), best?.status)
    }

    /// What the peer is doing in the chat, if anything worth showing.
    public func typing(in key: ConversationKey) -> TypingState? {
        switch account(of: key)?.feature(ChatStatesFeature.self)?.states[key.jid] {
        case .composing: .composing
        case .paused: .paused
        case .gone: .gone
        default: nil
        }
    }

    /// The roster name of a conversation's peer, else its address.
    public func displayName(of key: ConversationKey) -> String {
        guard let account = account(of: key) else { return key.address }
        if let rooms = account.feature(RoomsFeature.self), rooms.knows(key.jid.bare) {
            // A room by its name, a private chat through it as "nick in room".
            let room = rooms.rooms[key.jid.bare]
            let name =
                room?.info?.identities.first { $0.category == "conference" }?.name ?? key.jid.localpart ?? key.address
            return key.jid.resourcepart.map { "\($0) in \(name)" } ?? name
        }
        return account.displayName(key.jid)
    }

    /// The name to show for a message's sender: ours (the account's local part) for outgoing,
    /// the roster name, else the sender's local part.
    public func senderName(of message: MessageRow, account: String) -> String {
        guard let controller = self.account(named: account) else { return message.sender }
        if message.isGroupchat { return message.sender }
        if message.outgoing { return controller.jid.localpart ?? controller.jid.description }
        if let jid = JID(parsing: message.sender), jid.resourcepart != nil,
            controller.feature(RoomsFeature.self)?.knows(jid.bare) == true
        {
            return jid.resourcepart ?? message.sender
        }
        let jid = JID(parsing: message.sender)
        return jid.flatMap { controller.roster[$0.bare]?.name } ?? jid?.localpart ?? message.sender
    }

    /// Roster groups of an account, for completing.
    public func groups(of account: String) -> [String] {
        Array(Set(self.account(named: account)?.roster.values.flatMap(\.groups) ?? [])).sorted()
    }

    /// The text of our last message in a conversation that /correct can change.
    public func lastCorrectableText(in key: ConversationKey) -> String? {
        account(of: key)?.feature(CorrectionsFeature.self)?.lastSentMessage(to: key.jid)?.body
    }

    // MARK: Roster actions

    /// Adds a contact to an account from what the user typed; the problem, if it is not a JID.
    public func addContact(_ address: String, name: String?, account: String) -> String? {
        guard let jid = JID(parsing: address), jid.localpart != nil else {
            return "\"\(address)\" is not a JID (user@domain)"
        }
        guard let controller = self.account(named: account) else { return "no account named \(account)" }
        controller.feature(RosterFeature.self)?.addContact(jid, name: name)
        return nil
    }

    public func removeContact(_ key: ConversationKey) {
        account(of: key)?.feature(RosterFeature.self)?.removeContact(key.jid)
    }

    /// Renames a contact (nil removes the name).
    public func renameContact(_ key: ConversationKey, to name: String?) {
        account(of: key)?.feature(RosterFeature.self)?.updateContact(key.jid, name: .some(name))
    }

    public func setGroups(_ key: ConversationKey, _ groups: [String]) {
        account(of: key)?.feature(RosterFeature.self)?.updateContact(key.jid, groups: groups)
    }

    /// How the user answers or asks for a presence subscription.
    public enum SubscriptionChoice: String, Sendable, CaseIterable {
        case allow, deny, request, cancel
    }

    public func subscription(_ choice: SubscriptionChoice, _ key: ConversationKey) {
        let action: PresenceManager.SubscriptionAction =
            switch choice {
            case .allow: .allow
            case .deny: .deny
            case .request: .request
            case .cancel: .cancel
            }
        account(of: key)?.feature(RosterFeature.self)?.subscription(action, key.jid)
    }
}
