import XMPPCore

/// XEP-0313 query parameters, with XEP-0059 result set paging.
public struct ArchiveQuery: Sendable, Hashable {
    /// Only messages with this JID.
    public var with: JID?
    /// Page forward after this archive id (catch-up), or backward before one (history).
    public var after: String?
    /// `before` set to "" asks for the last page.
    public var before: String?
    public var start: Int64?
    public var max: Int

    public init(with: JID? = nil, after: String? = nil, before: String? = nil, start: Int64? = nil, max: Int = 100) {
        self.with = with
        self.after = after
        self.before = before
        self.start = start
        self.max = max
    }

    /// The `<query/>` payload for `queryid`.
    func element(queryID: String) -> XMLElement {
        var query = XMLElement("query", namespace: Namespace.mam, ["queryid": queryID])
        var form = XMLElement("x", namespace: Namespace.dataForms, ["type": "submit"])
        form.append(field("FORM_TYPE", Namespace.mam, hidden: true))
        if let with { form.append(field("with", with.description)) }
        if let start { form.append(field("start", XMPPDateTime.string(fromMilliseconds: start))) }
        query.append(form)
        var set = XMLElement("set", namespace: Namespace.rsm)
        set.append(XMLElement("max", namespace: Namespace.rsm, [:], text: String(max)))
        if let after { set.append(XMLElement("after", namespace: Namespace.rsm, [:], text: after)) }
        if let before {
            set.append(
                before.isEmpty
                    ? XMLElement("before", namespace: Namespace.rsm)
                    : XMLElement("before", namespace: Namespace.rsm, [:], text: before))
        }
        query.append(set)
        return query
    }

    private func field(_ name: String, _ value: String, hidden: Bool = false) -> XMLElement {
        XMLElement(
            "field", namespace: Namespace.dataForms, ["var": name, "type": hidden ? "hidden" : nil],
            elements: [XMLElement("value", namespace: Namespace.dataForms, [:], text: value)])
    }
}

/// One archived message: its archive id, the time the archive recorded, and the message.
public struct ArchivedMessage: Sendable, Hashable {
    public var archiveID: String
    public var timestamp: Int64?
    public var message: ChatMessage
}

/// One page of results.
public struct ArchivePage: Sendable, Hashable {
    public var messages: [ArchivedMessage]
    /// The archive has nothing further in the direction of the query.
    public var complete: Bool
    /// RSM ids of the page's first and last results.
    public var first: String?
    public var last: String?
}
