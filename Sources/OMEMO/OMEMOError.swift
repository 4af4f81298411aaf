import OMEMOCrypto
import OMEMOSession
import XMPPExtensions

/// Why the engine could not encrypt to a device or decrypt a message. No case carries key material;
/// a decryption that throws leaves the device and the session as they were.
public enum OMEMOError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The message has no key for our device (for OMEMO 2: none in our account's `<keys/>`).
    case noKeyForDevice
    /// The message was sent by this device (a carbon or archive copy): no device encrypts to itself.
    case sentByThisDevice
    /// The key is a plain message, not a key exchange, and there is no session with the sender.
    case noSession
    /// A message's tag does not match: altered, or not for this session.
    case badMAC
    /// The message was decrypted before (a replay), or is older than every kept key.
    case duplicateMessage
    /// The key exchange names a one-time prekey we do not have (used up, or never ours).
    case unknownPreKey(UInt32)
    /// The key exchange names a signed prekey we do not have (rotated out, or never ours).
    case unknownSignedPreKey(UInt32)
    /// The key exchange uses no one-time prekey (0.3 allows it; Tern does not).
    case missingPreKey
    /// A recipient has neither a session nor a bundle.
    case noBundle
    /// The bundle's signed prekey signature does not verify under its identity key.
    case badBundleSignature
    /// The bundle has a key of the wrong length or that is no curve point, or no prekeys.
    case invalidBundle
    /// The session or bundle is of the other OMEMO version.
    case versionMismatch
    /// A key or payload that does not parse (protobuf, lengths, the IV).
    case malformed(String)
    /// The payload's tag does not match the key material.
    case badPayload
    /// Another session failure (too many skipped messages, no sending chain).
    case session(OMEMOSessionError)
    /// A primitive failed (OpenSSL).
    case crypto(OMEMOCryptoError)

    /// The engine's error for a session's.
    init(_ error: OMEMOSessionError) {
        switch error {
        case .badMAC: self = .badMAC
        case .duplicateMessage: self = .duplicateMessage
        case .badSignedPreKeySignature: self = .badBundleSignature
        case .crypto(.invalidPublicKey), .crypto(.invalidLength): self = .malformed("key")
        default: self = .session(error)
        }
    }

    public var description: String {
        switch self {
        case .noKeyForDevice: "the message was not encrypted for this device"
        case .sentByThisDevice: "the message was sent by this device"
        case .noSession: "no session with the sending device, and the message does not start one"
        case .badMAC: "the message's authentication tag does not match"
        case .duplicateMessage: "the message was received before"
        case .unknownPreKey(let id): "the message uses prekey \(id), which this device does not have"
        case .unknownSignedPreKey(let id): "the message uses signed prekey \(id), which this device does not have"
        case .missingPreKey: "the key exchange uses no one-time prekey"
        case .noBundle: "no session with the device and no bundle to start one"
        case .badBundleSignature: "the bundle's signed prekey signature does not verify"
        case .invalidBundle: "the bundle has an invalid key or no prekeys"
        case .versionMismatch: "the session or bundle is of the other OMEMO version"
        case .malformed(let what): "the message's \(what) does not parse"
        case .badPayload: "the payload's authentication tag does not match"
        case .session(let error): "the session failed: \(error)"
        case .crypto(let error): "a cryptographic primitive failed: \(error)"
        }
    }
}
