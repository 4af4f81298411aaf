import XMPPCore

/// A message archive (XEP-0313 with XEP-0059 paging) played over a `SessionHarness`: it answers
/// the queries the session wrote from a list of messages in archive order, the way Prosody does
/// (`before` pages end just before the given id, an empty `before` is the last page, `after`
/// pages start after it, `complete` when the page reaches the end in its direction).
public final class ScriptedArchive {
    public struct Item: Sendable, Hashable {
        public var id: String
        public var from: String
        public var to: String
        public var body: String
        /// XEP-0082 time (archives like Prosody's stamp to the second).
        public var stamp: String

        public init(id: String, from: String, to: String, body: String, stamp: String) {
            self.id = id
            self.from = from
            self.to = to
            self.body = body
            self.stamp = stamp
        }
    }

    public var items: [Item]
    /// Every query answered so far.
    public private(set) var queries: [XMLElement] = []

    public init(items: [Item]) {
        self.items = items
    }

    /// Answers the archive queries among `elements` (what the session wrote); returns how many.
    @discardableResult
    public func answer(_ elements: [XMLElement], in harness: SessionHarness) -> Int {
        var answered = 0
        for element in elements {
            guard element.name == "iq", let id = element.id,
                let query = element.child("query", namespace: Namespace.mam)
            else { continue }
            queries.append(element)
            answered += 1
            harness.serverSends(response(to: query, id: id))
        }
        return answered
    }

    /// Answers the queries the session wrote since the harness was last read.
    @discardableResult
    public func answerPending(in harness: SessionHarness) -> Int {
        answer(harness.takeWrittenElements(), in: harness)
    }

    private func response(to query: XMLElement, id: String) -> String {
        let queryID = query[attribute: "queryid"] ?? ""
        let form = query.child("x", namespace: Namespace.dataForms)
        let with = form?.children("field").first { $0[attribute: "var"] == "with" }?.childText("value")
            .flatMap { JID(parsing: $0)?.bare.description }
        let set = query.child("set", namespace: Namespace.rsm)
        let max = set?.childText("max", namespace: Namespace.rsm).flatMap { Int($0) } ?? 100
        let matching = items.filter { item in
            guard let with else { return true }
            return JID(parsing: item.from)?.bare.description == with || JID(parsing: item.to)?.bare.description == with
        }
        var page: ArraySlice<Item>
        var complete: Bool
        if let after = set?.childText("after", namespace: Namespace.rsm) {
            let start = (matching.firstIndex { $0.id == after }).map { $0 + 1 } ?? matching.count
            page = matching[start...].prefix(max)
            complete = page.endIndex == matching.endIndex
        } else if let before = set?.child("before", namespace: Namespace.rsm) {
            let end = before.text.isEmpty ? matching.endIndex : (matching.firstIndex { $0.id == before.text } ?? 0)
            page = matching[..<end].suffix(max)
            complete = page.startIndex == matching.startIndex
        } else {
            page = matching.prefix(max)
            complete = page.endIndex == matching.endIndex
        }
        var xml = ""
        for item in page {
            xml +=
                "<message to='\(item.to)'><result xmlns='urn:xmpp:mam:2' queryid='\(queryID)' id='\(item.id)'>"
                + "<forwarded xmlns='urn:xmpp:forward:0'><delay xmlns='urn:xmpp:delay' stamp='\(item.stamp)'/>"
                + "<message xmlns='jabber:client' from='\(item.from)' to='\(item.to)' type='chat' id='m-\(item.id)'>"
                + "<body>\(item.body)</body></message></forwarded></result></message>"
        }
        xml +=
            "<iq type='result' id='\(id)'><fin xmlns='urn:xmpp:mam:2'\(complete ? " complete='true'" : "")>"
            + "<set xmlns='http://jabber.org/protocol/rsm'>"
            + (page.first.map { "<first>\($0.id)</first><last>\(page.last!.id)</last>" } ?? "") + "</set></fin></iq>"
        return xml
    }
}
