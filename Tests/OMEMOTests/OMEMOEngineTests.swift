import OMEMO
import OMEMOSession
import TestSupport
import Testing
import XMPPCore
import XMPPExtensions

/// Two and more `OwnDevice`s talking through `OMEMOEngine` in both versions.
@Suite struct OMEMOEngineTests {
    @Test(arguments: OMEMOVersion.allCases) func aFirstMessageOpensASessionAndTheReplyConfirmsIt(
        version: OMEMOVersion
    ) throws {
        var alice = try Peer("alice@example.org", version)
        var bob = try Peer("bob@example.org", version)
        let first = try alice.send("hello bob", to: [bob])
        #expect(first.version == version)
        #expect(first.keys.map(\.isKeyExchange) == [true])
        #expect(first.keys.first?.account == (version == .omemo2 ? bob.jid : nil))
        let opened = try bob.receiveDecryption(first, from: alice)
        #expect(opened.plaintext.map { String(decoding: $0, as: UTF8.self) } == "hello bob")
        #expect(opened.isKeyExchange)
        let usedPreKey = try #require(opened.preKeyID)
        #expect(!bob.device.preKeys.contains { $0.id == usedPreKey })
        #expect(bob.device.preKeys.count == OwnDevice.preKeyCount - 1)
        #expect(opened.identityKey == (try alice.device.bundle(version).identityKey))

        let reply = try bob.send("hi alice", to: [alice])
        #expect(reply.keys.map(\.isKeyExchange) == [false])
        let answered = try alice.receiveDecryption(reply, from: bob)
        #expect(answered.plaintext.map { String(decoding: $0, as: UTF8.self) } == "hi alice")
        #expect(!answered.isKeyExchange && answered.preKeyID == nil)
        #expect(answered.identityKey == (try bob.device.bundle(version).identityKey))
        #expect(alice.sessions[bob.address]?.pendingKeyExchange == nil)

        for round in 1...3 {
            let fromAlice = try alice.send("alice \(round)", to: [bob])
            #expect(fromAlice.keys.map(\.isKeyExchange) == [false])
            #expect(try bob.receive(fromAlice, from: alice) == "alice \(round)")
            #expect(try alice.receive(bob.send("bob \(round)", to: [alice]), from: bob) == "bob \(round)")
        }
    }

    /// Until the first answer, every message carries the key exchange; the receiver reads the later
    /// ones with the session the first built, without using another prekey.
    @Test(arguments: OMEMOVersion.allCases) func messagesBeforeTheAnswerRepeatTheKeyExchange(version: OMEMOVersion)
        throws
    {
        var alice = try Peer("alice@example.org", version)
        var bob = try Peer("bob@example.org", version)
        let first = try alice.send("one", to: [bob])
        let second = try alice.send("two", to: [bob])
        #expect(second.keys.map(\.isKeyExchange) == [true])
        #expect(try bob.receive(first, from: alice) == "one")
        let prekeys = bob.device.preKeys.count
        let later = try bob.receiveDecryption(second, from: alice)
        #expect(later.plaintext == Array("two".utf8))
        #expect(!later.isKeyExchange)
        #expect(bob.device.preKeys.count == prekeys)
    }

