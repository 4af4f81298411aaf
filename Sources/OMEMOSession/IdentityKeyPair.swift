import OMEMOCrypto

/// A device's OMEMO 2 identity key pair, kept in Ed25519 form as XEP-0384 §4.1 allows ("Libraries can
/// use an Ed25519 key pair as their internal IdentityKey"): it signs the signed prekey with Ed25519
/// directly and takes part in X3DH's Diffie-Hellman exchanges converted to X25519.
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

    /// The signature of a signed prekey's public key, as a bundle's `spks` carries it.
    public func signature(forSignedPreKey key: X25519PublicKey) throws(OMEMOSessionError) -> [UInt8] {
        do { return try signingKey.signature(for: key.rawRepresentation) } catch { throw .crypto(error) }
    }
}
