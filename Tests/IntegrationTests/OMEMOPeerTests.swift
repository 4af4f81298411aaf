import Foundation
import TestServers
import TestSupport
import Testing
import XMPPExtensions

/// The accounts of `OMEMOPeerTests`, a few for each test.
private let omemoPeerUsers = Dictionary(
    uniqueKeysWithValues: [
        "ann", "ben", "cat", "dan", "eve", "fay", "gus", "hal", "ida", "jon", "kim", "liz", "max", "ned", "oli",
    ]
    .map { ($0, "\($0)-secret") })

/// The OMEMO test peer itself (`OMEMOXMPPPeer`, slixmpp-omemo), without Tern: two independent
/// peers exchange encrypted messages through the test servers' PEP and message routing, in each
/// version, in a room, and refuse what they must. Tern's own OMEMO tests use this peer as the
/// other party, so this suite shows that the fixture is real. Every test has accounts of its own:
/// device lists stay in PEP after a peer quits, and a new peer is a new device.
@Suite(.serialized, .servers(users: omemoPeerUsers))
struct OMEMOPeerTests {
    /// Two peers of one version: each sees the other's device, messages both ways from the first
    /// contact on.
    @Test(arguments: ServerKind.allCases, OMEMOVersion.allCases)
    func peersOfOneVersionExchangeMessages(_ kind: ServerKind, _ version: OMEMOVersion) throws {
        let server = try TestServers.server(kind)
        let (first, second) = version == .omemo2 ? ("ann", "ben") : ("cat", "dan")
        let alice = try OMEMOXMPPPeer(server: server, user: first, versions: [version])
        defer { alice.stop() }
        let bob = try OMEMOXMPPPeer(server: server, user: second, versions: [version])
        defer { bob.stop() }
        try exchange(alice, bob, version: version)
    }

    /// A peer of both versions uses the newest one each other device speaks.
    @Test(arguments: ServerKind.allCases) func aPeerOfBothVersionsPicksTheNewestShared(_ kind: ServerKind) throws {
        let server = try TestServers.server(kind)
        let eve = try OMEMOXMPPPeer(server: server, user: "eve", versions: [.omemo2, .legacy])
        defer { eve.stop() }
        let fay = try OMEMOXMPPPeer(server: server, user: "fay", versions: [.legacy])
        defer { fay.stop() }
        let gus = try OMEMOXMPPPeer(server: server, user: "gus", versions: [.omemo2])
        defer { gus.stop() }
        #expect(try eve.ownDevice().versions == [.omemo2, .legacy])

        #expect(try eve.send("to fay", to: fay.jid).versions == [.legacy])
        #expect(try eve.send("to gus", to: gus.jid).versions == [.omemo2])
        let atFay = try fay.expectMessage(from: eve.jid)
        #expect(atFay.body == "to fay" && atFay.version == .legacy, "\(atFay)")
        let atGus = try gus.expectMessage(from: eve.jid)
        #expect(atGus.body == "to gus" && atGus.version == .omemo2, "\(atGus)")
        try fay.send("from fay", to: eve.jid)
        try gus.send("from gus", to: eve.jid)
        let fromFay = try eve.expectMessage(from: fay.jid)
        #expect(fromFay.body == "from fay" && fromFay.version == .legacy && fromFay.senderDeviceID == fay.deviceID)
        let fromGus = try eve.expectMessage(from: gus.jid)
        #expect(fromGus.body == "from gus" && fromGus.version == .omemo2 && fromGus.senderDeviceID == gus.deviceID)
    }

    /// Peers without a version in common: the sender refuses rather than send anything.
    @Test(arguments: ServerKind.allCases) func peersWithoutASharedVersionSendNothing(_ kind: ServerKind) throws {
        let server = try TestServers.server(kind)
        let hal = try OMEMOXMPPPeer(server: server, user: "hal", versions: [.omemo2])
        defer { hal.stop() }
        let ida = try OMEMOXMPPPeer(server: server, user: "ida", versions: [.legacy])
        defer { ida.stop() }
        #expect(try hal.devices(of: ida.jid).isEmpty)
        #expect(try ida.devices(of: hal.jid).isEmpty)
        let refused = #expect(throws: FixtureError.self) { try hal.send("lost", to: ida.jid) }
        #expect(Self.reason(refused).contains("NoEligibleDevices"), "\(Self.reason(refused))")
        #expect(throws: FixtureError.self) { try ida.expectMessage(from: hal.jid, timeout: .seconds(2)) }
    }

    /// Manual trust: a distrusted device gets nothing and its messages are refused, not shown.
    @Test(arguments: ServerKind.allCases) func aDistrustedDeviceIsRefused(_ kind: ServerKind) throws {
        let server = try TestServers.server(kind)
        let jon = try OMEMOXMPPPeer(server: server, user: "jon", versions: [.omemo2])
        defer { jon.stop() }
        let kim = try OMEMOXMPPPeer(server: server, user: "kim", versions: [.omemo2])
        defer { kim.stop() }
        let seen = try kim.devices(of: jon.jid)
        #expect(seen.map(\.id) == [jon.deviceID] && seen.first?.fingerprint == jon.fingerprint, "\(seen)")
        try kim.distrust(jon.jid, device: jon.deviceID)
        #expect(try kim.devices(of: jon.jid).first?.trust == "DISTRUSTED")

        try jon.send("do you trust me?", to: kim.jid)
        let refused = try kim.expectMessage(from: jon.jid)
        #expect(refused.body == nil && refused.failure?.contains("SenderDistrusted") == true, "\(refused)")
        #expect(throws: FixtureError.self) { try kim.send("no", to: jon.jid) }

        try kim.trust(jon.jid, device: jon.deviceID)
        try jon.send("and now?", to: kim.jid)
        let accepted = try kim.expectMessage(from: jon.jid)
        #expect(accepted.body == "and now?" && accepted.trust == "TRUSTED", "\(accepted)")
    }

