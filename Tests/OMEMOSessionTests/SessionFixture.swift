import Foundation
import OMEMOCrypto
import OMEMOSession

/// Bytes from hexadecimal digits, for test vectors.
func hex(_ text: String) -> [UInt8] {
    let digits = Array(text.filter { !$0.isWhitespace })
    return stride(from: 0, to: digits.count, by: 2).map { UInt8(String(digits[$0...$0 + 1]), radix: 16)! }
}

/// A test serialisation of a header and ciphertext (the wire codec is OMEMO 2's protobuf, elsewhere):
/// ratchet key ‖ n ‖ pn (big-endian) ‖ ciphertext.
func testEncoding(_ header: RatchetHeader, _ ciphertext: [UInt8]) -> [UInt8] {
    func bigEndian(_ value: UInt32) -> [UInt8] { (0..<4).map { UInt8(truncatingIfNeeded: value >> (24 - 8 * $0)) } }
    return header.ratchetKey.rawRepresentation + bigEndian(header.counter) + bigEndian(header.previousCounter)
        + ciphertext
}

/// One device's long-term keys: its identity, a signed prekey and a one-time prekey.
struct Device {
    let identity: IdentityKeyPair
    let signedPreKey: X25519PrivateKey
    let preKey: X25519PrivateKey

    init() throws {
        identity = try IdentityKeyPair(signingKey: .generate())
        signedPreKey = try .generate()
        preKey = try .generate()
    }

    /// The bundle the device publishes for `version`, with its one prekey picked.
    func bundle(_ version: SessionVersion = .omemo2) throws -> X3DH.Bundle {
        X3DH.Bundle(
            identityKey: identity.identityKey(for: version), signedPreKeyID: 1, signedPreKey: signedPreKey.publicKey,
            signedPreKeySignature: try identity.signature(forSignedPreKey: signedPreKey.publicKey, version: version),
            preKeyID: 7, preKey: preKey.publicKey)
    }
}

/// Alice's and Bob's sessions of one version after X3DH, with Bob's built from Alice's key exchange
/// header, and Bob's device keys.
struct SessionPair {
    var alice: RatchetSession
    var bob: RatchetSession
    let bobDevice: Device

    /// `keyExchange`: the initiator keeps X3DH's header to send until the first answer.
    init(_ version: SessionVersion, keyExchange: Bool = false) throws {
        let aliceDevice = try Device()
        bobDevice = try Device()
        let initiation = try X3DH.initiate(ourIdentity: aliceDevice.identity, theirBundle: bobDevice.bundle(version))
        let ephemeral = try X25519PublicKey(rawRepresentation: initiation.header.ephemeralKey)
        alice = try .initiating(
            version: version, sharedSecret: initiation.sharedSecret, associatedData: initiation.associatedData,
            ephemeralKey: ephemeral,
            theirSignedPreKey: bobDevice.signedPreKey.publicKey, keyExchange: keyExchange ? initiation.header : nil)
        let response = try X3DH.respond(
            ourIdentity: bobDevice.identity, signedPreKey: bobDevice.signedPreKey, preKey: bobDevice.preKey,
            theirIdentityKey: IdentityPublicKey(encoded: initiation.header.identityKey, version: version),
            theirEphemeralKey: ephemeral)
        bob = .responding(
            version: version, sharedSecret: response.sharedSecret, associatedData: response.associatedData,
            ephemeralKey: ephemeral,
            ourSignedPreKey: bobDevice.signedPreKey)
    }
}

extension RatchetSession {
    /// Encrypts a text with the test encoding.
    mutating func seal(_ text: String) throws -> RatchetMessage {
        try encrypt(Array(text.utf8), encode: testEncoding)
    }

    /// Decrypts to a text.
    mutating func open(_ message: RatchetMessage) throws -> String {
        String(decoding: try decrypt(message), as: UTF8.self)
    }

    /// The session's stored form, to compare states and restore them.
    func stored() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return try encoder.encode(self)
    }
}
