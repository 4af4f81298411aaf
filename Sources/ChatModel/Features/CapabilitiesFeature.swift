import XMPPCore
import XMPPExtensions

/// Entity capabilities (XEP-0115): ours in every presence, and contacts' learnt from theirs
/// (remembered in the store, since one hash stands for every client of the same version).
public final class CapabilitiesFeature: AccountFeature {
    public static let name = "capabilities"
    public static var ordering: [FeatureOrder] { [.after(PresenceFeature.name)] }
    public let capabilities: EntityCapabilities
    unowned let account: AccountController

    public init(account: AccountController) throws(FeatureError) {
        self.account = account
        let disco = try account.required(DiscoFeature.self, by: Self.name)
        let presence = try account.required(PresenceFeature.self, by: Self.name)
        capabilities = EntityCapabilities(disco: disco.client, known: (try? account.store.capabilities()) ?? [:])
        capabilities.onLearnt = { [unowned account] ver, features in
            try? account.store.storeCapabilities(features, ver: ver)
        }
        presence.manager.presenceExtensions = { [unowned account, capabilities, disco] in
            guard let session = account.session else { return [] }
            return [
                capabilities.element(
                    identity: disco.responder.identity, features: session.discoFeatures, crypto: session.crypto)
            ]
        }
        presence.observers.append { [unowned self, unowned presence] contact in
            guard let session = self.account.session, let resources = presence.manager.presences[contact.bare] else {
                return
            }
            for resource in resources.values { capabilities.learn(from: resource, of: contact, in: session) }
        }
    }

    public var extensions: [any SessionExtension] { [capabilities] }

    /// Whether the best resource of `contact` says it supports `feature` (nil: unknown).
    func supports(_ feature: String, _ contact: JID) -> Bool? {
        guard let best = account.feature(PresenceFeature.self)?.manager.best(for: contact),
            let features = capabilities.features(of: best)
        else { return nil }
        return features.contains(feature)
    }
}
