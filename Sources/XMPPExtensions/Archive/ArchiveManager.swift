import XMPPCore

/// XEP-0313: Message Archive Management — querying our own archive, page by page.
///
///     <iq type='set' id='juliet1'>
///       <query xmlns='urn:xmpp:mam:2' queryid='f27'>...<set xmlns='http://jabber.org/protocol/rsm'>
///         <max>100</max><after>09af3-cc343-b409f</after></set></query>
///     </iq>
///     <message id='aeb213' to='juliet@capulet.lit/chamber'>
///       <result xmlns='urn:xmpp:mam:2' queryid='f27' id='28482-98726-73623'>
///         <forwarded xmlns='urn:xmpp:forward:0'>
///           <delay xmlns='urn:xmpp:delay' stamp='2010-07-10T23:08:25Z'/>
///           <message to='juliet@capulet.lit/balcony' from='romeo@montague.lit/orchard'
///                    type='chat'><body>Call me but love...</body></message>
///         </forwarded></result></message>
///     <iq type='result' id='juliet1'><fin xmlns='urn:xmpp:mam:2' complete='true'>...</fin></iq>
///
/// Results are accepted only from our own archive (no `from`, or our bare JID) and only for a
/// query this session sent and has not finished (CVE-2019-16237); anything else is dropped.
public final class ArchiveManager: SessionExtension {
    /// A result that was not ours to accept, dropped.
    public var onSpoofedResult: (XMLElement) -> Void = { _ in }

    private struct PendingQuery {
        var messages: [ArchivedMessage] = []
        var completion: (Result<ArchivePage, IQFailure>) -> Void
    }

    private var queries: [String: PendingQuery] = [:]
    /// Queries cut short by a broken connection: a resumed stream still delivers their results,
    /// which are ours but no longer wanted (the owner asks again). Dropped without a word.
    private var abandoned: Set<String> = []

    public init() {}

    /// Queries the archive for one page; `completion` gets the page (in archive order, oldest
    /// first) when the server has sent all of it.
    public func query(
        _ query: ArchiveQuery,
        in session: XMPPSession,
        completion: @escaping (Result<ArchivePage, IQFailure>) -> Void
    ) {
        let queryID = session.makeID()
        queries[queryID] = PendingQuery(completion: completion)
        session.sendIQ(
            .iq(.set, id: session.makeID(), payload: query.element(queryID: queryID)), timeout: .seconds(120)
        ) {
            [weak self] result in
            guard let self, let pending = self.queries.removeValue(forKey: queryID) else { return }
            switch result {
            case .failure(let failure):
                if case .disconnected = failure { self.abandoned.insert(queryID) }
                pending.completion(.failure(failure))
            case .success(let response):
                let fin = response.child("fin", namespace: Namespace.mam)
                let set = fin?.child("set", namespace: Namespace.rsm)
                pending.completion(
                    .success(
                        ArchivePage(
                            messages: pending.messages, complete: fin?[attribute: "complete"] == "true",
                            first: set?.childText("first", namespace: Namespace.rsm),
                            last: set?.childText("last", namespace: Namespace.rsm))))
            }
        }
    }

    public func sessionEstablished(_ session: XMPPSession) {
        abandoned.removeAll()
    }

    public func handle(_ stanza: XMLElement, in session: XMPPSession) -> Bool {
        guard stanza.stanzaKind == .message, let result = stanza.child("result", namespace: Namespace.mam) else {
            return false
        }
        let from = stanza[attribute: "from"]
        let ownArchive = from == nil || JID(parsing: from) == session.boundJID.bare
        if ownArchive, let queryID = result[attribute: "queryid"], abandoned.contains(queryID) { return true }
        guard ownArchive, let queryID = result[attribute: "queryid"], queries[queryID] != nil,
            let archiveID = result[attribute: "id"],
            let forwarded = result.child("forwarded", namespace: Namespace.forward),
            let message = forwarded.child("message")
        else {
            onSpoofedResult(stanza)
            return true
        }
        let stamp = forwarded.child("delay", namespace: Namespace.delay)?[attribute: "stamp"]
        queries[queryID]?.messages.append(
            ArchivedMessage(
                archiveID: archiveID, timestamp: stamp.flatMap(XMPPDateTime.milliseconds(from:)),
                message: ChatMessage(message)))
        return true
    }
}
