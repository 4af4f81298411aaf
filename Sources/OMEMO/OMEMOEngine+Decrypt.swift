import OMEMOCrypto
import OMEMOSession
import XMPPCore
import XMPPExtensions

extension OMEMOEngine {
    /// Decrypts the key addressed to our device (`own.deviceID`, and in OMEMO 2 in the `<keys/>` of
    /// `ourJID`'s bare JID), then the payload (XEP-0384 §Receiving a message). A key exchange builds a
    /// new session from our signed prekey (current or kept) and the one-time prekey it names, which is
    /// removed from `own` (the caller stores `own`, refills and republishes). A key exchange that built
    /// `session` before (same ephemeral key, as when a device resends it until answered) is read with
    /// `session`, so a replay is `duplicateMessage`. Throws `sentByThisDevice`, `noKeyForDevice`,
    /// `noSession`, `badMAC`, `duplicateMessage`, `unknownPreKey`, `unknownSignedPreKey`,
    /// `missingPreKey`, `versionMismatch`, `malformed`, `badPayload` or `session`; then `own` is
    /// unchanged.
    public static func decrypt(
        _ encrypted: OMEMOEncrypted, from sender: JID, ourJID: JID, own: inout OwnDevice, session: RatchetSession?
    ) throws(OMEMOError) -> OMEMODecryption {
        if sender.bare == ourJID.bare && encrypted.sender == own.deviceID { throw .sentByThisDevice }
        guard let key = encrypted.key(for: own.deviceID, of: ourJID.bare) else { throw .noKeyForDevice }
        let version = encrypted.version.sessionVersion
        var device = own
        var result: OMEMODecryption
        var keyMaterial: [UInt8]
        if key.isKeyExchange {
            (result, keyMaterial) = try acceptKeyExchange(key.data, version, &device, session)
        } else {
            guard var current = session else { throw .noSession }
            guard current.version == version else { throw .versionMismatch }
            let message = try OMEMOWire.parseMessage(key.data, version)
            do { keyMaterial = try current.decrypt(message) } catch { throw OMEMOError(error) }
            result = OMEMODecryption(
                session: current, identityKey: publishedForm(current.peerIdentityKey), isKeyExchange: false)
        }
        result.needsEmptyMessage = result.isKeyExchange || crossesHeartbeatThreshold(from: session, to: result.session)
        if let payload = encrypted.payload {
            result.plaintext = try OMEMOPayload.open(
                payload, iv: encrypted.iv, keyMaterial: keyMaterial, version: encrypted.version)
        }
        own = device
        return result
    }

    /// A key exchange: with the session it built before, or a new session from our prekeys.
    private static func acceptKeyExchange(
        _ data: [UInt8], _ version: SessionVersion, _ device: inout OwnDevice, _ session: RatchetSession?
    ) throws(OMEMOError) -> (OMEMODecryption, [UInt8]) {
        let exchange = try OMEMOWire.parseKeyExchange(data, version)
        if var current = session, current.version == version, current.ephemeralKey == exchange.header.ephemeralKey {
            let keyMaterial: [UInt8]
            do { keyMaterial = try current.decrypt(exchange.message) } catch { throw OMEMOError(error) }
            let known = publishedForm(current.peerIdentityKey)
            return (OMEMODecryption(session: current, identityKey: known, isKeyExchange: false), keyMaterial)
        }
        guard let preKeyID = exchange.preKeyID else { throw .missingPreKey }
        guard let signedPreKey = device.signedPreKey(id: exchange.header.signedPreKeyID) else {
            throw .unknownSignedPreKey(exchange.header.signedPreKeyID)
        }
        guard let preKeyIndex = device.preKeys.firstIndex(where: { $0.id == preKeyID }) else {
            throw .unknownPreKey(preKeyID)
        }
        var next: RatchetSession
        let keyMaterial: [UInt8]
        do {
            let ephemeral: X25519PublicKey
            do { ephemeral = try X25519PublicKey(rawRepresentation: exchange.header.ephemeralKey) } catch {
                throw OMEMOError.malformed("key exchange")
            }
            let agreed = try X3DH.respond(
                ourIdentity: device.identity, signedPreKey: signedPreKey.privateKey,
                preKey: device.preKeys[preKeyIndex].privateKey, theirIdentityKey: exchange.identityKey,
                theirEphemeralKey: ephemeral)
            next = .responding(
                version: version, sharedSecret: agreed.sharedSecret, associatedData: agreed.associatedData,
                ephemeralKey: ephemeral, ourSignedPreKey: signedPreKey.privateKey)
            keyMaterial = try next.decrypt(exchange.message)
        } catch let error as OMEMOError { throw error } catch let error as OMEMOSessionError {
            throw OMEMOError(error)
        } catch { throw .malformed("key exchange") }
        device.preKeys.remove(at: preKeyIndex)
        let identityKey = publishedForm(exchange.identityKey.encoded)
        return (
            OMEMODecryption(session: next, identityKey: identityKey, isKeyExchange: true, preKeyID: preKeyID),
            keyMaterial
        )
    }

    /// Whether the receiving chain reached `heartbeatThreshold` + 1 messages with this one: in a chain
    /// new since `old`, or one that was below it.
    private static func crossesHeartbeatThreshold(from old: RatchetSession?, to new: RatchetSession) -> Bool {
        let threshold = OMEMODecryption.heartbeatThreshold
        guard let length = new.receivingChainLength, length > threshold else { return false }
        guard let old, old.peerRatchetKey == new.peerRatchetKey, let before = old.receivingChainLength else {
            return true
        }
        return before <= threshold
    }

    /// An identity key in the version's encoding (0.3: with its type byte) as bundles publish it (32 bytes).
    private static func publishedForm(_ encoded: [UInt8]) -> [UInt8] {
        Array(encoded.suffix(OMEMOKey.length))
    }
}

extension OMEMODecryption {
    init(session: RatchetSession, identityKey: [UInt8], isKeyExchange: Bool, preKeyID: UInt32? = nil) {
        self.init(
            plaintext: nil, session: session, identityKey: identityKey, isKeyExchange: isKeyExchange,
            preKeyID: preKeyID, needsEmptyMessage: false)
    }
}
