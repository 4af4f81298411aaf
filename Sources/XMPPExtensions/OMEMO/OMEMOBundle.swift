import XMPPCore

/// XEP-0384 §Bundles: the keys another device needs to open a session with a device — the
/// identity key, a signed prekey with its signature, and one-time prekeys. Version 0.3 (example
/// from version 0.3 of the XEP), keys written with libsignal's type byte:
///
///     <bundle xmlns='eu.siacs.conversations.axolotl'>
///       <signedPreKeyPublic signedPreKeyId='1'>BASE64ENCODED...</signedPreKeyPublic>
///       <signedPreKeySignature>BASE64ENCODED...</signedPreKeySignature>
///       <identityKey>BASE64ENCODED...</identityKey>
///       <prekeys>
///         <preKeyPublic preKeyId='1'>BASE64ENCODED...</preKeyPublic>
///       </prekeys>
///     </bundle>
///
/// OMEMO 2, keys written as their 32 bytes (`ik` in its Ed25519 form):
///
///     <bundle xmlns='urn:xmpp:omemo:2'>
///       <spk id='1'>b64/encoded/data</spk>
///       <spks>b64/encoded/data</spks>
///       <ik>b64/encoded/data</ik>
///       <prekeys>
///         <pk id='1'>b64/encoded/data</pk>
///       </prekeys>
///     </bundle>
public struct OMEMOBundle: Sendable, Hashable {
    /// A one-time prekey: its id and public key (X25519, 32 bytes).
    public struct PreKey: Sendable, Hashable {
        public var id: UInt32
        public var key: [UInt8]

        public init(id: UInt32, key: [UInt8]) {
            self.id = id
            self.key = key
        }
    }

    public var version: OMEMOVersion
    public var signedPreKeyID: UInt32
    /// The signed prekey's public key (X25519, 32 bytes).
    public var signedPreKey: [UInt8]
    /// The identity key's signature of the signed prekey (64 bytes).
    public var signedPreKeySignature: [UInt8]
    /// The identity key (32 bytes: X25519 in 0.3, Ed25519 in OMEMO 2).
    public var identityKey: [UInt8]
    public var preKeys: [PreKey]

    /// At most this many prekeys are read (the XEP asks for 100).
    public static let maximumPreKeys = 200

    public init(
        version: OMEMOVersion, signedPreKeyID: UInt32, signedPreKey: [UInt8], signedPreKeySignature: [UInt8],
        identityKey: [UInt8], preKeys: [PreKey]
    ) {
        self.version = version
        self.signedPreKeyID = signedPreKeyID
        self.signedPreKey = signedPreKey
        self.signedPreKeySignature = signedPreKeySignature
        self.identityKey = identityKey
        self.preKeys = preKeys
    }

    /// The element names of each version.
    private struct Names {
        let signedPreKey, signedPreKeyID, signature, identityKey, preKey, preKeyID: String

        init(_ version: OMEMOVersion) {
            switch version {
            case .legacy:
                (signedPreKey, signedPreKeyID, signature) = (
                    "signedPreKeyPublic", "signedPreKeyId", "signedPreKeySignature"
                )
                (identityKey, preKey, preKeyID) = ("identityKey", "preKeyPublic", "preKeyId")
            case .omemo2:
                (signedPreKey, signedPreKeyID, signature) = ("spk", "id", "spks")
                (identityKey, preKey, preKeyID) = ("ik", "pk", "id")
            }
        }
    }

    /// Reads a `<bundle/>` of either version. Other children are ignored; a missing or invalid
    /// key, an id out of range, a repeated prekey id, no prekeys or more than `maximumPreKeys`
    /// refuse the whole bundle.
    public init(_ element: XMLElement) throws(OMEMOElementError) {
        guard element.name == "bundle", let version = OMEMOVersion(namespace: element.namespace) else {
            throw .missing("bundle")
        }
        let names = Names(version)
        let namespace = version.namespace
        guard let signedPreKey = element.child(names.signedPreKey, namespace: namespace) else {
            throw .missing("signed prekey")
        }
        let signature = try element.omemoBytes(child: names.signature, namespace: namespace, "signature")
        guard signature.count == OMEMOKey.signatureLength else { throw .invalidKey("signature") }
        guard let identityKey = element.child(names.identityKey, namespace: namespace) else {
            throw .missing("identity key")
        }
        self.init(
            version: version, signedPreKeyID: try signedPreKey.omemoID(names.signedPreKeyID, "signed prekey id"),
            signedPreKey: try signedPreKey.omemoKey(version, "signed prekey"), signedPreKeySignature: signature,
            identityKey: try identityKey.omemoKey(version, "identity key"),
            preKeys: try Self.preKeys(element, version, names))
    }

    private static func preKeys(_ bundle: XMLElement, _ version: OMEMOVersion, _ names: Names)
        throws(OMEMOElementError) -> [PreKey]
    {
        var preKeys: [PreKey] = []
        let elements = bundle.child("prekeys", namespace: version.namespace)?.children(
            names.preKey, namespace: version.namespace)
        for element in elements ?? [] {
            guard preKeys.count < maximumPreKeys else { throw .tooMany("prekeys", limit: maximumPreKeys) }
            let id = try element.omemoID(names.preKeyID, "prekey id")
            guard !preKeys.contains(where: { $0.id == id }) else { throw .duplicateID(id) }
            preKeys.append(PreKey(id: id, key: try element.omemoKey(version, "prekey")))
        }
        guard !preKeys.isEmpty else { throw .missing("prekeys") }
        return preKeys
    }

    /// The `<bundle/>` element.
    public var element: XMLElement {
        let names = Names(version)
        let namespace = version.namespace
        return XMLElement(
            "bundle", namespace: namespace, [:],
            elements: [
                .omemoKey(names.signedPreKey, version, signedPreKey, id: signedPreKeyID, in: names.signedPreKeyID),
                XMLElement(names.signature, namespace: namespace, [:], text: OMEMOKey.base64(signedPreKeySignature)),
                .omemoKey(names.identityKey, version, identityKey),
                XMLElement(
                    "prekeys", namespace: namespace, [:],
                    elements: preKeys.map { .omemoKey(names.preKey, version, $0.key, id: $0.id, in: names.preKeyID) }),
            ])
    }

    /// XEP-0384 §Bundles: publishes the bundle of `device` with
    /// `OMEMOVersion.bundlesPublishOptions`.
    /// `maxItems` false leaves `pubsub#max_items` out, for a server that refuses the field (ejabberd
    /// 23.01 answers resource-constraint); the node then keeps the server's default number of items.
    public func publish(device: UInt32, id: String, maxItems: Bool = true) -> XMLElement {
        OMEMOVersion.publish(
            id: id, node: version.bundlesNode(device: device), item: version.bundleItemID(device: device), element,
            options: maxItems ? version.bundlesPublishOptions : version.devicesPublishOptions)
    }

    /// XEP-0384 §Building a session: asks `account` for the bundle of `device`.
    public static func request(_ version: OMEMOVersion, device: UInt32, from account: JID, id: String) -> XMLElement {
        OMEMOVersion.requestItems(
            node: version.bundlesNode(device: device),
            item: version == .omemo2 ? version.bundleItemID(device: device) : nil, from: account, id: id)
    }
}
