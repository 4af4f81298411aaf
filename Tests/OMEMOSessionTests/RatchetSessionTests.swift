import Foundation
import OMEMOCrypto
import OMEMOSession
import Testing

@Suite struct RatchetSessionTests {
    /// A conversation both ways over several ratchet steps, with runs of messages each way.
    @Test(arguments: SessionVersion.allCases) func conversationBothWays(version: SessionVersion) throws {
        var pair = try SessionPair(version)
        let first = try pair.alice.seal("hello bob")
        #expect(try pair.bob.open(first) == "hello bob")
        for round in 0..<5 {
            for index in 0..<3 {
                let fromBob = try pair.bob.seal("bob \(round).\(index)")
                #expect(try pair.alice.open(fromBob) == "bob \(round).\(index)")
            }
            let fromAlice = try pair.alice.seal("alice \(round)")
            #expect(try pair.bob.open(fromAlice) == "alice \(round)")
        }
        #expect(pair.alice.skippedKeyCount == 0)
        #expect(pair.bob.skippedKeyCount == 0)
    }

    /// Each message has its own header: the counter runs within a chain, pn is the previous chain's
    /// length, and the ratchet key changes at each turn.
    @Test(arguments: SessionVersion.allCases) func headersCountAndRatchet(version: SessionVersion) throws {
        var pair = try SessionPair(version)
        let a0 = try pair.alice.seal("a0")
        let a1 = try pair.alice.seal("a1")
        #expect((a0.header.counter, a0.header.previousCounter, a1.header.counter) == (0, 0, 1))
        #expect(a0.header.ratchetKey == a1.header.ratchetKey)
        _ = try pair.bob.open(a0)
        _ = try pair.bob.open(a1)
        let b0 = try pair.bob.seal("b0")
        _ = try pair.alice.open(b0)
        let a2 = try pair.alice.seal("a2")
        #expect((a2.header.counter, a2.header.previousCounter) == (0, 2))
        #expect(a2.header.ratchetKey != a0.header.ratchetKey)
        #expect(a2.encoded == testEncoding(a2.header, a2.ciphertext))
        #expect(a2.mac.count == (version == .omemo2 ? 16 : 8))
    }

    /// The responder cannot send before it has decrypted the initiator's first message.
    @Test(arguments: SessionVersion.allCases) func responderSendsOnlyAfterDecrypting(version: SessionVersion) throws {
        var pair = try SessionPair(version)
        #expect(throws: OMEMOSessionError.noSendingChain) { try pair.bob.seal("too early") }
    }

    /// Messages delivered in reverse order within one chain all decrypt, from kept keys.
    @Test(arguments: SessionVersion.allCases) func outOfOrderWithinAChain(version: SessionVersion) throws {
        var pair = try SessionPair(version)
        let messages = try (0..<5).map { try pair.alice.seal("m\($0)") }
        for (index, message) in messages.enumerated().reversed() {
            #expect(try pair.bob.open(message) == "m\(index)")
        }
        #expect(pair.bob.skippedKeyCount == 0)
    }

    /// Messages skipped across ratchet steps: Bob misses two of Alice's first chain, answers, and gets
    /// them only after her next chain's messages.
    @Test(arguments: SessionVersion.allCases) func skippedAcrossRatchetSteps(version: SessionVersion) throws {
        var pair = try SessionPair(version)
        let a0 = try pair.alice.seal("a0")
        let a1 = try pair.alice.seal("a1")
        let a2 = try pair.alice.seal("a2")
        #expect(try pair.bob.open(a0) == "a0")
        let b0 = try pair.bob.seal("b0")
        #expect(try pair.alice.open(b0) == "b0")
        let a3 = try pair.alice.seal("a3")
        let a4 = try pair.alice.seal("a4")
        #expect(try pair.bob.open(a4) == "a4")
        #expect(pair.bob.skippedKeyCount == 3)  // a1 and a2 of the old chain, a3 of the new
        #expect(try pair.bob.open(a2) == "a2")
        #expect(try pair.bob.open(a3) == "a3")
        #expect(try pair.bob.open(a1) == "a1")
        #expect(pair.bob.skippedKeyCount == 0)
    }

