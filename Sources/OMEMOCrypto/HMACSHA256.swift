internal import COpenSSL

/// HMAC-SHA-256 (RFC 2104 with FIPS 180-4's SHA-256).
public enum HMACSHA256 {
    /// The 32-byte tag of `message` under `key` (any length).
    public static func authenticate(key: [UInt8], message: [UInt8]) throws(OMEMOCryptoError) -> [UInt8] {
        var output = [UInt8](repeating: 0, count: 32)
        var length: UInt32 = 0
        guard HMAC(EVP_sha256(), key, Int32(key.count), message, message.count, &output, &length) != nil,
            length == 32
        else { throw .openSSL(operation: "HMAC") }
        return output
    }

    /// Whether `tag` is the tag of `message` under `key`, compared in constant time.
    public static func isValid(tag: [UInt8], key: [UInt8], message: [UInt8]) throws(OMEMOCryptoError) -> Bool {
        let expected = try authenticate(key: key, message: message)
        return tag.count == expected.count && CRYPTO_memcmp(tag, expected, expected.count) == 0
    }
}
