import XMPPCore

/// XEP-0191: Blocking Command — the account's block list, kept in step with the server.
///
///     <iq type='set' id='block1'><block xmlns='urn:xmpp:blocking'><item jid='romeo@montague.net'/></block></iq>
///
/// The list is fetched on login; pushes are accepted only from our own account (no `from`, or our
/// bare JID). A block may carry a report for the server's operator (XEP-0377):
///
///     <block xmlns='urn:xmpp:blocking'><item jid='spam@example.org'>
///       <report xmlns='urn:xmpp:reporting:1' reason='urn:xmpp:reporting:spam'/></item></block>
public final class BlockingManager: SessionExtension {
    /// XEP-0377's reasons.
    public enum Report: String, Sendable, Hashable, CaseIterable {
        case spam = "urn:xmpp:reporting:spam"
        case abuse = "urn:xmpp:reporting:abuse"
    }

    public private(set) var blocked: Set<JID> = []
    public var onChange: () -> Void = {}
    public var onSpoofedPush: (XMLElement) -> Void = { _ in }

    public init() {}

    public func sessionEstablished(_ session: XMPPSession) {
        session.sendIQ(.iq(.get, id: session.makeID(), payload: XMLElement("blocklist", namespace: Namespace.blocking)))
        {
            [weak self] result in
            guard let self, case .success(let response) = result,
                let list = response.child("blocklist", namespace: Namespace.blocking)
            else { return }
            self.blocked = Set(list.children("item").compactMap { JID(parsing: $0[attribute: "jid"]) })
            self.onChange()
        }
    }

    public func handle(_ stanza: XMLElement, in session: XMPPSession) -> Bool {
        guard stanza.iqType == .set else { return false }
        let block = stanza.child("block", namespace: Namespace.blocking)
        let unblock = stanza.child("unblock", namespace: Namespace.blocking)
        guard block != nil || unblock != nil else { return false }
        let from = stanza[attribute: "from"]
        guard from == nil || JID(parsing: from) == session.boundJID.bare else {
            onSpoofedPush(stanza)
            return true
        }
        session.send(stanza.iqResult())
        if let block {
            blocked.formUnion(block.children("item").compactMap { JID(parsing: $0[attribute: "jid"]) })
        }
        if let unblock {
            let items = unblock.children("item").compactMap { JID(parsing: $0[attribute: "jid"]) }
            // An unblock without items unblocks everyone.
            if items.isEmpty { blocked.removeAll() } else { blocked.subtract(items) }
        }
        onChange()
        return true
    }

    public func block(
        _ jids: [JID],
        report: Report? = nil,
        in session: XMPPSession,
        completion: @escaping (Result<Void, IQFailure>) -> Void
    ) {
        send("block", jids, report: report, session, completion)
    }

    public func unblock(_ jids: [JID], in session: XMPPSession, completion: @escaping (Result<Void, IQFailure>) -> Void)
    {
        send("unblock", jids, report: nil, session, completion)
    }

    private func send(
        _ name: String,
        _ jids: [JID],
        report: Report?,
        _ session: XMPPSession,
        _ completion: @escaping (Result<Void, IQFailure>) -> Void
    ) {
        var command = XMLElement(name, namespace: Namespace.blocking)
        for jid in jids {
            var item = XMLElement("item", ["jid": jid.description])
            if let report {
                item.append(XMLElement("report", namespace: Namespace.reporting, ["reason": report.rawValue]))
            }
            command.append(item)
        }
        session.sendIQ(.iq(.set, id: session.makeID(), payload: command)) { completion($0.map { _ in () }) }
    }
}
