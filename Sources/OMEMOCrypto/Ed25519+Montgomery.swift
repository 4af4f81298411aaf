/// The Ed25519 ↔ X25519 key conversion OMEMO 2 needs: its identity key is published in Ed25519 form but
/// takes part in X3DH's Diffie-Hellman exchanges (XEP-0384 §4.1, "DH(PK1, PK2)"), as libsodium's
/// `crypto_sign_ed25519_pk_to_curve25519` and `crypto_sign_ed25519_sk_to_curve25519` convert it.
extension Ed25519PublicKey {
    /// The X25519 public key of the same key pair, by RFC 7748 §4.1's birational map u = (1 + y)/(1 - y).
    /// Throws `invalidPublicKey` when the bytes are not a point, or are the neutral element (y = 1).
    public func montgomeryPublicKey() throws(OMEMOCryptoError) -> X25519PublicKey {
        guard EdwardsPoint(encoded: rawRepresentation) != nil else { throw .invalidPublicKey }
        var yBytes = rawRepresentation
        yBytes[31] &= 0x7F
        let y = FieldElement(bytes: yBytes)
        let denominator = FieldElement.one - y
        guard !denominator.isZero else { throw .invalidPublicKey }
        return try X25519PublicKey(rawRepresentation: ((FieldElement.one + y) * denominator.inverted()).bytes)
    }
}

extension Ed25519PrivateKey {
    /// The X25519 private key of the same key pair: the clamped first half of SHA-512(seed), the scalar
    /// RFC 8032 §5.1.5 derives, so its public key is `publicKey.montgomeryPublicKey()`.
    public func montgomeryPrivateKey() throws(OMEMOCryptoError) -> X25519PrivateKey {
        var scalar = Array(SHA512.hash(secret.bytes).prefix(32))
        scalar[0] &= 248
        scalar[31] = scalar[31] & 127 | 64
        let key = SecretBytes(scalar)
        scalar.withUnsafeMutableBufferPointer { buffer in
            for index in buffer.indices { buffer[index] = 0 }
        }
        return try X25519PrivateKey(rawRepresentation: key)
    }
}
