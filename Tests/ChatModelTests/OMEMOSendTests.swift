import ChatStore
import OMEMO
import TestSupport
import Testing
import XMPPCore
import XMPPExtensions

@testable import ChatModel

/// Sending in an encrypted chat (XEP-0384 §Sending a message): the contact's devices and keys
/// fetched first, the message sealed to every trusted device or not sent at all, and the reason
/// told in the chat's window.
@Suite struct OMEMOSendTests {
    func outbox(_ fixture: OMEMOFixture) throws -> [OutboxEntry] {
        try fixture.model.store.outbox(account: fixture.account.accountID)
    }

    @Test func aMessageWaitsForTheKeysThenGoesOnce() throws {
        let fixture = try OMEMOFixture.connected()
        fixture.model.model.submit("/omemo on \(OMEMOFixture.romeo)")
        fixture.account.feature(MessagingFeature.self)!.send("wherefore art thou", to: fixture.romeoJID)
        #expect(try fixture.stored().isEmpty, "held, not stored, until the keys are here")
        #expect(fixture.notices.contains { $0.hasPrefix("fetching romeo@montague.lit's OMEMO devices") })
        fixture.pump()
        let sent = fixture.server.takeMessages()
        #expect(sent.count == 1)
        for version in OMEMOVersion.allCases {
            #expect(fixture.server.fetches.contains { $0.owner == fixture.romeoJID && $0.node == version.devicesNode })
        }
        #expect(
            fixture.server.fetches.contains {
                $0.owner == fixture.romeoJID && $0.node == OMEMOVersion.omemo2.bundlesNode(device: 0)
            })
        let text = try fixture.romeo.read(try #require(sent.first), from: fixture.account.jid)
        #expect(text?.contains("<body xmlns='jabber:client'>wherefore art thou</body>") == true)
        #expect(try fixture.stored().map(\.body) == ["wherefore art thou"])
        // Nothing more goes later.
        fixture.model.scheduler.advance(by: .seconds(60))
        fixture.pump()
        #expect(fixture.server.takeMessages().isEmpty)
        #expect(!fixture.notices.contains { $0.contains("did not come") })
    }

