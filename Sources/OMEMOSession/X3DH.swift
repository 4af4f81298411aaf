import OMEMOCrypto

/// X3DH key agreement (Marlinspike and Perrin, "The X3DH Key Agreement Protocol", revision 1) with the
/// parameters of the peer identity key's version (`SessionVersion`). OMEMO 2 (XEP-0384 §4.1):
/// Curve25519/Ed25519, SHA-256, info "OMEMO X3DH", the identity key published in Ed25519 form and
/// converted to X25519 for DH, Ed25519 signatures over the signed prekey's 32 raw bytes. OMEMO 0.3
/// (libsignal): info "WhisperText", the identity key published as 0x05 ‖ its X25519 form, XEdDSA
/// signatures over the signed prekey's 33-byte encoding. Both: a one-time prekey in every key exchange
/// (OMEMO 2 refuses exchanges without one; for 0.3 Tern asks the same), and AD = Encode(IK_A) ‖
/// Encode(IK_B) with the version's encodings.
public enum X3DH {
    /// The public part of a peer's bundle, with the one one-time prekey picked from it.
    public struct Bundle: Sendable {
        public var identityKey: IdentityPublicKey
        public var signedPreKeyID: UInt32
        public var signedPreKey: X25519PublicKey
        public var signedPreKeySignature: [UInt8]
        public var preKeyID: UInt32
        public var preKey: X25519PublicKey

        public init(
            identityKey: IdentityPublicKey, signedPreKeyID: UInt32, signedPreKey: X25519PublicKey,
            signedPreKeySignature: [UInt8], preKeyID: UInt32, preKey: X25519PublicKey
        ) {
            self.identityKey = identityKey
            self.signedPreKeyID = signedPreKeyID
            self.signedPreKey = signedPreKey
            self.signedPreKeySignature = signedPreKeySignature
            self.preKeyID = preKeyID
            self.preKey = preKey
        }
    }

    /// What the initiator sends beside its first messages (OMEMOKeyExchange's fields but the message).
    public struct KeyExchangeHeader: Equatable, Sendable, Codable {
        public var identityKey: [UInt8]
        public var ephemeralKey: [UInt8]
        public var signedPreKeyID: UInt32
        public var preKeyID: UInt32

        public init(identityKey: [UInt8], ephemeralKey: [UInt8], signedPreKeyID: UInt32, preKeyID: UInt32) {
            self.identityKey = identityKey
            self.ephemeralKey = ephemeralKey
            self.signedPreKeyID = signedPreKeyID
            self.preKeyID = preKeyID
        }
    }

    /// The initiator's result: the shared secret SK, the associated data, and the header to send.
    public struct Initiation: Sendable {
        public let sharedSecret: SecretBytes
        public let associatedData: [UInt8]
        public let header: KeyExchangeHeader
    }

    /// Alice's side (X3DH §3.3) with a fresh ephemeral key. Throws `badSignedPreKeySignature` before any
    /// DH when the bundle's signature does not verify.
    public static func initiate(ourIdentity: IdentityKeyPair, theirBundle: Bundle) throws(OMEMOSessionError)
        -> Initiation
    {
        let ephemeral: X25519PrivateKey
        do { ephemeral = try X25519PrivateKey.generate() } catch { throw .crypto(error) }
        return try initiate(ourIdentity: ourIdentity, theirBundle: theirBundle, ephemeralKey: ephemeral)
    }

    /// Alice's side with the given ephemeral key, which must be fresh and secret (a fixed one is for tests).
    public static func initiate(
        ourIdentity: IdentityKeyPair, theirBundle bundle: Bundle, ephemeralKey: X25519PrivateKey
    )
        throws(OMEMOSessionError) -> Initiation
    {
        guard bundle.identityKey.isValidSignature(bundle.signedPreKeySignature, forSignedPreKey: bundle.signedPreKey)
        else { throw .badSignedPreKeySignature }
        let version = bundle.identityKey.version
        let ourKey = ourIdentity.identityKey(for: version).encoded
        do {
            let theirIdentity = try bundle.identityKey.agreementKey()
            let secret = try derive(
                version,
                [
                    ourIdentity.agreementKey.sharedSecret(with: bundle.signedPreKey),
                    ephemeralKey.sharedSecret(with: theirIdentity),
                    ephemeralKey.sharedSecret(with: bundle.signedPreKey),
                    ephemeralKey.sharedSecret(with: bundle.preKey),
                ])
            let header = KeyExchangeHeader(
                identityKey: ourKey,
                ephemeralKey: ephemeralKey.publicKey.rawRepresentation, signedPreKeyID: bundle.signedPreKeyID,
                preKeyID: bundle.preKeyID)
            return Initiation(
                sharedSecret: secret,
                associatedData: ourKey + bundle.identityKey.encoded,
                header: header)
        } catch { throw .crypto(error) }
    }

    /// Bob's side (X3DH §3.4): the shared secret and associated data from the initiator's identity and
    /// ephemeral keys and our signed and one-time prekeys that the header's ids named, with the parameters
    /// of the initiator's identity key's version.
    public static func respond(
        ourIdentity: IdentityKeyPair, signedPreKey: X25519PrivateKey, preKey: X25519PrivateKey,
        theirIdentityKey: IdentityPublicKey, theirEphemeralKey: X25519PublicKey
    ) throws(OMEMOSessionError) -> (sharedSecret: SecretBytes, associatedData: [UInt8]) {
        do {
            let version = theirIdentityKey.version
            let theirIdentity = try theirIdentityKey.agreementKey()
            let secret = try derive(
                version,
                [
                    signedPreKey.sharedSecret(with: theirIdentity),
                    ourIdentity.agreementKey.sharedSecret(with: theirEphemeralKey),
                    signedPreKey.sharedSecret(with: theirEphemeralKey),
                    preKey.sharedSecret(with: theirEphemeralKey),
                ])
            return (secret, theirIdentityKey.encoded + ourIdentity.identityKey(for: version).encoded)
        } catch { throw .crypto(error) }
    }

    /// X3DH §2.2's KDF: HKDF-SHA-256 over F ‖ DH1 ‖ … ‖ DH4 (F is 32 0xFF bytes for X25519), salt 32
    /// zero bytes, the version's info, 32 bytes out.
    private static func derive(_ version: SessionVersion, _ parts: [SecretBytes]) throws(OMEMOCryptoError)
        -> SecretBytes
    {
        var material = [UInt8](repeating: 0xFF, count: 32)
        for part in parts { material += part.bytes }
        var output = try HKDFSHA256.deriveKey(
            inputKeyMaterial: material, salt: [UInt8](repeating: 0, count: 32), info: version.x3dhInfo, length: 32)
        let secret = SecretBytes(output)
        wipe(&material)
        wipe(&output)
        return secret
    }
}

/// Overwrites an array's bytes with zeros (a best effort for copies of secrets).
func wipe(_ bytes: inout [UInt8]) {
    bytes.withUnsafeMutableBufferPointer { buffer in
        for index in buffer.indices { buffer[index] = 0 }
    }
}
