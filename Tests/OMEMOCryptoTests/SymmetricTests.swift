import OMEMOCrypto
import Testing

@Suite struct HMACTests {
    /// RFC 4231 §4.2, 4.3, 4.4 and 4.7 (test cases 1, 2, 3 and 6), HMAC-SHA-256.
    @Test(arguments: [
        (
            String(repeating: "0b", count: 20), "4869205468657265",
            "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"
        ),
        (
            "4a656665", "7768617420646f2079612077616e7420666f72206e6f7468696e673f",
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        ),
        (
            String(repeating: "aa", count: 20), String(repeating: "dd", count: 50),
            "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe"
        ),
        (
            String(repeating: "aa", count: 131),
            "54657374205573696e67204c6172676572205468616e20426c6f636b2d53697a65204b6579202d2048617368204b6579204669727374",
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"
        ),
    ])
    func rfc4231(key: String, data: String, tag: String) throws {
        #expect(try HMACSHA256.authenticate(key: hex(key), message: hex(data)) == hex(tag))
        #expect(try HMACSHA256.isValid(tag: hex(tag), key: hex(key), message: hex(data)))
    }

    @Test func alteredTagOrMessageIsInvalid() throws {
        let key = [UInt8](repeating: 7, count: 32)
        var tag = try HMACSHA256.authenticate(key: key, message: [1, 2, 3])
        #expect(try !HMACSHA256.isValid(tag: tag, key: key, message: [1, 2, 4]))
        #expect(try !HMACSHA256.isValid(tag: Array(tag.prefix(16)), key: key, message: [1, 2, 3]))
        tag[31] ^= 0x80
        #expect(try !HMACSHA256.isValid(tag: tag, key: key, message: [1, 2, 3]))
    }
}

@Suite struct HKDFTests {
    /// RFC 5869 appendix A, test cases 1 to 3 (SHA-256): IKM, salt, info, PRK, OKM.
    @Test(arguments: [
        (
            String(repeating: "0b", count: 22), "000102030405060708090a0b0c", "f0f1f2f3f4f5f6f7f8f9",
            "077709362c2e32df0ddc3f0dc47bba6390b6c73bb50f9c3122ec844ad7c2b3e5",
            "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865"
        ),
        (
            (0x00...0x4f).map { String(format: $0) }.joined(), (0x60...0xaf).map { String(format: $0) }.joined(),
            (0xb0...0xff).map { String(format: $0) }.joined(),
            "06a6b88c5853361a06104c9ceb35b45cef760014904671014a193f40c15fc244",
            "b11e398dc80327a1c8e7f78c596a49344f012eda2d4efad8a050cc4c19afa97c59045a99cac7827271cb41c65e590e09da3275600c2f09b8367793a9aca3db71cc30c58179ec3e87c14c01d5c1f3434f1d87"
        ),
        (
            String(repeating: "0b", count: 22), "", "",
            "19ef24a32c717b167f33a91d6f648bdf96596776afdb6377ac434c1c293ccb04",
            "8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8"
        ),
    ])
    func rfc5869(ikm: String, salt: String, info: String, prk: String, okm: String) throws {
        let key = try HKDFSHA256.extract(salt: hex(salt), inputKeyMaterial: hex(ikm))
        #expect(key == hex(prk))
        #expect(try HKDFSHA256.expand(pseudorandomKey: key, info: hex(info), length: hex(okm).count) == hex(okm))
        #expect(
            try HKDFSHA256.deriveKey(
                inputKeyMaterial: hex(ikm), salt: hex(salt), info: hex(info), length: hex(okm).count)
                == hex(okm))
    }

    @Test func tooLongOutputIsRefused() throws {
        let key = [UInt8](repeating: 1, count: 32)
        #expect(try HKDFSHA256.expand(pseudorandomKey: key, info: [], length: 255 * 32).count == 8160)
        #expect(throws: OMEMOCryptoError.outputTooLong(8161)) {
            try HKDFSHA256.expand(pseudorandomKey: key, info: [], length: 255 * 32 + 1)
        }
    }
}

extension String {
    /// Two lowercase hex digits of a byte.
    init(format byte: Int) {
        let digits = String(byte, radix: 16)
        self = digits.count == 1 ? "0" + digits : digits
    }
}
