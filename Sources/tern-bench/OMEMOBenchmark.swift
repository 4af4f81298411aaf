import Foundation
@preconcurrency import Glibc
import OMEMO
import TestServers
import XMPPCore
import XMPPExtensions

/// OMEMO (XEP-0384) costs, against issue 17's targets: the engine encrypting a typical message to
/// 10 devices with confirmed sessions and one device decrypting it (CPU per message, both
/// versions); the whole path of a user's message (`MessagingFeature.send` sealing to a contact's
/// 10 devices, sessions stored) against a private Prosody; and an archive catch-up of encrypted
/// messages beside the same of plaintext ones.
enum OMEMOBenchmark {
    static let text = "Are we still on for lunch tomorrow? I could be there at half past twelve, or a bit later."

    static func run(messages: Int, archived: Int) {
        do {
            for version in OMEMOVersion.allCases.reversed() { try engine(version, devices: 10, messages: messages) }
        } catch {
            print("omemo engine: \(error)")
        }
        let server: ProsodyServer
        do {
            server = try ProsodyServer(users: Dictionary(uniqueKeysWithValues: users.map { ($0, "\($0)-password") }))
        } catch {
            print("omemo: cannot start Prosody: \(error)")
            return
        }
        defer { server.stop() }
        do {
            try accountPath(server: server, devices: 10, messages: messages)
            try catchUp(server: server, messages: archived)
        } catch {
            print("omemo: \(error)")
        }
    }

    static let users = ["bench", "peer", "carol", "dave", "reader", "erin", "grace", "heidi", "ivan"]

    // MARK: Engine

    /// `OMEMOEngine.encrypt` of `messages` typical messages to `devices` devices of one contact, and
    /// `OMEMOEngine.decrypt` of each by one of them, after sessions were confirmed both ways.
    static func engine(_ version: OMEMOVersion, devices count: Int, messages: Int) throws {
        let contact = try JID("contact@bench.example")
        var sender = try SimulatedDevice(JID("bench@bench.example"))
        var devices = try (0..<count).map { _ in try SimulatedDevice(contact) }
        try SimulatedDevice.establish(&sender, &devices, version: version)
        let recipients = devices.map { ($0.address, OMEMOBundle?.none) }
        var encryptTimes: [Double] = []
        var decryptTimes: [Double] = []
        for _ in 0..<messages {
            let plaintext = try content(version, from: sender.jid, to: contact)
            let start = cpuTime()
            let encrypted = try sender.encrypt(plaintext, version: version, to: recipients)
            let sealed = cpuTime()
            let opened = try devices[0].decrypt(encrypted, from: sender.address)
            let end = cpuTime()
            guard opened == plaintext else { throw FixtureError("a message did not decrypt to what was sent") }
            encryptTimes.append(sealed - start)
            decryptTimes.append(end - sealed)
        }
        print(
            "omemo engine \(name(version)): encrypt to \(count) devices \(cpu(Spread(encryptTimes))),"
                + " decrypt \(cpu(Spread(decryptTimes))) (\(messages) messages)")
    }

    /// What a version encrypts for a chat message: OMEMO 2 an SCE envelope (XEP-0420) of the body,
    /// 0.3 the body.
    static func content(_ version: OMEMOVersion, from sender: JID, to recipient: JID, text: String = text) throws
        -> [UInt8]
    {
        guard version == .omemo2 else { return Array(text.utf8) }
        var random = SystemRandomNumberGenerator()
        let envelope = SCEEnvelope.omemo(
            content: [XMLElement("body", namespace: Namespace.client, [:], text: text)], from: sender,
            time: 1_765_000_000_000, random: &random)
        return Array(envelope.element.serialized().utf8)
    }

    // MARK: Helpers

    static func name(_ version: OMEMOVersion) -> String { version == .omemo2 ? "OMEMO 2" : "OMEMO 0.3" }

    /// The process's CPU time (user and system) in seconds.
    static func cpuTime() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }

    /// `CPU median N ms, p99 N ms`.
    static func cpu(_ spread: Spread) -> String {
        "CPU median \(format(spread.median * 1000, digits: 3)) ms, p99 \(format(spread.p99 * 1000, digits: 3)) ms"
    }
}
