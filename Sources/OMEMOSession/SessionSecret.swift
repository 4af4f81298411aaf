import OMEMOCrypto

/// A root, chain or message key held in `SecretBytes` (wiped when released), coded as its bytes so a
/// session can be stored.
struct SessionSecret: Sendable, Codable {
    let value: SecretBytes

    init(_ value: SecretBytes) { self.value = value }

    init(from decoder: any Decoder) throws {
        var bytes = try decoder.singleValueContainer().decode([UInt8].self)
        value = SecretBytes(bytes)
        wipe(&bytes)
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(value.bytes)
    }

    var bytes: [UInt8] { value.bytes }
}

/// The sending ratchet key pair, coded as its private key's bytes.
struct RatchetKeyPair: Sendable, Codable {
    let privateKey: X25519PrivateKey

    init(_ privateKey: X25519PrivateKey) { self.privateKey = privateKey }

    init(from decoder: any Decoder) throws {
        privateKey = try X25519PrivateKey(rawRepresentation: SessionSecret(from: decoder).value)
    }

    func encode(to encoder: any Encoder) throws {
        try SessionSecret(privateKey.secret).encode(to: encoder)
    }
}

/// A kept message key of a skipped message: the chain's ratchet key and the message's number.
struct SkippedMessageKey: Sendable, Codable {
    let ratchetKey: [UInt8]
    let counter: UInt32
    let messageKey: SessionSecret
}
