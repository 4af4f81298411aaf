import ChatModel
import ChatStore
import Foundation
import OMEMO
import TestServers
import XMPPClient
import XMPPCore
import XMPPExtensions

/// Archive catch-up (XEP-0313) of messages from one contact, plaintext beside OMEMO: Tern's account
/// `reader` logs in once (its device and bundles published, its sync point set), goes offline, a
/// contact writes `messages` messages, and Tern logs in again: login to caught up, every message stored.
extension OMEMOBenchmark {
    static func catchUp(server: ProsodyServer, messages: Int) throws {
        try IMBenchmark.withTemporaryStore { store in
            try IMBenchmark.fillArchive(server: server, count: 1, to: "reader")
            let (loop, controller) = try login(server: server, user: "reader", store: store, initial: 10)
            logout(loop, controller)
            let reader = try JID("reader@\(server.domain)")

            try IMBenchmark.fillArchive(server: server, count: messages, to: "reader")
            let peer = try JID("peer@\(server.domain)")
            let plain = try timedCatchUp(server: server, store: store, from: peer, expected: messages + 1)
            report("plaintext", messages: messages, plain, server: try serverOnly(server, with: peer, messages + 1))

            let contacts = [
                ("erin", OMEMOVersion.omemo2, false), ("grace", .legacy, false), ("heidi", .omemo2, true),
                ("ivan", .legacy, true),
            ]
            for (user, version, answered) in contacts {
                let contact = try JID("\(user)@\(server.domain)")
                var device = try SimulatedDevice(contact)
                let bundle = try fetchBundle(of: reader, version: version, server: server, as: user)
                if answered {
                    try answer(&device, reader: reader, bundle: bundle, version: version, server: server, store: store)
                }
                try IMBenchmark.fillArchive(server: server, count: messages, from: user, to: "reader") { index, to in
                    let encrypted = try device.encrypt(
                        content(version, from: contact, to: to, text: "\(text) (\(index))"), version: version,
                        to: [bundle])
                    return XMLElement(
                        "message", namespace: Namespace.client,
                        ["to": to.description, "type": "chat", "id": "omemo-\(index)"],
                        elements: [
                            encrypted.element, XMLElement("body", [:], text: "(OMEMO fallback)"),
                            XMLElement("store", namespace: Namespace.hints),
                        ])
                }
                let expected = messages + (answered ? 1 : 0)
                let sealed = try timedCatchUp(server: server, store: store, from: contact, expected: expected) {
                    $0.body == "\(text) (\(messages - 1))" && $0.encryption?.hasPrefix(name(version)) == true
                }
                let label = name(version) + (answered ? ", session answered" : ", each a key exchange")
                report(label, messages: messages, sealed, server: try serverOnly(server, with: contact, expected))
                print(
                    "omemo catch-up \(label) / plaintext: \(format(sealed.time.seconds / plain.time.seconds, digits: 2))×"
                        + " the time, \(format(sealed.cpu / plain.cpu, digits: 2))× Tern's CPU")
            }
        }
    }

    /// The usual state of a conversation: the contact's first message (a key exchange) reaches
    /// Tern, Tern answers it with an empty message, and the contact reads that answer from its own
    /// archive, so the messages it writes after carry no key exchange.
    private static func answer(
        _ device: inout SimulatedDevice, reader: JID, bundle: (OMEMODeviceAddress, OMEMOBundle?),
        version: OMEMOVersion, server: ProsodyServer, store: ChatStore
    ) throws {
        let contact = device.jid
        let first = try device.encrypt(
            content(version, from: contact, to: reader, text: "\(text) (first)"), version: version, to: [bundle])
        try IMBenchmark.fillArchive(server: server, count: 1, from: contact.localpart ?? "", to: "reader") { _, to in
            XMLElement(
                "message", namespace: Namespace.client, ["to": to.description, "type": "chat", "id": "omemo-first"],
                elements: [first.element, XMLElement("store", namespace: Namespace.hints)])
        }
        let (loop, controller) = try login(server: server, user: "reader", store: store, initial: 10)
        // Tern's answer goes out when the catch-up ends; let it reach the server.
        loop.run(for: .seconds(2)) { false }
        logout(loop, controller)
        var answered = false
        _ = try IMBenchmark.fetchAll(server: server, user: contact.localpart ?? "", with: reader) { page in
            for archived in page.messages where archived.message.from?.bare == reader {
                guard let element = archived.message.encryptedElement, !answered else { continue }
                try device.decrypt(try OMEMOEncrypted(element), from: bundle.0)
                answered = true
            }
        }
        guard answered else { throw FixtureError("Tern did not answer \(contact)'s key exchange") }
    }

