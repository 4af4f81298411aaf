internal import COpenSSL

/// An owned `EVP_PKEY` of one of OpenSSL's raw-key algorithms (X25519, Ed25519), freed on deinit.
final class EVPKey {
    let pointer: OpaquePointer

    private init(_ pointer: OpaquePointer) { self.pointer = pointer }

    deinit { EVP_PKEY_free(pointer) }

    /// A private key from its raw 32 bytes.
    static func privateKey(_ type: Int32, _ secret: SecretBytes) throws(OMEMOCryptoError) -> EVPKey {
        let key = secret.withUnsafeBytes { raw in
            EVP_PKEY_new_raw_private_key(
                type, nil, raw.baseAddress?.assumingMemoryBound(to: UInt8.self), raw.count)
        }
        guard let key else { throw .openSSL(operation: "EVP_PKEY_new_raw_private_key") }
        return EVPKey(key)
    }

    /// The raw public key of a raw 32-byte private key (`what` names it in a length error).
    static func publicKey(of secret: SecretBytes, _ type: Int32, _ what: String) throws(OMEMOCryptoError) -> [UInt8] {
        try OMEMOCryptoError.check(what, secret.count, is: 32)
        return try privateKey(type, secret).rawPublicKey()
    }

    /// A public key from its raw 32 bytes.
    static func publicKey(_ type: Int32, _ raw: [UInt8]) throws(OMEMOCryptoError) -> EVPKey {
        guard let key = EVP_PKEY_new_raw_public_key(type, nil, raw, raw.count) else {
            throw .invalidPublicKey
        }
        return EVPKey(key)
    }

    /// The raw 32-byte public key.
    func rawPublicKey() throws(OMEMOCryptoError) -> [UInt8] {
        var output = [UInt8](repeating: 0, count: 32)
        var length = output.count
        guard EVP_PKEY_get_raw_public_key(pointer, &output, &length) == 1, length == 32 else {
            throw .openSSL(operation: "EVP_PKEY_get_raw_public_key")
        }
        return output
    }
}
