import OMEMO
import OMEMOSession
import TestSupport
import Testing
import XMPPCore
import XMPPExtensions

/// Whole `<encrypted/>` messages between `OMEMOEngine` and python-twomemo's or python-oldmemo's own
/// payload code (`seal` and `open` of `Tests/Peers/omemo2_peer.py`), both ways, in both versions:
/// key exchanges, answers, empty messages. Serialized like `SessionInteropTests`.
@Suite(.serialized, .timeLimit(.minutes(5))) struct EngineInteropTests {
    static let ternJID = "tern@localhost"
    static let peerJID = "peer@localhost"
    /// The peer's device id (its bundle's and its `sid`).
    static let peerDevice: UInt32 = 1

    @Test(arguments: OMEMOVersion.allCases) func thePeerOpensWhatTernSeals(version: OMEMOVersion) throws {
        let peer = try OMEMOPeer(version: version.sessionVersion)
        let own = try OwnDevice.generate(now: 0)
        let bundleXML = try #require(peer.command("bundle")["xml"]?.string)
        let bundle = try OMEMOBundle(#require(XMLElement.parse(bundleXML)))
        let address = OMEMODeviceAddress(jid: try JID(Self.peerJID), device: Self.peerDevice)
        let first = try OMEMOEngine.encrypt(
            Array("hello python ✓".utf8), version: version, from: own,
            to: [OMEMORecipient(address: address, bundle: bundle)])
        #expect(first.failed.isEmpty)
        #expect(try open(first.encrypted, by: peer) == "hello python ✓")
        var session = try #require(first.sessions.first?.session)

        var ternDevice = own
        let answer = try sealed(by: peer, to: own, plaintext: nil)
        let confirmed = try OMEMOEngine.decrypt(
            answer, from: JID(Self.peerJID), ourJID: JID(Self.ternJID), own: &ternDevice, session: session)
        #expect(confirmed.plaintext == nil && !confirmed.isKeyExchange)
        session = confirmed.session

        // An empty text is an empty payload in 0.3 (GCM adds nothing), which oldmemo takes for an empty message.
        for text in ["zwei – ü", String(repeating: "long ", count: 40)] + (version == .omemo2 ? [""] : []) {
            let next = try OMEMOEngine.encrypt(
                Array(text.utf8), version: version, from: own, to: [OMEMORecipient(address: address, session: session)])
            #expect(next.encrypted.keys.map(\.isKeyExchange) == [false])
            #expect(try open(next.encrypted, by: peer) == text)
            session = try #require(next.sessions.first?.session)
        }
        let heartbeat = try OMEMOEngine.encrypt(
            nil, version: version, from: own, to: [OMEMORecipient(address: address, session: session)])
        let reply = try peer.command(
            "open", ["xml": .string(heartbeat.encrypted.element.serialized()), "jid": .string(Self.peerJID)])
        #expect(reply["empty"] == .bool(true))
    }

    @Test(arguments: OMEMOVersion.allCases) func ternOpensWhatThePeerSeals(version: OMEMOVersion) throws {
        let peer = try OMEMOPeer(version: version.sessionVersion)
        var own = try OwnDevice.generate(now: 0)
        let preKeyID = own.preKeys[5].id
        let first = try sealed(
            by: peer, to: own, plaintext: "hello tern ✓",
            opening: ["bundle": .string(own.bundle(version).element.serialized()), "pk_id": .number(Double(preKeyID))])
        #expect(first.version == version)
        let opened = try OMEMOEngine.decrypt(
            first, from: JID(Self.peerJID), ourJID: JID(Self.ternJID), own: &own, session: nil)
        #expect(opened.plaintext == Array("hello tern ✓".utf8))
        #expect(opened.isKeyExchange && opened.preKeyID == preKeyID)
        #expect(!own.preKeys.contains { $0.id == preKeyID })
        var session = opened.session

        let address = OMEMODeviceAddress(jid: try JID(Self.peerJID), device: Self.peerDevice)
        let reply = try OMEMOEngine.encrypt(
            Array("hi python".utf8), version: version, from: own,
            to: [OMEMORecipient(address: address, session: session)])
        #expect(try open(reply.encrypted, by: peer) == "hi python")
        session = try #require(reply.sessions.first?.session)

        for text in ["drei", String(repeating: "lang ", count: 40)] {
            let message = try sealed(by: peer, to: own, plaintext: text)
            #expect(message.keys.map(\.isKeyExchange) == [false])
            let decrypted = try OMEMOEngine.decrypt(
                message, from: JID(Self.peerJID), ourJID: JID(Self.ternJID), own: &own, session: session)
            #expect(decrypted.plaintext == Array(text.utf8))
            session = decrypted.session
        }
        let empty = try OMEMOEngine.decrypt(
            sealed(by: peer, to: own, plaintext: nil), from: JID(Self.peerJID), ourJID: JID(Self.ternJID), own: &own,
            session: session)
        #expect(empty.plaintext == nil)
    }

    /// The peer's payload with one bit flipped is refused by Tern, and Tern's by the peer.
    @Test(arguments: OMEMOVersion.allCases) func alteredPayloadsAreRefusedBothWays(version: OMEMOVersion) throws {
        let peer = try OMEMOPeer(version: version.sessionVersion)
        var own = try OwnDevice.generate(now: 0)
        var first = try sealed(
            by: peer, to: own, plaintext: "pay 10",
            opening: [
                "bundle": .string(own.bundle(version).element.serialized()),
                "pk_id": .number(Double(own.preKeys[0].id)),
            ])
        let original = first
        first.payload?[0] ^= 0x01
        #expect(throws: OMEMOError.badPayload) {
            try OMEMOEngine.decrypt(first, from: JID(Self.peerJID), ourJID: JID(Self.ternJID), own: &own, session: nil)
        }
        let opened = try OMEMOEngine.decrypt(
            original, from: JID(Self.peerJID), ourJID: JID(Self.ternJID), own: &own, session: nil)
        var reply = try OMEMOEngine.encrypt(
            Array("pay 20".utf8), version: version, from: own,
            to: [
                OMEMORecipient(
                    address: .init(jid: try JID(Self.peerJID), device: Self.peerDevice), session: opened.session)
            ])
        reply.encrypted.payload?[0] ^= 0x01
        #expect(throws: OMEMOPeer.Refusal.self) { try open(reply.encrypted, by: peer) }
    }

    /// The peer's `open` of an element: the plaintext as text.
    private func open(_ encrypted: OMEMOEncrypted, by peer: OMEMOPeer) throws -> String? {
        let reply = try peer.command(
            "open", ["xml": .string(encrypted.element.serialized()), "jid": .string(Self.peerJID)])
        return try reply["plaintext"]?.string.map { String(decoding: try bytes(.string($0)), as: UTF8.self) }
    }

    /// The peer's `seal` to our device, read back as an element.
    private func sealed(
        by peer: OMEMOPeer, to own: OwnDevice, plaintext: String?, opening: [String: JSONValue] = [:]
    ) throws -> OMEMOEncrypted {
        var arguments = opening
        arguments["jid"] = .string(Self.ternJID)
        arguments["device"] = .number(Double(own.deviceID))
        if let plaintext { arguments["plaintext"] = .string(OMEMOKey.base64(Array(plaintext.utf8))) }
        let xml = try #require(peer.command("seal", arguments)["xml"]?.string)
        return try OMEMOEncrypted(#require(XMLElement.parse(xml)))
    }
}
