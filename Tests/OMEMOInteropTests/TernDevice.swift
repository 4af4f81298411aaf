import Foundation
import OMEMO
import OMEMOCrypto
import OMEMOSession
import TestSupport
import Testing
import XMPPCore
import XMPPExtensions

/// Tern's side of an interop session: a device's keys and its one `RatchetSession`, with messages
/// in OMEMO 2's wire form (OMEMOKeyExchange, OMEMOAuthenticatedMessage, OMEMOMessage) or OMEMO 0.3's
/// (PreKeySignalMessage, SignalMessage and its MAC) as the python peer reads and writes them, through
/// the engine's own glue (`OMEMOWire`).
struct TernDevice {
    let version: SessionVersion
    let identity: IdentityKeyPair
    let signedPreKey: X25519PrivateKey
    let preKey: X25519PrivateKey
    static let signedPreKeyID: UInt32 = 5
    static let preKeyID: UInt32 = 42
    var session: RatchetSession?

    init(version: SessionVersion = .omemo2) throws {
        self.version = version
        identity = try IdentityKeyPair(signingKey: .generate())
        signedPreKey = try .generate()
        preKey = try .generate()
    }

    /// Our `<bundle xmlns='urn:xmpp:omemo:2'/>` (or `<bundle xmlns='eu.siacs.conversations.axolotl'/>`)
    /// as XML text, with our one prekey.
    func bundle() throws -> String {
        let identityKey: IdentityPublicKey = identity.identityKey(for: version)
        return OMEMOBundle(
            version: version == .omemo2 ? .omemo2 : .legacy, signedPreKeyID: Self.signedPreKeyID,
            signedPreKey: signedPreKey.publicKey.rawRepresentation,
            signedPreKeySignature: try identity.signature(forSignedPreKey: signedPreKey.publicKey, version: version),
            identityKey: Array(identityKey.encoded.suffix(32)),
            preKeys: [OMEMOBundle.PreKey(id: Self.preKeyID, key: preKey.publicKey.rawRepresentation)]
        ).element.serialized()
    }

    /// X3DH against the peer's `<bundle/>` (XML text, its first prekey) and the first message: the
    /// serialised OMEMOKeyExchange or PreKeySignalMessage.
    mutating func initiate(_ bundleXML: String, _ plaintext: String) throws -> String {
        let bundle = try OMEMOBundle(#require(XMLElement.parse(bundleXML)))
        let prekey = try #require(bundle.preKeys.first)
        let theirs = try X3DH.Bundle(
            identityKey: version == .omemo2
                ? .ed25519(Ed25519PublicKey(rawRepresentation: bundle.identityKey))
                : .curve25519(X25519PublicKey(rawRepresentation: bundle.identityKey)),
            signedPreKeyID: bundle.signedPreKeyID,
            signedPreKey: X25519PublicKey(rawRepresentation: bundle.signedPreKey),
            signedPreKeySignature: bundle.signedPreKeySignature, preKeyID: prekey.id,
            preKey: X25519PublicKey(rawRepresentation: prekey.key))
        let initiation = try X3DH.initiate(ourIdentity: identity, theirBundle: theirs)
        session = try .initiating(
            version: version, sharedSecret: initiation.sharedSecret, associatedData: initiation.associatedData,
            ephemeralKey: X25519PublicKey(rawRepresentation: initiation.header.ephemeralKey),
            theirSignedPreKey: theirs.signedPreKey)
        return OMEMOKey.base64(OMEMOWire.keyExchange(initiation.header, try encryptRatchet(plaintext), version))
    }

    /// Builds the session from the peer's OMEMOKeyExchange or PreKeySignalMessage (which must name our
    /// prekeys) and decrypts its first message.
    mutating func accept(_ keyExchange: String) throws -> String {
        let exchange = try OMEMOWire.parseKeyExchange(bytes(.string(keyExchange)), version)
        #expect(exchange.header.signedPreKeyID == Self.signedPreKeyID)
        #expect(exchange.preKeyID == Self.preKeyID)
        let ephemeral = try X25519PublicKey(rawRepresentation: exchange.header.ephemeralKey)
        let agreed = try X3DH.respond(
            ourIdentity: identity, signedPreKey: signedPreKey, preKey: preKey, theirIdentityKey: exchange.identityKey,
            theirEphemeralKey: ephemeral)
        session = .responding(
            version: version, sharedSecret: agreed.sharedSecret, associatedData: agreed.associatedData,
            ephemeralKey: ephemeral, ourSignedPreKey: signedPreKey)
        return try decrypt(exchange.message)
    }

    /// Stores the session and continues with what was stored, as after a restart.
    mutating func restore() throws {
        let stored = try JSONEncoder().encode(try #require(session))
        session = try JSONDecoder().decode(RatchetSession.self, from: stored)
    }

    /// A serialised OMEMOAuthenticatedMessage (or SignalMessage and MAC) of `plaintext`, in base64.
    mutating func encrypt(_ plaintext: String) throws -> String {
        OMEMOKey.base64(OMEMOWire.message(try encryptRatchet(plaintext), version))
    }

    /// The plaintext of a serialised OMEMOAuthenticatedMessage (or SignalMessage and MAC) in base64.
    mutating func decrypt(_ message: String) throws -> String {
        try decrypt(OMEMOWire.parseMessage(bytes(.string(message)), version))
    }

    private mutating func encryptRatchet(_ plaintext: String) throws -> RatchetMessage {
        var next = try #require(session)
        let message = try next.encrypt(Array(plaintext.utf8), encode: OMEMOWire.encoder(version))
        session = next
        return message
    }

    private mutating func decrypt(_ message: RatchetMessage) throws -> String {
        var next = try #require(session)
        let plaintext = try next.decrypt(message)
        session = next
        return String(decoding: plaintext, as: UTF8.self)
    }
}

/// The bytes of a base64 field of the peer's reply.
func bytes(_ field: JSONValue?) throws -> [UInt8] {
    try #require(field?.string.flatMap(OMEMOKey.base64))
}