    /// The first (key exchange) message is lost: Bob's session still decrypts Alice's later messages,
    /// and the lost one when it comes late.
    @Test(arguments: SessionVersion.allCases) func lostFirstMessage(version: SessionVersion) throws {
        var pair = try SessionPair(version)
        let lost = try pair.alice.seal("first")
        let second = try pair.alice.seal("second")
        let third = try pair.alice.seal("third")
        #expect(try pair.bob.open(third) == "third")
        #expect(try pair.bob.open(second) == "second")
        let reply = try pair.bob.seal("reply")
        #expect(try pair.alice.open(reply) == "reply")
        #expect(try pair.bob.open(lost) == "first")
    }

    /// A replayed message is refused, within its chain and after the chain moved on, and the session
    /// is unchanged.
    @Test(arguments: SessionVersion.allCases) func replayIsRefused(version: SessionVersion) throws {
        var pair = try SessionPair(version)
        let a0 = try pair.alice.seal("a0")
        _ = try pair.bob.open(a0)
        let before = try pair.bob.stored()
        #expect(throws: OMEMOSessionError.duplicateMessage) { try pair.bob.open(a0) }
        #expect(try pair.bob.stored() == before)
        let a1 = try pair.alice.seal("a1")
        let a2 = try pair.alice.seal("a2")
        _ = try pair.bob.open(a2)
        _ = try pair.bob.open(a1)  // from a kept key, which is then used up
        #expect(throws: OMEMOSessionError.duplicateMessage) { try pair.bob.open(a1) }
        _ = try pair.alice.open(pair.bob.seal("b0"))
        _ = try pair.bob.open(pair.alice.seal("a3"))
        // a0's chain is no longer the receiving chain: its replay fails the tag under a fresh ratchet step.
        let afterStep = try pair.bob.stored()
        #expect(throws: OMEMOSessionError.badMAC) { try pair.bob.open(a0) }
        #expect(try pair.bob.stored() == afterStep)
    }

    /// A message whose tag, ciphertext, header bytes or header fields were altered is refused, and
    /// the session still decrypts the genuine message afterwards.
    @Test(arguments: SessionVersion.allCases) func badMACIsRefusedWithStateUnchanged(version: SessionVersion) throws {
        var pair = try SessionPair(version)
        let genuine = try pair.alice.seal("genuine")
        var badTag = genuine
        badTag.mac[0] ^= 0x80
        var badCiphertext = genuine
        badCiphertext.ciphertext[3] ^= 0x01
        badCiphertext.encoded = testEncoding(badCiphertext.header, badCiphertext.ciphertext)
        var badEncoding = genuine
        badEncoding.encoded[40] ^= 0x01
        var shortTag = genuine
        shortTag.mac.removeLast()
        var wrongCounter = genuine
        wrongCounter.header.counter = 1
        wrongCounter.encoded = testEncoding(wrongCounter.header, wrongCounter.ciphertext)
        let before = try pair.bob.stored()
        for message in [badTag, badCiphertext, badEncoding, shortTag, wrongCounter] {
            #expect(throws: OMEMOSessionError.badMAC) { try pair.bob.open(message) }
            #expect(try pair.bob.stored() == before)
        }
        #expect(try pair.bob.open(genuine) == "genuine")
    }

    /// A message for another session (same keys, other associated data) fails its tag.
    @Test(arguments: SessionVersion.allCases) func otherAssociatedDataIsRefused(version: SessionVersion) throws {
        var pair = try SessionPair(version)
        var other = try SessionPair(version)
        let message = try other.alice.seal("not for this session")
        #expect(throws: OMEMOSessionError.badMAC) { try pair.bob.open(message) }
        _ = try pair.bob.open(pair.alice.seal("still works"))
    }

    /// A counter more than 1,000 ahead is refused before any key is derived (and the session is
    /// unchanged); exactly 1,000 ahead is accepted.
    @Test(arguments: SessionVersion.allCases) func maximumSkipExceededIsRefused(version: SessionVersion) throws {
        var pair = try SessionPair(version)
        var messages: [RatchetMessage] = []
        for index in 0...1001 { messages.append(try pair.alice.seal("m\(index)")) }
        let before = try pair.bob.stored()
        #expect(throws: OMEMOSessionError.tooManySkippedMessages) { try pair.bob.open(messages[1001]) }
        #expect(try pair.bob.stored() == before)
        #expect(try pair.bob.open(messages[1000]) == "m1000")
        #expect(pair.bob.skippedKeyCount == 1000)
        #expect(try pair.bob.open(messages[0]) == "m0")
    }

