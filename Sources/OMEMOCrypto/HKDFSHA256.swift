/// HKDF with SHA-256 (RFC 5869), built on `HMACSHA256`.
public enum HKDFSHA256 {
    /// HKDF-Extract: the 32-byte pseudorandom key. An empty salt stands for 32 zero bytes (§2.2).
    public static func extract(salt: [UInt8], inputKeyMaterial: [UInt8]) throws(OMEMOCryptoError) -> [UInt8] {
        try HMACSHA256.authenticate(
            key: salt.isEmpty ? [UInt8](repeating: 0, count: 32) : salt, message: inputKeyMaterial)
    }

    /// HKDF-Expand: `length` bytes (at most 255 × 32) from a pseudorandom key and `info`.
    public static func expand(pseudorandomKey: [UInt8], info: [UInt8], length: Int) throws(OMEMOCryptoError)
        -> [UInt8]
    {
        guard length <= 255 * 32, length >= 0 else { throw .outputTooLong(length) }
        var output: [UInt8] = []
        output.reserveCapacity(length + 32)
        var block: [UInt8] = []
        var counter: UInt8 = 1
        while output.count < length {
            block = try HMACSHA256.authenticate(key: pseudorandomKey, message: block + info + [counter])
            output += block
            counter &+= 1
        }
        return Array(output.prefix(length))
    }

    /// Extract then expand.
    public static func deriveKey(inputKeyMaterial: [UInt8], salt: [UInt8], info: [UInt8], length: Int)
        throws(OMEMOCryptoError) -> [UInt8]
    {
        let key = try extract(salt: salt, inputKeyMaterial: inputKeyMaterial)
        return try expand(pseudorandomKey: key, info: info, length: length)
    }
}
