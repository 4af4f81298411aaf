import OMEMOCrypto
import OMEMOSession
import XMPPCore
import XMPPExtensions

/// XEP-0384's device engine between the wire formats (`XMPPExtensions/OMEMO`) and the sessions
/// (`OMEMOSession`): encrypts a message to a set of devices and decrypts one addressed to ours, in
/// either version. Pure: no I/O, no store, no clock; the caller passes sessions and bundles in and
/// stores what comes out.
public enum OMEMOEngine {
    /// Encrypts `plaintext` (nil: an empty message, heartbeat or key transport, XEP-0384 §Message
    /// structure) once with `OMEMOPayload` and its key material to every recipient with `version`'s
    /// formats. A recipient with a session uses it (as a key exchange until the session is confirmed);
    /// one without starts a session from its bundle with a random one-time prekey. A recipient whose
    /// bundle is bad or who has neither is in `failed` with the reason, never silently left out.
    /// Throws only when the payload cannot be encrypted (OpenSSL).
    public static func encrypt(
        _ plaintext: [UInt8]?, version: OMEMOVersion, from own: OwnDevice, to recipients: [OMEMORecipient]
    ) throws(OMEMOError) -> OMEMOEncryption {
        let sealed = try OMEMOPayload.seal(plaintext, version: version)
        var keys: [OMEMOEncrypted.Key] = []
        var sessions: [OMEMOEncryption.RecipientSession] = []
        var failed: [OMEMOEncryption.Failure] = []
        for recipient in recipients {
            do {
                let (key, session) = try encryptKey(sealed.keyMaterial, version, own, recipient)
                keys.append(key)
                sessions.append(session)
            } catch {
                failed.append(.init(address: recipient.address, reason: error))
            }
        }
        return OMEMOEncryption(
            encrypted: OMEMOEncrypted(
                version: version, sender: own.deviceID, keys: keys, iv: sealed.iv, payload: sealed.payload),
            sessions: sessions, failed: failed)
    }

    /// The key material encrypted to one recipient, and its session after.
    private static func encryptKey(
        _ keyMaterial: [UInt8], _ version: OMEMOVersion, _ own: OwnDevice, _ recipient: OMEMORecipient
    ) throws(OMEMOError) -> (OMEMOEncrypted.Key, OMEMOEncryption.RecipientSession) {
        let sessionVersion = version.sessionVersion
        var session: RatchetSession
        var newIdentityKey: [UInt8]?
        if let existing = recipient.session {
            guard existing.version == sessionVersion else { throw .versionMismatch }
            session = existing
        } else if let bundle = recipient.bundle {
            session = try startSession(own, bundle, version)
            newIdentityKey = bundle.identityKey
        } else {
            throw .noBundle
        }
        let message: RatchetMessage
        do { message = try session.encrypt(keyMaterial, encode: OMEMOWire.encoder(sessionVersion)) } catch {
            throw OMEMOError(error)
        }
        let data =
            session.pendingKeyExchange.map { OMEMOWire.keyExchange($0, message, sessionVersion) }
            ?? OMEMOWire.message(message, sessionVersion)
        let key = OMEMOEncrypted.Key(
            account: version == .omemo2 ? recipient.address.jid : nil, device: recipient.address.device,
            isKeyExchange: session.pendingKeyExchange != nil, data: data)
        return (key, .init(address: recipient.address, session: session, newIdentityKey: newIdentityKey))
    }

    /// X3DH as the initiator against `bundle` with one of its one-time prekeys picked at random.
    private static func startSession(_ own: OwnDevice, _ bundle: OMEMOBundle, _ version: OMEMOVersion)
        throws(OMEMOError) -> RatchetSession
    {
        guard bundle.version == version else { throw .versionMismatch }
        guard !bundle.preKeys.isEmpty else { throw .invalidBundle }
        let sessionVersion = version.sessionVersion
        let theirs: X3DH.Bundle
        do {
            let index = try SecureRandom.bytes(4).reduce(0) { $0 << 8 | Int($1) } % bundle.preKeys.count
            let preKey = bundle.preKeys[index]
            theirs = X3DH.Bundle(
                identityKey: try identityKey(bundle.identityKey, sessionVersion), signedPreKeyID: bundle.signedPreKeyID,
                signedPreKey: try X25519PublicKey(rawRepresentation: bundle.signedPreKey),
                signedPreKeySignature: bundle.signedPreKeySignature, preKeyID: preKey.id,
                preKey: try X25519PublicKey(rawRepresentation: preKey.key))
        } catch { throw .invalidBundle }
        do {
            let initiation = try X3DH.initiate(ourIdentity: own.identity, theirBundle: theirs)
            return try .initiating(
                version: sessionVersion, sharedSecret: initiation.sharedSecret,
                associatedData: initiation.associatedData,
                ephemeralKey: X25519PublicKey(rawRepresentation: initiation.header.ephemeralKey),
                theirSignedPreKey: theirs.signedPreKey, keyExchange: initiation.header)
        } catch let error as OMEMOSessionError { throw OMEMOError(error) } catch { throw .malformed("key") }
    }

    /// A bundle's identity key (32 bytes) in its version's form.
    private static func identityKey(_ bytes: [UInt8], _ version: SessionVersion) throws -> IdentityPublicKey {
        switch version {
        case .omemo2: .ed25519(try Ed25519PublicKey(rawRepresentation: bytes))
        case .omemo03: .curve25519(try X25519PublicKey(rawRepresentation: bytes))
        }
    }
}
