internal import COpenSSL

/// An Ed25519 public key (RFC 8032): the 32-byte encoded point.
public struct Ed25519PublicKey: Hashable, Sendable {
    /// The 32 raw bytes.
    public let rawRepresentation: [UInt8]

    /// A public key from its 32 raw bytes.
    public init(rawRepresentation: [UInt8]) throws(OMEMOCryptoError) {
        try OMEMOCryptoError.check("Ed25519 public key", rawRepresentation.count, is: 32)
        self.rawRepresentation = rawRepresentation
    }

    /// Whether `signature` is a valid RFC 8032 Ed25519 signature of `message` by this key. A key that
    /// is not a point, or a signature of the wrong length, is simply not valid.
    public func isValidSignature(_ signature: [UInt8], for message: [UInt8]) -> Bool {
        guard signature.count == 64, let key = try? EVPKey.publicKey(EVP_PKEY_ED25519, rawRepresentation),
            let context = EVP_MD_CTX_new()
        else { return false }
        defer { EVP_MD_CTX_free(context) }
        guard EVP_DigestVerifyInit(context, nil, nil, nil, key.pointer) == 1 else { return false }
        return EVP_DigestVerify(context, signature, signature.count, message, message.count) == 1
    }
}

/// An Ed25519 private key (RFC 8032): the 32-byte seed.
public struct Ed25519PrivateKey: CurvePrivateKey {
    /// The 32-byte seed, wiped when the last copy of the key goes away.
    public let secret: SecretBytes
    /// The matching public key.
    public let publicKey: Ed25519PublicKey

    /// A private key from its 32-byte seed.
    public init(rawRepresentation: SecretBytes) throws(OMEMOCryptoError) {
        secret = rawRepresentation
        publicKey = try Ed25519PublicKey(
            rawRepresentation: EVPKey.publicKey(of: rawRepresentation, EVP_PKEY_ED25519, "Ed25519 private key"))
    }

    /// The 64-byte signature of `message` (deterministic, as RFC 8032 defines it).
    public func signature(for message: [UInt8]) throws(OMEMOCryptoError) -> [UInt8] {
        let key = try EVPKey.privateKey(EVP_PKEY_ED25519, secret)
        guard let context = EVP_MD_CTX_new() else { throw .openSSL(operation: "EVP_MD_CTX_new") }
        defer { EVP_MD_CTX_free(context) }
        guard EVP_DigestSignInit(context, nil, nil, nil, key.pointer) == 1 else {
            throw .openSSL(operation: "EVP_DigestSignInit")
        }
        var signature = [UInt8](repeating: 0, count: 64)
        var length = 64
        guard EVP_DigestSign(context, &signature, &length, message, message.count) == 1, length == 64 else {
            throw .openSSL(operation: "EVP_DigestSign")
        }
        return signature
    }
}
