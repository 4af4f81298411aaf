internal import COpenSSL

/// An X25519 public key (RFC 7748): the 32-byte little-endian u-coordinate.
public struct X25519PublicKey: Hashable, Sendable {
    /// The 32 raw bytes.
    public let rawRepresentation: [UInt8]

    /// A public key from its 32 raw bytes.
    public init(rawRepresentation: [UInt8]) throws(OMEMOCryptoError) {
        try OMEMOCryptoError.check("X25519 public key", rawRepresentation.count, is: 32)
        self.rawRepresentation = rawRepresentation
    }
}

/// An X25519 private key (RFC 7748): 32 raw bytes, clamped by the scalar multiplication, not stored
/// clamped. Also the key XEdDSA signs with.
public struct X25519PrivateKey: CurvePrivateKey {
    /// The 32 raw bytes, wiped when the last copy of the key goes away.
    public let secret: SecretBytes
    /// The matching public key.
    public let publicKey: X25519PublicKey

    /// A private key from its 32 raw bytes.
    public init(rawRepresentation: SecretBytes) throws(OMEMOCryptoError) {
        secret = rawRepresentation
        publicKey = try X25519PublicKey(
            rawRepresentation: EVPKey.publicKey(of: rawRepresentation, EVP_PKEY_X25519, "X25519 private key"))
    }

    /// The shared secret X25519(self, peer). Refuses a peer key of small order (the all-zero result),
    /// as RFC 7748 §6.1 allows.
    public func sharedSecret(with peer: X25519PublicKey) throws(OMEMOCryptoError) -> SecretBytes {
        let ownKey = try EVPKey.privateKey(EVP_PKEY_X25519, secret)
        let peerKey = try EVPKey.publicKey(EVP_PKEY_X25519, peer.rawRepresentation)
        guard let context = EVP_PKEY_CTX_new(ownKey.pointer, nil) else {
            throw .openSSL(operation: "EVP_PKEY_CTX_new")
        }
        defer { EVP_PKEY_CTX_free(context) }
        guard EVP_PKEY_derive_init(context) == 1 else { throw .openSSL(operation: "EVP_PKEY_derive_init") }
        guard EVP_PKEY_derive_set_peer(context, peerKey.pointer) == 1 else { throw .invalidPublicKey }
        return try SecretBytes(count: 32) { (buffer) throws(OMEMOCryptoError) in
            var length = 32
            // OpenSSL fails the derivation when the result is all zeros: a small-order peer key.
            guard
                EVP_PKEY_derive(context, buffer.baseAddress?.assumingMemoryBound(to: UInt8.self), &length) == 1,
                length == 32
            else { throw .invalidPublicKey }
        }
    }
}
