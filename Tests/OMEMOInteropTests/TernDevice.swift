import Foundation
import OMEMOCrypto
import OMEMOSession
import TestSupport
import Testing
import XMPPCore
import XMPPExtensions

/// Tern's side of an interop session: a device's keys and its one `RatchetSession`, with messages
/// in OMEMO 2's wire form (OMEMOKeyExchange, OMEMOAuthenticatedMessage, OMEMOMessage) as the
/// python peer reads and writes them.
struct TernDevice {
    let identity: IdentityKeyPair
    let signedPreKey: X25519PrivateKey
    let preKey: X25519PrivateKey
    static let signedPreKeyID: UInt32 = 5
    static let preKeyID: UInt32 = 42
    var session: RatchetSession?

    init() throws {
        identity = try IdentityKeyPair(signingKey: .generate())
        signedPreKey = try .generate()
        preKey = try .generate()
    }

    /// Our `<bundle xmlns='urn:xmpp:omemo:2'/>` as XML text, with our one prekey.
    func bundle() throws -> String {
        OMEMOBundle(
            version: .omemo2, signedPreKeyID: Self.signedPreKeyID,
            signedPreKey: signedPreKey.publicKey.rawRepresentation,
            signedPreKeySignature: try identity.signature(forSignedPreKey: signedPreKey.publicKey),
            identityKey: identity.publicKey.rawRepresentation,
            preKeys: [OMEMOBundle.PreKey(id: Self.preKeyID, key: preKey.publicKey.rawRepresentation)]
        ).element.serialized()
    }

    /// X3DH against the peer's `<bundle/>` (XML text, its first prekey) and the first message: the
    /// serialised OMEMOKeyExchange.
    mutating func initiate(_ bundleXML: String, _ plaintext: String) throws -> String {
        let bundle = try OMEMOBundle(#require(XMLElement.parse(bundleXML)))
        let prekey = try #require(bundle.preKeys.first)
        let theirs = try X3DH.Bundle(
            identityKey: Ed25519PublicKey(rawRepresentation: bundle.identityKey), signedPreKeyID: bundle.signedPreKeyID,
            signedPreKey: X25519PublicKey(rawRepresentation: bundle.signedPreKey),
            signedPreKeySignature: bundle.signedPreKeySignature, preKeyID: prekey.id,
            preKey: X25519PublicKey(rawRepresentation: prekey.key))
        let initiation = try X3DH.initiate(ourIdentity: identity, theirBundle: theirs)
        session = try .initiating(
            sharedSecret: initiation.sharedSecret, associatedData: initiation.associatedData,
            ephemeralKey: X25519PublicKey(rawRepresentation: initiation.header.ephemeralKey),
            theirSignedPreKey: theirs.signedPreKey)
        let header = initiation.header
        let exchange = OMEMOKeyExchange(
            pkID: header.preKeyID, spkID: header.signedPreKeyID, ik: header.identityKey, ek: header.ephemeralKey,
            message: try authenticated(plaintext))
        return OMEMOKey.base64(exchange.bytes)
    }

    /// Builds the session from the peer's OMEMOKeyExchange (which must name our prekeys) and
    /// decrypts its first message.
    mutating func accept(_ keyExchange: String) throws -> String {
        let exchange = try OMEMOKeyExchange(bytes(.string(keyExchange)))
        #expect(exchange.spkID == Self.signedPreKeyID)
        #expect(exchange.pkID == Self.preKeyID)
        let ephemeral = try X25519PublicKey(rawRepresentation: exchange.ek)
        let agreed = try X3DH.respond(
            ourIdentity: identity, signedPreKey: signedPreKey, preKey: preKey,
            theirIdentityKey: Ed25519PublicKey(rawRepresentation: exchange.ik), theirEphemeralKey: ephemeral)
        session = .responding(
            sharedSecret: agreed.sharedSecret, associatedData: agreed.associatedData, ephemeralKey: ephemeral,
            ourSignedPreKey: signedPreKey)
        return try decrypt(exchange.message)
    }

    /// Stores the session and continues with what was stored, as after a restart.
    mutating func restore() throws {
        let stored = try JSONEncoder().encode(try #require(session))
        session = try JSONDecoder().decode(RatchetSession.self, from: stored)
    }

    /// A serialised OMEMOAuthenticatedMessage of `plaintext`, in base64.
    mutating func encrypt(_ plaintext: String) throws -> String {
        OMEMOKey.base64(try authenticated(plaintext).bytes)
    }

    /// The plaintext of a serialised OMEMOAuthenticatedMessage in base64.
    mutating func decrypt(_ message: String) throws -> String {
        try decrypt(OMEMOAuthenticatedMessage(bytes(.string(message))))
    }

    private mutating func authenticated(_ plaintext: String) throws -> OMEMOAuthenticatedMessage {
        var next = try #require(session)
        let message = try next.encrypt(Array(plaintext.utf8), encode: Self.encode)
        session = next
        return OMEMOAuthenticatedMessage(try OMEMOMessage(message.encoded), mac: message.mac)
    }

    private mutating func decrypt(_ message: OMEMOAuthenticatedMessage) throws -> String {
        let wire = message.message
        let ratchet = RatchetMessage(
            header: RatchetHeader(
                ratchetKey: try X25519PublicKey(rawRepresentation: wire.dhPub), counter: wire.n,
                previousCounter: wire.pn),
            ciphertext: wire.ciphertext ?? [], encoded: message.messageBytes, mac: message.mac)
        var next = try #require(session)
        let plaintext = try next.decrypt(ratchet)
        session = next
        return String(decoding: plaintext, as: UTF8.self)
    }

    /// OMEMO 2's serialisation of a header and ciphertext: an OMEMOMessage.
    static func encode(_ header: RatchetHeader, _ ciphertext: [UInt8]) -> [UInt8] {
        OMEMOMessage(
            n: header.counter, pn: header.previousCounter, dhPub: header.ratchetKey.rawRepresentation,
            ciphertext: ciphertext
        ).bytes
    }
}

/// The bytes of a base64 field of the peer's reply.
func bytes(_ field: JSONValue?) throws -> [UInt8] {
    try #require(field?.string.flatMap(OMEMOKey.base64))
}
