import Testing

@testable import OMEMOCrypto

@Suite struct EdwardsPointTests {
    /// RFC 8032 §5.1: B encodes as y = 4/5 with an even x.
    @Test func basePointEncoding() {
        #expect(EdwardsPoint.base.encoded == hex("5866666666666666666666666666666666666666666666666666666666666666"))
    }

    /// ℓ·B is the neutral element (0, 1), and (ℓ - 1)·B + B too.
    @Test func basePointHasTheGroupOrder() {
        let order = ReferenceInteger.order.bytes(32)
        #expect(
            EdwardsPoint.base.multiplied(by: Scalar(reducing: order + [0])).encoded == EdwardsPoint.identity.encoded)
        let minusOne = Scalar(reducing: [1] + [UInt8](repeating: 0, count: 31)).negated
        #expect((EdwardsPoint.base.multiplied(by: minusOne) + .base).encoded == EdwardsPoint.identity.encoded)
    }

    /// The ladder agrees with OpenSSL's Ed25519 key derivation: clamp(SHA-512(seed)[0..<32])·B is the
    /// public key, for the RFC 8032 keys and random ones.
    @Test func scalarMultiplicationMatchesOpenSSLEd25519Keys() throws {
        let seeds =
            [
                secret("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60"),
                secret("c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7"),
            ] + (try (0..<8).map { _ in try SecureRandom.secret(32) })
        for seed in seeds {
            var scalar = Array(SHA512.hash(seed.bytes).prefix(32))
            scalar[0] &= 248
            scalar[31] = scalar[31] & 127 | 64
            let ours = EdwardsPoint.base.multiplied(by: Scalar(reducing: scalar)).encoded
            #expect(try ours == Ed25519PrivateKey(rawRepresentation: seed).publicKey.rawRepresentation)
        }
    }

    @Test func decodingRefusesNonPoints() {
        // y = 2 gives x² = 3/(4d + 1), not a square.
        #expect(EdwardsPoint(encoded: [2] + [UInt8](repeating: 0, count: 31)) == nil)
        // y = p: not canonical.
        #expect(EdwardsPoint(encoded: ReferenceInteger.p.bytes(32)) == nil)
        // y = 1 means x = 0, which has no negative form.
        #expect(EdwardsPoint(encoded: [1] + [UInt8](repeating: 0, count: 30) + [0x80]) == nil)
        #expect(EdwardsPoint(encoded: EdwardsPoint.base.encoded)?.encoded == EdwardsPoint.base.encoded)
    }
}

@Suite struct XEdDSATests {
    let message = Array("Das Pferd frisst keinen Gurkensalat.".utf8)

    /// calculate_key_pair's public key for the private key of the `xeddsa` crate's test suite
    /// (src/tests/xed25519.rs, PRIV_IN → verifying key), and convert_mont of the matching X25519
    /// public key (from OpenSSL) gives the same Edwards key.
    @Test func knownKeyPair() throws {
        let key = try X25519PrivateKey(
            rawRepresentation: secret("f8ced42b07e7810a04cc854b03576df1e4c0feb16d685e0ac0425e1c3c5eb247"))
        let expected = hex("d76d40332ed11388caa69b50676d630825cddad03246edd61ed3ca72e6cb2c2e")
        #expect(XEdDSA.keyPair(key.secret).publicKey == expected)
        #expect(try XEdDSA.edwardsPublicKey(for: key.publicKey).rawRepresentation == expected)
    }

