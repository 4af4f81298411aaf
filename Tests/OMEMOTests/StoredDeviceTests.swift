import Foundation
import OMEMOCrypto
import OMEMOSession
import Testing
import XMPPExtensions

@testable import OMEMO

/// Our device's compact stored form (`OwnDevice.stored`), as the account keeps it.
@Suite struct StoredDeviceTests {
    /// Every field comes back: id, identity, signed prekeys current and kept (with their times),
    /// one-time prekeys and the last id handed out.
    @Test func everyFieldComesBack() throws {
        var device = try OwnDevice.generate(now: 1)
        device.preKeys.removeFirst(3)
        _ = try device.rotateSignedPreKeyIfDue(now: 1 + OwnDevice.signedPreKeyRotation)
        let restored = try OwnDevice(stored: device.stored)
        #expect(restored.stored == device.stored)
        #expect(restored.deviceID == device.deviceID)
        #expect(restored.identity.publicKey == device.identity.publicKey)
        #expect(restored.signedPreKey.publicKey == device.signedPreKey.publicKey)
        #expect(restored.signedPreKey.createdAt == 1 + OwnDevice.signedPreKeyRotation)
        #expect(restored.previousSignedPreKeys.map(\.id) == [1])
        #expect(restored.previousSignedPreKeys.map(\.retiredAt) == [1 + OwnDevice.signedPreKeyRotation])
        #expect(restored.previousSignedPreKeys.map(\.publicKey) == device.previousSignedPreKeys.map(\.publicKey))
        #expect(restored.preKeys.map(\.id) == device.preKeys.map(\.id))
        #expect(restored.preKeys.map(\.publicKey) == device.preKeys.map(\.publicKey))
        #expect(restored.lastPreKeyID == device.lastPreKeyID)
        #expect(try restored.bundle(.omemo2).signedPreKeySignature == device.bundle(.omemo2).signedPreKeySignature)
    }

    /// A restored device opens a key exchange made to its bundle before it was stored, and goes on.
    @Test(arguments: OMEMOVersion.allCases) func aRestoredDeviceOpensOldKeyExchanges(version: OMEMOVersion) throws {
        var alice = try Peer("alice@example.org", version)
        var bob = try Peer("bob@example.org", version)
        let first = try alice.send("before the restart", to: [bob])
        bob.device = try OwnDevice(stored: bob.device.stored)
        #expect(try bob.receive(first, from: alice) == "before the restart")
        #expect(try alice.receive(bob.send("after", to: [alice]), from: bob) == "after")
    }

    /// About 4.1 KB with 100 prekeys, a fraction of the JSON form.
    @Test func theFormIsCompact() throws {
        let device = try OwnDevice.generate(now: 0)
        #expect(device.stored.count < 4_200)
        #expect(try JSONEncoder().encode(device).count > 3 * device.stored.count)
    }

    /// Cut, lengthened, of an unknown format, or with an absurd prekey count, stored bytes are refused.
    @Test func damagedBytesAreRefused() throws {
        let stored = try OwnDevice.generate(now: 0).stored
        for cut in [0, 1, 5, 40, stored.count / 2, stored.count - 1] {
            #expect(throws: StoredState.Error.self) { try OwnDevice(stored: Array(stored.prefix(cut))) }
        }
        #expect(throws: StoredState.Error("1 bytes left over")) { try OwnDevice(stored: stored + [0]) }
        var format = stored
        format[0] = 0
        #expect(throws: StoredState.Error("an unknown device format")) { try OwnDevice(stored: format) }
        // After the format (1), id (4), seed (4 + 32), signed prekey (4 + 4 + 32 + 8 + 1) and the
        // count of kept ones (4): the prekey count.
        let countOffset = 1 + 4 + 36 + 49 + 4
        #expect(stored[(countOffset)..<(countOffset + 4)].reduce(0) { $0 << 8 | Int($1) } == OwnDevice.preKeyCount)
        var count = stored
        count[countOffset] = 0xFF
        #expect(throws: StoredState.Error("too many prekeys")) { try OwnDevice(stored: count) }
    }
}
