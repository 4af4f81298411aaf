import Foundation
import XMPPCore

/// XEP-0115: Entity Capabilities — a hash of our disco#info in every presence, and a cache of what
/// contacts' hashes stand for, so that features are known without asking each contact.
///
///     <presence from='romeo@montague.lit/orchard'>
///       <c xmlns='http://jabber.org/protocol/caps' hash='sha-1' node='https://tern.im'
///          ver='QgayPKawpkPSDYmwT/WM94uAlu0='/>
///     </presence>
public final class EntityCapabilities: SessionExtension {
    public static let node = "https://tern.im"
    /// Features by verification string (shared by every contact running the same client).
    public private(set) var known: [String: Set<String>] = [:]
    /// Called when a verification string's features were learnt (to persist them).
    public var onLearnt: (String, Set<String>) -> Void = { _, _ in }
    private let disco: DiscoClient
    private var asking: Set<String> = []
    /// The most caps queries in flight: thousands of resources with fresh hashes must not become
    /// thousands of queries. A hash not asked now is asked when it comes again.
    public static let maximumQueries = 8

    public init(disco: DiscoClient, known: [String: Set<String>] = [:]) {
        self.disco = disco
        self.known = known
    }

    public var discoFeatures: [String] { [Namespace.caps] }

    /// The `<c/>` element for our presence.
    public func element(identity: DiscoInfoResponder.Identity, features: [String], crypto: any CryptoProvider)
        -> XMLElement
    {
        XMLElement(
            "c", namespace: Namespace.caps,
            [
                "hash": "sha-1", "node": EntityCapabilities.node,
                "ver": EntityCapabilities.verification(
                    identities: [
                        DiscoInfo.Identity(
                            category: identity.category, type: identity.type, name: identity.name, lang: nil)
                    ],
                    features: features, crypto: crypto),
            ])
    }

    /// XEP-0115 §5.1: the verification string of identities, features and extended forms
    /// (XEP-0128, as clients add their software version): each form by FORM_TYPE, then its
    /// fields by name, each with its values sorted.
    public static func verification(
        identities: [DiscoInfo.Identity],
        features: [String],
        forms: [DiscoInfo.Form] = [],
        crypto: any CryptoProvider
    ) -> String {
        var text = ""
        for identity in identities.map({ "\($0.category)/\($0.type)/\($0.lang ?? "")/\($0.name ?? "")" }).sorted() {
            text += identity + "<"
        }
        for feature in Set(features).sorted() { text += feature + "<" }
        for form in forms.sorted(by: { $0.type < $1.type }) {
            text += form.type + "<"
            for (name, values) in form.fields.sorted(by: { $0.key < $1.key }) {
                text += name + "<"
                for value in values.sorted() { text += value + "<" }
            }
        }
        return Data(crypto.hash(.sha1, Array(text.utf8))).base64EncodedString()
    }

    /// The features of a contact's resource, when its caps are known.
    public func features(of presence: ResourcePresence) -> Set<String>? {
        presence.capsVersion.flatMap { known[$0] }
    }

    /// Learns what a presence's caps stand for (asking its sender once per unknown hash).
    public func learn(from presence: ResourcePresence, of jid: JID, in session: XMPPSession) {
        guard let ver = presence.capsVersion, let node = presence.capsNode, known[ver] == nil, !asking.contains(ver),
            asking.count < Self.maximumQueries,
            let full = try? jid.bare.with(resource: presence.resource.isEmpty ? nil : presence.resource)
        else { return }
        asking.insert(ver)
        disco.info(full, node: "\(node)#\(ver)", in: session) { [weak self] result in
            guard let self else { return }
            self.asking.remove(ver)
            guard case .success(let info) = result else { return }
            // Only a well-formed answer whose hash matches is trusted (XEP-0115 §5.4).
            guard !info.hasDuplicates,
                EntityCapabilities.verification(
                    identities: info.identities, features: Array(info.features), forms: info.forms,
                    crypto: session.crypto) == ver
            else { return }
            self.known[ver] = info.features
            self.onLearnt(ver, info.features)
        }
    }
}