    /// Messages out of order within the first chain: the third before the second.
    @Test(arguments: OMEMOVersion.allCases) func messagesArriveOutOfOrder(version: OMEMOVersion) throws {
        var alice = try Peer("alice@example.org", version)
        var bob = try Peer("bob@example.org", version)
        #expect(try bob.receive(alice.send("one", to: [bob]), from: alice) == "one")
        try alice.receive(bob.send(nil, to: [alice]), from: bob)
        let messages = try (2...4).map { try alice.send("m\($0)", to: [bob]) }
        for index in [2, 0, 1] { #expect(try bob.receive(messages[index], from: alice) == "m\(index + 2)") }
    }

    /// One message to two devices of Bob's and Alice's own other device: each reads it; in OMEMO 2 the
    /// keys are grouped by account.
    @Test(arguments: OMEMOVersion.allCases) func oneMessageReachesEveryDeviceOfBothAccounts(version: OMEMOVersion)
        throws
    {
        var alice = try Peer("alice@example.org", version)
        var aliceTablet = try Peer("alice@example.org", version)
        var bobPhone = try Peer("bob@example.org", version)
        var bobLaptop = try Peer("bob@example.org", version)
        let message = try alice.send("to everyone", to: [bobPhone, bobLaptop, aliceTablet])
        #expect(message.keys.count == 3)
        if version == .omemo2 {
            let groups = message.element.child("header", namespace: version.namespace)?.children(
                "keys", namespace: version.namespace)
            #expect(groups?.map { $0[attribute: "jid"] } == ["bob@example.org", "alice@example.org"])
        }
        #expect(try bobPhone.receive(message, from: alice) == "to everyone")
        #expect(try bobLaptop.receive(message, from: alice) == "to everyone")
        #expect(try aliceTablet.receive(message, from: alice) == "to everyone")
        let answer = try bobLaptop.send("laptop here", to: [alice, bobPhone])
        #expect(try alice.receive(answer, from: bobLaptop) == "laptop here")
        #expect(try bobPhone.receive(answer, from: bobLaptop) == "laptop here")
    }

    /// An empty message (heartbeat, session confirmation): no payload, no plaintext; it confirms the
    /// session like any message.
    @Test(arguments: OMEMOVersion.allCases) func anEmptyMessageHasNoPayload(version: OMEMOVersion) throws {
        var alice = try Peer("alice@example.org", version)
        var bob = try Peer("bob@example.org", version)
        try bob.receive(alice.send("hello", to: [bob]), from: alice)
        let heartbeat = try bob.send(nil, to: [alice])
        #expect(heartbeat.payload == nil)
        #expect(heartbeat.element.child("payload", namespace: version.namespace) == nil)
        #expect((heartbeat.iv?.count ?? 0) == (version == .legacy ? 12 : 0))
        let received = try alice.receiveDecryption(heartbeat, from: bob)
        #expect(received.plaintext == nil)
        #expect(alice.sessions[bob.address]?.pendingKeyExchange == nil)
        #expect(try alice.send("after", to: [bob]).keys.map(\.isKeyExchange) == [false])
    }

    /// An empty first message still opens the session.
    @Test(arguments: OMEMOVersion.allCases) func anEmptyKeyExchangeOpensASession(version: OMEMOVersion) throws {
        var alice = try Peer("alice@example.org", version)
        var bob = try Peer("bob@example.org", version)
        let opened = try bob.receiveDecryption(alice.send(nil, to: [bob]), from: alice)
        #expect(opened.isKeyExchange && opened.plaintext == nil)
        #expect(try alice.receive(bob.send("got it", to: [alice]), from: bob) == "got it")
    }

    @Test(arguments: OMEMOVersion.allCases) func aMessageForAnotherDeviceIsRefused(version: OMEMOVersion) throws {
        var alice = try Peer("alice@example.org", version)
        let bob = try Peer("bob@example.org", version)
        var carol = try Peer("carol@example.org", version)
        let message = try alice.send("for bob", to: [bob])
        let before = carol.device.preKeys.count
        #expect(throws: OMEMOError.noKeyForDevice) { try carol.receive(message, from: alice) }
        #expect(carol.device.preKeys.count == before)
    }

    /// OMEMO 2 matches the account too: a key for our device id under another account is not ours.
    @Test func anOMEMO2KeyForOurDeviceIDUnderAnotherAccountIsRefused() throws {
        var alice = try Peer("alice@example.org", .omemo2)
        var bob = try Peer("bob@example.org", .omemo2)
        var message = try alice.send("for bob", to: [bob])
        message.keys[0].account = try JID("mallory@example.org")
        #expect(throws: OMEMOError.noKeyForDevice) { try bob.receive(message, from: alice) }
    }

    /// A copy of our own message (a carbon or archive copy) is not decryptable and says so.
    @Test(arguments: OMEMOVersion.allCases) func ourOwnMessageIsNotForUs(version: OMEMOVersion) throws {
        var alice = try Peer("alice@example.org", version)
        let bob = try Peer("bob@example.org", version)
        let message = try alice.send("sent", to: [bob])
        #expect(throws: OMEMOError.sentByThisDevice) { try alice.receive(message, from: alice) }
    }

    @Test(arguments: OMEMOVersion.allCases) func anAlteredKeyFailsItsMACAndChangesNothing(version: OMEMOVersion)
        throws
    {
        var alice = try Peer("alice@example.org", version)
        var bob = try Peer("bob@example.org", version)
        try bob.receive(alice.send("hello", to: [bob]), from: alice)
        try alice.receive(bob.send(nil, to: [alice]), from: bob)
        let message = try alice.send("pay 10", to: [bob])
        var altered = message
        altered.keys[0].data[altered.keys[0].data.count - 1] ^= 0x01
        let device = bob.device.preKeys.map(\.id)
        #expect(throws: OMEMOError.badMAC) { try bob.receive(altered, from: alice) }
        #expect(bob.device.preKeys.map(\.id) == device)
        #expect(try bob.receive(message, from: alice) == "pay 10")
        #expect(throws: OMEMOError.duplicateMessage) { try bob.receive(message, from: alice) }
    }

    @Test(arguments: OMEMOVersion.allCases) func anAlteredPayloadIsRefused(version: OMEMOVersion) throws {
        var alice = try Peer("alice@example.org", version)
        var bob = try Peer("bob@example.org", version)
        var message = try alice.send("pay 10", to: [bob])
        var payload = try #require(message.payload)
        payload[0] ^= 0x01
        message.payload = payload
        let prekeys = bob.device.preKeys.count
        #expect(throws: OMEMOError.badPayload) { try bob.receive(message, from: alice) }
        #expect(bob.device.preKeys.count == prekeys)
        #expect(bob.sessions.isEmpty)
    }

    /// A key exchange seen twice: with the session it built, a duplicate; after that session is gone,
    /// its prekey is too.
    @Test(arguments: OMEMOVersion.allCases) func aReplayedKeyExchangeIsRefused(version: OMEMOVersion) throws {
        var alice = try Peer("alice@example.org", version)
        var bob = try Peer("bob@example.org", version)
        let first = try alice.send("once", to: [bob])
        let opened = try bob.receiveDecryption(first, from: alice)
        #expect(throws: OMEMOError.duplicateMessage) { try bob.receive(first, from: alice) }
        bob.sessions = [:]
        #expect(throws: OMEMOError.unknownPreKey(try #require(opened.preKeyID))) {
            try bob.receive(first, from: alice)
        }
    }

