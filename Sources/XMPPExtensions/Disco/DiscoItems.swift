import XMPPCore

/// XEP-0030 §4: one item of a disco#items answer (a room of a MUC service, XEP-0045 §6.3).
public struct DiscoItem: Sendable, Hashable {
    public var jid: JID
    public var name: String?
    public var node: String?

    public init(jid: JID, name: String? = nil, node: String? = nil) {
        self.jid = jid
        self.name = name
        self.node = node
    }
}

/// XEP-0030 §4 disco#items, with XEP-0059 result set paging as XEP-0045 §6.3 Example 7 shows it
/// for a service with many rooms.
///
///     <iq from='chat.shakespeare.lit' id='zb8q41f4' to='hag66@shakespeare.lit/pda' type='result'>
///       <query xmlns='http://jabber.org/protocol/disco#items'>
///         <item jid='heath@chat.shakespeare.lit' name='A Lonely Heath'/>
///         <set xmlns='http://jabber.org/protocol/rsm'><first index='0'>heath@...</first>
///           <last>heath@...</last><count>37</count></set>
///       </query>
///     </iq>
public struct DiscoItemsPage: Sendable, Hashable {
    public var items: [DiscoItem]
    /// RSM: the ids of the page's first and last items (pass `last` as `after` for the next
    /// page), the index of the first, and the size of the whole set, when the service pages.
    public var first: String?
    public var last: String?
    public var firstIndex: Int?
    public var count: Int?

    public init(
        items: [DiscoItem], first: String? = nil, last: String? = nil, firstIndex: Int? = nil, count: Int? = nil
    ) {
        self.items = items
        self.first = first
        self.last = last
        self.firstIndex = firstIndex
        self.count = count
    }

    /// The service returned only part of the list (an RSM `<set/>` naming a last item).
    public var isPaged: Bool { last != nil }

    /// Reads a disco#items result; items whose JID does not parse are left out. Nil when `result`
    /// is not a `result` with a disco#items query.
    public init?(_ result: XMLElement) {
        guard result.iqType == .result, let query = result.child("query", namespace: Namespace.discoItems) else {
            return nil
        }
        items = query.children("item", namespace: Namespace.discoItems).compactMap { item in
            JID(parsing: item[attribute: "jid"]).map {
                DiscoItem(jid: $0, name: item[attribute: "name"], node: item[attribute: "node"])
            }
        }
        let set = query.child("set", namespace: Namespace.rsm)
        first = set?.childText("first", namespace: Namespace.rsm)
        last = set?.childText("last", namespace: Namespace.rsm)
        firstIndex = set?.child("first", namespace: Namespace.rsm)?[attribute: "index"].flatMap { Int($0) }
        count = set?.childText("count", namespace: Namespace.rsm).flatMap { Int($0) }
    }

    /// XEP-0045 Example 5: asks `jid` for its items (a service: its public rooms). `max` and
    /// `after` page through a long list (XEP-0059 §2.1-§2.2).
    public static func request(to jid: JID, node: String? = nil, max: Int? = nil, after: String? = nil, id: String)
        -> XMLElement
    {
        var query = XMLElement("query", namespace: Namespace.discoItems, ["node": node])
        if max != nil || after != nil {
            var set = XMLElement("set", namespace: Namespace.rsm)
            if let max { set.append(XMLElement("max", namespace: Namespace.rsm, [:], text: String(max))) }
            if let after { set.append(XMLElement("after", namespace: Namespace.rsm, [:], text: after)) }
            query.append(set)
        }
        return .iq(.get, id: id, to: jid, payload: query)
    }
}

extension DiscoInfo {
    /// Reads a disco#info result (XEP-0030 §3.1), e.g. a room's (XEP-0045 §6.4); nil when
    /// `result` is not a `result` with a disco#info query.
    public init?(result: XMLElement) {
        guard result.iqType == .result, let query = result.child("query", namespace: Namespace.discoInfo) else {
            return nil
        }
        self.init(query: query)
    }

    /// XEP-0045 Example 8: asks `jid` what it is and supports.
    public static func request(to jid: JID, node: String? = nil, id: String) -> XMLElement {
        .iq(.get, id: id, to: jid, payload: XMLElement("query", namespace: Namespace.discoInfo, ["node": node]))
    }
}