    /// Tern logs in and catches up: the time from connecting until the catch-up ended with
    /// `expected` messages stored from `contact`, the newest one as `newest` says, and the CPU
    /// time Tern took (Prosody is another process).
    private static func timedCatchUp(
        server: ProsodyServer, store: ChatStore, from contact: JID, expected: Int,
        newest: (StoredMessage) -> Bool = { _ in true }
    ) throws -> (time: Duration, cpu: Double) {
        let start = ContinuousClock.now
        let cpuStart = cpuTime()
        let (loop, controller) = try login(server: server, user: "reader", store: store, initial: expected + 10)
        let elapsed = ContinuousClock.now - start
        let cpu = cpuTime() - cpuStart
        defer { logout(loop, controller) }
        let stored = try store.lastMessages(account: controller.accountID, conversation: contact, limit: expected + 10)
        guard stored.count == expected, let last = stored.last, newest(last) else {
            throw FixtureError(
                "catch-up stored \(stored.count) of \(expected) messages; the newest: \(stored.last?.body.prefix(80) ?? "none")"
            )
        }
        return (elapsed, cpu)
    }

    /// How long Prosody alone takes to serve `reader`'s archive with `contact` (`expected` messages, and Tern's answers)
    /// to a client that stores nothing.
    private static func serverOnly(_ server: ProsodyServer, with contact: JID, _ expected: Int) throws -> Duration {
        var fetched = 0
        let time = try ContinuousClock().measure {
            _ = try IMBenchmark.fetchAll(server: server, user: "reader", with: contact) { fetched += $0.messages.count }
        }
        // Our empty answers to key exchanges are in it too.
        guard fetched >= expected else { throw FixtureError("the archive holds \(fetched) of \(expected) messages") }
        return time
    }

    /// The address and bundle of `jid`'s first device in its device list of `version`, as `user` fetches them.
    private static func fetchBundle(of jid: JID, version: OMEMOVersion, server: ProsodyServer, as user: String)
        throws -> (OMEMODeviceAddress, OMEMOBundle?)
    {
        let (loop, connection) = try IMBenchmark.connect(server: server, user: user)
        defer { IMBenchmark.close(loop, connection) }
        let list = try OMEMOPEP.deviceList(
            result: request(OMEMODeviceList.request(version, from: jid, id: "list"), connection, loop), version)
        guard let device = list.ids.first else { throw FixtureError("\(jid) has no device in its OMEMO device list") }
        let bundle = try OMEMOPEP.bundle(
            result: request(OMEMOBundle.request(version, device: device, from: jid, id: "bundle"), connection, loop),
            version, device: device)
        return (OMEMODeviceAddress(jid: jid, device: device), bundle)
    }

    private static func report(
        _ label: String, messages: Int, _ measured: (time: Duration, cpu: Double), server: Duration
    ) {
        print(
            "omemo catch-up of \(messages) archived messages, \(label): \(IMBenchmark.seconds(measured.time)),"
                + " \(Int((Double(messages) / measured.time.seconds).rounded())) messages/s; Tern's CPU"
                + " \(format(measured.cpu * 1000 / Double(messages), digits: 3)) ms per message (Prosody alone serving"
                + " the pages: \(IMBenchmark.seconds(server)))")
    }
}