    @Test(arguments: OMEMOVersion.allCases) func aKeyExchangeForAnUnknownPreKeyIsRefused(version: OMEMOVersion)
        throws
    {
        let alice = try Peer("alice@example.org", version)
        var bob = try Peer("bob@example.org", version)
        var bundle = try bob.device.bundle(version)
        bundle.preKeys = [OMEMOBundle.PreKey(id: 4242, key: try #require(bundle.preKeys.first).key)]
        let result = try OMEMOEngine.encrypt(
            Array("x".utf8), version: version, from: alice.device,
            to: [OMEMORecipient(address: bob.address, bundle: bundle)])
        #expect(throws: OMEMOError.unknownPreKey(4242)) { try bob.receive(result.encrypted, from: alice) }
        bundle.signedPreKeyID = 9
        let signed = try OMEMOEngine.encrypt(
            Array("x".utf8), version: version, from: alice.device,
            to: [OMEMORecipient(address: bob.address, bundle: bundle)])
        #expect(throws: OMEMOError.unknownSignedPreKey(9)) { try bob.receive(signed.encrypted, from: alice) }
    }

    @Test(arguments: OMEMOVersion.allCases) func aPlainMessageWithoutASessionIsRefused(version: OMEMOVersion) throws {
        var alice = try Peer("alice@example.org", version)
        var bob = try Peer("bob@example.org", version)
        try bob.receive(alice.send("hello", to: [bob]), from: alice)
        try alice.receive(bob.send(nil, to: [alice]), from: bob)
        let plain = try alice.send("later", to: [bob])
        bob.sessions = [:]
        #expect(throws: OMEMOError.noSession) { try bob.receive(plain, from: alice) }
    }

    /// Recipients the engine cannot encrypt to are reported, and the others still get the message.
    @Test(arguments: OMEMOVersion.allCases) func badRecipientsAreReportedNotSkipped(version: OMEMOVersion) throws {
        let alice = try Peer("alice@example.org", version)
        var bob = try Peer("bob@example.org", version)
        let carol = try Peer("carol@example.org", version)
        let dave = try Peer("dave@example.org", version)
        let erin = try Peer("erin@example.org", version)
        var forged = try carol.device.bundle(version)
        forged.signedPreKeySignature = try dave.device.bundle(version).signedPreKeySignature
        var wrongVersion = try erin.device.bundle(version == .omemo2 ? .legacy : .omemo2)
        wrongVersion.version = version == .omemo2 ? .legacy : .omemo2
        var badKey = try dave.device.bundle(version)
        badKey.signedPreKey = [1, 2, 3]
        let result = try OMEMOEngine.encrypt(
            Array("hi".utf8), version: version, from: alice.device,
            to: [
                OMEMORecipient(address: bob.address, bundle: try bob.device.bundle(version)),
                OMEMORecipient(address: carol.address, bundle: forged),
                OMEMORecipient(address: dave.address, bundle: badKey),
                OMEMORecipient(address: erin.address, bundle: wrongVersion),
                OMEMORecipient(address: OMEMODeviceAddress(jid: try JID("frank@example.org"), device: 7)),
            ])
        #expect(
            result.failed == [
                .init(address: carol.address, reason: .badBundleSignature),
                .init(address: dave.address, reason: .invalidBundle),
                .init(address: erin.address, reason: .versionMismatch),
                .init(address: OMEMODeviceAddress(jid: try JID("frank@example.org"), device: 7), reason: .noBundle),
            ])
        #expect(result.sessions.map(\.address) == [bob.address])
        #expect(result.sessions.first?.newIdentityKey == (try bob.device.bundle(version).identityKey))
        #expect(result.encrypted.keys.map(\.device) == [bob.device.deviceID])
        let decrypted = try OMEMOEngine.decrypt(
            result.encrypted, from: alice.jid, ourJID: bob.jid, own: &bob.device, session: nil)
        #expect(decrypted.plaintext == Array("hi".utf8))
    }

    /// A session of the other version is reported, not used.
    @Test func aSessionOfTheOtherVersionIsReported() throws {
        var alice = try Peer("alice@example.org", .omemo2)
        let bob = try Peer("bob@example.org", .omemo2)
        _ = try alice.send("hello", to: [bob])
        let session = try #require(alice.sessions[bob.address])
        let result = try OMEMOEngine.encrypt(
            nil, version: .legacy, from: alice.device, to: [OMEMORecipient(address: bob.address, session: session)])
        #expect(result.failed == [.init(address: bob.address, reason: .versionMismatch)])
    }
}

/// When the engine asks for an empty answer: after a key exchange, and as XEP-0384's heartbeat.
@Suite struct OMEMOHeartbeatTests {
    @Test(arguments: OMEMOVersion.allCases) func aKeyExchangeAsksForAnAnswerOnce(version: OMEMOVersion) throws {
        var alice = try Peer("alice@example.org", version)
        var bob = try Peer("bob@example.org", version)
        #expect(try bob.receiveDecryption(alice.send("one", to: [bob]), from: alice).needsEmptyMessage)
        #expect(try !bob.receiveDecryption(alice.send("two", to: [bob]), from: alice).needsEmptyMessage)
        #expect(try !alice.receiveDecryption(bob.send(nil, to: [alice]), from: bob).needsEmptyMessage)
    }

