import Foundation

/// How OMEMO writes a 32-byte public key. OMEMO 0.3 (libsignal) puts the type byte 0x05
/// (Curve25519) in front, in its messages and in its bundles; OMEMO 2 writes the 32 bytes alone.
/// Keys are held without the type byte.
public enum OMEMOKey {
    /// The length of a public key (X25519 or Ed25519).
    public static let length = 32
    /// The length of an OMEMO 0.3 public key with its type byte.
    public static let serializedLength = 33
    /// libsignal's type byte for a Curve25519 key.
    public static let curve25519Type: UInt8 = 0x05
    /// The length of an XEdDSA or Ed25519 signature.
    public static let signatureLength = 64

    /// `key` with the type byte in front, as OMEMO 0.3 writes it.
    public static func serialized(_ key: [UInt8]) -> [UInt8] { [curve25519Type] + key }

    /// The key in `bytes` written as OMEMO 0.3 does; nil without the type byte or of the wrong
    /// length.
    public static func fromSerialized(_ bytes: [UInt8]) -> [UInt8]? {
        guard bytes.count == serializedLength, bytes[0] == curve25519Type else { return nil }
        return Array(bytes[1...])
    }

    /// The bytes of XML text in base64: XML whitespace (which OMEMO 0.3 clients put in bundles
    /// and keys) is dropped and missing padding is accepted; nil for anything else that is not
    /// base64 (another alphabet, padding anywhere but at the end).
    public static func base64(_ text: String) -> [UInt8]? {
        var compact = String(
            String.UnicodeScalarView(text.unicodeScalars.filter { !" \t\r\n".unicodeScalars.contains($0) }))
        switch compact.utf8.count % 4 {
        case 2: compact += "=="
        case 3: compact += "="
        case 1: return nil
        default: break
        }
        let letters = compact.utf8.prefix { $0 != UInt8(ascii: "=") }
        let padding = compact.utf8.dropFirst(letters.count)
        guard padding.count <= 2, padding.allSatisfy({ $0 == UInt8(ascii: "=") }), letters.allSatisfy(isBase64Letter)
        else { return nil }
        return Data(base64Encoded: compact).map(Array.init)
    }

    /// Foundation on Linux decodes some text that is not base64 (padding inside), so the
    /// alphabet and the padding's place are checked first.
    private static func isBase64Letter(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "+"), UInt8(ascii: "/"):
            true
        default: false
        }
    }

    /// `bytes` in base64, padded.
    public static func base64(_ bytes: [UInt8]) -> String { Data(bytes).base64EncodedString() }
}
