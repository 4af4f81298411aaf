import ChatStore
import XMPPCore
import XMPPExtensions

/// Roster, presence and subscriptions.
extension AccountController {
    func wireExtensions() {
        rosterManager.storedVersion = { [unowned self] in try? store.rosterVersion(account: accountID) }
        rosterManager.onUpdate = { [unowned self] update in applyRoster(update) }
        rosterManager.onSpoofedPush = { [unowned self] stanza in
            log(.debug, "dropped a roster push from \(stanza[attribute: "from"] ?? "?") (not our server)")
        }
        presenceManager.onPresenceChanged = { [unowned self] jid in presenceChanged(jid) }
        presenceManager.onSubscription = { [unowned self] jid, event in subscriptionEvent(jid, event) }
        presenceManager.onError = { [unowned self] jid, error in log(.warning, "presence error from \(jid): \(error)") }
        presenceManager.onTooManyResources = { [unowned self] jid in
            log(
                .warning,
                "\(jid) announced more than \(PresenceManager.maximumResources) resources; the others are ignored")
        }
        messageHandler.onMessage = { [unowned self] message, _ in receive(message) }
        carbons.onCarbon = { [unowned self] message, direction in receiveCarbon(message, direction: direction) }
        carbons.onSpoofedCarbon = { [unowned self] stanza in
            log(
                .debug,
                "dropped a carbon from \(stanza[attribute: "from"] ?? "?") (carbons come only from our own account)")
        }
        archive.onSpoofedResult = { [unowned self] stanza in
            log(
                .debug,
                "dropped an archive result from \(stanza[attribute: "from"] ?? "our server") (not our archive or not our query)"
            )
        }
        blocking.onChange = { [unowned self] in onEvent(.blockListChanged) }
        blocking.onSpoofedPush = { [unowned self] stanza in
            log(.debug, "dropped a block-list push from \(stanza[attribute: "from"] ?? "?")")
        }
        capabilities.onLearnt = { [unowned self] ver, features in try? store.storeCapabilities(features, ver: ver) }
        presenceManager.presenceExtensions = { [unowned self] in
            guard let session else { return [] }
            return [
                capabilities.element(
                    identity: discoResponder.identity, features: session.discoFeatures, crypto: session.crypto)
            ]
        }
    }

    private func presenceChanged(_ contact: JID) {
        // RFC 6121 §5.1: a presence change unlocks the conversation.
        lockedResources[contact.bare] = nil
        if let session, let presences = presenceManager.presences[contact.bare] {
            for presence in presences.values { capabilities.learn(from: presence, of: contact, in: session) }
        }
        onEvent(.presenceChanged(contact))
    }

