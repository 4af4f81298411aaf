import ChatStore
import OMEMO
import TestSupport
import Testing
import XMPPCore
import XMPPExtensions

@testable import ChatModel

/// Receiving encrypted messages (XEP-0384 §Receiving a message): opened live, as carbons and
/// from the archive; key exchanges answered, broken sessions repaired (rarely), replays and
/// messages that cannot be read never shown as their fallback.
@Suite struct OMEMOReceiveTests {
    /// Answers the archive query Tern wrote with `results` (stanza texts, oldest first), as one
    /// complete page.
    func answerArchive(_ fixture: OMEMOFixture, _ results: [String]) throws {
        let query = try #require(fixture.server.other.last { $0.child("query", namespace: Namespace.mam) != nil })
        fixture.server.other.removeAll { $0.child("query", namespace: Namespace.mam) != nil }
        let queryID = query.child("query", namespace: Namespace.mam)?[attribute: "queryid"] ?? ""
        for (index, xml) in results.enumerated() {
            fixture.harness.serverSends(
                "<message to='alice@example.org/tern'><result xmlns='urn:xmpp:mam:2' queryid='\(queryID)' id='A\(index)'>"
                    + "<forwarded xmlns='urn:xmpp:forward:0'><delay xmlns='urn:xmpp:delay' stamp='2025-12-06T05:46:4\(index)Z'/>"
                    + "\(xml)</forwarded></result></message>")
        }
        fixture.harness.serverSends(
            "<iq type='result' id='\(query.id!)'><fin xmlns='urn:xmpp:mam:2' complete='true'>"
                + "<set xmlns='http://jabber.org/protocol/rsm'>"
                + (results.isEmpty ? "" : "<last>A\(results.count - 1)</last>") + "</set></fin></iq>")
        fixture.pump()
    }

    /// Romeo's key exchange, and Tern's empty answer read by romeo (the session confirmed).
    func sessionStarted(_ fixture: OMEMOFixture) throws {
        try fixture.romeoWrites("hello")
        fixture.pump()
        let answer = try #require(fixture.server.takeMessages().first)
        #expect(try fixture.romeo.read(answer, from: fixture.account.jid) == nil)
    }

