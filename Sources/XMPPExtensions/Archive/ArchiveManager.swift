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
/// Results are accepted only from our own archive (no `from`, or our bare JID), only for a
/// query this session sent and has not finished (CVE-2019-16237), and no more than the page size
/// asked for (RSM's `max`); anything else is dropped.
///
/// It also decides which live stanza-ids (XEP-0359) to believe: any sender can put a
/// `<stanza-id by='our-jid'/>` in a message, and an archive id taken from a stranger would send
/// the next catch-up to a place the archive does not know.
public final class ArchiveManager: SessionExtension {
    /// A result that was not ours to accept, dropped.
    public var onSpoofedResult: (XMLElement) -> Void = { _ in }

    /// Archives (bare JIDs) that said in disco#info that they stamp messages with stanza-ids:
    /// `urn:xmpp:sid:0`, or MAM, which requires them. Kept across sessions until an answer says
    /// otherwise; empty until the first answer, so nothing is believed before it.
    public private(set) var stampingArchives: Set<JID> = []

    /// What a live message's stanza-ids say about its place in an archive.
    public enum StanzaIDClaim: Sendable, Hashable {
        /// No stanza-id claims to come from the archive.
        case none
        /// The archive has not said that it assigns stanza-ids, so any claim may be forged.
        case unvouched
        /// Several elements claim the archive: one at most is the archive's, none is believed.
        case conflicting(Int)
        /// The archive's id for the message.
        case trusted(String)
    }

    private struct PendingQuery {
        /// The archive asked (nil: our own): only it may send the results.
        var archive: JID?
        /// The page size asked for: a server sending more results is not believed beyond it.
        var limit: Int
        var messages: [ArchivedMessage] = []
        var completion: (Result<ArchivePage, IQFailure>) -> Void
    }

    private var queries: [String: PendingQuery] = [:]
    /// Queries cut short by a broken connection: a resumed stream still delivers their results,
    /// which are ours but no longer wanted (the owner asks again). Dropped without a word.
    private var abandoned: [String: JID?] = [:]

    private let disco: DiscoClient

    public init(disco: DiscoClient) {
        self.disco = disco
    }

    /// XEP-0359 §5: a stanza-id is believed only when `by` is the archive, the archive announces
    /// stanza-ids, and it is the only one claiming to be the archive's. A server that assigns ids
    /// replaces a sender's claim (§3) or, if it does not, adds its own beside it; either way a
    /// second claim means someone other than the archive wrote one.
    public func stanzaID(of message: ChatMessage, assignedBy archive: JID) -> StanzaIDClaim {
        let claims = message.stanzaIDs(claimingToBe: archive)
        guard let claim = claims.first else { return .none }
        guard stampingArchives.contains(archive.bare) else { return .unvouched }
        return claims.count == 1 ? .trusted(claim) : .conflicting(claims.count)
    }

    /// Asks `archive` whether it stamps messages with stanza-ids; `completion` runs once the
    /// answer (or an error, which keeps what was known) is in.
    public func learnWhetherStamps(_ archive: JID, in session: XMPPSession, completion: @escaping () -> Void = {}) {
        disco.info(archive.bare, in: session) { [weak self] result in
            if let self, case .success(let info) = result {
                if info.features.contains(Namespace.stanzaID) || info.features.contains(Namespace.mam) {
                    self.stampingArchives.insert(archive.bare)
                } else {
                    self.stampingArchives.remove(archive.bare)
                }
            }
            completion()
        }
    }

    /// Queries an archive for one page: our own (`archive` nil), or a room's (XEP-0313 §5.1.1);
    /// `completion` gets the page (in archive order, oldest first) when the server has sent all
    /// of it.
    public func query(
        _ query: ArchiveQuery,
        in session: XMPPSession,
        archive: JID? = nil,
        completion: @escaping (Result<ArchivePage, IQFailure>) -> Void
    ) {
        let queryID = session.makeID()
        queries[queryID] = PendingQuery(archive: archive?.bare, limit: query.max, completion: completion)
        session.sendIQ(
            .iq(.set, id: session.makeID(), to: archive?.bare, payload: query.element(queryID: queryID)),
            timeout: .seconds(120)
        ) {
            [weak self] result in
            guard let self, let pending = self.queries.removeValue(forKey: queryID) else { return }
            switch result {
            case .failure(let failure):
                if case .disconnected = failure { self.abandoned[queryID] = pending.archive }
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
        learnWhetherStamps(session.boundJID.bare, in: session)
    }

    public func handle(_ stanza: XMLElement, in session: XMPPSession) -> Bool {
        guard stanza.stanzaKind == .message, let result = stanza.child("result", namespace: Namespace.mam) else {
            return false
        }
        let from = stanza[attribute: "from"].map { JID(parsing: $0) }
        let queryID = result[attribute: "queryid"]
        let pending = queryID.flatMap { queries[$0] }
        // Our own archive sends with no `from` or our bare JID; a room's archive from the room.
        let archive = pending?.archive ?? queryID.flatMap { abandoned[$0] } ?? nil
        let fromArchive = archive == nil ? from == nil || from == session.boundJID.bare : from.flatMap { $0 } == archive
        if fromArchive, let queryID, abandoned[queryID] != nil { return true }
        guard fromArchive, let queryID, let pending,
            pending.messages.count < pending.limit, let archiveID = result[attribute: "id"],
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
