internal import COpenSSL

/// Random bytes from OpenSSL's CSPRNG (`RAND_bytes`, seeded by the operating system).
public enum SecureRandom {
    /// `count` random bytes.
    public static func bytes(_ count: Int) throws(OMEMOCryptoError) -> [UInt8] {
        var output = [UInt8](repeating: 0, count: count)
        guard count == 0 || RAND_bytes(&output, Int32(count)) == 1 else {
            throw .openSSL(operation: "RAND_bytes")
        }
        return output
    }

    /// `count` random bytes kept as a secret.
    public static func secret(_ count: Int) throws(OMEMOCryptoError) -> SecretBytes {
        try SecretBytes(count: count) { (buffer) throws(OMEMOCryptoError) in
            guard RAND_bytes(buffer.baseAddress?.assumingMemoryBound(to: UInt8.self), Int32(count)) == 1 else {
                throw .openSSL(operation: "RAND_bytes")
            }
        }
    }
}

extension OMEMOCryptoError {
    /// Throws `invalidLength` unless `bytes` has `expected` bytes.
    static func check(_ what: String, _ actual: Int, is expected: Int) throws(OMEMOCryptoError) {
        guard actual == expected else { throw .invalidLength(what: what, expected: expected, actual: actual) }
    }
}
