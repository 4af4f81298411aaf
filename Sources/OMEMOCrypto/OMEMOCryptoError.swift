/// Why an OMEMO cryptographic operation failed. None of the cases carries key material.
public enum OMEMOCryptoError: Error, Equatable, Sendable {
    /// A key, IV or tag had the wrong length: `expected` bytes were needed, `actual` were given.
    case invalidLength(what: String, expected: Int, actual: Int)
    /// A public key is unusable (X25519 agreement gave the all-zero secret; a point does not decode).
    case invalidPublicKey
    /// A GCM tag did not match: the ciphertext, IV, key or associated data was altered or wrong.
    case authenticationFailed
    /// CBC decryption ended in bad PKCS#7 padding, or the ciphertext is not a whole number of blocks.
    case badPadding
    /// HKDF was asked for more than 255 × 32 bytes.
    case outputTooLong(Int)
    /// A file could not be read or written (`AESGCMFile`): which, and why.
    case file(String)
    /// OpenSSL reported an internal failure in `operation`.
    case openSSL(operation: String)
}
