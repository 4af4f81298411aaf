import XMPPCore

/// XEP-0030: Service Discovery — answers disco#info queries with what this client implements.
///
///     <iq type='get' from='romeo@montague.net/orchard' to='juliet@capulet.com/balcony' id='info1'>
///       <query xmlns='http://jabber.org/protocol/disco#info'/>
///     </iq>
///
/// The feature list is collected from the session's registered extensions, so it names exactly
/// what is implemented. A query for a node (entity capabilities, XEP-0115) gets the same answer
/// with the node echoed.
public final class DiscoInfoResponder: SessionExtension {
    public struct Identity: Sendable, Hashable {
        public var category: String
        public var type: String
        public var name: String

        public init(category: String, type: String, name: String) {
            self.category = category
            self.type = type
            self.name = name
        }
    }

    public let identity: Identity

    public init(identity: Identity = Identity(category: "client", type: "console", name: "Tern")) {
        self.identity = identity
    }

    public func handle(_ stanza: XMLElement, in session: XMPPSession) -> Bool {
        guard stanza.iqType == .get, let query = stanza.child("query", namespace: Namespace.discoInfo) else {
            return false
        }
        session.send(
            stanza.iqResult(payload: infoQuery(node: query[attribute: "node"], features: session.discoFeatures)))
        return true
    }

    /// The `<query/>` payload for our own identity and features.
    public func infoQuery(node: String?, features: [String]) -> XMLElement {
        var result = XMLElement("query", namespace: Namespace.discoInfo, ["node": node])
        result.append(
            XMLElement("identity", ["category": identity.category, "type": identity.type, "name": identity.name]))
        for feature in features { result.append(XMLElement("feature", ["var": feature])) }
        return result
    }
}
