import OMEMOCrypto
import OMEMOSession
import Testing

/// X3DH with OMEMO 0.3's (libsignal's) parameters, checked by hand with OMEMOCrypto's primitives.
@Suite struct LegacyX3DHTests {
    /// Both sides agree; the header and AD carry the identity keys as 0x05 ‖ their X25519 form, and SK
    /// is HKDF-SHA-256 over 32 0xFF bytes ‖ DH1 ‖ DH2 ‖ DH3 ‖ DH4, salt 32 zero bytes, info "WhisperText".
    @Test func sharedSecretAndAssociatedDataAreLibsignals() throws {
        let alice = try Device()
        let bob = try Device()
        let ephemeral = try X25519PrivateKey.generate()
        let initiation = try X3DH.initiate(
            ourIdentity: alice.identity, theirBundle: bob.bundle(.omemo03), ephemeralKey: ephemeral)
        let aliceKey = [0x05] + alice.identity.agreementKey.publicKey.rawRepresentation
        let bobKey = [0x05] + bob.identity.agreementKey.publicKey.rawRepresentation
        #expect(initiation.header.identityKey == aliceKey)
        #expect(initiation.associatedData == aliceKey + bobKey)
        let material =
            [UInt8](repeating: 0xFF, count: 32)
            + (try alice.identity.agreementKey.sharedSecret(with: bob.signedPreKey.publicKey).bytes)
            + (try ephemeral.sharedSecret(with: bob.identity.agreementKey.publicKey).bytes)
            + (try ephemeral.sharedSecret(with: bob.signedPreKey.publicKey).bytes)
            + (try ephemeral.sharedSecret(with: bob.preKey.publicKey).bytes)
        let expected = try HKDFSHA256.deriveKey(
            inputKeyMaterial: material, salt: [UInt8](repeating: 0, count: 32), info: Array("WhisperText".utf8),
            length: 32)
        #expect(initiation.sharedSecret.bytes == expected)
        let response = try X3DH.respond(
            ourIdentity: bob.identity, signedPreKey: bob.signedPreKey, preKey: bob.preKey,
            theirIdentityKey: IdentityPublicKey(encoded: aliceKey, version: .omemo03),
            theirEphemeralKey: ephemeral.publicKey)
        #expect(response.sharedSecret.bytes == expected)
        #expect(response.associatedData == aliceKey + bobKey)
    }

    /// The signed prekey signature is XEdDSA by the identity's X25519 key over the prekey's 33-byte
    /// encoding, not over its 32 raw bytes.
    @Test func signedPreKeySignatureIsXEdDSAOverTheEncodedKey() throws {
        let bob = try Device()
        let bundle = try bob.bundle(.omemo03)
        let identity = bob.identity.agreementKey.publicKey
        let key = bob.signedPreKey.publicKey.rawRepresentation
        #expect(XEdDSA.isValidSignature(bundle.signedPreKeySignature, for: [0x05] + key, publicKey: identity))
        #expect(!XEdDSA.isValidSignature(bundle.signedPreKeySignature, for: key, publicKey: identity))
    }

    /// An OMEMO 2 signature on a 0.3 bundle, a flipped bit and a foreign signer are refused.
    @Test func badSignedPreKeySignatureIsRefused() throws {
        let alice = try Device()
        let bob = try Device()
        var omemo2 = try bob.bundle(.omemo03)
        omemo2.signedPreKeySignature = try bob.bundle(.omemo2).signedPreKeySignature
        var flipped = try bob.bundle(.omemo03)
        flipped.signedPreKeySignature[3] ^= 0x01
        var foreign = try bob.bundle(.omemo03)
        foreign.signedPreKeySignature = try alice.identity.signature(
            forSignedPreKey: bob.signedPreKey.publicKey, version: .omemo03)
        for bundle in [omemo2, flipped, foreign] {
            #expect(throws: OMEMOSessionError.badSignedPreKeySignature) {
                try X3DH.initiate(ourIdentity: alice.identity, theirBundle: bundle)
            }
        }
    }

    /// An identity key without libsignal's 0x05 type byte, or of the wrong length, is refused.
    @Test func identityKeyWithoutTypeByteIsRefused() throws {
        let key = try Device().identity.agreementKey.publicKey.rawRepresentation
        for encoded in [key, [0x06] + key, [0x05] + key.dropLast()] {
            #expect(throws: OMEMOSessionError.self) { try IdentityPublicKey(encoded: encoded, version: .omemo03) }
        }
        #expect(try IdentityPublicKey(encoded: [0x05] + key, version: .omemo03).encoded == [0x05] + key)
    }
}
