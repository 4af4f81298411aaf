import Foundation
import OMEMOCrypto
import OMEMOSession
import TestSupport
import Testing
import XMPPCore
import XMPPExtensions

@testable import OMEMO

/// `OwnDevice`: generation, bundles, storage, prekey refills, signed prekey rotation, fingerprints.
@Suite struct OwnDeviceTests {
    static let day: Int64 = 24 * 3600 * 1000

    @Test func aNewDeviceHasAnIDInRangeAndAFullSetOfPreKeys() throws {
        let device = try OwnDevice.generate(now: 5)
        #expect((1...OwnDevice.maximumID).contains(device.deviceID))
        #expect(device.preKeys.map(\.id) == Array(1...100))
        #expect(device.signedPreKey.id == 1 && device.signedPreKey.createdAt == 5)
        #expect(device.previousSignedPreKeys.isEmpty)
        let ids = try Set((1...20).map { _ in try OwnDevice.generate(now: 0).deviceID })
        #expect(ids.count == 20)
    }

    /// Each version's bundle verifies, parses back from its XML and carries the identity key in the
    /// version's form.
    @Test(arguments: OMEMOVersion.allCases) func theBundleIsValidInEachVersion(version: OMEMOVersion) throws {
        let device = try OwnDevice.generate(now: 0)
        let bundle = try device.bundle(version)
        let parsed = try OMEMOBundle(#require(XMLElement.parse(bundle.element.serialized())))
        #expect(parsed == bundle)
        #expect(bundle.preKeys.count == OwnDevice.preKeyCount)
        #expect(bundle.signedPreKeyID == 1)
        let identity: IdentityPublicKey =
            version == .omemo2
            ? .ed25519(try Ed25519PublicKey(rawRepresentation: bundle.identityKey))
            : .curve25519(try X25519PublicKey(rawRepresentation: bundle.identityKey))
        #expect(identity == device.identity.identityKey(for: version.sessionVersion))
        let signedPreKey = try X25519PublicKey(rawRepresentation: bundle.signedPreKey)
        #expect(identity.isValidSignature(bundle.signedPreKeySignature, forSignedPreKey: signedPreKey))
    }

    /// A device stored and restored (as across restarts) keeps its keys: sessions opened before go on,
    /// and a key exchange to its old bundle still opens.
    @Test(arguments: OMEMOVersion.allCases) func aStoredDeviceContinues(version: OMEMOVersion) throws {
        var alice = try Peer("alice@example.org", version)
        var bob = try Peer("bob@example.org", version)
        let oldBundle = try bob.device.bundle(version)
        try bob.receive(alice.send("before", to: [bob]), from: alice)
        bob.device = try JSONDecoder().decode(OwnDevice.self, from: JSONEncoder().encode(bob.device))
        alice.device = try JSONDecoder().decode(OwnDevice.self, from: JSONEncoder().encode(alice.device))
        #expect(try alice.receive(bob.send("after", to: [alice]), from: bob) == "after")
        #expect(try bob.receive(alice.send("again", to: [bob]), from: alice) == "again")
        var carol = try Peer("carol@example.org", version)
        carol.sessions = [:]
        let late = try OMEMOEngine.encrypt(
            Array("late".utf8), version: version, from: carol.device,
            to: [OMEMORecipient(address: bob.address, bundle: oldBundle)])
        #expect(try bob.receive(late.encrypted, from: carol) == "late")
        #expect(try bob.device.bundle(version).identityKey == oldBundle.identityKey)
    }

    /// A stored session (JSON) continues too, and the coded device keeps everything.
    @Test func aCodedDeviceKeepsEveryField() throws {
        var device = try OwnDevice.generate(now: 1)
        device.preKeys.removeFirst(3)
        _ = try device.rotateSignedPreKeyIfDue(now: 1 + OwnDevice.signedPreKeyRotation)
        let decoded = try JSONDecoder().decode(OwnDevice.self, from: JSONEncoder().encode(device))
        #expect(decoded.deviceID == device.deviceID)
        #expect(decoded.preKeys.map(\.id) == device.preKeys.map(\.id))
        #expect(decoded.preKeys.map(\.publicKey) == device.preKeys.map(\.publicKey))
        #expect(decoded.lastPreKeyID == device.lastPreKeyID)
        #expect(decoded.signedPreKey.publicKey == device.signedPreKey.publicKey)
        #expect(decoded.previousSignedPreKeys.map(\.retiredAt) == [1 + OwnDevice.signedPreKeyRotation])
        #expect(decoded.identity.publicKey == device.identity.publicKey)
        #expect(decoded.fingerprint(.omemo2) == device.fingerprint(.omemo2))
    }

    /// The description, debug description and dump show the id and fingerprint, never a private key.
    @Test func noSecretInTheDescription() throws {
        let device = try OwnDevice.generate(now: 0)
        var dumped = ""
        dump(device, to: &dumped)
        let secrets =
            [device.identity.signingKey.secret.bytes, device.signedPreKey.publicKey.rawRepresentation]
            + device.preKeys.prefix(3).map(\.publicKey.rawRepresentation)
        for text in [device.description, String(reflecting: device), "\(device)", dumped] {
            #expect(text.contains(String(device.deviceID)))
            for secret in secrets {
                #expect(!text.contains(secret.map { String(format: "%02x", $0) }.joined()))
                #expect(!text.contains(secret.map(String.init).joined(separator: ", ")))
            }
        }
        #expect(device.description.contains(device.fingerprint(.omemo2)))
    }

    /// Refilling after a key exchange brings the set back to 100 with ids never used before.
    @Test func refilledPreKeysHaveNewIDs() throws {
        var device = try OwnDevice.generate(now: 0)
        var everUsed = Set(device.preKeys.map(\.id))
        for round in 1...3 {
            device.preKeys.removeAll { $0.id % 7 == UInt32(round) }
            try device.refillPreKeys()
            #expect(device.preKeys.count == OwnDevice.preKeyCount)
            let ids = device.preKeys.map(\.id)
            #expect(Set(ids).count == ids.count)
            let new = Set(ids).subtracting(everUsed)
            #expect(!new.isEmpty && new.allSatisfy { $0 > 100 })
            everUsed.formUnion(ids)
        }
        let full = device.preKeys.map(\.id)
        try device.refillPreKeys()
        #expect(device.preKeys.map(\.id) == full)
    }

    /// Ids wrap past 2^31 - 1 to the smallest ones not in use.
    @Test func preKeyIDsWrapToUnusedOnes() throws {
        var device = try OwnDevice.generate(now: 0)
        device.preKeys.removeFirst(2)
        device.lastPreKeyID = OwnDevice.maximumID - 1
        try device.refillPreKeys()
        #expect(device.preKeys.suffix(2).map(\.id) == [OwnDevice.maximumID, 1])
    }

    /// Rotation every 7 days; a replaced signed prekey still opens sessions for 30 days after it was
    /// replaced, then is dropped at the next rotation.
    @Test func theSignedPreKeyRotatesWeeklyAndOldOnesExpire() throws {
        let start = Peer.start
        var bob = try Peer("bob@example.org", .omemo2)
        let alice = try Peer("alice@example.org", .omemo2)
        let firstBundle = try bob.device.bundle(.omemo2)
        #expect(try !bob.device.rotateSignedPreKeyIfDue(now: start + 7 * Self.day - 1))
        #expect(try bob.device.rotateSignedPreKeyIfDue(now: start + 7 * Self.day))
        #expect(bob.device.signedPreKey.id == 2)
        #expect(try !bob.device.rotateSignedPreKeyIfDue(now: start + 8 * Self.day))
        #expect(try bob.device.bundle(.omemo2).signedPreKeyID == 2)
        let late = try OMEMOEngine.encrypt(
            Array("old bundle".utf8), version: .omemo2, from: alice.device,
            to: [OMEMORecipient(address: bob.address, bundle: firstBundle)])
        var kept = bob
        #expect(try kept.receive(late.encrypted, from: alice) == "old bundle")

        for week in 2...5 {
            #expect(try bob.device.rotateSignedPreKeyIfDue(now: start + Int64(week) * 7 * Self.day))
        }
        #expect(bob.device.signedPreKey.id == 6)
        #expect(bob.device.previousSignedPreKeys.map(\.id) == [5, 4, 3, 2, 1])
        #expect(try bob.device.rotateSignedPreKeyIfDue(now: start + 44 * Self.day))
        #expect(bob.device.previousSignedPreKeys.map(\.id) == [6, 5, 4, 3])
        #expect(throws: OMEMOError.unknownSignedPreKey(1)) { try bob.receive(late.encrypted, from: alice) }
    }

    /// XEP-0384: the Curve25519 form as lowercase hex in 8 groups of 8, the same in both versions and
    /// from either version's published key.
    @Test func fingerprintsAreTheCurveKeyInGroupsOfEight() throws {
        let device = try OwnDevice.generate(now: 0)
        let fingerprint = device.fingerprint(.omemo2)
        let groups = fingerprint.split(separator: " ")
        #expect(groups.count == 8 && groups.allSatisfy { $0.count == 8 })
        #expect(fingerprint.allSatisfy { "0123456789abcdef ".contains($0) })
        #expect(device.fingerprint(.legacy) == fingerprint)
        let curve = device.identity.agreementKey.publicKey.rawRepresentation
        #expect(
            fingerprint.replacingOccurrences(of: " ", with: "") == curve.map { String(format: "%02x", $0) }.joined())
        #expect(
            OMEMOFingerprint.of(identityKey: try device.bundle(.omemo2).identityKey, version: .omemo2) == fingerprint)
        #expect(
            OMEMOFingerprint.of(identityKey: try device.bundle(.legacy).identityKey, version: .legacy) == fingerprint)
        #expect(OMEMOFingerprint.of(identityKey: OMEMOKey.serialized(curve), version: .legacy) == fingerprint)
        #expect(OMEMOFingerprint.of(identityKey: [1, 2, 3], version: .legacy) == nil)
        #expect(OMEMOFingerprint.of(identityKey: [UInt8](repeating: 0xFF, count: 31), version: .omemo2) == nil)
    }

    /// A known key: 32 bytes 0x00…0x1f.
    @Test func aFingerprintOfAKnownKey() {
        #expect(
            OMEMOFingerprint.of(identityKey: Array(0...31), version: .legacy)
                == "00010203 04050607 08090a0b 0c0d0e0f 10111213 14151617 18191a1b 1c1d1e1f")
    }
}
