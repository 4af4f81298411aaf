import OMEMOCrypto
import OMEMOSession
import XMPPExtensions

/// The glue between a `RatchetSession` and what a `<key/>` carries (XEP-0384 §Protobuf Schema):
/// OMEMO 2's OMEMOKeyExchange, OMEMOAuthenticatedMessage and OMEMOMessage, or OMEMO 0.3's (libsignal's)
/// PreKeySignalMessage and SignalMessage with its MAC. The tag covers the message bytes as sent, so a
/// parsed message keeps them (`RatchetMessage.encoded`).
public enum OMEMOWire {
    /// The serialisation of a header and ciphertext the tag covers: an OMEMOMessage (OMEMO 2), or the
    /// version byte and a SignalMessage (0.3).
    public static func encoder(_ version: SessionVersion) -> RatchetMessageEncoder {
        switch version {
        case .omemo2: { header, ciphertext in omemoMessage(header, ciphertext).bytes }
        case .omemo03:
            { header, ciphertext in
                SignalMessage(
                    ratchetKey: header.ratchetKey.rawRepresentation, counter: header.counter,
                    previousCounter: header.previousCounter, ciphertext: ciphertext
                ).versionedBytes
            }
        }
    }

    /// A message as a `<key/>` carries it: OMEMOAuthenticatedMessage, or SignalMessage and MAC.
    public static func message(_ message: RatchetMessage, _ version: SessionVersion) -> [UInt8] {
        switch version {
        case .omemo2: authenticated(message).bytes
        case .omemo03: message.encoded + message.mac
        }
    }

    /// A message wrapped in the key exchange that opens the session: OMEMOKeyExchange, or
    /// PreKeySignalMessage (registration id 0, keys with their type byte).
    public static func keyExchange(
        _ header: X3DH.KeyExchangeHeader, _ message: RatchetMessage, _ version: SessionVersion
    ) -> [UInt8] {
        switch version {
        case .omemo2:
            OMEMOKeyExchange(
                pkID: header.preKeyID, spkID: header.signedPreKeyID, ik: header.identityKey,
                ek: header.ephemeralKey, message: authenticated(message)
            ).bytes
        case .omemo03:
            PreKeySignalMessage(
                registrationID: 0, preKeyID: header.preKeyID, signedPreKeyID: header.signedPreKeyID,
                baseKey: header.ephemeralKey, identityKey: Array(header.identityKey.dropFirst()),
                message: SignalMessageFrame(
                    SignalMessage(
                        ratchetKey: message.header.ratchetKey.rawRepresentation, counter: message.header.counter,
                        previousCounter: message.header.previousCounter, ciphertext: message.ciphertext),
                    mac: message.mac)
            ).bytes
        }
    }

    /// Reads an OMEMOAuthenticatedMessage, or a SignalMessage and MAC.
    public static func parseMessage(_ bytes: [UInt8], _ version: SessionVersion) throws(OMEMOError) -> RatchetMessage {
        do {
            switch version {
            case .omemo2: return try ratchetMessage(OMEMOAuthenticatedMessage(bytes))
            case .omemo03: return try ratchetMessage(SignalMessageFrame(bytes))
            }
        } catch { throw .malformed("message") }
    }

    /// A parsed key exchange: X3DH's header (the identity key in the version's encoding), the sender's
    /// identity key, and the first message.
    public struct KeyExchange: Sendable {
        public var header: X3DH.KeyExchangeHeader
        public var identityKey: IdentityPublicKey
        /// The one-time prekey's id; nil when a 0.3 sender used none.
        public var preKeyID: UInt32?
        public var message: RatchetMessage
    }

    /// Reads an OMEMOKeyExchange or a PreKeySignalMessage.
    public static func parseKeyExchange(_ bytes: [UInt8], _ version: SessionVersion) throws(OMEMOError)
        -> KeyExchange
    {
        do {
            switch version {
            case .omemo2:
                let exchange = try OMEMOKeyExchange(bytes)
                return KeyExchange(
                    header: .init(
                        identityKey: exchange.ik, ephemeralKey: exchange.ek, signedPreKeyID: exchange.spkID,
                        preKeyID: exchange.pkID),
                    identityKey: .ed25519(try Ed25519PublicKey(rawRepresentation: exchange.ik)),
                    preKeyID: exchange.pkID, message: try ratchetMessage(exchange.message))
            case .omemo03:
                let exchange = try PreKeySignalMessage(bytes)
                let identity = IdentityPublicKey.curve25519(
                    try X25519PublicKey(rawRepresentation: exchange.identityKey))
                return KeyExchange(
                    header: .init(
                        identityKey: identity.encoded, ephemeralKey: exchange.baseKey,
                        signedPreKeyID: exchange.signedPreKeyID, preKeyID: exchange.preKeyID ?? 0),
                    identityKey: identity, preKeyID: exchange.preKeyID,
                    message: try ratchetMessage(exchange.message))
            }
        } catch { throw .malformed("key exchange") }
    }

    private static func omemoMessage(_ header: RatchetHeader, _ ciphertext: [UInt8]) -> OMEMOMessage {
        OMEMOMessage(
            n: header.counter, pn: header.previousCounter, dhPub: header.ratchetKey.rawRepresentation,
            ciphertext: ciphertext)
    }

    private static func authenticated(_ message: RatchetMessage) -> OMEMOAuthenticatedMessage {
        OMEMOAuthenticatedMessage(omemoMessage(message.header, message.ciphertext), mac: message.mac)
    }

    private static func ratchetMessage(_ message: OMEMOAuthenticatedMessage) throws -> RatchetMessage {
        let wire = message.message
        return RatchetMessage(
            header: RatchetHeader(
                ratchetKey: try X25519PublicKey(rawRepresentation: wire.dhPub), counter: wire.n,
                previousCounter: wire.pn),
            ciphertext: wire.ciphertext ?? [], encoded: message.messageBytes, mac: message.mac)
    }

    private static func ratchetMessage(_ frame: SignalMessageFrame) throws -> RatchetMessage {
        let wire = frame.message
        return RatchetMessage(
            header: RatchetHeader(
                ratchetKey: try X25519PublicKey(rawRepresentation: wire.ratchetKey), counter: wire.counter,
                previousCounter: wire.previousCounter),
            ciphertext: wire.ciphertext, encoded: frame.versionedBytes, mac: frame.mac)
    }
}

extension OMEMOVersion {
    /// The session parameters of this wire version.
    public var sessionVersion: SessionVersion {
        switch self {
        case .legacy: .omemo03
        case .omemo2: .omemo2
        }
    }
}
