import OMEMOCrypto
import OMEMOSession
import XMPPExtensions

/// XEP-0384 §Security Considerations: a fingerprint is the identity key's public part in its
/// Curve25519 form (so that OMEMO 2 and 0.3 show the same one), as lowercase hex split into 8 groups
/// of 8. Conversations shows 0.3 keys the same way (the 0x05 type byte left out).
public enum OMEMOFingerprint {
    /// The fingerprint of an identity key as a bundle or key exchange carries it (`OMEMOBundle.identityKey`:
    /// 32 bytes, Ed25519 in OMEMO 2, Curve25519 in 0.3; a 0.3 key with its type byte is read too); nil for
    /// a key that is not one.
    public static func of(identityKey: [UInt8], version: OMEMOVersion) -> String? {
        switch version {
        case .omemo2:
            guard let key = try? Ed25519PublicKey(rawRepresentation: identityKey).montgomeryPublicKey() else {
                return nil
            }
            return format(key.rawRepresentation)
        case .legacy:
            let raw =
                identityKey.count == OMEMOKey.serializedLength ? OMEMOKey.fromSerialized(identityKey) : identityKey
            guard let raw, raw.count == OMEMOKey.length else { return nil }
            return format(raw)
        }
    }

    /// 32 bytes as 8 space-separated groups of 8 lowercase hex digits.
    static func format(_ key: [UInt8]) -> String {
        let hex = key.map { byte in
            let digits = String(byte, radix: 16)
            return digits.count == 1 ? "0" + digits : digits
        }.joined()
        return stride(from: 0, to: hex.count, by: 8).map { offset in
            let start = hex.index(hex.startIndex, offsetBy: offset)
            return String(hex[start..<hex.index(start, offsetBy: 8)])
        }.joined(separator: " ")
    }
}

extension OwnDevice {
    /// Our identity key's fingerprint (`OMEMOFingerprint`): the same for both versions, since both
    /// show the Curve25519 form.
    public func fingerprint(_ version: OMEMOVersion) -> String {
        OMEMOFingerprint.format(identity.agreementKey.publicKey.rawRepresentation)
    }
}