    private func applyRoster(_ update: RosterManager.Update) {
        do {
            if update.replacesAll {
                try store.replaceRoster(update.items, version: update.version, account: accountID)
                roster = Dictionary(update.items.map { ($0.jid, $0) }, uniquingKeysWith: { $1 })
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
                    roster[item.jid] = item
                    if item.subscription == .from || item.subscription == .both {
                        subscriptionRequests.remove(item.jid)
                    }
                }
                for jid in update.removed { roster[jid] = nil }
            }
        } catch {
            log(.error, "could not store the roster: \(error)")
        }
        // Without a subscription to them we see no presence of theirs: what we had is stale.
        for item in update.items where item.subscription == .none || item.subscription == .from {
            presenceManager.forget(item.jid)
        }
        for jid in update.removed { presenceManager.forget(jid) }
        onEvent(.rosterChanged)
    }

    private func subscriptionEvent(_ contact: JID, _ event: PresenceManager.SubscriptionEvent) {
        switch event {
        case .requested(let status):
            // A repeated request is folded into the one waiting; past a few, one summary a
            // minute stands for the rest (they are all in the roster's Requests).
            guard subscriptionRequests.insert(contact).inserted else { return }
            if subscriptionRequests.count <= Self.requestsLoggedOneByOne {
                let note = status.map { ": \($0)" } ?? ""
                log(
                    .info, "\(contact) asks to see your presence\(note) — /sub allow \(contact) or /sub deny \(contact)"
                )
            } else if requestSummaryLoggedAt.map({ scheduler.now - $0 >= 60_000 }) ?? true {
                requestSummaryLoggedAt = scheduler.now
                log(
                    .info,
                    "\(subscriptionRequests.count) requests to see your presence are waiting (Requests in the roster;"
                        + " /sub allow or /sub deny, /block)")
            }
            onEvent(.subscriptionRequest(contact))
            onEvent(.rosterChanged)
        case .approved:
            log(.info, "\(contact) accepted your subscription request")
        case .refused:
            log(.info, "\(contact) refused or cancelled your subscription")
            presenceManager.forget(contact)
        case .unsubscribed:
            log(.info, "\(contact) no longer sees your presence")
        }
    }

    // MARK: Requests

    /// Adds a contact (or changes its name and groups) and asks to see its presence.
    public func addContact(_ contact: JID, name: String?, groups: [String] = [], subscribe: Bool = true) {
        guard let session else {
            log(.warning, "not connected: cannot add \(contact)")
            return
        }
        let item = RosterItem(jid: contact.bare, name: name, groups: groups)
        rosterManager.set(item, in: session) { [weak self] result in
            if case .failure(let error) = result { self?.log(.error, "could not add \(contact): \(error)") }
        }
        if subscribe { presenceManager.send(.request, to: contact, in: session) }
    }

    public func removeContact(_ contact: JID) {
        guard let session else {
            log(.warning, "not connected: cannot remove \(contact)")
            return
        }
        rosterManager.remove(contact, in: session) { [weak self] result in
            if case .failure(let error) = result { self?.log(.error, "could not remove \(contact): \(error)") }
        }
    }

    /// Renames a contact (nil removes the name) or changes its groups, keeping the rest.
    public func updateContact(_ contact: JID, name: String?? = nil, groups: [String]? = nil) {
        guard let session else {
            log(.warning, "not connected: cannot change \(contact)")
            return
        }
        var item = roster[contact.bare] ?? RosterItem(jid: contact.bare)
        if let name { item.name = name }
        if let groups { item.groups = groups }
        rosterManager.set(item, in: session) { [weak self] result in
            if case .failure(let error) = result { self?.log(.error, "could not change \(contact): \(error)") }
        }
    }

    public func subscription(_ action: PresenceManager.SubscriptionAction, _ contact: JID) {
        guard let session else {
            log(.warning, "not connected: cannot change the subscription of \(contact)")
            return
        }
        presenceManager.send(action, to: contact, in: session)
        // Allowing someone we do not see yet also asks to see them (a mutual subscription), as
        // people expect when they accept a contact request.
        if action == .allow, subscriptionRequests.contains(contact.bare) {
            let item = roster[contact.bare]
            let seesThem = item?.subscription == .to || item?.subscription == .both || item?.pendingOut == true
            if !seesThem { presenceManager.send(.request, to: contact, in: session) }
        }
        if action == .allow || action == .deny {
            subscriptionRequests.remove(contact.bare)
            onEvent(.rosterChanged)
        }
    }

    /// Sets our presence (sent now if online, else on the next login).
    public func setPresence(_ availability: Availability, status: String?) {
        if let session {
            presenceManager.setPresence(
                availability, status: status, priority: presenceManager.own.priority, in: session)
        } else {
            presenceManager.setPresence(availability, status: status, priority: presenceManager.own.priority, in: nil)
        }
        onEvent(.presenceChanged(jid))
    }

    /// The name to show for a contact: roster name, else the JID.
    public func displayName(_ contact: JID) -> String {
        roster[contact.bare]?.name ?? contact.bare.description
    }
}
