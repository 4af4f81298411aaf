import XMPPCore

/// What an entity says about itself in disco#info (XEP-0030).
public struct DiscoInfo: Sendable, Hashable {
    public struct Identity: Sendable, Hashable {
        public var category: String
        public var type: String
        public var name: String?
        public var lang: String?

        public init(category: String, type: String, name: String?, lang: String?) {
            self.category = category
            self.type = type
            self.name = name
            self.lang = lang
        }
    }

    public var identities: [Identity]
    public var features: Set<String>
    /// The answer named an identity or a feature twice (XEP-0115 §5.4: ill-formed for caps).
    public var hasDuplicates: Bool

    public init(identities: [Identity], features: Set<String>, hasDuplicates: Bool = false) {
        self.identities = identities
        self.features = features
        self.hasDuplicates = hasDuplicates
    }

    init(query: XMLElement) {
        identities = query.children("identity").map {
            Identity(
                category: $0[attribute: "category"] ?? "", type: $0[attribute: "type"] ?? "",
                name: $0[attribute: "name"],
                lang: $0[attribute: "xml:lang"])
        }
        let listed = query.children("feature").compactMap { $0[attribute: "var"] }
        features = Set(listed)
        hasDuplicates = listed.count != features.count || Set(identities).count != identities.count
    }
}

/// XEP-0030 queries, cached per JID and node for the session (the server's and contacts').
public final class DiscoClient: SessionExtension {
    private var cache: [String: DiscoInfo] = [:]

    public init() {}

    public func sessionClosed(_ session: XMPPSession) { cache.removeAll() }

    /// The cached answer, if any.
    public func cached(_ jid: JID, node: String? = nil) -> DiscoInfo? { cache[key(jid, node)] }

    public func info(
        _ jid: JID,
        node: String? = nil,
        in session: XMPPSession,
        completion: @escaping (Result<DiscoInfo, IQFailure>) -> Void
    ) {
        if let cached = cache[key(jid, node)] {
            completion(.success(cached))
            return
        }
        let query = XMLElement("query", namespace: Namespace.discoInfo, ["node": node])
        session.sendIQ(.iq(.get, id: session.makeID(), to: jid, payload: query)) { [weak self] result in
            switch result {
            case .success(let response):
                let info = DiscoInfo(
                    query: response.child("query", namespace: Namespace.discoInfo) ?? XMLElement("query"))
                self?.cache[self?.key(jid, node) ?? ""] = info
                completion(.success(info))
            case .failure(let failure):
                completion(.failure(failure))
            }
        }
    }

    private func key(_ jid: JID, _ node: String?) -> String { jid.description + "#" + (node ?? "") }
}
