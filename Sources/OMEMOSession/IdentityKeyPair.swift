import OMEMOCrypto

/// A device's identity key pair, kept in Ed25519 form as XEP-0384 §4.1 allows ("Libraries can use an
/// Ed25519 key pair as their internal IdentityKey"): for OMEMO 2 it signs the signed prekey with Ed25519
/// directly; for OMEMO 0.3 it is published as its X25519 form and signs with XEdDSA. Both versions take
/// part in X3DH's Diffie-Hellman exchanges with the X25519 form.
public struct IdentityKeyPair: Sendable {
    /// The Ed25519 key pair, as published in the bundle's `ik`.
    public let signingKey: Ed25519PrivateKey
    /// The same key pair converted to X25519, for Diffie-Hellman.
    public let agreementKey: X25519PrivateKey

    /// The identity key pair of an Ed25519 seed.
    public init(signingKey: Ed25519PrivateKey) throws(OMEMOSessionError) {
        self.signingKey = signingKey
        do { agreementKey = try signingKey.montgomeryPrivateKey() } catch { throw .crypto(error) }
    }

    /// The public identity key in its Ed25519 form.
    public var publicKey: Ed25519PublicKey { signingKey.publicKey }

    /// The public identity key in the form `version` publishes it.
    public func identityKey(for version: SessionVersion) -> IdentityPublicKey {
        switch version {
        case .omemo2: .ed25519(signingKey.publicKey)
        case .omemo03: .curve25519(agreementKey.publicKey)
        }
    }

    /// The signature of a signed prekey's public key, as a bundle's `spks` (OMEMO 2) or
    /// `signedPreKeySignature` (0.3) carries it: Ed25519 over the key's 32 raw bytes, or XEdDSA over its
    /// 33-byte encoding.
    public func signature(forSignedPreKey key: X25519PublicKey, version: SessionVersion = .omemo2)
        throws(OMEMOSessionError) -> [UInt8]
    {
        do {
            switch version {
            case .omemo2: return try signingKey.signature(for: key.rawRepresentation)
            case .omemo03:
                return try XEdDSA.signature(
                    for: [IdentityPublicKey.curveTypeByte] + key.rawRepresentation, privateKey: agreementKey)
            }
        } catch { throw .crypto(error) }
    }
}

/// Coded as the Ed25519 seed's 32 bytes, from which both forms follow.
extension IdentityKeyPair: Codable {
    public init(from decoder: any Decoder) throws {
        try self.init(signingKey: Ed25519PrivateKey(rawRepresentation: SessionSecret(from: decoder).value))
    }

    public func encode(to encoder: any Encoder) throws {
        try SessionSecret(signingKey.secret).encode(to: encoder)
    }
}
