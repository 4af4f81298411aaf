import OMEMOCrypto
import XMPPExtensions

/// The `<payload/>` layer of XEP-0384: the content is encrypted once with a fresh key, and that key
/// (the key material) is what each recipient's session encrypts.
///
/// OMEMO 2 (§Message Encryption): HKDF-SHA-256 of a random 32-byte key (salt 32 zero bytes, info
/// "OMEMO Payload") gives 80 bytes: an AES-256 key, an HMAC key and an IV; the content is AES-256-CBC
/// with PKCS#7 padding, and the key material is the key ‖ HMAC-SHA-256 of the ciphertext truncated to
/// 16 bytes (48 bytes). An empty message encrypts 32 zero bytes and has no payload.
///
/// OMEMO 0.3 (as Conversations and python-oldmemo do): AES-128-GCM with a random 16-byte key and a
/// random 12-byte IV sent in the header's `<iv/>`; the key material is the key ‖ the 16-byte GCM tag
/// (32 bytes). An empty message (key transport) encrypts a random 16-byte key and still sends an IV.
/// Old Conversations sent a 16-byte key and the tag after the ciphertext; that is read too.
public enum OMEMOPayload {
    /// What sealing gives: the key material for the sessions, and the payload (nil when empty) and IV
    /// (0.3 only) for the `<encrypted/>` element.
    public struct Sealed: Sendable {
        public var keyMaterial: [UInt8]
        public var payload: [UInt8]?
        public var iv: [UInt8]?
    }

    /// OMEMO 2's HKDF info.
    static let info = Array("OMEMO Payload".utf8)
    /// OMEMO 2's truncated tag length.
    static let tagLength = 16

    /// Encrypts `plaintext`, or makes an empty message's key material for nil.
    public static func seal(_ plaintext: [UInt8]?, version: OMEMOVersion) throws(OMEMOError) -> Sealed {
        do {
            switch version {
            case .omemo2:
                guard let plaintext else { return Sealed(keyMaterial: [UInt8](repeating: 0, count: 32)) }
                let key = try SecureRandom.bytes(32)
                let keys = try Keys(key)
                let ciphertext = try AESCBC.encrypt(plaintext, key: keys.encryption, iv: keys.iv)
                let tag = try HMACSHA256.authenticate(key: keys.authentication, message: ciphertext)
                return Sealed(keyMaterial: key + Array(tag.prefix(tagLength)), payload: ciphertext)
            case .legacy:
                let key = try SecureRandom.bytes(16)
                let iv = try SecureRandom.bytes(12)
                guard let plaintext else { return Sealed(keyMaterial: key, iv: iv) }
                let sealed = try AESGCM.seal(plaintext, key: key, iv: iv)
                return Sealed(keyMaterial: key + sealed.tag, payload: sealed.ciphertext, iv: iv)
            }
        } catch { throw .crypto(error) }
    }

    /// Decrypts a payload with the key material a session decrypted; checks the tag first.
    public static func open(_ payload: [UInt8], iv: [UInt8]?, keyMaterial: [UInt8], version: OMEMOVersion)
        throws(OMEMOError) -> [UInt8]
    {
        switch version {
        case .omemo2:
            guard keyMaterial.count == 32 + tagLength else { throw .malformed("key material") }
            do {
                let keys = try Keys(Array(keyMaterial.prefix(32)))
                let tag = try HMACSHA256.authenticate(key: keys.authentication, message: payload)
                guard constantTimeEqual(Array(tag.prefix(tagLength)), Array(keyMaterial.suffix(tagLength))) else {
                    throw OMEMOError.badPayload
                }
                return try AESCBC.decrypt(payload, key: keys.encryption, iv: keys.iv)
            } catch let error as OMEMOError { throw error } catch { throw .badPayload }
        case .legacy:
            guard let iv, iv.count == 12 else { throw .malformed("IV") }
            let sealed: AESGCM.Sealed
            switch keyMaterial.count {
            case 32: sealed = .init(ciphertext: payload, tag: Array(keyMaterial.suffix(16)))
            case 16 where payload.count >= 16:
                sealed = .init(ciphertext: Array(payload.dropLast(16)), tag: Array(payload.suffix(16)))
            default: throw .malformed("key material")
            }
            do { return try AESGCM.open(sealed, key: Array(keyMaterial.prefix(16)), iv: iv) } catch {
                throw .badPayload
            }
        }
    }

    /// OMEMO 2's three keys of one payload key.
    private struct Keys {
        let encryption: [UInt8]
        let authentication: [UInt8]
        let iv: [UInt8]

        init(_ key: [UInt8]) throws(OMEMOCryptoError) {
            let output = try HKDFSHA256.deriveKey(
                inputKeyMaterial: key, salt: [UInt8](repeating: 0, count: 32), info: OMEMOPayload.info, length: 80)
            encryption = Array(output[0..<32])
            authentication = Array(output[32..<64])
            iv = Array(output[64..<80])
        }
    }

    private static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        a.count == b.count && zip(a, b).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }
}
