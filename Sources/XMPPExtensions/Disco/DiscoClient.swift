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

    /// An extended information form (XEP-0128): its FORM_TYPE and its other fields' values.
    public struct Form: Sendable, Hashable {
        public var type: String
        public var fields: [String: [String]]

        public init(type: String, fields: [String: [String]]) {
            self.type = type
            self.fields = fields
        }
    }

    public var identities: [Identity]
    public var features: Set<String>
    /// Extended forms whose FORM_TYPE is a hidden field (the others count for nothing, §5.4).
    public var forms: [Form]
    /// The answer named an identity, a feature or a form type twice (XEP-0115 §5.4: ill-formed
    /// for caps).
    public var hasDuplicates: Bool

    public init(identities: [Identity], features: Set<String>, forms: [Form] = [], hasDuplicates: Bool = false) {
        self.identities = identities
        self.features = features
        self.forms = forms
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
        forms = query.children("x", namespace: Namespace.dataForms).compactMap { form in
            let fields = form.children("field", namespace: Namespace.dataForms)
            guard let type = fields.first(where: { $0[attribute: "var"] == "FORM_TYPE" }),
                type[attribute: "type"] == "hidden", let name = type.childText("value", namespace: Namespace.dataForms)
            else { return nil }
            var values: [String: [String]] = [:]
            for field in fields {
                guard let key = field[attribute: "var"], key != "FORM_TYPE" else { continue }
                values[key, default: []] += field.children("value", namespace: Namespace.dataForms).map(\.text)
            }
            return Form(type: name, fields: values)
        }
        hasDuplicates =
            listed.count != features.count || Set(identities).count != identities.count
            || Set(forms.map(\.type)).count != forms.count
    }
}

/// XEP-0030 queries, cached per JID and node for the session (the server's and contacts'). A
/// question asked again while the first is out waits for its answer instead of going out twice.
public final class DiscoClient: SessionExtension {
    private var cache: [String: DiscoInfo] = [:]
    /// Queries that are out, by JID and node.
    private var waiting: [String: Query] = [:]

    /// A query that is out: the session it went out on and who waits for its answer.
    private final class Query {
        weak var session: XMPPSession?
        var completions: [(Result<DiscoInfo, IQFailure>) -> Void]

        init(_ session: XMPPSession, _ completion: @escaping (Result<DiscoInfo, IQFailure>) -> Void) {
            self.session = session
            completions = [completion]
        }
    }

    public init() {}

    public func sessionClosed(_ session: XMPPSession) { cache.removeAll() }

    /// The cached answer, if any.
    public func cached(_ jid: JID, node: String? = nil) -> DiscoInfo? { cache[key(jid, node)] }

    /// What `jid` (at `node`) says about itself: the cached answer unless `fresh`, else a query
    /// whose answer replaces the cached one.
    public func info(
        _ jid: JID,
        node: String? = nil,
        fresh: Bool = false,
        in session: XMPPSession,
        completion: @escaping (Result<DiscoInfo, IQFailure>) -> Void
    ) {
        let key = key(jid, node)
        if !fresh, let cached = cache[key] {
            completion(.success(cached))
            return
        }
        if let out = waiting[key], out.session === session {
            out.completions.append(completion)
            return
        }
        let out = Query(session, completion)
        waiting[key] = out
        let query = XMLElement("query", namespace: Namespace.discoInfo, ["node": node])
        session.sendIQ(.iq(.get, id: session.makeID(), to: jid, payload: query)) { [weak self] result in
            let answer = result.map {
                DiscoInfo(query: $0.child("query", namespace: Namespace.discoInfo) ?? XMLElement("query"))
            }
            if let self, self.waiting[key] === out {
                self.waiting[key] = nil
                if case .success(let info) = answer { self.cache[key] = info }
            }
            for completion in out.completions { completion(answer) }
        }
    }

    private func key(_ jid: JID, _ node: String?) -> String { jid.description + "#" + (node ?? "") }
}
