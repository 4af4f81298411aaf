import Foundation
import OMEMO
import OMEMOSession
import Testing
import XMPPCore
import XMPPExtensions

/// The wire ↔ session glue, key exchanges the engine must refuse, and device addresses.
@Suite struct OMEMOWireTests {
    /// A key exchange and a plain message read back as what was written, in each version's framing.
    @Test(arguments: SessionVersion.allCases) func keyExchangesAndMessagesRoundTrip(version: SessionVersion) throws {
        let alice = try OwnDevice.generate(now: 0)
        let bob = try OwnDevice.generate(now: 0)
        let wireVersion: OMEMOVersion = version == .omemo2 ? .omemo2 : .legacy
        let result = try OMEMOEngine.encrypt(
            [1, 2, 3], version: wireVersion, from: alice,
            to: [
                OMEMORecipient(
                    address: .init(jid: JID("bob@example.org"), device: bob.deviceID), bundle: bob.bundle(wireVersion))
            ])
        let key = try #require(result.encrypted.keys.first)
        let session = try #require(result.sessions.first?.session)
        let exchange = try OMEMOWire.parseKeyExchange(key.data, version)
        #expect(exchange.header == session.pendingKeyExchange)
        #expect(exchange.identityKey == alice.identity.identityKey(for: version))
        #expect(bob.preKeys.contains { $0.id == exchange.preKeyID })
        #expect(exchange.message.mac.count == (version == .omemo2 ? 16 : 8))
        #expect(OMEMOWire.keyExchange(exchange.header, exchange.message, version) == key.data)
        #expect(
            OMEMOWire.encoder(version)(exchange.message.header, exchange.message.ciphertext) == exchange.message.encoded
        )
        let plain = OMEMOWire.message(exchange.message, version)
        #expect(try OMEMOWire.parseMessage(plain, version) == exchange.message)
        #expect(throws: OMEMOError.malformed("message")) { try OMEMOWire.parseMessage(key.data, version) }
        #expect(throws: OMEMOError.malformed("key exchange")) { try OMEMOWire.parseKeyExchange(plain, version) }
        #expect(throws: OMEMOError.malformed("message")) { try OMEMOWire.parseMessage([0x33, 0xFF], version) }
    }

    /// A 0.3 PreKeySignalMessage without a one-time prekey (libsignal allows it) is refused: Tern asks
    /// for one in every key exchange.
    @Test func aLegacyKeyExchangeWithoutAPreKeyIsRefused() throws {
        var alice = try Peer("alice@example.org", .legacy)
        var bob = try Peer("bob@example.org", .legacy)
        var message = try alice.send("no prekey", to: [bob])
        var exchange = try PreKeySignalMessage(message.keys[0].data)
        exchange.preKeyID = nil
        message.keys[0].data = exchange.bytes
        let prekeys = bob.device.preKeys.map(\.id)
        #expect(throws: OMEMOError.missingPreKey) { try bob.receive(message, from: alice) }
        #expect(bob.device.preKeys.map(\.id) == prekeys)
    }

    /// A key exchange whose message was altered builds nothing and uses up no prekey.
    @Test(arguments: OMEMOVersion.allCases) func anAlteredKeyExchangeKeepsThePreKey(version: OMEMOVersion) throws {
        var alice = try Peer("alice@example.org", version)
        var bob = try Peer("bob@example.org", version)
        var message = try alice.send("hello", to: [bob])
        var exchange = try OMEMOWire.parseKeyExchange(message.keys[0].data, version.sessionVersion)
        exchange.message.mac[0] ^= 0x01
        message.keys[0].data = OMEMOWire.keyExchange(exchange.header, exchange.message, version.sessionVersion)
        let prekeys = bob.device.preKeys.map(\.id)
        #expect(throws: OMEMOError.badMAC) { try bob.receive(message, from: alice) }
        #expect(bob.device.preKeys.map(\.id) == prekeys)
        #expect(bob.sessions.isEmpty)
    }

    @Test func deviceAddressesAreBareAndCoded() throws {
        var address = OMEMODeviceAddress(jid: try JID("alice@example.org/phone"), device: 7)
        #expect(address.jid == (try JID("alice@example.org")))
        address.jid = try JID("bob@example.org/laptop")
        #expect(address.jid.isBare)
        #expect(address.description == "bob@example.org#7")
        let coded = try JSONDecoder().decode(OMEMODeviceAddress.self, from: JSONEncoder().encode(address))
        #expect(coded == address)
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(OMEMODeviceAddress.self, from: Data(#"{"jid": "@", "device": 1}"#.utf8))
        }
    }

    /// Every error says what happened in words, without key material.
    @Test func errorsDescribeThemselves() {
        let errors: [OMEMOError] = [
            .noKeyForDevice, .sentByThisDevice, .noSession, .badMAC, .duplicateMessage, .unknownPreKey(5),
            .unknownSignedPreKey(6), .missingPreKey, .noBundle, .badBundleSignature, .invalidBundle,
            .versionMismatch, .malformed("key"), .badPayload, .session(.tooManySkippedMessages),
            .crypto(.authenticationFailed),
        ]
        #expect(Set(errors.map(\.description)).count == errors.count)
        #expect(OMEMOError.unknownPreKey(5).description.contains("5"))
    }
}
