import OMEMOCrypto
import XMPPExtensions

/// Prekeys are coded with their private keys' bytes; a device describes itself by id and fingerprint.
extension OwnDevice.PreKey {
    private enum CodingKeys: String, CodingKey { case id, key }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(UInt32.self, forKey: .id)
        privateKey = try X25519PrivateKey(rawRepresentation: SecretBytes(container.decode([UInt8].self, forKey: .key)))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(privateKey.secret.bytes, forKey: .key)
    }
}

extension OwnDevice.SignedPreKey {
    private enum CodingKeys: String, CodingKey { case id, key, createdAt, retiredAt }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(UInt32.self, forKey: .id)
        privateKey = try X25519PrivateKey(rawRepresentation: SecretBytes(container.decode([UInt8].self, forKey: .key)))
        createdAt = try container.decode(Int64.self, forKey: .createdAt)
        retiredAt = try container.decodeIfPresent(Int64.self, forKey: .retiredAt)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(privateKey.secret.bytes, forKey: .key)
        try container.encode(createdAt, forKey: .createdAt)
        try container.encodeIfPresent(retiredAt, forKey: .retiredAt)
    }
}

extension OwnDevice: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public var description: String { "OMEMO device \(deviceID) (\(fingerprint(.omemo2)))" }
    public var debugDescription: String { description }
    /// `dump` and the debugger show the description only, never a private key.
    public var customMirror: Mirror { Mirror(self, children: ["deviceID": deviceID], displayStyle: .struct) }
}

extension OwnDevice.PreKey: CustomStringConvertible, CustomReflectable {
    public var description: String { "prekey \(id)" }
    public var customMirror: Mirror { Mirror(self, children: ["id": id]) }
}

extension OwnDevice.SignedPreKey: CustomStringConvertible, CustomReflectable {
    public var description: String { "signed prekey \(id)" }
    public var customMirror: Mirror { Mirror(self, children: ["id": id, "createdAt": createdAt]) }
}