    @Test(arguments: OMEMOVersion.allCases)
    func theStanzaCarriesNoPlaintextAndTheStoreDoes(_ version: OMEMOVersion) throws {
        let fixture = try OMEMOFixture.connected(version)
        fixture.turnOn()
        let stanza = try #require(fixture.send("a secret").first)
        #expect(!stanza.serialized().contains("a secret"))
        #expect(stanza.children("body", namespace: nil).map(\.text) == [OMEMOFeature.fallbackBody])
        #expect(stanza.child("encrypted", namespace: version.namespace) != nil)
        #expect(
            stanza.child("encrypted", namespace: version == .omemo2 ? Namespace.omemoLegacy : Namespace.omemo2) == nil)
        let eme = try #require(stanza.child("encryption", namespace: Namespace.eme))
        #expect(eme[attribute: "namespace"] == version.namespace)
        #expect(eme[attribute: "name"] == "OMEMO")
        #expect(stanza.child("store", namespace: Namespace.hints) != nil)
        let stored = try #require(try fixture.stored().last)
        #expect(stored.body == "a secret")
        #expect(stored.encryption == (version == .omemo2 ? "OMEMO 2" : "OMEMO 0.3"))
        #expect(try fixture.romeo.read(stanza, from: fixture.account.jid)?.contains("a secret") == true)
    }

    /// A file's link goes inside the OMEMO 2 envelope, not outside it as well.
    @Test func aFileLinkIsSealed() throws {
        let fixture = try OMEMOFixture.connected()
        fixture.turnOn()
        let url = "https://upload.example/secret.jpg"
        let link = XMLElement(
            "x", namespace: Namespace.outOfBandData, [:],
            elements: [XMLElement("url", namespace: Namespace.outOfBandData, [:], text: url)])
        fixture.account.feature(MessagingFeature.self)!.send(url, to: fixture.romeoJID, extra: [link])
        fixture.pump()
        let stanza = try #require(fixture.server.takeMessages().first)
        #expect(!stanza.serialized().contains("secret.jpg"))
        let envelope = try #require(try fixture.romeo.read(stanza, from: fixture.account.jid))
        #expect(envelope.contains("<x xmlns='jabber:x:oob'><url>\(url)</url></x>"))
    }

    /// A contact with devices of both versions gets one `<encrypted/>` of each; EME names 0.3,
    /// which every OMEMO client reads.
    @Test func devicesOfBothVersionsGetBothElements() throws {
        let fixture = try OMEMOFixture.connected(.omemo2)
        var old = try ContactDevice(OMEMOFixture.romeo, .legacy, now: OMEMOFixture.start)
        try fixture.server.add(old)
        fixture.turnOn()
        let stanza = try #require(fixture.send("to both").first)
        #expect(stanza.child("encrypted", namespace: Namespace.omemo2) != nil)
        #expect(stanza.child("encrypted", namespace: Namespace.omemoLegacy) != nil)
        #expect(stanza.child("encryption", namespace: Namespace.eme)?[attribute: "namespace"] == Namespace.omemoLegacy)
        #expect(try old.read(stanza, from: fixture.account.jid) == "to both")
        #expect(try fixture.stored().last?.encryption == "OMEMO 0.3 + OMEMO 2")
    }

    /// Our own other devices get a copy (encrypted to them too).
    @Test func ourOtherDevicesGetTheMessageToo() throws {
        let fixture = try OMEMOFixture.connected()
        var phone = try ContactDevice("alice@example.org", .omemo2, now: OMEMOFixture.start)
        try fixture.server.add(phone)
        fixture.account.disconnect()
        fixture.connect()
        fixture.turnOn()
        let stanza = try #require(fixture.send("copy for me").first)
        #expect(try phone.read(stanza, from: fixture.account.jid)?.contains("copy for me") == true)
    }

    /// Security: never plaintext instead. No trusted device: refused with the reason, nothing stored.
    @Test func aContactWithoutATrustedDeviceIsRefused() throws {
        let fixture = try OMEMOFixture.connected()
        fixture.turnOn()
        fixture.model.model.submit("/omemo untrust \(fixture.romeo.id) \(OMEMOFixture.romeo)")
        #expect(fixture.send("not to him").isEmpty)
        #expect(
            fixture.notices.contains(
                "romeo@montague.lit has no OMEMO device you trust: not sent (/omemo devices shows them;"
                    + " /omemo off sends in plaintext)"))
        #expect(try outbox(fixture).isEmpty)
        #expect(try fixture.stored().isEmpty)
    }

    /// Security: a bundle whose signed prekey's signature does not verify starts no session.
    @Test func aBundleWithABadSignatureIsRefusedNamingTheDevice() throws {
        let fixture = try OMEMOFixture.connected()
        var bundle = try #require(fixture.server.bundles[.omemo2]?[fixture.romeoAddress])
        bundle.signedPreKeySignature[0] ^= 0x01
        fixture.server.bundles[.omemo2]?[fixture.romeoAddress] = bundle
        fixture.turnOn()
        #expect(fixture.send("forged keys").isEmpty)
        #expect(
            fixture.notices.contains {
                $0.hasPrefix("cannot encrypt to romeo@montague.lit's device \(fixture.romeo.id)")
                    && $0.hasSuffix("not sent")
            })
        #expect(try outbox(fixture).isEmpty)
        #expect(try fixture.feature.table.session(fixture.romeoJID, device: fixture.romeo.id) == nil)
    }

    /// Offline with the contact's devices unknown: refused at once, not held.
    @Test func offlineWithoutKeysIsRefused() throws {
        let fixture = try OMEMOFixture.connected()
        fixture.account.disconnect()
        fixture.model.model.submit("/omemo on \(OMEMOFixture.romeo)")
        fixture.account.feature(MessagingFeature.self)!.send("while away", to: fixture.romeoJID)
        #expect(
            fixture.notices.contains {
                $0.hasPrefix("offline, and romeo@montague.lit's OMEMO devices are not known yet: not sent")
            })
        #expect(try outbox(fixture).isEmpty)
        #expect(fixture.feature.waiting.isEmpty)
    }

    @Test func aHeldMessageExpiresAfter30SecondsWithANotice() throws {
        let fixture = try OMEMOFixture.connected()
        fixture.server.silentNodes = [OMEMOVersion.omemo2.bundlesNode(device: 0)]
        fixture.turnOn()
        fixture.account.feature(MessagingFeature.self)!.send("too slow", to: fixture.romeoJID)
        fixture.pump()
        #expect(fixture.notices.contains { $0.hasPrefix("fetching the OMEMO keys of romeo@montague.lit's device") })
        fixture.model.scheduler.advance(by: .seconds(29))
        #expect(!fixture.notices.contains { $0.contains("did not come") })
        fixture.model.scheduler.advance(by: .seconds(1))
        #expect(
            fixture.notices.contains(
                "romeo@montague.lit's OMEMO keys did not come: not sent (“too slow” is in your input history: press Up)"
            ))
        #expect(fixture.server.takeMessages().isEmpty)
        #expect(try outbox(fixture).isEmpty)
    }

    /// Security: a device that shows another identity key than the one recorded is untrusted,
    /// and nothing is sent to it.
    @Test func anIdentityKeyThatChangesIsRefused() throws {
        let fixture = try OMEMOFixture.connected()
        let impostor = try ContactDevice(OMEMOFixture.romeo, .omemo2, now: OMEMOFixture.start)
        let known = OMEMOIdentityKey(version: .omemo2, bytes: try impostor.device.bundle(.omemo2).identityKey)
        try fixture.feature.table.save(
            OMEMODeviceRecord(
                jid: fixture.romeoJID, device: fixture.romeo.id, versions: [.omemo2], identityKey: known,
                trust: .verified, label: nil, firstSeen: OMEMOFixture.start))
        fixture.turnOn()
        #expect(fixture.send("to whom?").isEmpty)
        #expect(try fixture.record(fixture.romeo.id)?.trust == .untrusted)
        #expect(
            fixture.notices.filter {
                $0.hasPrefix("romeo@montague.lit's device \(fixture.romeo.id) shows another identity key than before")
            }.count == 1, "said once")
        #expect(try outbox(fixture).isEmpty)
        #expect(try fixture.feature.table.session(fixture.romeoJID, device: fixture.romeo.id) == nil)
    }
}
