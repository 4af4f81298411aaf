import OMEMOCrypto
import Testing

@Suite struct AESCBCTests {
    /// NIST SP 800-38A appendix F.2.5, CBC-AES256.Encrypt. The four-block vector has no padding, so the
    /// padded ciphertext is the vector's followed by one block of padding.
    @Test func sp800_38aF2_5() throws {
        let key = hex("603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4")
        let iv = hex("000102030405060708090a0b0c0d0e0f")
        let plaintext = hex(
            """
            6bc1bee22e409f96e93d7e117393172a ae2d8a571e03ac9c9eb76fac45af8e51
            30c81c46a35ce411e5fbc1191a0a52ef f69f2445df4f9b17ad2b417be66c3710
            """)
        let expected = hex(
            """
            f58c4c04d6e5f1ba779eabfb5f7bfbd6 9cfc4e967edb808d679f777bc6702c7d
            39f23369a9d9bacfa530e26304231461 b2eb05e2c39be9fcda6c19078c6a9d1b
            """)
        let ciphertext = try AESCBC.encrypt(plaintext, key: key, iv: iv)
        #expect(ciphertext.count == 80)
        #expect(Array(ciphertext.prefix(64)) == expected)
        #expect(try AESCBC.decrypt(ciphertext, key: key, iv: iv) == plaintext)
    }

    @Test(arguments: [0, 1, 15, 16, 17, 100])
    func roundTripsEveryLength(length: Int) throws {
        let key = try SecureRandom.bytes(32)
        let iv = try SecureRandom.bytes(16)
        let plaintext = [UInt8]((0..<length).map { UInt8(truncatingIfNeeded: $0) })
        let ciphertext = try AESCBC.encrypt(plaintext, key: key, iv: iv)
        #expect(ciphertext.count == (length / 16 + 1) * 16)
        #expect(try AESCBC.decrypt(ciphertext, key: key, iv: iv) == plaintext)
    }

    /// A last block whose padding is wrong: decrypting with the wrong key, or a ciphertext cut short.
    @Test func badPaddingIsRefused() throws {
        let key = [UInt8](repeating: 1, count: 32)
        let iv = [UInt8](repeating: 2, count: 16)
        let ciphertext = try AESCBC.encrypt(Array("a secret of some length".utf8), key: key, iv: iv)
        var wrongKey = key
        wrongKey[0] ^= 1
        #expect(throws: OMEMOCryptoError.badPadding) { try AESCBC.decrypt(ciphertext, key: wrongKey, iv: iv) }
        #expect(throws: OMEMOCryptoError.badPadding) {
            try AESCBC.decrypt(Array(ciphertext.dropLast()), key: key, iv: iv)
        }
        #expect(throws: OMEMOCryptoError.badPadding) { try AESCBC.decrypt([], key: key, iv: iv) }
        // A block that decrypts to a last byte of 0x11 (17: more than a block) under this key and IV.
        let forged = try AESCBC.encrypt([UInt8](repeating: 0x11, count: 16), key: key, iv: iv).prefix(16)
        #expect(throws: OMEMOCryptoError.badPadding) { try AESCBC.decrypt(Array(forged), key: key, iv: iv) }
    }

    @Test func wrongKeyAndIVSizesAreRefused() {
        #expect(throws: OMEMOCryptoError.invalidLength(what: "AES-256-CBC key", expected: 32, actual: 16)) {
            try AESCBC.encrypt([1], key: [UInt8](repeating: 0, count: 16), iv: [UInt8](repeating: 0, count: 16))
        }
        #expect(throws: OMEMOCryptoError.invalidLength(what: "AES-CBC IV", expected: 16, actual: 12)) {
            try AESCBC.decrypt(
                [UInt8](repeating: 0, count: 16), key: [UInt8](repeating: 0, count: 32),
                iv: [UInt8](repeating: 0, count: 12))
        }
    }
}

@Suite struct AESGCMTests {
    struct Vector: Sendable, CustomTestStringConvertible {
        var name, key, iv, aad, plaintext, ciphertext, tag: String
        var testDescription: String { name }
    }

    static let k128 = "feffe9928665731c6d6a8f9467308308"
    static let p64 =
        "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a721c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b391aafd255"
    static let p60 = String(p64.prefix(120))
    static let aad = "feedfacedeadbeeffeedfacedeadbeefabaddad2"
    static let c128 =
        "42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091473f5985"
    static let c256 =
        "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662898015ad"

