import XMPPCore

/// RFC 6121 §3-§4: presence and subscriptions.
///
///     <presence from='juliet@example.com/balcony'><show>away</show><status>be right back</status>
///       <priority>1</priority></presence>
///     <presence from='romeo@example.net' type='subscribe'/>
///
/// Tracks every contact's presence per resource (all of them go offline when the session ends,
/// unless the stream may be resumed: then the server keeps them current for us),
/// reports subscription requests and answers, and sends our own presence and subscription
/// decisions. Presence of other resources of our own account is tracked too.
public final class PresenceManager: SessionExtension {
    public enum SubscriptionEvent: Sendable, Hashable {
        /// The contact asks to see our presence.
        case requested(status: String?)
        /// The contact approved our request.
        case approved
        /// The contact refused our request or cancelled our subscription.
        case refused
        /// The contact stopped seeing our presence.
        case unsubscribed
    }

    /// Presences by bare JID, then by resource.
    public private(set) var presences: [JID: [String: ResourcePresence]] = [:]
    /// Our own availability as last sent.
    public private(set) var own: (availability: Availability, status: String?, priority: Int) = (.online, nil, 0)
    public var onPresenceChanged: (JID) -> Void = { _ in }
    public var onSubscription: (JID, SubscriptionEvent) -> Void = { _, _ in }
    /// Presence errors (for example a subscription to a server that does not exist).
    public var onError: (JID, StanzaError) -> Void = { _, _ in }
    /// Extra children for our outgoing presence (entity capabilities).
    public var presenceExtensions: () -> [XMLElement] = { [] }
    private var sequence = 0
    /// The most resources tracked per contact: a contact (or a server) announcing thousands would
    /// otherwise grow the table, and the caps queries, without bound. A presence for a further
    /// resource is dropped until one goes offline.
    public static let maximumResources = 32
    /// A presence was dropped because its contact has `maximumResources` already (once per contact
    /// until one of them goes offline).
    public var onTooManyResources: (JID) -> Void = { _ in }
    private var warnedResources: Set<JID> = []

    public init() {}

    /// The presence a message to `jid` (bare) would reach, or nil when all resources are offline.
    public func best(for jid: JID) -> ResourcePresence? {
        ResourcePresence.best(of: presences[jid.bare]?.values.map { $0 } ?? [])
    }

    public func availability(of jid: JID) -> Availability {
        best(for: jid)?.availability ?? .offline
    }

    public func sessionEstablished(_ session: XMPPSession) {
        // A new session: the server sends every presence again after our initial presence.
        forgetAll()
    }

    public func sessionClosed(_ session: XMPPSession) {
        if session.resumption == nil { forgetAll() }
    }

    /// A contact goes offline for us: we no longer receive its presence (our subscription ended,
    /// or it left the roster). Servers need not send `unavailable` for that (RFC 6121 §3.3.3).
    public func forget(_ jid: JID) {
        guard presences.removeValue(forKey: jid.bare) != nil else { return }
        onPresenceChanged(jid.bare)
    }

    /// Every contact goes offline (the stream that told us their presence is gone).
    public func forgetAll() {
        let contacts = Array(presences.keys)
        presences.removeAll()
        for contact in contacts { onPresenceChanged(contact) }
    }

    public func handle(_ stanza: XMLElement, in session: XMPPSession) -> Bool {
        guard stanza.stanzaKind == .presence, let from = stanza.from else { return false }
        let bare = from.bare
        switch stanza.type {
        case nil:
            sequence += 1
            let caps = stanza.child("c", namespace: Namespace.caps)
            let presence = ResourcePresence(
                resource: from.resourcepart ?? "", availability: Availability(show: stanza.childText("show")),
                status: stanza.childText("status"),
                priority: stanza.childText("priority").flatMap { Int($0.trimmingCharacters(in: .whitespaces)) } ?? 0,
                capsNode: caps?[attribute: "node"], capsVersion: caps?[attribute: "ver"], sequence: sequence)
            if presences[bare]?[presence.resource] == nil, presences[bare]?.count ?? 0 >= Self.maximumResources {
                if warnedResources.insert(bare).inserted { onTooManyResources(bare) }
                return true
            }
            presences[bare, default: [:]][presence.resource] = presence
            onPresenceChanged(bare)
        case "unavailable":
            if let resource = from.resourcepart {
                presences[bare]?[resource] = nil
            } else {
                presences[bare] = nil
            }
            if presences[bare]?.isEmpty == true { presences[bare] = nil }
            warnedResources.remove(bare)
            onPresenceChanged(bare)
        case "subscribe":
            onSubscription(bare, .requested(status: stanza.childText("status")))
        case "subscribed":
            onSubscription(bare, .approved)
        case "unsubscribed":
            onSubscription(bare, .refused)
        case "unsubscribe":
            onSubscription(bare, .unsubscribed)
        case "error":
            onError(bare, StanzaError(stanza: stanza) ?? StanzaError(.undefinedCondition))
        default:
            return true
        }
        return true
    }

    // MARK: Our side

    /// Records our presence and, with a session, broadcasts it (RFC 6121 §4.2, §4.4).
    public func setPresence(_ availability: Availability, status: String?, priority: Int, in session: XMPPSession?) {
        if availability != .offline || session == nil { own = (availability, status, priority) }
        guard let session else { return }
        guard availability != .offline else {
            session.send(XMLElement("presence", namespace: Namespace.client, ["type": "unavailable"]))
            return
        }
        var presence = XMLElement("presence", namespace: Namespace.client)
        if let show = availability.show {
            presence.append(XMLElement("show", namespace: Namespace.client, [:], text: show))
        }
        if let status, !status.isEmpty {
            presence.append(XMLElement("status", namespace: Namespace.client, [:], text: status))
        }
        if priority != 0 {
            presence.append(XMLElement("priority", namespace: Namespace.client, [:], text: String(priority)))
        }
        for child in presenceExtensions() { presence.append(child) }
        session.send(presence)
    }

    public enum SubscriptionAction: String, Sendable, CaseIterable {
        /// Approve the contact's request, or pre-approve one (RFC 6121 §3.4): `subscribed`.
        case allow
        /// Refuse the contact's request, or revoke their subscription: `unsubscribed`.
        case deny
        /// Ask to see the contact's presence: `subscribe`.
        case request
        /// Stop seeing the contact's presence: `unsubscribe`.
        case cancel

        var presenceType: String {
            switch self {
            case .allow: "subscribed"
            case .deny: "unsubscribed"
            case .request: "subscribe"
            case .cancel: "unsubscribe"
            }
        }
    }

    public func send(_ action: SubscriptionAction, to jid: JID, in session: XMPPSession) {
        session.send(
            XMLElement(
                "presence", namespace: Namespace.client, ["to": jid.bare.description, "type": action.presenceType]))
    }
}