    @Test(arguments: OMEMOVersion.allCases)
    func aKeyExchangeIsReadAnsweredAndItsPreKeyReplaced(_ version: OMEMOVersion) throws {
        let fixture = try OMEMOFixture.connected(version)
        let before = Set(try fixture.ownBundle(version).preKeys.map(\.id))
        let published = fixture.server.publishes.count
        try fixture.romeoWrites("but soft")
        fixture.pump()
        let stored = try #require(try fixture.stored().first)
        #expect(stored.body == "but soft")
        #expect(stored.encryption == (version == .omemo2 ? "OMEMO 2; blind" : "OMEMO 0.3; blind"))
        #expect(fixture.feature.isOn(for: fixture.romeoJID))
        #expect(
            fixture.notices.contains { $0.hasPrefix("OMEMO is on for this chat (romeo@montague.lit writes encrypted)") }
        )
        // An empty message answers the key exchange: no body, only the encrypted element and a store hint.
        let answers = fixture.server.takeMessages()
        #expect(answers.count == 1)
        let answer = try #require(answers.first)
        #expect(answer.child("body", namespace: nil) == nil)
        #expect(try fixture.romeo.read(answer, from: fixture.account.jid) == nil)
        // The prekey romeo used is gone from the bundle, replaced by a new one; both bundles republished.
        let after = Set(try fixture.ownBundle(version).preKeys.map(\.id))
        #expect(before.subtracting(after).count == 1)
        #expect(after.count == OwnDevice.preKeyCount)
        #expect(fixture.server.publishes.count >= published + 2)
        #expect(fixture.feature.own?.preKeys.count == OwnDevice.preKeyCount)
        // Stored: the same device after a restart knows the session.
        #expect(try fixture.feature.table.session(fixture.romeoJID, device: fixture.romeo.id) != nil)
    }

    @Test func aConversationContinuesBothWays() throws {
        let fixture = try OMEMOFixture.connected()
        try sessionStarted(fixture)
        try fixture.romeoWrites("second", id: "m2")
        let reply = try #require(fixture.send("reply").first)
        #expect(try fixture.romeo.read(reply, from: fixture.account.jid)?.contains(">reply</body>") == true)
        #expect(try fixture.stored().map(\.body) == ["hello", "second", "reply"])
    }

    /// XEP-0384 §Business Rules: past 53 messages of one chain without an answer, a heartbeat
    /// (an empty message) goes once.
    @Test func aLongChainGetsOneHeartbeat() throws {
        let fixture = try OMEMOFixture.connected()
        try sessionStarted(fixture)
        var heartbeats: [Int] = []
        for index in 1...60 {
            try fixture.romeoWrites("line \(index)", id: "l\(index)")
            fixture.pump()
            for message in fixture.server.takeMessages() {
                #expect(try fixture.romeo.read(message, from: fixture.account.jid) == nil)
                heartbeats.append(index)
            }
        }
        #expect(heartbeats == [54])
        #expect(try fixture.stored().last?.body == "line 60")
    }

    /// A chat the user turned off stays off when the contact writes encrypted (his messages are
    /// still read).
    @Test func aChatTurnedOffStaysOff() throws {
        let fixture = try OMEMOFixture.connected()
        fixture.model.model.submit("/omemo off \(OMEMOFixture.romeo)")
        try fixture.romeoWrites("are you there?")
        #expect(try fixture.stored().map(\.body) == ["are you there?"])
        #expect(!fixture.feature.isOn(for: fixture.romeoJID))
        #expect(!fixture.notices.contains { $0.hasPrefix("OMEMO is on for this chat") })
    }

    /// A message for our other devices only: a line saying so, never the fallback.
    @Test func aMessageNotForThisDeviceShowsANotice() throws {
        let fixture = try OMEMOFixture.connected()
        let other = try ContactDevice("alice@example.org", .omemo2, now: OMEMOFixture.start)
        let encrypted = try fixture.romeo.encrypted(
            "not for you", to: [other.address: try other.device.bundle(.omemo2)], now: OMEMOFixture.start)
        fixture.harness.serverSends(
            "<message from='\(OMEMOFixture.romeo)/orchard' type='chat' id='x1'>\(encrypted.serialized())"
                + "<body>\(OMEMOFixture.fallbackBodyXML)</body></message>")
        let body = try #require(try fixture.stored().first?.body)
        #expect(
            body == "[an OMEMO message from romeo@montague.lit's device \(fixture.romeo.id) not encrypted for this"
                + " device (\(fixture.own.deviceID))]")
        #expect(!body.contains("conversations.im"))
    }

    /// A bad MAC: a line saying so, and one repair (an empty key exchange once the bundle is here),
    /// at most once per 10 minutes.
    @Test func aBadMACIsRepairedAtMostOncePerTenMinutes() throws {
        let fixture = try OMEMOFixture.connected()
        try sessionStarted(fixture)
        for (index, delay) in [0, 60, 600].enumerated() {
            fixture.model.scheduler.advance(by: .seconds(delay))
            try tamperedMessage(fixture, id: "bad\(index)")
            fixture.pump()
            let repairs = fixture.server.takeMessages()
            #expect(repairs.count == (index == 1 ? 0 : 1), "repair \(index)")
            if let repair = repairs.first {
                let key = try #require(try OMEMOEncrypted.find(in: repair)?.keys.first)
                #expect(key.isKeyExchange)
                #expect(try OMEMOEncrypted.find(in: repair)?.payload == nil)
            }
        }
        let bodies = try fixture.stored().compactMap(\.body).filter { $0.hasPrefix("[encrypted message") }
        #expect(bodies.count == 3)
        #expect(
            bodies.allSatisfy {
                $0.hasPrefix("[encrypted message from a device without a session (id \(fixture.romeo.id))")
            })
        #expect(bodies.filter { $0.hasSuffix("; asked it for a new session]") }.count == 2)
    }

    /// Sends romeo's next message with its MAC broken.
    func tamperedMessage(_ fixture: OMEMOFixture, id: String) throws {
        fixture.harness.serverSends(try tampered(fixture, id: id))
    }

    /// Romeo's next message with its MAC broken (the stanza's text).
    func tampered(_ fixture: OMEMOFixture, id: String) throws -> String {
        var encrypted = try OMEMOEncrypted(
            try fixture.romeo.encrypted(
                "tampered", to: [fixture.ownAddress: try fixture.ownBundle(.omemo2)], now: OMEMOFixture.start))
        encrypted.keys[0].data[encrypted.keys[0].data.count - 1] ^= 0x01
        return "<message from='\(OMEMOFixture.romeo)/orchard' type='chat' id='\(id)'>"
            + "\(encrypted.element.serialized())<body>\(OMEMOFixture.fallbackBodyXML)</body></message>"
    }

    /// Security: a repair starts a session from the bundle the server gives; a bundle with another
    /// identity key than the device showed before gets nothing, and the device is untrusted.
    @Test func aRepairAgainstAnotherIdentityKeySendsNothing() throws {
        let fixture = try OMEMOFixture.connected()
        try sessionStarted(fixture)
        let impostor = try ContactDevice(OMEMOFixture.romeo, .omemo2, now: OMEMOFixture.start)
        fixture.server.bundles[.omemo2]?[fixture.romeoAddress] = try impostor.device.bundle(.omemo2)
        try tamperedMessage(fixture, id: "bad")
        fixture.pump()
        #expect(fixture.server.takeMessages().isEmpty)
        #expect(try fixture.record(fixture.romeo.id)?.trust == .untrusted)
        #expect(try fixture.feature.table.session(fixture.romeoJID, device: fixture.romeo.id) == nil)
        #expect(
            fixture.notices.contains {
                $0.hasPrefix("romeo@montague.lit's device \(fixture.romeo.id) shows another identity key than before")
            })
        #expect(fixture.send("after the swap").isEmpty)
    }

    /// Security: a key exchange under a known device id with another identity key is not shown,
    /// and the device is untrusted until the user compares fingerprints.
    @Test func aKeyExchangeWithAnotherIdentityKeyIsNotShown() throws {
        let fixture = try OMEMOFixture.connected()
        try sessionStarted(fixture)
        var impostor = try ContactDevice(OMEMOFixture.romeo, .omemo2, now: OMEMOFixture.start)
        let encrypted = try impostor.encrypted(
            "trust me", to: [fixture.ownAddress: try fixture.ownBundle(.omemo2)], now: OMEMOFixture.start)
        let forged = encrypted.serialized().replacingOccurrences(
            of: "sid='\(impostor.id)'", with: "sid='\(fixture.romeo.id)'")
        fixture.harness.serverSends(
            "<message from='\(OMEMOFixture.romeo)/orchard' type='chat' id='f1'>\(forged)"
                + "<body>\(OMEMOFixture.fallbackBodyXML)</body></message>")
        fixture.pump()
        let body = try #require(try fixture.stored().last?.body)
        #expect(
            body == "[an OMEMO message from romeo@montague.lit's device \(fixture.romeo.id), whose identity key"
                + " changed: not shown]")
        #expect(try fixture.record(fixture.romeo.id)?.trust == .untrusted)
        #expect(
            fixture.notices.filter {
                $0.hasPrefix("romeo@montague.lit's device \(fixture.romeo.id) shows another identity key than before")
            }.count == 1)
        #expect(fixture.server.takeMessages().isEmpty, "the impostor's key exchange is not answered")
    }

    /// Security: once the user verified one of romeo's devices, a device first seen through its
    /// key exchange (before any list names it) is undecided too, and gets nothing when listed.
    @Test func aNewDeviceWritingAfterAVerifiedOneIsUndecided() throws {
        let fixture = try OMEMOFixture.connected()
        try sessionStarted(fixture)
        fixture.model.model.submit("/omemo trust \(fixture.romeo.id) \(OMEMOFixture.romeo)")
        var tablet = try ContactDevice(OMEMOFixture.romeo, .omemo2, now: OMEMOFixture.start)
        let encrypted = try tablet.encrypted(
            "from my tablet", to: [fixture.ownAddress: try fixture.ownBundle(.omemo2)], now: OMEMOFixture.start)
        fixture.harness.serverSends(
            "<message from='\(OMEMOFixture.romeo)/tablet' type='chat' id='t1'>\(encrypted.serialized())"
                + "<body>\(OMEMOFixture.fallbackBodyXML)</body></message>")
        let stored = try #require(try fixture.stored().last)
        #expect(stored.body == "from my tablet")
        #expect(stored.encryption == "OMEMO 2; undecided")
        #expect(try fixture.record(tablet.id)?.trust == .undecided)
        fixture.harness.serverSends(
            OMEMOFixture.deviceList(from: OMEMOFixture.romeo, .omemo2, [fixture.romeo.id, tablet.id]))
        #expect(fixture.feature.addresses(of: fixture.romeoJID).map(\.device) == [fixture.romeo.id])
    }

    /// A replay (the same encrypted message again under another id, or live then from the archive)
    /// is stored once.
    @Test func aReplayIsStoredOnce() throws {
        let fixture = try OMEMOFixture.connected()
        let message = try fixture.romeoMessage("only once", id: "r1")
        fixture.harness.serverSends(message)
        fixture.harness.serverSends(message.replacingOccurrences(of: "id='r1'", with: "id='r2'"))
        fixture.pump()
        try answerArchive(fixture, [message.replacingOccurrences(of: "id='r1'", with: "id='r3'")])
        #expect(try fixture.stored().map(\.body) == ["only once"])
    }

    /// An archive page is decrypted in order; its key exchange is answered once (romeo would
    /// otherwise repeat it in every message), and nothing else is sent: no repair, no heartbeat.
    @Test func anArchivePageIsDecryptedInOrderAndOnlyItsKeyExchangeAnswered() throws {
        let fixture = try OMEMOFixture.connected()
        let page = try ["one", "two", "three"].enumerated().map { index, text in
            try fixture.romeoMessage(text, id: "a\(index)")
        }
        let replayed = page[2].replacingOccurrences(of: "id='a2'", with: "id='a3'")
        try answerArchive(fixture, page + [replayed, try tampered(fixture, id: "a4")])
        let bodies = try fixture.stored().compactMap(\.body)
        #expect(bodies.prefix(3) == ["one", "two", "three"])
        #expect(bodies.count == 4)
        #expect(bodies.last?.hasPrefix("[encrypted message from a device without a session") == true)
        #expect(bodies.last?.hasSuffix("; asked it for a new session]") == false)
        let sent = fixture.server.takeMessages()
        #expect(sent.count == 1, "one empty answer to the key exchange, no repair for the archive")
        #expect(sent.first?.child("body") == nil && sent.first?[attribute: "to"] == "romeo@montague.lit")
        #expect(!fixture.feature.isOn(for: fixture.romeoJID), "old messages do not turn the chat on")
    }

    /// A carbon of a message our other device sent to romeo is ours, decrypted.
    @Test func aSentCarbonFromOurOtherDeviceIsOutgoing() throws {
        let fixture = try OMEMOFixture.connected()
        var phone = try ContactDevice("alice@example.org", .omemo2, now: OMEMOFixture.start)
        let encrypted = try phone.encrypted(
            "sent from my phone", to: [fixture.ownAddress: try fixture.ownBundle(.omemo2)], now: OMEMOFixture.start)
        fixture.harness.serverSends(
            "<message from='alice@example.org' to='alice@example.org/tern' type='chat'>"
                + "<sent xmlns='urn:xmpp:carbons:2'><forwarded xmlns='urn:xmpp:forward:0'>"
                + "<message from='alice@example.org/phone' to='\(OMEMOFixture.romeo)' type='chat' id='p1'>"
                + "\(encrypted.serialized())<body>\(OMEMOFixture.fallbackBodyXML)</body></message>"
                + "</forwarded></sent></message>")
        let stored = try #require(try fixture.stored().first)
        #expect(stored.body == "sent from my phone")
        #expect(stored.outgoing)
        #expect(stored.encryption == "OMEMO 2; blind")
        #expect(fixture.feature.isOn(for: fixture.romeoJID), "we write to romeo encrypted: so does this device")
        #expect(
            fixture.notices.contains {
                $0.hasPrefix("OMEMO is on for this chat (you wrote encrypted on another device)")
            })
    }

    /// Security (XEP-0420 §Affix Elements): an envelope naming another sender is not shown as his.
    @Test func anEnvelopeFromSomeoneElseIsRefused() throws {
        let fixture = try OMEMOFixture.connected()
        try fixture.romeoWrites("from mallory really", envelopeFrom: try JID("mallory@evil.example"))
        let body = try #require(try fixture.stored().first?.body)
        #expect(
            body
                == "[an OMEMO message from romeo@montague.lit's device \(fixture.romeo.id) whose content could not be read]"
        )
        #expect(!body.contains("mallory really"))
    }

    /// A message whose `<encrypted/>` does not parse: a line, never the fallback.
    @Test func anUnreadableElementShowsANotice() throws {
        let fixture = try OMEMOFixture.connected()
        fixture.harness.serverSends(
            "<message from='\(OMEMOFixture.romeo)/orchard' type='chat' id='u1'>"
                + "<encrypted xmlns='urn:xmpp:omemo:2'><header sid='x'/></encrypted>"
                + "<body>\(OMEMOFixture.fallbackBodyXML)</body></message>")
        let body = try #require(try fixture.stored().first?.body)
        #expect(body.hasPrefix("[an OMEMO message that could not be read"))
    }
}
