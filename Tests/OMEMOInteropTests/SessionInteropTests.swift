import OMEMOSession
import TestSupport
import Testing
import XMPPCore
import XMPPExtensions

/// OMEMO 2 and OMEMO 0.3 sessions between Tern (OMEMOSession with the OMEMOKeyExchange /
/// OMEMOAuthenticatedMessage codec, or 0.3's PreKeySignalMessage / SignalMessage codec) and an
/// independent implementation, python-twomemo's or python-oldmemo's building blocks (`OMEMOPeer`): X3DH
/// both ways, messages both ways with the exact plaintexts, DH ratchet steps, out-of-order delivery
/// across chains, and refusals of altered and replayed messages. No XMPP: the bytes go straight
/// between the two. Serialized: each test starts python processes, and a dozen python start-ups
/// at once on a loaded CI machine took minutes.
@Suite(.serialized, .timeLimit(.minutes(5))) struct SessionInteropTests {
    /// Texts with multi-byte characters and one that fills several AES blocks.
    static let texts = ["first", "zweite Nachricht – ü", "🔐 three", String(repeating: "long ", count: 40), ""]

    @Test(arguments: OMEMOPeer.Identity.allCases, SessionVersion.allCases)
    func ternInitiatesAndThePeerDecryptsEveryMessage(identity: OMEMOPeer.Identity, version: SessionVersion) throws {
        let peer = try OMEMOPeer(identity: identity, version: version)
        var tern = try TernDevice(version: version)
        let exchange = try tern.initiate(peerBundle(peer), "hello python")
        #expect(try peer.command("accept", ["key_exchange": .string(exchange)])["plaintext"] == "hello python")
        for text in Self.texts {
            #expect(try peer.command("decrypt", ["message": .string(tern.encrypt(text))])["plaintext"]?.string == text)
        }
    }

    @Test(arguments: SessionVersion.allCases) func aConversationRatchetsBothWays(version: SessionVersion) throws {
        let peer = try OMEMOPeer(version: version)
        var tern = try TernDevice(version: version)
        try peer.command("accept", ["key_exchange": .string(tern.initiate(peerBundle(peer), "opening"))])
        for round in 1...4 {
            for index in 1...round {
                let text = "python \(round).\(index)"
                let message = try #require(peer.command("encrypt", ["plaintext": .string(text)])["message"]?.string)
                #expect(try tern.decrypt(message) == text)
            }
            let text = "tern \(round)"
            #expect(try peer.command("decrypt", ["message": .string(tern.encrypt(text))])["plaintext"]?.string == text)
        }
    }

    @Test(arguments: OMEMOPeer.Identity.allCases, SessionVersion.allCases)
    func thePeerInitiatesAgainstTernsBundle(identity: OMEMOPeer.Identity, version: SessionVersion) throws {
        let peer = try OMEMOPeer(identity: identity, version: version)
        var tern = try TernDevice(version: version)
        let reply = try peer.command(
            "initiate",
            [
                "bundle": .string(tern.bundle()), "pk_id": .number(Double(TernDevice.preKeyID)),
                "plaintext": "hello tern",
            ])
        #expect(try tern.accept(#require(reply["key_exchange"]?.string)) == "hello tern")
        for text in Self.texts {
            let message = try #require(peer.command("encrypt", ["plaintext": .string(text)])["message"]?.string)
            #expect(try tern.decrypt(message) == text)
        }
        for text in Self.texts {
            #expect(try peer.command("decrypt", ["message": .string(tern.encrypt(text))])["plaintext"]?.string == text)
        }
    }

    /// Each side receives the other's messages shuffled, and messages of an old chain after the
    /// first of a new one (the receiver keeps the old chain's keys from the new header's pn).
    @Test(arguments: SessionVersion.allCases) func outOfOrderDeliveryAcrossChains(version: SessionVersion) throws {
        let peer = try OMEMOPeer(version: version)
        var tern = try TernDevice(version: version)
        try peer.command("accept", ["key_exchange": .string(tern.initiate(peerBundle(peer), "opening"))])
        let ternFirstChain = try (1...3).map { try tern.encrypt("tern old \($0)") }
        let peerChain = try (1...5).map {
            try #require(peer.command("encrypt", ["plaintext": .string("python \($0)")])["message"]?.string)
        }
        for index in [4, 1, 0, 3, 2] { #expect(try tern.decrypt(peerChain[index]) == "python \(index + 1)") }
        let ternNewChain = try tern.encrypt("tern new")
        #expect(try peer.command("decrypt", ["message": .string(ternNewChain)])["plaintext"] == "tern new")
        for index in [2, 0, 1] {
            let reply = try peer.command("decrypt", ["message": .string(ternFirstChain[index])])
            #expect(reply["plaintext"]?.string == "tern old \(index + 1)")
        }
    }

    /// Tern as the responder gets the peer's messages shuffled, across one of its own ratchet steps.
    @Test(arguments: SessionVersion.allCases) func outOfOrderDeliveryWhenThePeerInitiated(version: SessionVersion)
        throws
    {
        let peer = try OMEMOPeer(version: version)
        var tern = try TernDevice(version: version)
        let exchange = try #require(
            peer.command(
                "initiate",
                [
                    "bundle": .string(tern.bundle()), "pk_id": .number(Double(TernDevice.preKeyID)),
                    "plaintext": "opening",
                ])["key_exchange"]?.string)
        let firstChain = try (1...4).map {
            try #require(peer.command("encrypt", ["plaintext": .string("python old \($0)")])["message"]?.string)
        }
        #expect(try tern.accept(exchange) == "opening")
        #expect(try tern.decrypt(firstChain[2]) == "python old 3")
        #expect(try peer.command("decrypt", ["message": .string(tern.encrypt("tern"))])["plaintext"] == "tern")
        let newChain = try #require(peer.command("encrypt", ["plaintext": "python new"])["message"]?.string)
        #expect(try tern.decrypt(newChain) == "python new")
        for index in [3, 0, 1] { #expect(try tern.decrypt(firstChain[index]) == "python old \(index + 1)") }
    }

    /// MAX_SKIP (1,000) as both sides count it: with 1,000 of Tern's messages lost from a chain the
    /// peer keeps their keys from the next chain's pn and decrypts the last one late. With 1,001 lost
    /// the peer, unlike Tern (`RatchetSessionTests.maximumSkipAppliesToThePreviousChain`), still
    /// takes the new chain but keeps none of the old chain's keys (python-doubleratchet only warns
    /// there, to let a session recover from heavy loss), so the late one is refused.
    @Test(arguments: [1000, 1001], SessionVersion.allCases)
    func lostMessagesUpToTheSkipBound(lost: Int, version: SessionVersion) throws {
        let peer = try OMEMOPeer(version: version)
        var tern = try TernDevice(version: version)
        try peer.command("accept", ["key_exchange": .string(tern.initiate(peerBundle(peer), "opening"))])
        let lostMessages = try (1...lost).map { try tern.encrypt("lost \($0)") }
        #expect(try tern.decrypt(#require(peer.command("encrypt", ["plaintext": "turn"])["message"]?.string)) == "turn")
        #expect(
            try peer.command("decrypt", ["message": .string(tern.encrypt("new chain"))])["plaintext"] == "new chain")
        let late: [String: JSONValue] = ["message": .string(lostMessages[lost - 1])]
        if lost <= RatchetSession.maximumSkip {
            #expect(try peer.command("decrypt", late)["plaintext"]?.string == "lost \(lost)")
        } else {
            #expect(throws: OMEMOPeer.Refusal.self) { try peer.command("decrypt", late) }
        }
    }

    /// Tern's session stored and restored between messages (as across restarts) keeps talking.
    @Test(arguments: SessionVersion.allCases) func aRestoredTernSessionKeepsTalking(version: SessionVersion) throws {
        let peer = try OMEMOPeer(version: version)
        var tern = try TernDevice(version: version)
        try peer.command("accept", ["key_exchange": .string(tern.initiate(peerBundle(peer), "opening"))])
        let early = try #require(peer.command("encrypt", ["plaintext": "early"])["message"]?.string)
        for round in 1...3 {
            try tern.restore()
            let message = try #require(peer.command("encrypt", ["plaintext": .string("python \(round)")])["message"])
            #expect(try tern.decrypt(#require(message.string)) == "python \(round)")
            try tern.restore()
            let text = "tern \(round)"
            #expect(try peer.command("decrypt", ["message": .string(tern.encrypt(text))])["plaintext"]?.string == text)
        }
        try tern.restore()
        #expect(try tern.decrypt(early) == "early")
    }

    @Test(arguments: SessionVersion.allCases) func thePeerRefusesAnAlteredTernMessage(version: SessionVersion) throws {
        let peer = try OMEMOPeer(version: version)
        var tern = try TernDevice(version: version)
        try peer.command("accept", ["key_exchange": .string(tern.initiate(peerBundle(peer), "opening"))])
        var altered = try bytes(.string(tern.encrypt("pay 10")))
        altered[altered.count - 1] ^= 0x01
        #expect(throws: OMEMOPeer.Refusal.self) {
            try peer.command("decrypt", ["message": .string(OMEMOKey.base64(altered))])
        }
        #expect(
            try peer.command("decrypt", ["message": .string(tern.encrypt("still fine"))])["plaintext"] == "still fine")
    }

    @Test(arguments: SessionVersion.allCases) func ternRefusesAnAlteredOrReplayedPeerMessage(version: SessionVersion)
        throws
    {
        let peer = try OMEMOPeer(version: version)
        var tern = try TernDevice(version: version)
        try peer.command("accept", ["key_exchange": .string(tern.initiate(peerBundle(peer), "opening"))])
        let message = try #require(peer.command("encrypt", ["plaintext": "pay 10"])["message"]?.string)
        var altered = try bytes(.string(message))
        altered[4] ^= 0x01
        #expect(throws: OMEMOSessionError.badMAC) { try tern.decrypt(OMEMOKey.base64(altered)) }
        #expect(try tern.decrypt(message) == "pay 10")
        #expect(throws: OMEMOSessionError.duplicateMessage) { try tern.decrypt(message) }
    }

    @Test(arguments: SessionVersion.allCases) func ternRefusesABundleWhoseSignatureIsNotOverItsSignedPreKey(
        version: SessionVersion
    ) throws {
        var forged = try OMEMOBundle(#require(XMLElement.parse(peerBundle(OMEMOPeer(version: version)))))
        forged.signedPreKeySignature = try OMEMOBundle(
            #require(XMLElement.parse(peerBundle(OMEMOPeer(version: version))))
        )
        .signedPreKeySignature
        var tern = try TernDevice(version: version)
        #expect(throws: OMEMOSessionError.badSignedPreKeySignature) {
            try tern.initiate(forged.element.serialized(), "x")
        }
        #expect(tern.session == nil)
    }

    /// The peer's `<bundle/>` as twomemo or oldmemo writes it.
    private func peerBundle(_ peer: OMEMOPeer) throws -> String {
        try #require(peer.command("bundle")["xml"]?.string)
    }
}
