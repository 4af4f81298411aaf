import OMEMOCrypto
import OMEMOSession
import XMPPExtensions

/// One device of ours (XEP-0384 §Setup, §Bundles): its id, identity key pair, signed prekey (with the
/// ones it replaced, kept a while for key exchanges still under way) and one-time prekeys.
///
/// A value type the caller stores as a blob (`Codable`, the private keys inside) and publishes as a
/// bundle. Its description shows the device id and fingerprint, never a secret. Times are Unix
/// milliseconds passed in; the keys come from OpenSSL's random generator.
public struct OwnDevice: Codable, Sendable {
    /// The device id, random in 1…2^31 - 1.
    public let deviceID: UInt32
    public var identity: IdentityKeyPair
    /// The signed prekey in the bundle.
    public internal(set) var signedPreKey: SignedPreKey
    /// Signed prekeys rotated out less than `previousSignedPreKeyLifetime` ago (as of the last rotation).
    public internal(set) var previousSignedPreKeys: [SignedPreKey]
    /// The unused one-time prekeys, in id order.
    public internal(set) var preKeys: [PreKey]
    /// The last one-time prekey id handed out; ids are not reused.
    public internal(set) var lastPreKeyID: UInt32

    /// How many one-time prekeys a bundle holds (XEP-0384 asks for at least 25, recommends 100).
    public static let preKeyCount = 100
    /// The age at which the signed prekey is replaced: 7 days.
    public static let signedPreKeyRotation: Int64 = 7 * 24 * 3600 * 1000
    /// How long a replaced signed prekey still answers key exchanges: 30 days.
    public static let previousSignedPreKeyLifetime: Int64 = 30 * 24 * 3600 * 1000
    /// The largest id of a device, prekey or signed prekey (2^31 - 1).
    public static let maximumID: UInt32 = 0x7FFF_FFFF

    /// A one-time prekey: its id and X25519 key pair.
    public struct PreKey: Codable, Sendable {
        public let id: UInt32
        let privateKey: X25519PrivateKey

        public var publicKey: X25519PublicKey { privateKey.publicKey }
    }

    /// A signed prekey: its id, X25519 key pair, and when it was made and (once replaced) retired.
    public struct SignedPreKey: Codable, Sendable {
        public let id: UInt32
        let privateKey: X25519PrivateKey
        public let createdAt: Int64
        public internal(set) var retiredAt: Int64?

        public var publicKey: X25519PublicKey { privateKey.publicKey }
    }

    /// A new device: a random id, a fresh identity, signed prekey 1 and `preKeyCount` one-time prekeys.
    public static func generate(now: Int64) throws(OMEMOError) -> OwnDevice {
        var id: UInt32 = 0
        let seed: Ed25519PrivateKey
        let signed: X25519PrivateKey
        do {
            while id == 0 { id = try SecureRandom.bytes(4).reduce(0) { $0 << 8 | UInt32($1) } & maximumID }
            (seed, signed) = (try .generate(), try .generate())
        } catch { throw .crypto(error) }
        let identity: IdentityKeyPair
        do { identity = try IdentityKeyPair(signingKey: seed) } catch { throw OMEMOError(error) }
        var device = OwnDevice(
            deviceID: id, identity: identity, signedPreKey: SignedPreKey(id: 1, privateKey: signed, createdAt: now),
            previousSignedPreKeys: [], preKeys: [], lastPreKeyID: 0)
        try device.refillPreKeys()
        return device
    }

    /// Adds one-time prekeys up to `preKeyCount`, with ids after every id handed out before (wrapping
    /// past 2^31 - 1 to the smallest ids not in use).
    public mutating func refillPreKeys() throws(OMEMOError) {
        var added: [PreKey] = []
        var last = lastPreKeyID
        while preKeys.count + added.count < Self.preKeyCount {
            last = last >= Self.maximumID ? 1 : last + 1
            guard !preKeys.contains(where: { $0.id == last }) else { continue }
            do { added.append(PreKey(id: last, privateKey: try .generate())) } catch { throw .crypto(error) }
        }
        preKeys += added
        lastPreKeyID = last
    }

    /// Replaces the signed prekey once it is `signedPreKeyRotation` old, keeping the replaced one and
    /// dropping those retired `previousSignedPreKeyLifetime` ago. True when it rotated: store the device
    /// and publish its bundle again.
    public mutating func rotateSignedPreKeyIfDue(now: Int64) throws(OMEMOError) -> Bool {
        guard now - signedPreKey.createdAt >= Self.signedPreKeyRotation else { return false }
        let next: X25519PrivateKey
        do { next = try .generate() } catch { throw .crypto(error) }
        var retired = signedPreKey
        retired.retiredAt = now
        previousSignedPreKeys =
            [retired]
            + previousSignedPreKeys.filter {
                now - ($0.retiredAt ?? now) < Self.previousSignedPreKeyLifetime
            }
        signedPreKey = SignedPreKey(
            id: signedPreKey.id >= Self.maximumID ? 1 : signedPreKey.id + 1, privateKey: next, createdAt: now)
        return true
    }

    /// The bundle to publish for `version`: the signed prekey signed in the version's way, every unused
    /// one-time prekey, and the identity key in the version's form (OMEMO 2: Ed25519; 0.3: Curve25519,
    /// as libsignal clients publish it).
    public func bundle(_ version: OMEMOVersion) throws(OMEMOError) -> OMEMOBundle {
        let sessionVersion = version.sessionVersion
        let signature: [UInt8]
        do {
            signature = try identity.signature(forSignedPreKey: signedPreKey.publicKey, version: sessionVersion)
        } catch { throw OMEMOError(error) }
        return OMEMOBundle(
            version: version, signedPreKeyID: signedPreKey.id, signedPreKey: signedPreKey.publicKey.rawRepresentation,
            signedPreKeySignature: signature,
            identityKey: Array(identity.identityKey(for: sessionVersion).encoded.suffix(OMEMOKey.length)),
            preKeys: preKeys.map { OMEMOBundle.PreKey(id: $0.id, key: $0.publicKey.rawRepresentation) })
    }

    /// The signed prekey (current or kept) with `id`.
    func signedPreKey(id: UInt32) -> SignedPreKey? {
        signedPreKey.id == id ? signedPreKey : previousSignedPreKeys.first { $0.id == id }
    }
}
