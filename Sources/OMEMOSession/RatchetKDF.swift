import OMEMOCrypto

/// The Double Ratchet's key derivations with OMEMO 2's (XEP-0384 §4.2) or OMEMO 0.3's (libsignal's
/// `RootKey` and `ChainKey`) parameters.
enum RatchetKDF {
    /// KDF_RK: HKDF-SHA-256 with the root key as salt, the DH output as input key material and info
    /// "OMEMO Root Chain" (OMEMO 2) or "WhisperRatchet" (0.3); 64 bytes, the new root key then the new
    /// chain key.
    static func root(_ version: SessionVersion, _ rootKey: SecretBytes, _ dhOutput: SecretBytes)
        throws(OMEMOCryptoError) -> (root: SessionSecret, chain: SessionSecret)
    {
        var output = try HKDFSHA256.deriveKey(
            inputKeyMaterial: dhOutput.bytes, salt: rootKey.bytes, info: version.rootInfo, length: 64)
        defer { wipe(&output) }
        return (SessionSecret(SecretBytes(Array(output[0..<32]))), SessionSecret(SecretBytes(Array(output[32..<64]))))
    }

    static func root(_ version: SessionVersion, _ rootKey: SessionSecret, _ dhOutput: SecretBytes)
        throws(OMEMOCryptoError) -> (root: SessionSecret, chain: SessionSecret)
    {
        try root(version, rootKey.value, dhOutput)
    }

    /// KDF_CK: the next chain key HMAC-SHA-256(ck, 0x02) and the message key HMAC-SHA-256(ck, 0x01).
    static func chain(_ chainKey: SessionSecret) throws(OMEMOCryptoError)
        -> (chain: SessionSecret, messageKey: SessionSecret)
    {
        let key = chainKey.bytes
        let messageKey = try HMACSHA256.authenticate(key: key, message: [0x01])
        let nextChain = try HMACSHA256.authenticate(key: key, message: [0x02])
        return (SessionSecret(SecretBytes(nextChain)), SessionSecret(SecretBytes(messageKey)))
    }
}

/// ENCRYPT and DECRYPT of XEP-0384 §4.2, and libsignal's message keys for OMEMO 0.3: HKDF-SHA-256 of
/// the message key (salt 32 zero bytes, info "OMEMO Message Key Material" or "WhisperMessageKeys")
/// gives 80 bytes, split into an AES-256 key, an HMAC key and an IV; the plaintext is AES-256-CBC with
/// PKCS#7 padding; the tag is HMAC-SHA-256 over AD ‖ the serialised header and ciphertext (for 0.3 the
/// version byte and the SignalMessage protobuf), truncated to its first 16 (OMEMO 2) or 8 (0.3) bytes.
enum MessageKeyCipher {
    static func encrypt(
        _ plaintext: [UInt8], version: SessionVersion, messageKey: SessionSecret, associatedData: [UInt8],
        header: RatchetHeader, encode: RatchetMessageEncoder
    ) throws(OMEMOCryptoError) -> RatchetMessage {
        let keys = try Keys(messageKey, info: version.messageKeyInfo)
        let ciphertext = try AESCBC.encrypt(plaintext, key: keys.encryption, iv: keys.iv)
        let encoded = encode(header, ciphertext)
        let tag = try HMACSHA256.authenticate(key: keys.authentication, message: associatedData + encoded)
        return RatchetMessage(
            header: header, ciphertext: ciphertext, encoded: encoded, mac: Array(tag.prefix(version.tagLength)))
    }

    /// The plaintext, after checking the tag (in constant time) before any decryption.
    static func decrypt(
        _ message: RatchetMessage, version: SessionVersion, messageKey: SessionSecret, associatedData: [UInt8]
    ) throws(OMEMOSessionError) -> [UInt8] {
        let keys: Keys
        let tag: [UInt8]
        do {
            keys = try Keys(messageKey, info: version.messageKeyInfo)
            tag = try HMACSHA256.authenticate(key: keys.authentication, message: associatedData + message.encoded)
        } catch { throw .crypto(error) }
        guard message.mac.count == version.tagLength, zip(message.mac, tag).reduce(0, { $0 | ($1.0 ^ $1.1) }) == 0
        else {
            throw .badMAC
        }
        do { return try AESCBC.decrypt(message.ciphertext, key: keys.encryption, iv: keys.iv) } catch {
            throw .crypto(error)
        }
    }

    /// The three keys of one message key.
    private struct Keys {
        let encryption: [UInt8]
        let authentication: [UInt8]
        let iv: [UInt8]

        init(_ messageKey: SessionSecret, info: [UInt8]) throws(OMEMOCryptoError) {
            var output = try HKDFSHA256.deriveKey(
                inputKeyMaterial: messageKey.bytes, salt: [UInt8](repeating: 0, count: 32), info: info,
                length: 80)
            encryption = Array(output[0..<32])
            authentication = Array(output[32..<64])
            iv = Array(output[64..<80])
            wipe(&output)
        }
    }
}
