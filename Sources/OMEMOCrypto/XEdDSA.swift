/// XEdDSA over Curve25519 (Trevor Perrin, "The XEdDSA and VXEdDSA Signature Schemes", revision 1,
/// 2016-10-20, §2.3 and §3): EdDSA signatures made with an X25519 private key and checked against its
/// X25519 public key, as OMEMO 0.3 signs the signed prekey with the identity key.
///
/// A signature is R ‖ s, 64 bytes, and verifies as an Ed25519 signature under the Edwards form of the
/// Montgomery public key (`edwardsPublicKey(for:)`). Signing is constant-time; verification, which sees
/// only public data, is not.
public enum XEdDSA {
    /// The signature of `message` by `privateKey`, with 64 fresh random bytes as the nonce input Z.
    public static func signature(for message: [UInt8], privateKey: X25519PrivateKey) throws(OMEMOCryptoError)
        -> [UInt8]
    {
        try signature(for: message, privateKey: privateKey, random: SecureRandom.bytes(64))
    }

    /// The signature of `message` by `privateKey` with the given 64 random bytes Z (§3.3 xeddsa_sign).
    /// Z must be secret and fresh for each signature; a fixed Z is for test vectors only.
    public static func signature(for message: [UInt8], privateKey: X25519PrivateKey, random: [UInt8])
        throws(OMEMOCryptoError) -> [UInt8]
    {
        try OMEMOCryptoError.check("XEdDSA random input", random.count, is: 64)
        let (publicKey, scalar) = keyPair(privateKey.secret)
        let r = Scalar(reducing: SHA512.hash(hash1Prefix, scalar.bytes, message, random))
        let commitment = EdwardsPoint.base.multiplied(by: r).encoded
        let h = Scalar(reducing: SHA512.hash(commitment, publicKey, message))
        return commitment + (r + h * scalar).bytes
    }

    /// Whether `signature` is a valid XEdDSA signature of `message` under the X25519 public key
    /// (§3.4 xeddsa_verify). A u ≥ p, an s ≥ 2^253, a u that is no curve point, or a signature of the
    /// wrong length is simply not valid.
    ///
    /// Like libsignal (whose signatures OMEMO 0.3 clients send), the top bit of s is read as the sign
    /// of the Edwards key: libsignal signs with the unnegated scalar and puts kB's sign there, where
    /// the paper's signatures always have 0. Signatures made here have 0 and verify under both.
    public static func isValidSignature(_ signature: [UInt8], for message: [UInt8], publicKey: X25519PublicKey)
        -> Bool
    {
        guard signature.count == 64 else { return false }
        let sign = signature[63] >> 7
        var sBytes = Array(signature.suffix(32))
        sBytes[31] &= 0x7F
        guard sBytes[31] & 0xE0 == 0, let point = edwardsPoint(publicKey, sign: sign) else { return false }
        let commitment = Array(signature.prefix(32))
        let h = Scalar(reducing: SHA512.hash(commitment, point.encoded, message))
        let check = EdwardsPoint.base.multiplied(by: Scalar(reducing: sBytes)) + (-point).multiplied(by: h)
        return check.encoded == commitment
    }

    /// The Ed25519 public key an X25519 public key stands for in XEdDSA (§2.3 convert_mont: y =
    /// (u - 1)/(u + 1), sign bit 0). Throws `invalidPublicKey` when u ≥ p or no point has that y.
    public static func edwardsPublicKey(for publicKey: X25519PublicKey) throws(OMEMOCryptoError)
        -> Ed25519PublicKey
    {
        guard let point = edwardsPoint(publicKey, sign: 0) else { throw .invalidPublicKey }
        return try Ed25519PublicKey(rawRepresentation: point.encoded)
    }

    /// §2.3 calculate_key_pair: the Edwards public key A (sign bit 0) and the private scalar a with
    /// aB = A, negating the clamped scalar when kB has an odd x. Constant-time in the key.
    static func keyPair(_ secret: SecretBytes) -> (publicKey: [UInt8], scalar: Scalar) {
        var clamped = secret.bytes
        clamped[0] &= 248
        clamped[31] = clamped[31] & 127 | 64
        let k = Scalar(reducing: clamped)
        clamped.withUnsafeMutableBufferPointer { buffer in
            for index in buffer.indices { buffer[index] = 0 }
        }
        var publicKey = EdwardsPoint.base.multiplied(by: k).encoded
        let sign = publicKey[31] >> 7
        publicKey[31] &= 0x7F
        return (publicKey, Scalar.select(k, k.negated, sign))
    }

    /// hash_1's prefix (§2.5): 2^256 - 1 - 1 in 32 little-endian bytes.
    static let hash1Prefix: [UInt8] = [0xFE] + [UInt8](repeating: 0xFF, count: 31)

    /// convert_mont with the given sign bit, or nil when u ≥ p or no point has that y.
    private static func edwardsPoint(_ publicKey: X25519PublicKey, sign: UInt8) -> EdwardsPoint? {
        let u = FieldElement(bytes: publicKey.rawRepresentation)
        guard u.bytes == publicKey.rawRepresentation else { return nil }  // u ≥ p
        return EdwardsPoint(y: (u - .one) * (u + .one).inverted(), sign: sign)
    }
}
