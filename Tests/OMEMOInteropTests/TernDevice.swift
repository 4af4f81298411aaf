import Foundation
import OMEMOCrypto
import OMEMOSession
import TestSupport
import Testing
import XMPPCore
import XMPPExtensions

/// Tern's side of an interop session: a device's keys and its one `RatchetSession`, with messages
/// in OMEMO 2's wire form (OMEMOKeyExchange, OMEMOAuthenticatedMessage, OMEMOMessage) or OMEMO 0.3's
/// (PreKeySignalMessage, SignalMessage and its MAC) as the python peer reads and writes them.
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
        let header = initiation.header
        let message = try encryptRatchet(plaintext)
        guard version == .omemo03 else {
            return OMEMOKey.base64(
                OMEMOKeyExchange(
                    pkID: header.preKeyID, spkID: header.signedPreKeyID, ik: header.identityKey,
                    ek: header.ephemeralKey, message: try OMEMOAuthenticatedMessage(wireBytes(message))
                ).bytes)
        }
        return OMEMOKey.base64(
            PreKeySignalMessage(
                registrationID: 0, preKeyID: header.preKeyID, signedPreKeyID: header.signedPreKeyID,
                baseKey: header.ephemeralKey, identityKey: Array(header.identityKey.dropFirst()),
                message: try SignalMessageFrame(wireBytes(message))
            ).bytes)
    }

    /// Builds the session from the peer's OMEMOKeyExchange or PreKeySignalMessage (which must name our
    /// prekeys) and decrypts its first message.
    mutating func accept(_ keyExchange: String) throws -> String {
        let wire = try bytes(.string(keyExchange))
        let (spkID, pkID, identityKey, ephemeralKey, message): (UInt32, UInt32?, IdentityPublicKey, [UInt8], [UInt8])
        if version == .omemo2 {
            let exchange = try OMEMOKeyExchange(wire)
            (spkID, pkID, ephemeralKey, message) = (exchange.spkID, exchange.pkID, exchange.ek, exchange.message.bytes)
            identityKey = .ed25519(try Ed25519PublicKey(rawRepresentation: exchange.ik))
        } else {
            let exchange = try PreKeySignalMessage(wire)
            (spkID, pkID, ephemeralKey) = (exchange.signedPreKeyID, exchange.preKeyID, exchange.baseKey)
            (identityKey, message) = (
                .curve25519(try X25519PublicKey(rawRepresentation: exchange.identityKey)), exchange.message.bytes
            )
        }
        #expect(spkID == Self.signedPreKeyID)
        #expect(pkID == Self.preKeyID)
        let ephemeral = try X25519PublicKey(rawRepresentation: ephemeralKey)
        let agreed = try X3DH.respond(
            ourIdentity: identity, signedPreKey: signedPreKey, preKey: preKey, theirIdentityKey: identityKey,
            theirEphemeralKey: ephemeral)
        session = .responding(
            version: version, sharedSecret: agreed.sharedSecret, associatedData: agreed.associatedData,
            ephemeralKey: ephemeral, ourSignedPreKey: signedPreKey)
        return try decrypt(message)
    }

    /// Stores the session and continues with what was stored, as after a restart.
    mutating func restore() throws {
        let stored = try JSONEncoder().encode(try #require(session))
        session = try JSONDecoder().decode(RatchetSession.self, from: stored)
    }

    /// A serialised OMEMOAuthenticatedMessage (or SignalMessage and MAC) of `plaintext`, in base64.
    mutating func encrypt(_ plaintext: String) throws -> String {
        OMEMOKey.base64(try wireBytes(encryptRatchet(plaintext)))
    }

    /// The plaintext of a serialised OMEMOAuthenticatedMessage (or SignalMessage and MAC) in base64.
    mutating func decrypt(_ message: String) throws -> String {
        try decrypt(bytes(.string(message)))
    }

    private mutating func encryptRatchet(_ plaintext: String) throws -> RatchetMessage {
        var next = try #require(session)
        let message = try next.encrypt(Array(plaintext.utf8), encode: version == .omemo2 ? Self.encode : Self.encode03)
        session = next
        return message
    }

    private mutating func decrypt(_ bytes: [UInt8]) throws -> String {
        let (key, counter, previous, ciphertext, encoded, mac): ([UInt8], UInt32, UInt32, [UInt8], [UInt8], [UInt8])
        if version == .omemo2 {
            let message = try OMEMOAuthenticatedMessage(bytes)
            let wire = message.message
            (key, counter, previous, ciphertext) = (wire.dhPub, wire.n, wire.pn, wire.ciphertext ?? [])
            (encoded, mac) = (message.messageBytes, message.mac)
        } else {
            let frame = try SignalMessageFrame(bytes)
            let wire = frame.message
            (key, counter, previous, ciphertext) = (
                wire.ratchetKey, wire.counter, wire.previousCounter, wire.ciphertext
            )
            (encoded, mac) = (frame.versionedBytes, frame.mac)
        }
        let ratchet = RatchetMessage(
            header: RatchetHeader(
                ratchetKey: try X25519PublicKey(rawRepresentation: key), counter: counter, previousCounter: previous),
            ciphertext: ciphertext, encoded: encoded, mac: mac)
        var next = try #require(session)
        let plaintext = try next.decrypt(ratchet)
        session = next
        return String(decoding: plaintext, as: UTF8.self)
    }

    /// A message as sent: OMEMO 2's OMEMOAuthenticatedMessage protobuf, or 0.3's SignalMessage and MAC.
    private func wireBytes(_ message: RatchetMessage) throws -> [UInt8] {
        guard version == .omemo2 else { return message.encoded + message.mac }
        return OMEMOAuthenticatedMessage(try OMEMOMessage(message.encoded), mac: message.mac).bytes
    }

    /// OMEMO 2's serialisation of a header and ciphertext: an OMEMOMessage.
    static func encode(_ header: RatchetHeader, _ ciphertext: [UInt8]) -> [UInt8] {
        OMEMOMessage(
            n: header.counter, pn: header.previousCounter, dhPub: header.ratchetKey.rawRepresentation,
            ciphertext: ciphertext
        ).bytes
    }

    /// OMEMO 0.3's: the version byte and a SignalMessage.
    static func encode03(_ header: RatchetHeader, _ ciphertext: [UInt8]) -> [UInt8] {
        SignalMessage(
            ratchetKey: header.ratchetKey.rawRepresentation, counter: header.counter,
            previousCounter: header.previousCounter, ciphertext: ciphertext
        ).versionedBytes
    }
}

/// The bytes of a base64 field of the peer's reply.
func bytes(_ field: JSONValue?) throws -> [UInt8] {
    try #require(field?.string.flatMap(OMEMOKey.base64))
}
