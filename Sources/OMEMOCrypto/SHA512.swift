internal import COpenSSL

/// SHA-512 (FIPS 180-4), which XEdDSA hashes with.
enum SHA512 {
    static func hash(_ parts: [UInt8]...) -> [UInt8] {
        var output = [UInt8](repeating: 0, count: 64)
        let context = EVP_MD_CTX_new()
        defer { EVP_MD_CTX_free(context) }
        var status = EVP_DigestInit_ex(context, EVP_sha512(), nil)
        for part in parts { status &= EVP_DigestUpdate(context, part, part.count) }
        var length: UInt32 = 0
        status &= EVP_DigestFinal_ex(context, &output, &length)
        precondition(status == 1 && length == 64, "SHA-512 failed in OpenSSL")
        return output
    }
}
