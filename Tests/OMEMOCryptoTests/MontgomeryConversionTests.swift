import OMEMOCrypto
import Testing

@Suite struct MontgomeryConversionTests {
    /// libsodium's test/default/ed25519_convert: the seed's Ed25519 public key and its X25519 key pair.
    @Test func libsodiumEd25519ConvertVector() throws {
        let key = try Ed25519PrivateKey(
            rawRepresentation: secret("421151a459faeade3d247115f94aedae42318124095afabe4d1451a559faedee"))
        #expect(
            key.publicKey.rawRepresentation == hex("b5076a8474a832daee4dd5b4040983b6623b5f344aca57d4d6ee4baf3f259e6e"))
        let montgomery = try key.montgomeryPrivateKey()
        #expect(montgomery.secret.bytes == hex("8052030376d47112be7f73ed7a019293dd12ad910b654455798b4667d73de166"))
        let expected = hex("f1814f0e8ff1043d8a44d25babff3cedcae6c22c3edaa48f857ae70de2baae50")
        #expect(montgomery.publicKey.rawRepresentation == expected)
        #expect(try key.publicKey.montgomeryPublicKey().rawRepresentation == expected)
    }

    /// RFC 8032 §7.1 TEST 1's key, converted: its X25519 public key as libsodium computes it.
    @Test func rfc8032Test1Key() throws {
        let key = try Ed25519PrivateKey(
            rawRepresentation: secret("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60"))
        let expected = hex("d85e07ec22b0ad881537c2f44d662d1a143cf830c57aca4305d85c7a90f6b62e")
        #expect(try key.publicKey.montgomeryPublicKey().rawRepresentation == expected)
        #expect(try key.montgomeryPrivateKey().publicKey.rawRepresentation == expected)
    }

    /// For random keys the two conversions agree, a converted key pair agrees with X25519 peers, and
    /// XEdDSA's convert_mont maps the converted key back to the Ed25519 key up to its sign bit.
    @Test func conversionsAgreeForRandomKeys() throws {
        for _ in 0..<16 {
            let key = try Ed25519PrivateKey.generate()
            let montgomery = try key.publicKey.montgomeryPublicKey()
            #expect(try key.montgomeryPrivateKey().publicKey == montgomery)
            let peer = try X25519PrivateKey.generate()
            #expect(
                try key.montgomeryPrivateKey().sharedSecret(with: peer.publicKey).bytes
                    == peer.sharedSecret(with: montgomery).bytes)
            var unsigned = key.publicKey.rawRepresentation
            unsigned[31] &= 0x7F
            #expect(try XEdDSA.edwardsPublicKey(for: montgomery).rawRepresentation == unsigned)
        }
    }

    /// The neutral element (y = 1) has no u, and bytes that are no point are refused.
    @Test func refusesTheNeutralElementAndNonPoints() throws {
        let neutral = try Ed25519PublicKey(rawRepresentation: [1] + [UInt8](repeating: 0, count: 31))
        #expect(throws: OMEMOCryptoError.invalidPublicKey) { try neutral.montgomeryPublicKey() }
        let notAPoint = try Ed25519PublicKey(rawRepresentation: [2] + [UInt8](repeating: 0, count: 31))
        #expect(throws: OMEMOCryptoError.invalidPublicKey) { try notAPoint.montgomeryPublicKey() }
    }
}
