import OMEMOCrypto
import OMEMOSession
import Testing

@Suite struct X3DHTests {
    /// Both sides derive the same SK and AD = IK_A ‖ IK_B (Ed25519 forms), and the header carries Alice's
    /// identity and ephemeral keys and the ids of the prekeys used.
    @Test func bothSidesAgree() throws {
        let alice = try Device()
        let bob = try Device()
        let initiation = try X3DH.initiate(ourIdentity: alice.identity, theirBundle: bob.bundle())
        #expect(initiation.header.identityKey == alice.identity.publicKey.rawRepresentation)
        #expect(initiation.header.signedPreKeyID == 1)
        #expect(initiation.header.preKeyID == 7)
        let response = try X3DH.respond(
            ourIdentity: bob.identity, signedPreKey: bob.signedPreKey, preKey: bob.preKey,
            theirIdentityKey: .ed25519(alice.identity.publicKey),
            theirEphemeralKey: X25519PublicKey(rawRepresentation: initiation.header.ephemeralKey))
        #expect(response.sharedSecret.bytes == initiation.sharedSecret.bytes)
        #expect(initiation.sharedSecret.count == 32)
        let ad = alice.identity.publicKey.rawRepresentation + bob.identity.publicKey.rawRepresentation
        #expect(initiation.associatedData == ad)
        #expect(response.associatedData == ad)
    }

    /// SK is XEP-0384's KDF computed by hand: HKDF-SHA-256 over 32 0xFF bytes ‖ DH1 ‖ DH2 ‖ DH3 ‖ DH4,
    /// salt 32 zero bytes, info "OMEMO X3DH", with the identity keys converted to X25519.
    @Test func sharedSecretIsTheSpecifiedKDF() throws {
        let alice = try Device()
        let bob = try Device()
        let ephemeral = try X25519PrivateKey.generate()
        let initiation = try X3DH.initiate(
            ourIdentity: alice.identity, theirBundle: bob.bundle(), ephemeralKey: ephemeral)
        #expect(initiation.header.ephemeralKey == ephemeral.publicKey.rawRepresentation)
        let aliceCurve = try alice.identity.signingKey.montgomeryPrivateKey()
        let bobCurve = try bob.identity.publicKey.montgomeryPublicKey()
        let material =
            [UInt8](repeating: 0xFF, count: 32) + (try aliceCurve.sharedSecret(with: bob.signedPreKey.publicKey).bytes)
            + (try ephemeral.sharedSecret(with: bobCurve).bytes)
            + (try ephemeral.sharedSecret(with: bob.signedPreKey.publicKey).bytes)
            + (try ephemeral.sharedSecret(with: bob.preKey.publicKey).bytes)
        let expected = try HKDFSHA256.deriveKey(
            inputKeyMaterial: material, salt: [UInt8](repeating: 0, count: 32), info: Array("OMEMO X3DH".utf8),
            length: 32)
        #expect(initiation.sharedSecret.bytes == expected)
    }

    /// The signed prekey signature is an RFC 8032 Ed25519 signature by the identity key over the prekey's
    /// 32 bytes, as OMEMO 2 publishes it.
    @Test func signedPreKeySignatureIsEd25519() throws {
        let bob = try Device()
        let bundle = try bob.bundle()
        #expect(
            bob.identity.publicKey.isValidSignature(
                bundle.signedPreKeySignature, for: bob.signedPreKey.publicKey.rawRepresentation))
    }

    /// A bundle whose signature does not verify is refused: a flipped signature bit, a signed prekey
    /// swapped for another, a signature by another identity.
    @Test func badSignedPreKeySignatureIsRefused() throws {
        let alice = try Device()
        let bob = try Device()
        var flipped = try bob.bundle()
        flipped.signedPreKeySignature[10] ^= 0x01
        var swapped = try bob.bundle()
        swapped.signedPreKey = try X25519PrivateKey.generate().publicKey
        var foreign = try bob.bundle()
        foreign.signedPreKeySignature = try alice.identity.signature(forSignedPreKey: bob.signedPreKey.publicKey)
        for bundle in [flipped, swapped, foreign] {
            #expect(throws: OMEMOSessionError.badSignedPreKeySignature) {
                try X3DH.initiate(ourIdentity: alice.identity, theirBundle: bundle)
            }
        }
    }

    /// A different one-time prekey on Bob's side gives a different secret: the prekey takes part.
    @Test func theOneTimePreKeyTakesPart() throws {
        let alice = try Device()
        let bob = try Device()
        let initiation = try X3DH.initiate(ourIdentity: alice.identity, theirBundle: bob.bundle())
        let response = try X3DH.respond(
            ourIdentity: bob.identity, signedPreKey: bob.signedPreKey, preKey: X25519PrivateKey.generate(),
            theirIdentityKey: .ed25519(alice.identity.publicKey),
            theirEphemeralKey: X25519PublicKey(rawRepresentation: initiation.header.ephemeralKey))
        #expect(response.sharedSecret.bytes != initiation.sharedSecret.bytes)
    }

    /// An identity key that is no curve point is refused, not converted.
    @Test func identityKeyThatIsNoPointIsRefused() throws {
        let alice = try Device()
        let bob = try Device()
        #expect(throws: OMEMOSessionError.crypto(.invalidPublicKey)) {
            try X3DH.respond(
                ourIdentity: bob.identity, signedPreKey: bob.signedPreKey, preKey: bob.preKey,
                theirIdentityKey: .ed25519(Ed25519PublicKey(rawRepresentation: [2] + [UInt8](repeating: 0, count: 31))),
                theirEphemeralKey: alice.preKey.publicKey)
        }
    }
}
