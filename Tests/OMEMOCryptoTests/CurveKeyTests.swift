import OMEMOCrypto
import Testing

@Suite struct X25519Tests {
    /// RFC 7748 §5.2, the two single-step test vectors (scalar, u-coordinate, output).
    @Test(arguments: [
        (
            "a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4",
            "e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c",
            "c3da55379de9c6908e94ea4df28d084f32eccf03491c71f754b4075577a28552"
        ),
        (
            "4b66e9d4d1b4673c5ad22691957d6af5c11b6421e0ea01d42ca4169e7918ba0d",
            "e5210f12786811d3f4b7959d0538ae2c31dbe7106fc03c3efc4cd549c715a493",
            "95cbde9476e8907d7aade45cb4b873f88b595a68799fa152e6f8f7647aac7957"
        ),
    ])
    func rfc7748Section5_2(scalar: String, u: String, output: String) throws {
        let key = try X25519PrivateKey(rawRepresentation: secret(scalar))
        let shared = try key.sharedSecret(with: X25519PublicKey(rawRepresentation: hex(u)))
        #expect(shared.bytes == hex(output))
    }

    /// RFC 7748 §6.1: Alice's and Bob's key pairs and their shared secret.
    @Test func rfc7748Section6_1() throws {
        let alice = try X25519PrivateKey(
            rawRepresentation: secret("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a"))
        let bob = try X25519PrivateKey(
            rawRepresentation: secret("5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb"))
        #expect(
            alice.publicKey.rawRepresentation == hex("8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a")
        )
        #expect(
            bob.publicKey.rawRepresentation == hex("de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f"))
        let expected = hex("4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742")
        #expect(try alice.sharedSecret(with: bob.publicKey).bytes == expected)
        #expect(try bob.sharedSecret(with: alice.publicKey).bytes == expected)
    }

    /// RFC 7748 §5.2, the iterated test: k = u = 9, then (k, u) ← (X25519(k, u), k); checked after 1
    /// and 1,000 rounds.
    @Test func rfc7748Section5_2Iterated() throws {
        var k = [9] + [UInt8](repeating: 0, count: 31)
        var u = k
        for round in 1...1000 {
            let next = try X25519PrivateKey(rawRepresentation: SecretBytes(k))
                .sharedSecret(with: X25519PublicKey(rawRepresentation: u)).bytes
            (k, u) = (next, k)
            if round == 1 {
                #expect(k == hex("422c8e7a6227d7bca1350b3e2bb7279f7897b87bb6854b783c60e80311ae3079"))
            }
        }
        #expect(k == hex("684cf59ba83309552800ef566f2f4d3c1c3887c49360e3875f2eb94d99532c51"))
    }

    /// libsignal's test_agreement (rust/protocol/src/curve/curve25519.rs): the key pairs and secret.
    @Test func libsignalAgreement() throws {
        let alice = try X25519PrivateKey(
            rawRepresentation: secret("c806439dc9d2c476ffed8f2580c0888d58ab406bf7ae3698879021b96bb4bf59"))
        let bob = try X25519PrivateKey(
            rawRepresentation: secret("b03b34c33a1c44f225b662d2bf4859b8135411fa7b0386d45fb75dc5b91b4466"))
        #expect(
            alice.publicKey.rawRepresentation == hex("1bb75966f2e93a3691dfff942bb2a466a1c08b8d78ca3f4d6df8b8bfa2e4ee28")
        )
        #expect(
            bob.publicKey.rawRepresentation == hex("653614993d2b15ee9e5fd3d86ce719ef4ec1daae1886a87b3f5fa9565a27a22f"))
        let shared = hex("325f239328941ced6e673b86ba41017448e99b649a9c3806c1dd7ca4c477e629")
        #expect(try alice.sharedSecret(with: bob.publicKey).bytes == shared)
        #expect(try bob.sharedSecret(with: alice.publicKey).bytes == shared)
    }

    @Test func generatedKeysAgree() throws {
        let alice = try X25519PrivateKey.generate()
        let bob = try X25519PrivateKey.generate()
        #expect(alice.publicKey != bob.publicKey)
        #expect(try alice.sharedSecret(with: bob.publicKey).bytes == bob.sharedSecret(with: alice.publicKey).bytes)
    }

    /// A small-order peer key (here u = 0) gives the all-zero secret, which is refused.
    @Test func smallOrderPeerKeyIsRefused() throws {
        let key = try X25519PrivateKey.generate()
        let zero = try X25519PublicKey(rawRepresentation: [UInt8](repeating: 0, count: 32))
        #expect(throws: OMEMOCryptoError.invalidPublicKey) { try key.sharedSecret(with: zero) }
    }

    @Test func wrongKeySizesAreRefused() {
        #expect(throws: OMEMOCryptoError.invalidLength(what: "X25519 public key", expected: 32, actual: 31)) {
            try X25519PublicKey(rawRepresentation: [UInt8](repeating: 9, count: 31))
        }
        #expect(throws: OMEMOCryptoError.invalidLength(what: "X25519 private key", expected: 32, actual: 33)) {
            try X25519PrivateKey(rawRepresentation: SecretBytes([UInt8](repeating: 1, count: 33)))
        }
    }
}

@Suite struct Ed25519Tests {
    /// RFC 8032 §7.1, TEST 1 to 3 (secret key, public key, message, signature).
    @Test(arguments: [
        (
            "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
            "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", "",
            "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"
        ),
        (
            "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
            "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c", "72",
            "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00"
        ),
        (
            "c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7",
            "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025", "af82",
            "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a"
        ),
    ])
    func rfc8032Section7_1(seed: String, publicKey: String, message: String, signature: String) throws {
        let key = try Ed25519PrivateKey(rawRepresentation: secret(seed))
        #expect(key.publicKey.rawRepresentation == hex(publicKey))
        #expect(try key.signature(for: hex(message)) == hex(signature))
        #expect(key.publicKey.isValidSignature(hex(signature), for: hex(message)))
    }

    @Test func tamperedSignaturesFail() throws {
        let key = try Ed25519PrivateKey.generate()
        let message = Array("OMEMO".utf8)
        let signature = try key.signature(for: message)
        #expect(key.publicKey.isValidSignature(signature, for: message))
        var flipped = signature
        flipped[10] ^= 0x01
        #expect(!key.publicKey.isValidSignature(flipped, for: message))
        #expect(!key.publicKey.isValidSignature(signature, for: Array("OMEMo".utf8)))
        #expect(!key.publicKey.isValidSignature(Array(signature.prefix(63)), for: message))
        #expect(try !Ed25519PrivateKey.generate().publicKey.isValidSignature(signature, for: message))
    }

    @Test func wrongKeySizesAreRefused() {
        #expect(throws: OMEMOCryptoError.invalidLength(what: "Ed25519 public key", expected: 32, actual: 0)) {
            try Ed25519PublicKey(rawRepresentation: [])
        }
        #expect(throws: OMEMOCryptoError.invalidLength(what: "Ed25519 private key", expected: 32, actual: 64)) {
            try Ed25519PrivateKey(rawRepresentation: SecretBytes([UInt8](repeating: 1, count: 64)))
        }
    }
}
