import XMPPCore

/// Reading OMEMO's ids, base64 and keys from elements, each refused with an `OMEMOElementError`.
extension XMLElement {
    /// XEP-0384 §Bundles: ids are "the positive numbers of a signed 32 bit integer, without 0".
    static let omemoIDs: ClosedRange<UInt32> = 1...0x7FFF_FFFF

    /// The id in `attribute`, called `name` in errors.
    func omemoID(_ attribute: String, _ name: String) throws(OMEMOElementError) -> UInt32 {
        guard let text = self[attribute: attribute] else { throw .missing(name) }
        guard text.utf8.count <= 10, text.utf8.allSatisfy({ (0x30...0x39).contains($0) }), let id = UInt32(text),
            Self.omemoIDs.contains(id)
        else { throw .invalidID(name) }
        return id
    }

    /// The bytes of the base64 text, called `name` in errors.
    func omemoBytes(_ name: String) throws(OMEMOElementError) -> [UInt8] {
        guard let bytes = OMEMOKey.base64(text) else { throw .invalidBase64(name) }
        return bytes
    }

    /// The bytes of the base64 text of child `child`, which is required.
    func omemoBytes(child: String, namespace: String, _ name: String) throws(OMEMOElementError) -> [UInt8] {
        guard let element = self.child(child, namespace: namespace) else { throw .missing(name) }
        return try element.omemoBytes(name)
    }

    /// The public key in the text, as `version` writes it (with 0.3's type byte), without the
    /// type byte.
    func omemoKey(_ version: OMEMOVersion, _ name: String) throws(OMEMOElementError) -> [UInt8] {
        let bytes = try omemoBytes(name)
        switch version {
        case .legacy:
            guard let key = OMEMOKey.fromSerialized(bytes) else { throw .invalidKey(name) }
            return key
        case .omemo2:
            guard bytes.count == OMEMOKey.length else { throw .invalidKey(name) }
            return bytes
        }
    }

    /// An XML Schema boolean attribute; false when absent or not a boolean.
    func omemoFlag(_ attribute: String) -> Bool {
        self[attribute: attribute] == "true" || self[attribute: attribute] == "1"
    }

    /// An element in `version`'s namespace with `key` as `version` writes it, and `id` (if any)
    /// in `attribute`.
    static func omemoKey(
        _ name: String, _ version: OMEMOVersion, _ key: [UInt8], id: UInt32? = nil, in attribute: String = "id"
    )
        -> XMLElement
    {
        let bytes = version == .legacy ? OMEMOKey.serialized(key) : key
        return XMLElement(
            name, namespace: version.namespace, [attribute: id.map(String.init)], text: OMEMOKey.base64(bytes))
    }
}
