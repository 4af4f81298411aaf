import XMPPCore

/// RFC 6121 §2: the roster, with XEP-0237 roster versioning.
///
///     <iq type='get' id='r1'><query xmlns='jabber:iq:roster' ver='ver14'/></iq>
///     <iq type='set' id='push1'><query xmlns='jabber:iq:roster' ver='ver15'>
///       <item jid='romeo@example.net' name='Romeo' subscription='both'><group>Friends</group></item>
///     </query></iq>
///
/// On login it asks for the roster with the stored version, so that an unchanged roster costs an
/// empty result and a changed one only the pushes. A push is accepted only without `from` or from
/// the account's own bare JID (CVE-2015-8688, CVE-2016-9928): anyone else's is dropped unanswered.
public final class RosterManager: SessionExtension {
    /// A change to apply: the whole roster (`replacesAll`) or single items.
    public struct Update: Sendable, Hashable {
        public var replacesAll: Bool
        public var items: [RosterItem]
        /// Items with `subscription='remove'`.
        public var removed: [JID]
        public var version: String?
    }

    /// The version of the stored roster (nil when nothing is stored yet).
    public var storedVersion: () -> String? = { nil }
    public var onUpdate: (Update) -> Void = { _ in }
    /// A roster push from someone other than the account's server, dropped.
    public var onSpoofedPush: (XMLElement) -> Void = { _ in }
    /// The roster arrived (or was confirmed unchanged) for the current session.
    public private(set) var isLoaded = false
    private var wasLoaded = false

    public init() {}

    public func sessionEstablished(_ session: XMPPSession) {
        isLoaded = false
        requestRoster(in: session)
    }

    /// A resumed stream keeps the roster current with pushes; only a fetch the break cut short
    /// is asked again.
    public func sessionResumed(_ session: XMPPSession) {
        if !wasLoaded { requestRoster(in: session) } else { isLoaded = true }
    }

    private func requestRoster(in session: XMPPSession) {
        var query = XMLElement("query", namespace: Namespace.roster)
        if session.serverFeatures?.child("ver", namespace: Namespace.rosterVersioning) != nil {
            query[attribute: "ver"] = storedVersion() ?? ""
        }
        session.sendIQ(.iq(.get, id: session.makeID(), payload: query)) { [weak self] result in
            guard let self, case .success(let response) = result else { return }
            self.isLoaded = true
            guard let query = response.child("query", namespace: Namespace.roster) else {
                // XEP-0237: an empty result means the stored roster is current; pushes follow.
                self.onUpdate(Update(replacesAll: false, items: [], removed: [], version: nil))
                return
            }
            let (items, _) = RosterManager.parse(query)
            self.onUpdate(Update(replacesAll: true, items: items, removed: [], version: query[attribute: "ver"]))
        }
    }

    public func sessionClosed(_ session: XMPPSession) {
        wasLoaded = isLoaded
        isLoaded = false
    }

    public func handle(_ stanza: XMLElement, in session: XMPPSession) -> Bool {
        guard stanza.iqType == .set, let query = stanza.child("query", namespace: Namespace.roster) else {
            return false
        }
        let from = stanza[attribute: "from"]
        guard from == nil || JID(parsing: from) == session.boundJID.bare else {
            onSpoofedPush(stanza)
            return true
        }
        let items = query.children("item")
        guard items.count == 1 else {
            session.send(stanza.errorReply(StanzaError(.badRequest, text: "a roster push carries one item")))
            return true
        }
        session.send(stanza.iqResult())
        let (updated, removed) = RosterManager.parse(query)
        onUpdate(Update(replacesAll: false, items: updated, removed: removed, version: query[attribute: "ver"]))
        return true
    }

    // MARK: Requests

    /// Adds or updates a contact (the server answers, then pushes the new item).
    public func set(
        _ item: RosterItem,
        in session: XMPPSession,
        completion: @escaping (Result<Void, IQFailure>) -> Void = { _ in }
    ) {
        var element = XMLElement("item", ["jid": item.jid.bare.description, "name": item.name])
        for group in item.groups { element.append(XMLElement("group", [:], text: group)) }
        var query = XMLElement("query", namespace: Namespace.roster)
        query.append(element)
        session.sendIQ(.iq(.set, id: session.makeID(), payload: query)) { completion($0.map { _ in () }) }
    }

    /// Removes a contact, which also cancels subscriptions both ways (RFC 6121 §2.5).
    public func remove(
        _ jid: JID,
        in session: XMPPSession,
        completion: @escaping (Result<Void, IQFailure>) -> Void = { _ in }
    ) {
        var query = XMLElement("query", namespace: Namespace.roster)
        query.append(XMLElement("item", ["jid": jid.bare.description, "subscription": "remove"]))
        session.sendIQ(.iq(.set, id: session.makeID(), payload: query)) { completion($0.map { _ in () }) }
    }

    /// The items of a `<query/>`: present ones and removed JIDs. Items with invalid JIDs are skipped.
    static func parse(_ query: XMLElement) -> ([RosterItem], [JID]) {
        var items: [RosterItem] = []
        var removed: [JID] = []
        for element in query.children("item") {
            guard let jid = JID(parsing: element[attribute: "jid"])?.bare else { continue }
            let subscription = element[attribute: "subscription"] ?? "none"
            if subscription == "remove" {
                removed.append(jid)
                continue
            }
            let name = element[attribute: "name"].flatMap { $0.isEmpty ? nil : $0 }
            let groups = element.children("group").map(\.text).filter { !$0.isEmpty }
            items.append(
                RosterItem(
                    jid: jid, name: name, groups: groups,
                    subscription: RosterItem.Subscription(rawValue: subscription) ?? .none,
                    pendingOut: element[attribute: "ask"] == "subscribe",
                    approved: element[attribute: "approved"] == "true"))
        }
        return (items, removed)
    }
}