    /// A non-anonymous, members-only room: each message is encrypted to every other occupant.
    @Test(arguments: ServerKind.allCases) func roomMessagesReachEveryMember(_ kind: ServerKind) throws {
        let server = try TestServers.server(kind)
        let room = "omemo-\(UUID().uuidString.prefix(8).lowercased())@\(server.conferenceDomain)"
        let liz = try OMEMOXMPPPeer(server: server, user: "liz", versions: [.omemo2, .legacy])
        defer { liz.stop() }
        let max = try OMEMOXMPPPeer(server: server, user: "max", versions: [.omemo2])
        defer { max.stop() }
        let ned = try OMEMOXMPPPeer(server: server, user: "ned", versions: [.legacy])
        defer { ned.stop() }
        #expect(try liz.join(room, nick: "Liz", members: [max.jid, ned.jid]).created)
        try max.join(room, nick: "Max")
        let joined = try ned.join(room, nick: "Ned")
        #expect(joined.occupants == ["Liz": liz.jid, "Max": max.jid, "Ned": ned.jid], "\(joined.occupants)")
        try liz.waitFor("Ned's arrival") { $0.name == "presence" && $0.string("nick") == "Ned" }
        let stranger = try OMEMOXMPPPeer(server: server, user: "oli", versions: [.omemo2])
        defer { stranger.stop() }
        let shut = #expect(throws: FixtureError.self) { try stranger.join(room, nick: "Oli") }
        #expect(Self.reason(shut).contains("registration-required"), "members only: \(Self.reason(shut))")

        let sent = try liz.send("hello members", to: room)
        #expect(sent.versions == [.omemo2, .legacy] && sent.stanzaID != nil, "\(sent)")
        for (peer, version) in [(max, OMEMOVersion.omemo2), (ned, .legacy)] {
            let heard = try peer.expectMessage(from: room, nick: "Liz")
            #expect(heard.type == "groupchat" && heard.body == "hello members" && heard.version == version, "\(heard)")
            #expect(heard.senderJID == liz.jid && heard.senderDeviceID == liz.deviceID)
        }
        // Max speaks only OMEMO 2, Ned only 0.3: Max cannot encrypt to Ned, and so sends nothing.
        try max.waitFor("Max's sight of Ned") { $0.name == "presence" && $0.string("nick") == "Ned" }
        let refused = #expect(throws: FixtureError.self) { try max.send("not for everyone", to: room) }
        let why = Self.reason(refused)
        #expect(why.contains("NoEligibleDevices") && why.contains(ned.jid), "\(why)")
        #expect(throws: FixtureError.self) { try liz.expectMessage(from: room, nick: "Max", timeout: .seconds(2)) }
    }

    /// The peer's error text: the first line of a failed command's `FixtureError` (the rest is the
    /// peer's recent events and standard error).
    private static func reason(_ error: FixtureError?) -> String {
        error.map { String($0.description.prefix { $0 != "\n" }) } ?? "no error"
    }

    /// Both directions, the fingerprints each side sees, and messages buffered until asked for.
    private func exchange(_ alice: OMEMOXMPPPeer, _ bob: OMEMOXMPPPeer, version: OMEMOVersion) throws {
        let own = try alice.ownDevice()
        #expect(own.id == alice.deviceID && own.fingerprint == alice.fingerprint && own.versions == [version])
        #expect(alice.fingerprint.split(separator: " ").map(\.count) == Array(repeating: 8, count: 8))
        let seen = try alice.devices(of: bob.jid)
        #expect(seen.map(\.id) == [bob.deviceID] && seen.first?.versions == [version], "\(seen)")
        #expect(seen.first?.fingerprint == bob.fingerprint && seen.first?.trust == "UNDECIDED")

        let first = try alice.send("hello, first contact", to: bob.jid)
        #expect(first.versions == [version] && first.deviceErrors.isEmpty, "\(first.deviceErrors)")
        let received = try bob.expectMessage(from: alice.jid)
        #expect(received.body == "hello, first contact" && received.version == version, "\(received)")
        #expect(received.messageID == first.messageID && received.type == "chat")
        #expect(received.senderJID == alice.jid && received.senderDeviceID == alice.deviceID)
        #expect(received.fallbackBody != nil && received.fallbackBody != received.body)

        try bob.send("hello back", to: alice.jid)
        let answer = try alice.expectMessage(from: bob.jid)
        #expect(answer.body == "hello back" && answer.senderDeviceID == bob.deviceID, "\(answer)")
        #expect(answer.trust == "BLINDLY_TRUSTED")
        #expect(try alice.devices(of: bob.jid).first?.trust == "BLINDLY_TRUSTED")

        for number in 1...5 { try alice.send("burst \(number)", to: bob.jid) }
        let burst = try (1...5).map { _ in try bob.expectMessage(from: alice.jid).body ?? "?" }
        #expect(burst == (1...5).map { "burst \($0)" })
    }
}