    /// A forged pn that would skip more than 1,000 keys of the old chain at a ratchet step is refused.
    @Test(arguments: SessionVersion.allCases) func maximumSkipAppliesToThePreviousChain(version: SessionVersion) throws
    {
        var pair = try SessionPair(version)
        _ = try pair.bob.open(pair.alice.seal("a0"))
        _ = try pair.alice.open(pair.bob.seal("b0"))
        var forged = try pair.alice.seal("a1")
        forged.header.previousCounter = 5000
        #expect(throws: OMEMOSessionError.tooManySkippedMessages) { try pair.bob.open(forged) }
    }

    /// Kept keys are bounded at 1,000 per session: the oldest go first.
    @Test(arguments: SessionVersion.allCases) func keptKeysAreBoundedOldestFirst(version: SessionVersion) throws {
        var pair = try SessionPair(version)
        var chain1: [RatchetMessage] = []
        for index in 0...600 { chain1.append(try pair.alice.seal("one \(index)")) }
        _ = try pair.bob.open(chain1[600])  // keeps 600 keys
        _ = try pair.alice.open(pair.bob.seal("turn"))
        var chain2: [RatchetMessage] = []
        for index in 0...600 { chain2.append(try pair.alice.seal("two \(index)")) }
        _ = try pair.bob.open(chain2[600])  // 600 more: the 200 oldest of the first chain go
        #expect(pair.bob.skippedKeyCount == 1000)
        #expect(throws: OMEMOSessionError.badMAC) { try pair.bob.open(chain1[199]) }
        #expect(try pair.bob.open(chain1[200]) == "one 200")
        #expect(try pair.bob.open(chain2[0]) == "two 0")
    }

    /// The initiator refuses a message on its own first ratchet key's chain, which it cannot derive.
    @Test(arguments: SessionVersion.allCases) func unknownChainIsRefused(version: SessionVersion) throws {
        var pair = try SessionPair(version)
        var pretender = try RatchetSession.initiating(
            version: version, sharedSecret: SecretBytes([UInt8](repeating: 1, count: 32)), associatedData: [],
            ephemeralKey: X25519PrivateKey.generate().publicKey,
            theirSignedPreKey: X25519PrivateKey.generate().publicKey)
        var message = try pretender.seal("x")
        message.header.ratchetKey = pair.bobDevice.signedPreKey.publicKey
        #expect(throws: OMEMOSessionError.unknownChain) { try pair.alice.open(message) }
    }

    /// A session stored mid-conversation (with kept keys) and restored goes on where it was, both ways.
    @Test(arguments: SessionVersion.allCases) func storedAndRestoredMidConversation(version: SessionVersion) throws {
        var pair = try SessionPair(version)
        _ = try pair.bob.open(pair.alice.seal("a0"))
        _ = try pair.alice.open(pair.bob.seal("b0"))
        let late = try pair.alice.seal("late")
        let now = try pair.alice.seal("now")
        _ = try pair.bob.open(now)
        var restoredBob = try JSONDecoder().decode(RatchetSession.self, from: pair.bob.stored())
        var restoredAlice = try JSONDecoder().decode(RatchetSession.self, from: pair.alice.stored())
        #expect(try restoredBob.stored() == pair.bob.stored())
        #expect(restoredBob.skippedKeyCount == 1)
        #expect(try restoredBob.open(late) == "late")
        #expect(try restoredAlice.open(restoredBob.seal("after restore")) == "after restore")
        #expect(try restoredBob.open(restoredAlice.seal("and back")) == "and back")
        #expect(restoredBob.associatedData == pair.bob.associatedData)
        #expect(restoredBob.ephemeralKey == pair.bob.ephemeralKey)
    }

    /// A stored session whose key bytes are not 32 long does not restore.
    @Test(arguments: SessionVersion.allCases) func corruptStoredSessionIsRefused(version: SessionVersion) throws {
        let pair = try SessionPair(version)
        var object = try #require(JSONSerialization.jsonObject(with: pair.alice.stored()) as? [String: Any])
        object["sendingKey"] = [1, 2, 3]
        let corrupt = try JSONSerialization.data(withJSONObject: object)
        #expect(throws: (any Error).self) { try JSONDecoder().decode(RatchetSession.self, from: corrupt) }
    }
}

