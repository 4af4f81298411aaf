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
        // One pass over the bytes: a catch-up reads thousands of these.
        var output: [UInt8] = []
        output.reserveCapacity(text.utf8.count * 3 / 4)
        var accumulator: UInt32 = 0
        var bits = 0
        var letters = 0
        var padding = 0
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r"), UInt8(ascii: "\n"): continue
            case UInt8(ascii: "="):
                padding += 1
                continue
            default: break
            }
            // A letter after padding, or outside the alphabet, is not base64.
            guard padding == 0, let value = base64Value(byte) else { return nil }
            letters += 1
            accumulator = accumulator << 6 | UInt32(value)
            bits += 6
            if bits >= 8 {
                bits -= 8
                output.append(UInt8(truncatingIfNeeded: accumulator >> UInt32(bits)))
            }
        }
        guard padding <= 2, letters % 4 != 1 else { return nil }
        return output
    }

    private static func base64Value(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"): byte - UInt8(ascii: "A")
        case UInt8(ascii: "a")...UInt8(ascii: "z"): byte - UInt8(ascii: "a") + 26
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0") + 52
        case UInt8(ascii: "+"): 62
        case UInt8(ascii: "/"): 63
        default: nil
        }
    }

    public static func base64(_ bytes: [UInt8]) -> String { Data(bytes).base64EncodedString() }
}
