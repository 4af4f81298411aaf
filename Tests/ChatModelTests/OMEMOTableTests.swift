import ChatStore
import OMEMO
import OMEMOSession
import TestSupport
import Testing
import XMPPCore
import XMPPExtensions

@testable import ChatModel

/// The OMEMO tables: made by their migration, every kind of row read back as written, and a row
/// that cannot be read said so (never a crash, never a silently wrong trust).
@Suite struct OMEMOTableTests {
    static let romeo = try! JID("romeo@montague.lit")

    func table() throws -> OMEMOTable {
        let store = try ChatStore.inMemory()
        try store.migrate(feature: OMEMOFeature.name, OMEMOTable.migrations)
        try store.migrate(feature: OMEMOFeature.name, OMEMOTable.migrations)
        let account = try store.account(jid: try JID("alice@example.org"), name: "main")
        return OMEMOTable(store: store, account: account)
    }

    @Test func theMigrationMakesEmptyTables() throws {
        let table = try table()
        #expect(try table.ownDevice() == nil)
        #expect(try table.isStrict() == false)
        #expect(try table.devices(of: Self.romeo).isEmpty)
        #expect(try table.session(Self.romeo, device: 1) == nil)
        #expect(try table.chatSettings().isEmpty)
        #expect(OMEMOTable.migrations.map(\.name) == ["create-omemo"])
        #expect(OMEMOFeature.tables.map(\.name) == ["create-omemo"])
    }

    @Test func ourDeviceAndStrictModeRoundTrip() throws {
        let table = try table()
        var own = try OwnDevice.generate(now: 1_000)
        try table.save(own)
        #expect(try table.isStrict() == false)
        try table.setStrict(true)
        #expect(try table.isStrict())
        #expect(try own.rotateSignedPreKeyIfDue(now: 1_000 + OwnDevice.signedPreKeyRotation))
        try table.save(own)
        let read = try #require(try table.ownDevice())
        #expect(read.deviceID == own.deviceID)
        #expect(read.signedPreKey.id == 2)
        #expect(read.previousSignedPreKeys.map(\.id) == [1])
        #expect(read.preKeys.map(\.id) == own.preKeys.map(\.id))
        #expect(try read.bundle(.omemo2) == (try own.bundle(.omemo2)))
        #expect(try table.isStrict(), "saving the device keeps strict mode")
    }

    @Test func devicesRoundTripInBothKeyForms() throws {
        let table = try table()
        let device = try OwnDevice.generate(now: 1_000)
        let key2 = OMEMOIdentityKey(version: .omemo2, bytes: try device.bundle(.omemo2).identityKey)
        let key03 = OMEMOIdentityKey(version: .legacy, bytes: try device.bundle(.legacy).identityKey)
        #expect(key2.matches(key03))
        #expect(key2.fingerprint == key03.fingerprint)
        let records = [
            OMEMODeviceRecord(
                jid: Self.romeo, device: 7, versions: [.omemo2, .legacy], identityKey: key2, trust: .verified,
                label: "Gajim", firstSeen: 5),
            OMEMODeviceRecord(
                jid: Self.romeo, device: 0x7FFF_FFFF, versions: [], identityKey: key03, trust: .untrusted,
                label: nil, firstSeen: 6),
            OMEMODeviceRecord(
                jid: Self.romeo, device: 3, versions: [.legacy], identityKey: nil, trust: .undecided, label: nil,
                firstSeen: 7),
        ]
        for record in records { try table.save(record) }
        #expect(try table.devices(of: Self.romeo) == records)
        #expect(try table.devices(of: try JID("romeo@montague.lit/orchard")) == records, "by bare JID")
        var changed = records[0]
        changed.trust = .blind
        changed.firstSeen = 99
        try table.save(changed)
        #expect(try table.devices(of: Self.romeo).first?.trust == .blind)
        #expect(try table.devices(of: Self.romeo).first?.firstSeen == 5, "first seen is kept")
        try table.forget(Self.romeo, device: 7)
        #expect(try table.devices(of: Self.romeo).map(\.device) == [0x7FFF_FFFF, 3])
    }

    @Test func anotherKeyDoesNotMatch() throws {
        let one = try OwnDevice.generate(now: 1_000)
        let other = try OwnDevice.generate(now: 1_000)
        let key = OMEMOIdentityKey(version: .omemo2, bytes: try one.bundle(.omemo2).identityKey)
        #expect(!key.matches(OMEMOIdentityKey(version: .legacy, bytes: try other.bundle(.legacy).identityKey)))
        #expect(!key.matches(OMEMOIdentityKey(version: .omemo2, bytes: try other.bundle(.omemo2).identityKey)))
        #expect(OMEMOIdentityKey(stored: key.stored) == key)
        #expect(OMEMOIdentityKey(stored: "3:" + OMEMOKey.base64(key.bytes)) == nil)
        #expect(OMEMOIdentityKey(stored: "2:AAAA") == nil)
    }