    /// The 54th message of a chain (counter 53) asks for a heartbeat; the ones before and after do not,
    /// and after the answer the count starts again.
    @Test(arguments: OMEMOVersion.allCases) func theMessageNumbered53AsksForAHeartbeat(version: OMEMOVersion) throws {
        var alice = try Peer("alice@example.org", version)
        var bob = try Peer("bob@example.org", version)
        try bob.receive(alice.send("hello", to: [bob]), from: alice)
        try alice.receive(bob.send(nil, to: [alice]), from: bob)
        var asked: [Int] = []
        for index in 0..<60
        where try alice.receiveDecryption(bob.send("\(index)", to: [alice]), from: bob)
            .needsEmptyMessage
        {
            asked.append(index)
        }
        // Bob's empty answer was message 0 of his chain, so text number 52 is message 53.
        #expect(asked == [OMEMODecryption.heartbeatThreshold - 1])
        try bob.receive(alice.send(nil, to: [bob]), from: alice)
        #expect(try !alice.receiveDecryption(bob.send("new chain", to: [alice]), from: bob).needsEmptyMessage)
    }

    /// A message far into a chain that arrives first asks at once; late ones of the same chain do not.
    @Test func aJumpPastTheThresholdAsksOnce() throws {
        var alice = try Peer("alice@example.org", .omemo2)
        var bob = try Peer("bob@example.org", .omemo2)
        try bob.receive(alice.send("hello", to: [bob]), from: alice)
        try alice.receive(bob.send(nil, to: [alice]), from: bob)
        let messages = try (0..<60).map { try bob.send("\($0)", to: [alice]) }
        #expect(try alice.receiveDecryption(messages[57], from: bob).needsEmptyMessage)
        #expect(try !alice.receiveDecryption(messages[10], from: bob).needsEmptyMessage)
        #expect(try !alice.receiveDecryption(messages[58], from: bob).needsEmptyMessage)
    }
}
