import OMEMOCrypto
import OMEMOSession

/// The device's stored form (`StoredState`), about 4.1 KB with 100 prekeys. Format 1: the device
/// id, the identity key's Ed25519 seed, the signed prekey and the replaced ones kept, the one-time
/// prekeys and the last prekey id handed out.
extension OwnDevice {
    static let storedFormat: UInt8 = 1

    /// The device as bytes to store (its private keys inside).
    public var stored: [UInt8] {
        var writer = StoredState.Writer()
        writer.byte(Self.storedFormat)
        writer.uint32(deviceID)
        writer.secret(identity.signingKey.secret)
        signedPreKey.write(to: &writer)
        writer.uint32(UInt32(previousSignedPreKeys.count))
        for key in previousSignedPreKeys { key.write(to: &writer) }
        writer.uint32(UInt32(preKeys.count))
        for key in preKeys {
            writer.uint32(key.id)
            writer.secret(key.privateKey.secret)
        }
        writer.uint32(lastPreKeyID)
        return writer.bytes
    }

    /// A device from its stored bytes.
    public init(stored bytes: [UInt8]) throws(StoredState.Error) {
        var reader = StoredState.Reader(bytes)
        guard try reader.byte() == Self.storedFormat else { throw StoredState.Error("an unknown device format") }
        deviceID = try reader.uint32()
        let seed = try reader.secret()
        do { identity = try IdentityKeyPair(signingKey: Ed25519PrivateKey(rawRepresentation: seed)) } catch {
            throw StoredState.Error("an identity key that is no key")
        }
        signedPreKey = try SignedPreKey(from: &reader)
        let previous = Int(try reader.uint32())
        guard previous <= 1000 else { throw StoredState.Error("too many signed prekeys") }
        previousSignedPreKeys = try (0..<previous).map { _ throws(StoredState.Error) in try SignedPreKey(from: &reader)
        }
        let count = Int(try reader.uint32())
        guard count <= Self.maximumStoredPreKeys else { throw StoredState.Error("too many prekeys") }
        preKeys = try (0..<count).map { _ throws(StoredState.Error) in
            PreKey(id: try reader.uint32(), privateKey: try Self.curveKey(reader.secret()))
        }
        lastPreKeyID = try reader.uint32()
        try reader.finish()
    }

    /// More than a device ever holds (`preKeyCount`), so a corrupt count is refused before reading on.
    static let maximumStoredPreKeys = 10 * preKeyCount

    static func curveKey(_ secret: SecretBytes) throws(StoredState.Error) -> X25519PrivateKey {
        do { return try X25519PrivateKey(rawRepresentation: secret) } catch {
            throw StoredState.Error("a prekey that is no key")
        }
    }
}

extension OwnDevice.SignedPreKey {
    fileprivate func write(to writer: inout StoredState.Writer) {
        writer.uint32(id)
        writer.secret(privateKey.secret)
        writer.int64(createdAt)
        writer.optional(retiredAt) { $0.int64($1) }
    }

    fileprivate init(from reader: inout StoredState.Reader) throws(StoredState.Error) {
        id = try reader.uint32()
        privateKey = try OwnDevice.curveKey(reader.secret())
        createdAt = try reader.int64()
        retiredAt = try reader.optional { (reader) throws(StoredState.Error) in try reader.int64() }
    }
}
