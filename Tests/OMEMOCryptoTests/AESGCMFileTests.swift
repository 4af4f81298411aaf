import Foundation
import OMEMOCrypto
import Testing

@Suite struct AESGCMFileTests {
    /// A directory of its own for each test, removed after.
    final class Scratch {
        let path = NSTemporaryDirectory() + "tern-gcm-file-\(UUID().uuidString)/"

        init() throws { try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true) }
        deinit { try? FileManager.default.removeItem(atPath: path) }

        func write(_ name: String, _ bytes: [UInt8]) -> String {
            #expect(FileManager.default.createFile(atPath: path + name, contents: Data(bytes)))
            return path + name
        }

        func read(_ name: String) -> [UInt8]? { FileManager.default.contents(atPath: path + name).map(Array.init) }

        var names: [String] { ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).sorted() }
    }

    struct Vector: Sendable, CustomTestStringConvertible {
        var name, key, iv, plaintext, ciphertext, tag: String
        var testDescription: String { name }
    }

    /// McGrew and Viega's GCM test cases 13-15 (AES-256, 96-bit IV, no associated data: what XEP-0454
    /// uses), and one with a 16-byte IV made with pyca/cryptography (the IV length older senders use).
    static let vectors = [
        Vector(
            name: "13", key: String(repeating: "00", count: 32), iv: String(repeating: "00", count: 12),
            plaintext: "", ciphertext: "", tag: "530f8afbc74536b9a963b4f1c4cb738b"),
        Vector(
            name: "14", key: String(repeating: "00", count: 32), iv: String(repeating: "00", count: 12),
            plaintext: String(repeating: "00", count: 16), ciphertext: "cea7403d4d606b6e074ec5d3baf39d18",
            tag: "d0d1c8a799996bf0265b98b5d48ab919"),
        Vector(
            name: "15", key: AESGCMTests.k128 + AESGCMTests.k128, iv: "cafebabefacedbaddecaf888",
            plaintext: AESGCMTests.p64, ciphertext: AESGCMTests.c256, tag: "b094dac5d93471bdec1a502270e3cc6c"),
        Vector(
            name: "16-byte IV", key: "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f",
            iv: "6465666768696a6b6c6d6e6f70717273",
            plaintext:
                "5845502d303435342066696c65732066726f6d206f6c6465722073656e64657273207573656420612031362d627974652049562e",
            ciphertext:
                "80f6137cd42012ec929fc4e522a4cc03281e35e0f383846eb7a0670bf79362ba08e1fbbf05afc3a0213e79287508b857f91412d9",
            tag: "422fa767df3ab668bb278e7e5a0a5e8d"),
    ]

    @Test(arguments: vectors)
    func specVectors(vector: Vector) throws {
        let scratch = try Scratch()
        let sealed = scratch.write("sealed", hex(vector.ciphertext + vector.tag))
        if hex(vector.iv).count == 12 {
            let plain = scratch.write("plain", hex(vector.plaintext))
            try AESGCMFile.encrypt(plain, to: scratch.path + "encrypted", key: hex(vector.key), iv: hex(vector.iv))
            #expect(scratch.read("encrypted") == hex(vector.ciphertext + vector.tag))
        }
        let length = try AESGCMFile.decrypt(
            sealed, to: scratch.path + "opened", key: hex(vector.key), iv: hex(vector.iv))
        #expect(length == Int64(hex(vector.plaintext).count))
        #expect(scratch.read("opened") == hex(vector.plaintext))
    }

    /// Several chunks and a partial one: the same bytes as the one-shot `AESGCM.seal` of the whole file.
    @Test func manyChunksMatchOneShot() throws {
        let scratch = try Scratch()
        let plaintext = try SecureRandom.bytes(AESGCMFile.chunkSize * 3 + 1234)
        let (key, iv) = try AESGCMFile.newKey()
        #expect(key.count == 32 && iv.count == 12)
        let plain = scratch.write("plain", plaintext)
        #expect(try AESGCMFile.encrypt(plain, to: scratch.path + "encrypted", key: key, iv: iv) == plaintext.count)
        let sealed = try AESGCM.seal(plaintext, key: key, iv: iv)
        #expect(scratch.read("encrypted") == sealed.ciphertext + sealed.tag)
        try AESGCMFile.decrypt(scratch.path + "encrypted", to: scratch.path + "opened", key: key, iv: iv)
        #expect(scratch.read("opened") == plaintext)
        let mode = try FileManager.default.attributesOfItem(atPath: scratch.path + "encrypted")[.posixPermissions]
        #expect(mode as? Int == 0o600)
    }

    /// A flipped bit anywhere, a wrong key or a file shorter than a tag: refused, and nothing is left
    /// in the directory (not even the temporary file).
    @Test func badTagWritesNothing() throws {
        let scratch = try Scratch()
        let plaintext = try SecureRandom.bytes(AESGCMFile.chunkSize + 10)
        let (key, iv) = try AESGCMFile.newKey()
        let sealed = try AESGCM.seal(plaintext, key: key, iv: iv)
        var lastByte = sealed.ciphertext + sealed.tag
        lastByte[lastByte.count - 1] ^= 1
        var firstByte = sealed.ciphertext + sealed.tag
        firstByte[0] ^= 0x80
        var otherKey = key
        otherKey[31] ^= 1
        let cases: [([UInt8], [UInt8])] = [
            (lastByte, key), (firstByte, key), (sealed.ciphertext + sealed.tag, otherKey),
            (Array(sealed.tag.prefix(15)), key),
        ]
        for (bytes, key) in cases {
            let input = NSTemporaryDirectory() + "tern-gcm-input-\(UUID().uuidString)"
            #expect(FileManager.default.createFile(atPath: input, contents: Data(bytes)))
            defer { try? FileManager.default.removeItem(atPath: input) }
            #expect(throws: OMEMOCryptoError.authenticationFailed) {
                try AESGCMFile.decrypt(input, to: scratch.path + "opened", key: key, iv: iv)
            }
            #expect(scratch.names.isEmpty)
        }
    }

    /// Neither direction writes over an existing file; the existing one keeps its bytes.
    @Test func existingFilesAreKept() throws {
        let scratch = try Scratch()
        let (key, iv) = try AESGCMFile.newKey()
        let plain = scratch.write("plain", Array("hello".utf8))
        let taken = scratch.write("taken", Array("mine".utf8))
        #expect(throws: OMEMOCryptoError.self) { try AESGCMFile.encrypt(plain, to: taken, key: key, iv: iv) }
        try AESGCMFile.encrypt(plain, to: scratch.path + "encrypted", key: key, iv: iv)
        #expect(throws: OMEMOCryptoError.self) {
            try AESGCMFile.decrypt(scratch.path + "encrypted", to: taken, key: key, iv: iv)
        }
        #expect(scratch.read("taken") == Array("mine".utf8))
        #expect(scratch.names == ["encrypted", "plain", "taken"])
    }

    @Test func wrongSizesAndMissingFilesAreRefused() throws {
        let scratch = try Scratch()
        let plain = scratch.write("plain", [1, 2, 3])
        #expect(throws: OMEMOCryptoError.invalidLength(what: "AES-GCM IV", expected: 12, actual: 16)) {
            try AESGCMFile.encrypt(
                plain, to: scratch.path + "out", key: [UInt8](repeating: 0, count: 32),
                iv: [UInt8](repeating: 0, count: 16))
        }
        #expect(throws: OMEMOCryptoError.invalidLength(what: "AES-256-GCM key", expected: 32, actual: 16)) {
            try AESGCMFile.decrypt(
                plain, to: scratch.path + "out", key: [UInt8](repeating: 0, count: 16),
                iv: [UInt8](repeating: 0, count: 12))
        }
        #expect(throws: OMEMOCryptoError.invalidLength(what: "AES-GCM IV", expected: 12, actual: 13)) {
            try AESGCMFile.decrypt(
                plain, to: scratch.path + "out", key: [UInt8](repeating: 0, count: 32),
                iv: [UInt8](repeating: 0, count: 13))
        }
        #expect(throws: OMEMOCryptoError.file("cannot read \(scratch.path)absent: No such file or directory")) {
            try AESGCMFile.encrypt(
                scratch.path + "absent", to: scratch.path + "out", key: [UInt8](repeating: 0, count: 32),
                iv: [UInt8](repeating: 0, count: 12))
        }
        #expect(scratch.names == ["plain"])
    }
}