    /// libsignal's test_signature (rust/protocol/src/curve/curve25519.rs): Alice's identity key signs her
    /// serialized ephemeral key (0x05 ‖ u). The signature carries the sign bit 1 in s's top bit, as
    /// libsignal's do; any flipped bit makes it invalid.
    @Test func libsignalSignature() throws {
        let key = try X25519PrivateKey(
            rawRepresentation: secret("c097248412e58bf05df487968205132794178e367637f5818f81e0e6ce73e865"))
        #expect(
            key.publicKey.rawRepresentation == hex("ab7e717d4a163b7d9a1d8071dfe9dcf8cdcd1cea3339b6356be84d887e322c64"))
        let message = hex("05edce9d9c415ca78cb7252e72c2c4a554d3eb29485a0e1d503118d1a82d99fb4a")
        let signature = hex(
            """
            5de88ca9a89b4a115da79109c67c9c7464a3e4180274f1cb8c63c2984e286dfb
            ede82deb9dcd9fae0bfbb821569b3d9001bd8130cd11d486cef047bd60b86e88
            """)
        #expect(XEdDSA.isValidSignature(signature, for: message, publicKey: key.publicKey))
        for index in signature.indices {
            var altered = signature
            altered[index] ^= 0x01
            #expect(!XEdDSA.isValidSignature(altered, for: message, publicKey: key.publicKey))
        }
    }

    /// Signatures of random keys verify, under XEdDSA and, with the converted key, under OpenSSL's
    /// Ed25519: an independent verifier. Both signs of kB occur among 16 keys.
    @Test func signaturesVerifyHereAndUnderOpenSSLEd25519() throws {
        var signs: Set<UInt8> = []
        for round in 0..<16 {
            let key = try X25519PrivateKey.generate()
            var clamped = key.secret.bytes
            clamped[0] &= 248
            clamped[31] = clamped[31] & 127 | 64
            signs.insert(EdwardsPoint.base.multiplied(by: Scalar(reducing: clamped)).encoded[31] >> 7)
            let text = message + [UInt8(round)]
            let signature = try XEdDSA.signature(for: text, privateKey: key)
            #expect(signature.count == 64)
            #expect(XEdDSA.isValidSignature(signature, for: text, publicKey: key.publicKey))
            let edwards = try XEdDSA.edwardsPublicKey(for: key.publicKey)
            #expect(edwards.isValidSignature(signature, for: text))
        }
        #expect(signs == [0, 1])
    }

    /// The same Z gives the same signature; another Z another one, and both verify.
    @Test func randomInputMakesSignaturesDiffer() throws {
        let key = try X25519PrivateKey.generate()
        let z = try SecureRandom.bytes(64)
        let first = try XEdDSA.signature(for: message, privateKey: key, random: z)
        #expect(try XEdDSA.signature(for: message, privateKey: key, random: z) == first)
        let second = try XEdDSA.signature(for: message, privateKey: key)
        #expect(second != first)
        #expect(XEdDSA.isValidSignature(second, for: message, publicKey: key.publicKey))
        #expect(throws: OMEMOCryptoError.invalidLength(what: "XEdDSA random input", expected: 64, actual: 32)) {
            try XEdDSA.signature(for: message, privateKey: key, random: [UInt8](repeating: 0, count: 32))
        }
    }

    /// A flipped bit anywhere in the message, the signature or the key fails verification.
    @Test func tamperedInputsFail() throws {
        let key = try X25519PrivateKey.generate()
        let signature = try XEdDSA.signature(for: message, privateKey: key)
        for bit in [0, 7, 100, message.count * 8 - 1] {
            var altered = message
            altered[bit / 8] ^= 1 << (bit % 8)
            #expect(!XEdDSA.isValidSignature(signature, for: altered, publicKey: key.publicKey))
        }
        for bit in [0, 9, 255, 256, 300, 500, 511] {
            var altered = signature
            altered[bit / 8] ^= 1 << (bit % 8)
            #expect(!XEdDSA.isValidSignature(altered, for: message, publicKey: key.publicKey))
        }
        for bit in [0, 77, 254] {
            var altered = key.publicKey.rawRepresentation
            altered[bit / 8] ^= 1 << (bit % 8)
            #expect(
                !XEdDSA.isValidSignature(
                    signature, for: message, publicKey: try X25519PublicKey(rawRepresentation: altered)))
        }
        #expect(!XEdDSA.isValidSignature(signature, for: message, publicKey: try X25519PrivateKey.generate().publicKey))
        #expect(!XEdDSA.isValidSignature(Array(signature.prefix(63)), for: message, publicKey: key.publicKey))
    }

    /// §3.4's range checks: s ≥ 2^253 and u ≥ p are refused before any arithmetic.
    @Test func outOfRangeValuesAreRefused() throws {
        let key = try X25519PrivateKey.generate()
        var signature = try XEdDSA.signature(for: message, privateKey: key)
        signature[63] |= 0x20
        #expect(!XEdDSA.isValidSignature(signature, for: message, publicKey: key.publicKey))
        let tooLarge = try X25519PublicKey(rawRepresentation: ReferenceInteger.p.bytes(32))
        #expect(throws: OMEMOCryptoError.invalidPublicKey) { try XEdDSA.edwardsPublicKey(for: tooLarge) }
        var highBit = key.publicKey.rawRepresentation
        highBit[31] |= 0x80
        #expect(throws: OMEMOCryptoError.invalidPublicKey) {
            try XEdDSA.edwardsPublicKey(for: X25519PublicKey(rawRepresentation: highBit))
        }
    }
}