    @Test func sessionsAndChatsRoundTrip() throws {
        let table = try table()
        let alice = try OwnDevice.generate(now: 1_000)
        var bob = try OwnDevice.generate(now: 1_000)
        let address = OMEMODeviceAddress(jid: Self.romeo, device: bob.deviceID)
        let first = try OMEMOEngine.encrypt(
            Array("hi".utf8), version: .omemo2, from: alice,
            to: [OMEMORecipient(address: address, bundle: try bob.bundle(.omemo2))])
        try table.save(try #require(first.sessions.first?.session), Self.romeo, device: bob.deviceID)
        // The stored session goes on where the first left off: bob reads both messages.
        let read = try #require(try table.session(Self.romeo, device: bob.deviceID))
        let second = try OMEMOEngine.encrypt(
            Array("again".utf8), version: .omemo2, from: alice, to: [OMEMORecipient(address: address, session: read)])
        let alicesJID = try JID("alice@example.org")
        let opened = try OMEMOEngine.decrypt(
            first.encrypted, from: alicesJID, ourJID: Self.romeo, own: &bob, session: nil)
        let again = try OMEMOEngine.decrypt(
            second.encrypted, from: alicesJID, ourJID: Self.romeo, own: &bob, session: opened.session)
        #expect(again.plaintext.map { String(decoding: $0, as: UTF8.self) } == "again")
        try table.deleteSession(Self.romeo, device: bob.deviceID)
        #expect(try table.session(Self.romeo, device: bob.deviceID) == nil)
        try table.setChat(Self.romeo, enabled: true)
        try table.setChat(try JID("nurse@capulet.lit"), enabled: false)
        try table.setChat(Self.romeo, enabled: false)
        #expect(try table.chatSettings() == [Self.romeo: false, try JID("nurse@capulet.lit"): false])
    }

    /// A damaged key row: OMEMO is unavailable with a clear line, the account still works.
    @Test func aDamagedOwnDeviceIsAnErrorNotACrash() throws {
        let fixture = try OMEMOFixture()
        fixture.connect()
        try fixture.model.store.featureWrite("UPDATE omemo_own SET device = '{\"id\": 1'")
        #expect(throws: (any Error).self) { try fixture.feature.table.ownDevice() }
        fixture.account.disconnect()
        let restarted = try OMEMOFixture(store: fixture.model.store, scheduler: fixture.model.scheduler)
        restarted.connect()
        #expect(
            restarted.model.model.log.contains {
                $0.level == .error && $0.text.hasPrefix("could not read your OMEMO keys")
                    && $0.text.hasSuffix("encryption is unavailable")
            })
        #expect(restarted.server.publishes.isEmpty, "no device announced")
        #expect(
            try restarted.model.store.featureRows("SELECT device FROM omemo_own", [], { $0.text(0) }) == ["{\"id\": 1"],
            "the damaged keys are kept, not replaced by new ones")
        // An encrypted chat then sends nothing, and says why.
        restarted.model.model.submit("/omemo on \(OMEMOFixture.romeo)")
        #expect(restarted.send("hello").isEmpty)
        #expect(restarted.notices.contains { $0.hasPrefix("OMEMO is unavailable (see the log): not sent") })
    }

    /// Keys that cannot be stored are not used: OMEMO is unavailable, said in the log.
    @Test func keysThatCannotBeStoredAreNotUsed() throws {
        let fixture = try OMEMOFixture()
        try fixture.model.store.featureWrite("DROP TABLE omemo_own")
        fixture.connect()
        #expect(fixture.feature.own == nil)
        #expect(fixture.server.publishes.isEmpty)
        #expect(
            fixture.model.model.log.contains {
                $0.level == .error && $0.text.hasPrefix("could not make or store this device's OMEMO keys")
            })
    }

    /// A signed prekey rotated but not stored is not published.
    @Test func aRotationThatCannotBeStoredKeepsTheStoredKey() throws {
        let fixture = try OMEMOFixture()
        fixture.connect()
        let signed = fixture.own.signedPreKey.id
        fixture.account.disconnect()
        fixture.model.scheduler.advance(by: .milliseconds(OwnDevice.signedPreKeyRotation))
        try fixture.model.store.featureWrite(
            "CREATE TRIGGER no_keys BEFORE UPDATE ON omemo_own BEGIN SELECT RAISE(ABORT, 'read-only'); END")
        fixture.connect()
        #expect(fixture.feature.own?.signedPreKey.id == signed)
        try fixture.model.store.featureWrite("DROP TRIGGER no_keys")
        #expect(fixture.feature.ensureOwnDevice()?.signedPreKey.id == signed + 1)
        #expect(try fixture.feature.table.ownDevice()?.signedPreKey.id == signed + 1)
    }

    /// A damaged session row: the message from that device says so; nothing crashes.
    @Test func aDamagedSessionIsAnErrorNotACrash() throws {
        let fixture = try OMEMOFixture()
        fixture.connect()
        try fixture.romeoWrites("first")
        fixture.pump()
        try fixture.model.store.featureWrite("UPDATE omemo_session SET state = 'not json'")
        fixture.feature.sessions.removeAll()
        try fixture.romeoWrites("second", id: "m2")
        #expect(throws: (any Error).self) {
            try fixture.feature.table.session(fixture.romeoJID, device: fixture.romeo.id)
        }
        let body = try #require(try fixture.stored().last?.body)
        #expect(body.hasPrefix("[an OMEMO message from device \(fixture.romeo.id): its session could not be read"))
    }

    /// A damaged trust is never read as another trust.
    @Test func aDeviceRowWithAnUnknownTrustIsLeftOut() throws {
        let table = try table()
        try table.save(
            OMEMODeviceRecord(
                jid: Self.romeo, device: 7, versions: [.omemo2], identityKey: nil, trust: .untrusted, label: nil,
                firstSeen: 5))
        #expect(throws: (any Error).self) {
            try table.store.featureWrite("UPDATE omemo_device SET trust = 'sure'")
        }
        try table.store.featureWrite("UPDATE omemo_device SET versions = '2 9 0.3'")
        #expect(try table.devices(of: Self.romeo).first?.versions == [.omemo2, .legacy])
    }
}
