import OMEMOCrypto

/// The OMEMO version a session speaks, and with it the parameters of X3DH and the Double Ratchet that
/// differ between the versions. Everything else (the DH order, HKDF's zero salt and 0xFF prefix, KDF_CK's
/// 0x01/0x02 HMACs, the 80-byte message key split, AES-256-CBC, `RatchetSession.maximumSkip`) is shared.
public enum SessionVersion: String, Sendable, Codable, CaseIterable {
    /// OMEMO 2 (`urn:xmpp:omemo:2`, XEP-0384 §4): identity keys in Ed25519 form, Ed25519 prekey
    /// signatures, 16-byte tags.
    case omemo2
    /// OMEMO 0.3 (`eu.siacs.conversations.axolotl`), libsignal's parameters: identity keys in Curve25519
    /// form, 33 bytes with a 0x05 type byte on the wire, XEdDSA prekey signatures over the 33-byte
    /// prekey, 8-byte tags.
    case omemo03

    /// The info of X3DH's KDF.
    var x3dhInfo: [UInt8] { Array((self == .omemo2 ? "OMEMO X3DH" : "WhisperText").utf8) }
    /// The info of KDF_RK.
    var rootInfo: [UInt8] { Array((self == .omemo2 ? "OMEMO Root Chain" : "WhisperRatchet").utf8) }
    /// The info of the message key's HKDF.
    var messageKeyInfo: [UInt8] { Array((self == .omemo2 ? "OMEMO Message Key Material" : "WhisperMessageKeys").utf8) }
    /// The length the HMAC-SHA-256 tag is truncated to.
    var tagLength: Int { self == .omemo2 ? 16 : 8 }
}

/// A public identity key in the form a version publishes it: Ed25519 for OMEMO 2, Curve25519 for 0.3.
public enum IdentityPublicKey: Hashable, Sendable {
    case ed25519(Ed25519PublicKey)
    case curve25519(X25519PublicKey)

    /// The type byte libsignal puts before a Curve25519 public key (`Curve.DJB_TYPE`).
    public static let curveTypeByte: UInt8 = 0x05

    /// The key from its encoding in `version`: 32 raw Ed25519 bytes, or 0x05 and 32 raw X25519 bytes.
    public init(encoded: [UInt8], version: SessionVersion) throws(OMEMOSessionError) {
        if version == .omemo03 && encoded.first != Self.curveTypeByte { throw .crypto(.invalidPublicKey) }
        do {
            switch version {
            case .omemo2: self = .ed25519(try Ed25519PublicKey(rawRepresentation: encoded))
            case .omemo03: self = .curve25519(try X25519PublicKey(rawRepresentation: Array(encoded.dropFirst())))
            }
        } catch { throw .crypto(error) }
    }

    /// The version whose form the key is in.
    public var version: SessionVersion {
        switch self {
        case .ed25519: .omemo2
        case .curve25519: .omemo03
        }
    }

    /// The encoding in bundles, key exchanges and AD.
    public var encoded: [UInt8] {
        switch self {
        case .ed25519(let key): key.rawRepresentation
        case .curve25519(let key): [Self.curveTypeByte] + key.rawRepresentation
        }
    }

    /// The key for X3DH's Diffie-Hellman exchanges.
    func agreementKey() throws(OMEMOCryptoError) -> X25519PublicKey {
        switch self {
        case .ed25519(let key): try key.montgomeryPublicKey()
        case .curve25519(let key): key
        }
    }

    /// Whether `signature` signs the signed prekey: Ed25519 over its 32 raw bytes (OMEMO 2), XEdDSA over
    /// its 33-byte encoding (0.3).
    public func isValidSignature(_ signature: [UInt8], forSignedPreKey key: X25519PublicKey) -> Bool {
        switch self {
        case .ed25519(let identity): identity.isValidSignature(signature, for: key.rawRepresentation)
        case .curve25519(let identity):
            XEdDSA.isValidSignature(signature, for: [Self.curveTypeByte] + key.rawRepresentation, publicKey: identity)
        }
    }
}
