import OMEMO
import OMEMOCrypto
import Testing
import XMPPExtensions

/// The payload layer of each version: sizes, round trips, refusals.
@Suite struct OMEMOPayloadTests {
    @Test(arguments: OMEMOVersion.allCases, [[], Array("hello".utf8), [UInt8](repeating: 7, count: 1000)])
    func aSealedPayloadOpens(version: OMEMOVersion, plaintext: [UInt8]) throws {
        let sealed = try OMEMOPayload.seal(plaintext, version: version)
        #expect(sealed.keyMaterial.count == (version == .omemo2 ? 48 : 32))
        #expect(sealed.iv?.count == (version == .legacy ? 12 : nil))
        let payload = try #require(sealed.payload)
        #expect(
            try OMEMOPayload.open(payload, iv: sealed.iv, keyMaterial: sealed.keyMaterial, version: version)
                == plaintext)
    }

    /// XEP-0384: an empty OMEMO 2 message encrypts 32 zero bytes; a 0.3 one a fresh 16-byte key and an IV.
    @Test func emptyMessagesKeyMaterial() throws {
        let empty2 = try OMEMOPayload.seal(nil, version: .omemo2)
        #expect(empty2.keyMaterial == [UInt8](repeating: 0, count: 32))
        #expect(empty2.payload == nil && empty2.iv == nil)
        let empty03 = try OMEMOPayload.seal(nil, version: .legacy)
        #expect(empty03.keyMaterial.count == 16 && empty03.iv?.count == 12 && empty03.payload == nil)
    }

    /// OMEMO 2 by the XEP's steps, with the primitives directly.
    @Test func omemo2FollowsTheXEPsSteps() throws {
        let sealed = try OMEMOPayload.seal(Array("steps".utf8), version: .omemo2)
        let key = Array(sealed.keyMaterial.prefix(32))
        let output = try HKDFSHA256.deriveKey(
            inputKeyMaterial: key, salt: [UInt8](repeating: 0, count: 32), info: Array("OMEMO Payload".utf8),
            length: 80)
        let payload = try #require(sealed.payload)
        let tag = try HMACSHA256.authenticate(key: Array(output[32..<64]), message: payload)
        #expect(Array(sealed.keyMaterial.suffix(16)) == Array(tag.prefix(16)))
        #expect(
            try AESCBC.decrypt(payload, key: Array(output[0..<32]), iv: Array(output[64..<80])) == Array("steps".utf8))
    }

    /// 0.3 by AES-128-GCM directly, and the older layout with the tag after the ciphertext.
    @Test func legacyIsAES128GCM() throws {
        let sealed = try OMEMOPayload.seal(Array("gcm".utf8), version: .legacy)
        let payload = try #require(sealed.payload)
        let iv = try #require(sealed.iv)
        let opened = try AESGCM.open(
            .init(ciphertext: payload, tag: Array(sealed.keyMaterial.suffix(16))),
            key: Array(sealed.keyMaterial.prefix(16)), iv: iv)
        #expect(opened == Array("gcm".utf8))
        #expect(
            try OMEMOPayload.open(
                payload + sealed.keyMaterial.suffix(16), iv: iv, keyMaterial: Array(sealed.keyMaterial.prefix(16)),
                version: .legacy) == Array("gcm".utf8))
    }

    @Test(arguments: OMEMOVersion.allCases) func alteredPayloadsAndKeysAreRefused(version: OMEMOVersion) throws {
        let sealed = try OMEMOPayload.seal(Array("pay 10".utf8), version: version)
        var payload = try #require(sealed.payload)
        payload[payload.count - 1] ^= 1
        #expect(throws: OMEMOError.badPayload) {
            try OMEMOPayload.open(payload, iv: sealed.iv, keyMaterial: sealed.keyMaterial, version: version)
        }
        var key = sealed.keyMaterial
        key[key.count - 1] ^= 1
        #expect(throws: OMEMOError.badPayload) {
            try OMEMOPayload.open(
                #require(sealed.payload), iv: sealed.iv, keyMaterial: key, version: version)
        }
        #expect(throws: OMEMOError.malformed("key material")) {
            try OMEMOPayload.open(
                #require(sealed.payload), iv: sealed.iv, keyMaterial: Array(key.prefix(20)), version: version)
        }
    }

    @Test func aLegacyPayloadWithoutA12ByteIVIsRefused() throws {
        let sealed = try OMEMOPayload.seal(Array("x".utf8), version: .legacy)
        #expect(throws: OMEMOError.malformed("IV")) {
            try OMEMOPayload.open(#require(sealed.payload), iv: nil, keyMaterial: sealed.keyMaterial, version: .legacy)
        }
    }
}
