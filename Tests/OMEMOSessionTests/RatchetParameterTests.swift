import OMEMOCrypto
import OMEMOSession
import Testing

/// The ratchet's derivations checked by hand against XEP-0384 §4.2 (OMEMO 2) and libsignal's
/// `RootKey`, `ChainKey` and `SignalMessage` (OMEMO 0.3) with OMEMOCrypto's primitives, so a wrong info
/// string, constant or split, shared by both ends of a session, cannot pass unnoticed.
@Suite struct RatchetParameterTests {
    /// A version's specified constants, written out here rather than taken from the module.
    struct Parameters: Sendable, CustomTestStringConvertible {
        let version: SessionVersion
        let rootInfo: String
        let messageKeyInfo: String
        let tagLength: Int
        var testDescription: String { version.rawValue }
    }

    static let parameters = [
        Parameters(
            version: .omemo2, rootInfo: "OMEMO Root Chain", messageKeyInfo: "OMEMO Message Key Material", tagLength: 16),
        Parameters(version: .omemo03, rootInfo: "WhisperRatchet", messageKeyInfo: "WhisperMessageKeys", tagLength: 8),
    ]

    @Test(arguments: parameters) func initiatorMessagesFollowTheSpecifiedDerivations(_ parameters: Parameters) throws {
        let aliceDevice = try Device()
        let bob = try Device()
        let initiation = try X3DH.initiate(
            ourIdentity: aliceDevice.identity, theirBundle: bob.bundle(parameters.version))
        var alice = try RatchetSession.initiating(
            version: parameters.version, sharedSecret: initiation.sharedSecret,
            associatedData: initiation.associatedData,
            ephemeralKey: X25519PublicKey(rawRepresentation: initiation.header.ephemeralKey),
            theirSignedPreKey: bob.signedPreKey.publicKey)
        let first = try alice.seal("first")
        let second = try alice.seal("second")

        // KDF_RK(SK, DH(ratchet key, SPK_B)): HKDF-SHA-256, salt SK, the version's info, 64 bytes.
        let dh = try bob.signedPreKey.sharedSecret(with: first.header.ratchetKey)
        let rootOutput = try HKDFSHA256.deriveKey(
            inputKeyMaterial: dh.bytes, salt: initiation.sharedSecret.bytes, info: Array(parameters.rootInfo.utf8),
            length: 64)
        let chainKey = Array(rootOutput[32..<64])
        // KDF_CK: the message key is HMAC(ck, 0x01), the next chain key HMAC(ck, 0x02).
        let firstKey = try HMACSHA256.authenticate(key: chainKey, message: [0x01])
        let nextChainKey = try HMACSHA256.authenticate(key: chainKey, message: [0x02])
        let secondKey = try HMACSHA256.authenticate(key: nextChainKey, message: [0x01])

        for (message, messageKey, text) in [(first, firstKey, "first"), (second, secondKey, "second")] {
            // ENCRYPT: HKDF-SHA-256 of mk, salt 32 zero bytes, the version's info, 80 bytes.
            let material = try HKDFSHA256.deriveKey(
                inputKeyMaterial: messageKey, salt: [UInt8](repeating: 0, count: 32),
                info: Array(parameters.messageKeyInfo.utf8), length: 80)
            let plaintext = try AESCBC.decrypt(
                message.ciphertext, key: Array(material[0..<32]), iv: Array(material[64..<80]))
            #expect(plaintext == Array(text.utf8))
            let tag = try HMACSHA256.authenticate(
                key: Array(material[32..<64]), message: initiation.associatedData + message.encoded)
            #expect(message.mac == Array(tag.prefix(parameters.tagLength)))
        }
    }
}
