internal import COpenSSL
import XMPPCore

/// SCRAM's primitives from OpenSSL's libcrypto.
public struct OpenSSLCrypto: CryptoProvider {
    public init() {}

    public func hash(_ algorithm: HashAlgorithm, _ data: [UInt8]) -> [UInt8] {
        var output = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        let status = EVP_Digest(data, data.count, &output, &length, algorithm.evp, nil)
        precondition(status == 1, "EVP_Digest failed")
        return Array(output.prefix(Int(length)))
    }

    public func hmac(_ algorithm: HashAlgorithm, key: [UInt8], data: [UInt8]) -> [UInt8] {
        var output = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        let result = HMAC(algorithm.evp, key, Int32(key.count), data, data.count, &output, &length)
        precondition(result != nil, "HMAC failed")
        return Array(output.prefix(Int(length)))
    }

    public func pbkdf2(_ algorithm: HashAlgorithm, password: [UInt8], salt: [UInt8], iterations: Int) -> [UInt8] {
        var output = [UInt8](repeating: 0, count: algorithm.digestLength)
        let status = password.withUnsafeBufferPointer { passwordBuffer in
            passwordBuffer.withMemoryRebound(to: CChar.self) { passwordChars in
                PKCS5_PBKDF2_HMAC(
                    passwordChars.baseAddress, Int32(password.count), salt, Int32(salt.count), Int32(iterations),
                    algorithm.evp, Int32(output.count), &output)
            }
        }
        precondition(status == 1, "PKCS5_PBKDF2_HMAC failed")
        return output
    }

    public func randomBytes(_ count: Int) -> [UInt8] {
        var output = [UInt8](repeating: 0, count: count)
        let status = RAND_bytes(&output, Int32(count))
        precondition(status == 1, "RAND_bytes failed: the system has no entropy source")
        return output
    }
}

extension HashAlgorithm {
    var evp: OpaquePointer {
        switch self {
        case .sha1: EVP_sha1()
        case .sha256: EVP_sha256()
        case .sha512: EVP_sha512()
        }
    }
}
