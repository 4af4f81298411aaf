import XMPPCore
import XMPPExtensions

/// Presence (RFC 6121 §4): ours (initial, changes, unavailable at logout) and our contacts'
/// resources; client state indication (XEP-0352); `/status`.
public final class PresenceFeature: AccountFeature {
    public static let name = "presence"
    public static var ordering: [FeatureOrder] { [.after(RosterFeature.name)] }
    public let manager = PresenceManager()
    let clientState = ClientStateIndication()
    /// Told of every contact whose presence changed (other features keep what depends on it).
    var observers: [(JID) -> Void] = []
    unowned let account: AccountController

    public init(account: AccountController) throws(FeatureError) {
        self.account = account
        let roster = try account.required(RosterFeature.self, by: Self.name)
        manager.onPresenceChanged = { [unowned self] jid in
            for observer in observers { observer(jid) }
            // Our own resources' presence shows in no contact's row.
            account.emit(Changed(contact: jid.bare == account.jid && !account.isContact(jid) ? nil : jid))
        }
        manager.onSubscription = { [unowned roster] jid, event in roster.subscriptionEvent(jid, event) }
        manager.onError = { [unowned account] jid, error in
            account.log(.warning, "presence error from \(jid): \(error)")
        }
        manager.onTooManyResources = { [unowned account] jid in
            account.log(
                .warning,
                "\(jid) announced more than \(PresenceManager.maximumResources) resources; the others are ignored")
        }
    }

    public var extensions: [any SessionExtension] { [manager, clientState] }

    /// Someone's presence (or ours) changed.
    struct Changed: FeatureEvent {
        /// Whose presence (nil: ours, sent by `setPresence`).
        let contact: JID?

        func apply(to model: AppModel, from account: AccountController) {
            guard let contact else { return model.onChange(.status) }
            model.presenceChanged(model.conversation(contact, on: account))
        }
    }

    public func sessionStarted(_ session: XMPPSession, _ start: SessionStart) {
        switch start {
        case .new:
            // The roster request went out first (RosterManager.sessionEstablished); presence after
            // it, so that presence probes do not delay the roster (RFC 6121 §2.2).
            sendOwn(in: session)
        case .resumed(fromStore: true):
            // A previous run's stream: presences must be asked for again (unavailable, then
            // available, is initial presence once more).
            manager.setPresence(.offline, status: nil, priority: 0, in: session)
            sendOwn(in: session)
        case .resumed(fromStore: false):
            break
        }
    }

    /// Our presence as set, online unless the user chose otherwise.
    private func sendOwn(in session: XMPPSession) {
        let own = manager.own
        manager.setPresence(
            own.availability == .offline ? .online : own.availability, status: own.status, priority: own.priority,
            in: session)
    }

    /// Unavailable presence before a clean logout.
    func loggingOut(_ session: XMPPSession) {
        manager.setPresence(.offline, status: nil, priority: 0, in: session)
    }

    public func resumptionForgotten() { manager.forgetAll() }

    /// Sets our presence (sent now if online, else on the next login).
    public func setPresence(_ availability: Availability, status: String?) {
        manager.setPresence(availability, status: status, priority: manager.own.priority, in: account.session)
        account.emit(Changed(contact: nil))
    }

    /// The user is (not) looking: lets the server hold back unimportant traffic.
    public func setUserActive(_ active: Bool) {
        clientState.setActive(active, in: account.session)
    }

    public static var commands: [CommandSpec] {
        [
            CommandSpec(
                "status",
                arguments: [
                    ArgumentSpec(
                        "online|chat|away|xa|dnd", completion: .choice(["online", "chat", "away", "xa", "dnd"])),
                    ArgumentSpec("message", optional: true, rest: true),
                ],
                summary: "set your presence and status message"
            ) { context throws(CommandError) in
                guard let availability = Availability(rawValue: context.required("online|chat|away|xa|dnd")),
                    availability != .offline
                else { throw .usage("unknown presence") }
                try context.account().required(PresenceFeature.self).setPresence(
                    availability, status: context.argument("message"))
                context.model.onChange(.status)
            }
        ]
    }
}
