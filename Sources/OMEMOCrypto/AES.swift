internal import COpenSSL

/// AES-256-CBC with PKCS#7 padding (NIST SP 800-38A), as OMEMO 2 encrypts payloads.
public enum AESCBC {
    /// The ciphertext of `plaintext` under a 32-byte key and 16-byte IV, padded to whole blocks.
    public static func encrypt(_ plaintext: [UInt8], key: [UInt8], iv: [UInt8]) throws(OMEMOCryptoError) -> [UInt8] {
        try OMEMOCryptoError.check("AES-256-CBC key", key.count, is: 32)
        try OMEMOCryptoError.check("AES-CBC IV", iv.count, is: 16)
        let cipher = try CipherContext(EVP_aes_256_cbc(), key: key, iv: iv, encrypting: true)
        return try cipher.update(plaintext) + cipher.finish(failure: .openSSL(operation: "EVP_CipherFinal_ex"))
    }

    /// The plaintext of a padded ciphertext. Throws `badPadding` when the ciphertext is not whole blocks or
    /// its padding is wrong (as a wrong key makes it, usually).
    public static func decrypt(_ ciphertext: [UInt8], key: [UInt8], iv: [UInt8]) throws(OMEMOCryptoError) -> [UInt8] {
        try OMEMOCryptoError.check("AES-256-CBC key", key.count, is: 32)
        try OMEMOCryptoError.check("AES-CBC IV", iv.count, is: 16)
        guard !ciphertext.isEmpty, ciphertext.count % 16 == 0 else { throw .badPadding }
        let cipher = try CipherContext(EVP_aes_256_cbc(), key: key, iv: iv, encrypting: false)
        return try cipher.update(ciphertext) + cipher.finish(failure: .badPadding)
    }
}

/// AES-GCM (NIST SP 800-38D) with a 12-byte IV and a 16-byte tag: AES-128-GCM for OMEMO 0.3's payloads,
/// AES-256-GCM for XEP-0454 files. The key size picks the variant.
public enum AESGCM {
    /// A ciphertext (as long as the plaintext) and its 16-byte tag.
    public struct Sealed: Equatable, Sendable {
        public var ciphertext: [UInt8]
        public var tag: [UInt8]

        public init(ciphertext: [UInt8], tag: [UInt8]) {
            self.ciphertext = ciphertext
            self.tag = tag
        }
    }

    /// Encrypts and authenticates `plaintext` and authenticates `associatedData`, under a 16- or 32-byte key.
    public static func seal(_ plaintext: [UInt8], key: [UInt8], iv: [UInt8], associatedData: [UInt8] = [])
        throws(OMEMOCryptoError) -> Sealed
    {
        let cipher = try CipherContext(cipher(for: key), key: key, iv: checkedIV(iv), encrypting: true)
        try cipher.addAssociatedData(associatedData)
        let ciphertext = try cipher.update(plaintext)
        _ = try cipher.finish(failure: .openSSL(operation: "EVP_CipherFinal_ex"))
        var tag = [UInt8](repeating: 0, count: 16)
        guard EVP_CIPHER_CTX_ctrl(cipher.context, EVP_CTRL_GCM_GET_TAG, 16, &tag) == 1 else {
            throw .openSSL(operation: "EVP_CTRL_GCM_GET_TAG")
        }
        return Sealed(ciphertext: ciphertext, tag: tag)
    }

    /// The plaintext, or `authenticationFailed` when the tag does not match; no plaintext is returned
    /// then.
    public static func open(_ sealed: Sealed, key: [UInt8], iv: [UInt8], associatedData: [UInt8] = [])
        throws(OMEMOCryptoError) -> [UInt8]
    {
        try OMEMOCryptoError.check("AES-GCM tag", sealed.tag.count, is: 16)
        let cipher = try CipherContext(cipher(for: key), key: key, iv: checkedIV(iv), encrypting: false)
        try cipher.addAssociatedData(associatedData)
        let plaintext = try cipher.update(sealed.ciphertext)
        var tag = sealed.tag
        guard EVP_CIPHER_CTX_ctrl(cipher.context, EVP_CTRL_GCM_SET_TAG, 16, &tag) == 1 else {
            throw .openSSL(operation: "EVP_CTRL_GCM_SET_TAG")
        }
        _ = try cipher.finish(failure: .authenticationFailed)
        return plaintext
    }

    private static func cipher(for key: [UInt8]) throws(OMEMOCryptoError) -> OpaquePointer {
        switch key.count {
        case 16: EVP_aes_128_gcm()
        case 32: EVP_aes_256_gcm()
        default: throw .invalidLength(what: "AES-GCM key", expected: 16, actual: key.count)
        }
    }

    private static func checkedIV(_ iv: [UInt8]) throws(OMEMOCryptoError) -> [UInt8] {
        try OMEMOCryptoError.check("AES-GCM IV", iv.count, is: 12)
        return iv
    }
}

/// An owned `EVP_CIPHER_CTX` set up for one encryption or decryption.
final class CipherContext {
    let context: OpaquePointer

    init(_ cipher: OpaquePointer?, key: [UInt8], iv: [UInt8], encrypting: Bool) throws(OMEMOCryptoError) {
        guard let context = EVP_CIPHER_CTX_new() else { throw .openSSL(operation: "EVP_CIPHER_CTX_new") }
        self.context = context
        guard EVP_CipherInit_ex(context, cipher, nil, key, iv, encrypting ? 1 : 0) == 1 else {
            throw .openSSL(operation: "EVP_CipherInit_ex")
        }
    }

    /// AES-256-GCM with an IV of `iv.count` bytes (GCM's default is 12; OpenSSL takes another
    /// length only when told before the key and IV are set).
    init(gcmKey key: [UInt8], iv: [UInt8], encrypting: Bool) throws(OMEMOCryptoError) {
        guard let context = EVP_CIPHER_CTX_new() else { throw .openSSL(operation: "EVP_CIPHER_CTX_new") }
        self.context = context
        let mode: Int32 = encrypting ? 1 : 0
        guard EVP_CipherInit_ex(context, EVP_aes_256_gcm(), nil, nil, nil, mode) == 1,
            EVP_CIPHER_CTX_ctrl(context, EVP_CTRL_GCM_SET_IVLEN, Int32(iv.count), nil) == 1,
            EVP_CipherInit_ex(context, nil, nil, key, iv, mode) == 1
        else { throw .openSSL(operation: "EVP_CipherInit_ex") }
    }

    deinit { EVP_CIPHER_CTX_free(context) }

    func addAssociatedData(_ data: [UInt8]) throws(OMEMOCryptoError) {
        guard !data.isEmpty else { return }
        var length: Int32 = 0
        guard EVP_CipherUpdate(context, nil, &length, data, Int32(data.count)) == 1 else {
            throw .openSSL(operation: "EVP_CipherUpdate")
        }
    }

    func update(_ input: [UInt8]) throws(OMEMOCryptoError) -> [UInt8] {
        var output = [UInt8](repeating: 0, count: input.count + 16)
        var length: Int32 = 0
        guard input.isEmpty || EVP_CipherUpdate(context, &output, &length, input, Int32(input.count)) == 1 else {
            throw .openSSL(operation: "EVP_CipherUpdate")
        }
        return Array(output.prefix(Int(length)))
    }

    func finish(failure: OMEMOCryptoError) throws(OMEMOCryptoError) -> [UInt8] {
        var output = [UInt8](repeating: 0, count: 16)
        var length: Int32 = 0
        guard EVP_CipherFinal_ex(context, &output, &length) == 1 else { throw failure }
        return Array(output.prefix(Int(length)))
    }
}