@Suite struct RatchetSessionRoleTests {
    /// Each side knows its role and the peer's identity key (from AD), and a stored session keeps both.
    @Test(arguments: SessionVersion.allCases) func rolesAndPeerIdentityKeys(version: SessionVersion) throws {
        let pair = try SessionPair(version)
        #expect(pair.alice.isInitiator && !pair.bob.isInitiator)
        #expect(pair.alice.peerIdentityKey == pair.bobDevice.identity.identityKey(for: version).encoded)
        #expect(
            pair.bob.peerIdentityKey == Array(pair.alice.associatedData.prefix(pair.alice.associatedData.count / 2)))
        let restored = try JSONDecoder().decode(RatchetSession.self, from: pair.alice.stored())
        #expect(restored.isInitiator && restored.peerIdentityKey == pair.alice.peerIdentityKey)
    }

    /// The receiving chain's key and length: none before the peer's first message, then counted per chain.
    @Test(arguments: SessionVersion.allCases) func receivingChainsAreCounted(version: SessionVersion) throws {
        var pair = try SessionPair(version)
        #expect(pair.alice.receivingChainLength == nil && pair.bob.receivingChainLength == nil)
        #expect(pair.alice.peerRatchetKey == pair.bobDevice.signedPreKey.publicKey.rawRepresentation)
        let first = try pair.alice.seal("one")
        _ = try pair.alice.seal("two (lost)")
        let third = try pair.alice.seal("three")
        _ = try pair.bob.open(first)
        #expect(pair.bob.receivingChainLength == 1)
        _ = try pair.bob.open(third)
        #expect(pair.bob.receivingChainLength == 3)
        #expect(pair.bob.peerRatchetKey == first.header.ratchetKey.rawRepresentation)
        let answer = try pair.bob.seal("answer")
        _ = try pair.alice.open(answer)
        #expect(pair.alice.receivingChainLength == 1)
        #expect(pair.alice.peerRatchetKey == answer.header.ratchetKey.rawRepresentation)
    }

    /// The initiator keeps the key exchange it was given until it decrypts a message.
    @Test(arguments: SessionVersion.allCases) func thePendingKeyExchangeLastsUntilTheFirstAnswer(
        version: SessionVersion
    ) throws {
        let aliceDevice = try Device()
        let bobDevice = try Device()
        let initiation = try X3DH.initiate(ourIdentity: aliceDevice.identity, theirBundle: bobDevice.bundle(version))
        let ephemeral = try X25519PublicKey(rawRepresentation: initiation.header.ephemeralKey)
        var alice = try RatchetSession.initiating(
            version: version, sharedSecret: initiation.sharedSecret, associatedData: initiation.associatedData,
            ephemeralKey: ephemeral, theirSignedPreKey: bobDevice.signedPreKey.publicKey,
            keyExchange: initiation.header)
        let response = try X3DH.respond(
            ourIdentity: bobDevice.identity, signedPreKey: bobDevice.signedPreKey, preKey: bobDevice.preKey,
            theirIdentityKey: IdentityPublicKey(encoded: initiation.header.identityKey, version: version),
            theirEphemeralKey: ephemeral)
        var bob = RatchetSession.responding(
            version: version, sharedSecret: response.sharedSecret, associatedData: response.associatedData,
            ephemeralKey: ephemeral, ourSignedPreKey: bobDevice.signedPreKey)
        #expect(bob.pendingKeyExchange == nil)
        _ = try bob.open(alice.seal("one"))
        #expect(alice.pendingKeyExchange == initiation.header)
        let restored = try JSONDecoder().decode(RatchetSession.self, from: alice.stored())
        #expect(restored.pendingKeyExchange == initiation.header)
        var altered = try bob.seal("answer")
        altered.mac[0] ^= 1
        #expect(throws: OMEMOSessionError.badMAC) { try alice.open(altered) }
        #expect(alice.pendingKeyExchange == initiation.header)
        _ = try alice.open(bob.seal("answer"))
        #expect(alice.pendingKeyExchange == nil)
    }
}