    /// McGrew and Viega, "The Galois/Counter Mode of Operation (GCM)" (the test vectors NIST SP 800-38D
    /// refers to), test cases 1-4 (AES-128) and 15-16 (AES-256), all with a 96-bit IV.
    static let vectors = [
        Vector(
            name: "1", key: String(repeating: "00", count: 16), iv: String(repeating: "00", count: 12), aad: "",
            plaintext: "", ciphertext: "", tag: "58e2fccefa7e3061367f1d57a4e7455a"),
        Vector(
            name: "2", key: String(repeating: "00", count: 16), iv: String(repeating: "00", count: 12), aad: "",
            plaintext: String(repeating: "00", count: 16), ciphertext: "0388dace60b6a392f328c2b971b2fe78",
            tag: "ab6e47d42cec13bdf53a67b21257bddf"),
        Vector(
            name: "3", key: k128, iv: "cafebabefacedbaddecaf888", aad: "", plaintext: p64, ciphertext: c128,
            tag: "4d5c2af327cd64a62cf35abd2ba6fab4"),
        Vector(
            name: "4", key: k128, iv: "cafebabefacedbaddecaf888", aad: aad, plaintext: p60,
            ciphertext: String(c128.prefix(120)), tag: "5bc94fbc3221a5db94fae95ae7121a47"),
        Vector(
            name: "15", key: k128 + k128, iv: "cafebabefacedbaddecaf888", aad: "", plaintext: p64, ciphertext: c256,
            tag: "b094dac5d93471bdec1a502270e3cc6c"),
        Vector(
            name: "16", key: k128 + k128, iv: "cafebabefacedbaddecaf888", aad: aad, plaintext: p60,
            ciphertext: String(c256.prefix(120)), tag: "76fc6ece0f4e1768cddf8853bb2d551b"),
    ]

    @Test(arguments: vectors)
    func gcmSpecVectors(vector: Vector) throws {
        let sealed = try AESGCM.seal(
            hex(vector.plaintext), key: hex(vector.key), iv: hex(vector.iv), associatedData: hex(vector.aad))
        #expect(sealed == AESGCM.Sealed(ciphertext: hex(vector.ciphertext), tag: hex(vector.tag)))
        #expect(
            try AESGCM.open(sealed, key: hex(vector.key), iv: hex(vector.iv), associatedData: hex(vector.aad))
                == hex(vector.plaintext))
    }

    /// Any altered part (tag, ciphertext, associated data, IV, key) fails authentication.
    @Test func alteredInputsFailAuthentication() throws {
        let key = hex(Self.k128)
        let iv = hex("cafebabefacedbaddecaf888")
        let sealed = try AESGCM.seal(hex(Self.p60), key: key, iv: iv, associatedData: hex(Self.aad))
        var badTag = sealed
        badTag.tag[0] ^= 1
        var badCiphertext = sealed
        badCiphertext.ciphertext[59] ^= 0x80
        var otherIV = iv
        otherIV[11] ^= 1
        var otherKey = key
        otherKey[5] ^= 1
        for (sealed, key, iv, aad) in [
            (badTag, key, iv, hex(Self.aad)), (badCiphertext, key, iv, hex(Self.aad)), (sealed, key, iv, []),
            (sealed, key, otherIV, hex(Self.aad)), (sealed, otherKey, iv, hex(Self.aad)),
        ] {
            #expect(throws: OMEMOCryptoError.authenticationFailed) {
                try AESGCM.open(sealed, key: key, iv: iv, associatedData: aad)
            }
        }
    }

    @Test func wrongSizesAreRefused() {
        let iv = [UInt8](repeating: 0, count: 12)
        #expect(throws: OMEMOCryptoError.invalidLength(what: "AES-GCM key", expected: 16, actual: 24)) {
            try AESGCM.seal([1], key: [UInt8](repeating: 0, count: 24), iv: iv)
        }
        #expect(throws: OMEMOCryptoError.invalidLength(what: "AES-GCM IV", expected: 12, actual: 16)) {
            try AESGCM.seal([1], key: [UInt8](repeating: 0, count: 16), iv: [UInt8](repeating: 0, count: 16))
        }
        #expect(throws: OMEMOCryptoError.invalidLength(what: "AES-GCM tag", expected: 16, actual: 12)) {
            try AESGCM.open(
                AESGCM.Sealed(ciphertext: [1], tag: [UInt8](repeating: 0, count: 12)),
                key: [UInt8](repeating: 0, count: 16),
                iv: iv)
        }
    }
}

@Suite struct SecureRandomTests {
    @Test func bytesDiffer() throws {
        let first = try SecureRandom.bytes(32)
        #expect(first.count == 32)
        #expect(first != (try SecureRandom.bytes(32)))
        #expect(try SecureRandom.secret(16).count == 16)
        #expect(try SecureRandom.bytes(0).isEmpty)
    }
}
