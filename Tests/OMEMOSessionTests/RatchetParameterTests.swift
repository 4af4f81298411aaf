import OMEMOCrypto
import OMEMOSession
import Testing

/// The ratchet's derivations checked by hand against XEP-0384 §4.2 with OMEMOCrypto's primitives, so a
/// wrong info string, constant or split, shared by both ends of a session, cannot pass unnoticed.
@Suite struct RatchetParameterTests {
    @Test func initiatorMessagesFollowTheSpecifiedDerivations() throws {
        let aliceDevice = try Device()
        let bob = try Device()
        let initiation = try X3DH.initiate(ourIdentity: aliceDevice.identity, theirBundle: bob.bundle())
        var alice = try RatchetSession.initiating(
            sharedSecret: initiation.sharedSecret, associatedData: initiation.associatedData,
            ephemeralKey: X25519PublicKey(rawRepresentation: initiation.header.ephemeralKey),
            theirSignedPreKey: bob.signedPreKey.publicKey)
        let first = try alice.seal("first")
        let second = try alice.seal("second")

        // KDF_RK(SK, DH(ratchet key, SPK_B)): HKDF-SHA-256, salt SK, info "OMEMO Root Chain", 64 bytes.
        let dh = try bob.signedPreKey.sharedSecret(with: first.header.ratchetKey)
        let rootOutput = try HKDFSHA256.deriveKey(
            inputKeyMaterial: dh.bytes, salt: initiation.sharedSecret.bytes, info: Array("OMEMO Root Chain".utf8),
            length: 64)
        let chainKey = Array(rootOutput[32..<64])
        // KDF_CK: the message key is HMAC(ck, 0x01), the next chain key HMAC(ck, 0x02).
        let firstKey = try HMACSHA256.authenticate(key: chainKey, message: [0x01])
        let nextChainKey = try HMACSHA256.authenticate(key: chainKey, message: [0x02])
        let secondKey = try HMACSHA256.authenticate(key: nextChainKey, message: [0x01])

        for (message, messageKey, text) in [(first, firstKey, "first"), (second, secondKey, "second")] {
            // ENCRYPT: HKDF-SHA-256 of mk, salt 32 zero bytes, info "OMEMO Message Key Material", 80 bytes.
            let material = try HKDFSHA256.deriveKey(
                inputKeyMaterial: messageKey, salt: [UInt8](repeating: 0, count: 32),
                info: Array("OMEMO Message Key Material".utf8), length: 80)
            let plaintext = try AESCBC.decrypt(
                message.ciphertext, key: Array(material[0..<32]), iv: Array(material[64..<80]))
            #expect(plaintext == Array(text.utf8))
            let tag = try HMACSHA256.authenticate(
                key: Array(material[32..<64]), message: initiation.associatedData + message.encoded)
            #expect(message.mac == Array(tag.prefix(16)))
        }
    }
}
