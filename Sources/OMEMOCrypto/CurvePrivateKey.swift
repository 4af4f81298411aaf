/// A private key of 32 raw secret bytes (X25519, Ed25519).
public protocol CurvePrivateKey: Sendable {
    /// The 32 raw bytes, wiped when the last copy of the key goes away.
    var secret: SecretBytes { get }

    /// A private key from its 32 raw bytes; throws `invalidLength` for any other size.
    init(rawRepresentation: SecretBytes) throws(OMEMOCryptoError)
}

extension CurvePrivateKey {
    /// A new random private key.
    public static func generate() throws(OMEMOCryptoError) -> Self {
        try Self(rawRepresentation: SecureRandom.secret(32))
    }
}
