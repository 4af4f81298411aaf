import ChatModel
import ChatRuntime
import ChatStore
import Foundation
import Networking
import OMEMO
import TestServers
import XMPPClient
import XMPPCore
import XMPPExtensions

/// The whole path of a user's message: `MessagingFeature.send` sealing it (`OMEMOFeature.seal`) to
/// a contact's devices, storing the advanced sessions and the message, and writing it to the server.
extension OMEMOBenchmark {
    static func accountPath(server: ProsodyServer, devices: Int, messages: Int) throws {
        try IMBenchmark.withTemporaryStore { store in
            let (loop, controller) = try login(server: server, user: "bench", store: store)
            defer { logout(loop, controller) }
            guard let messaging = controller.feature(MessagingFeature.self),
                let omemo = controller.feature(OMEMOFeature.self)
            else { throw FixtureError("messaging or OMEMO is missing") }
            let plain = try sendAll(messages, to: JID("peer@\(server.domain)"), messaging, controller, loop, store)
            print("omemo account path, plaintext send (baseline): \(cpu(plain)) (\(messages) messages)")
            for (user, version) in [("carol", OMEMOVersion.omemo2), ("dave", .legacy)] {
                let contact = try JID("\(user)@\(server.domain)")
                var simulated = try (0..<devices).map { _ in try SimulatedDevice(contact) }
                let connection = try publish(&simulated, version: version, server: server, user: user, loop: loop)
                omemo.set(contact, on: true)
                messaging.send(text, to: contact)
                try confirmSessions(&simulated, connection, controller: controller, loop: loop, store: store)
                IMBenchmark.close(loop, connection)
                let sealed = try sendAll(messages, to: contact, messaging, controller, loop, store)
                let last = try store.lastMessages(account: controller.accountID, conversation: contact, limit: 1).first
                guard last?.encryption == name(version) else {
                    throw FixtureError("the last message to \(user) went as \(last?.encryption ?? "plaintext")")
                }
                print(
                    "omemo account path \(name(version)), send sealed to \(devices) devices (sessions and message"
                        + " stored, written to the server): \(cpu(sealed)) (\(messages) messages)")
            }
        }
    }

    /// The CPU time of each `send` of `count` messages; every 20 the outbox is let empty.
    private static func sendAll(
        _ count: Int, to contact: JID, _ messaging: MessagingFeature, _ controller: AccountController,
        _ loop: EventLoop, _ store: ChatStore
    ) throws -> Spread {
        var times: [Double] = []
        for index in 0..<count {
            let start = cpuTime()
            let sent = messaging.send("\(text) (\(index))", to: contact)
            times.append(cpuTime() - start)
            guard sent != nil else { throw FixtureError("message \(index) to \(contact) was not sent") }
            guard index % 20 == 19 || index == count - 1 else { continue }
            guard
                loop.run(
                    for: .seconds(30), until: { (try? store.outbox(account: controller.accountID))?.isEmpty == true })
            else { throw FixtureError("the outbox did not empty") }
        }
        return Spread(times)
    }

    /// The contact's devices answer Tern's first message (a key exchange to each) with an empty
    /// message, so that the sessions are confirmed and later messages carry none; then a plain
    /// message, stored once Tern has read the answers before it.
    private static func confirmSessions(
        _ devices: inout [SimulatedDevice], _ connection: XMPPConnection, controller: AccountController,
        loop: EventLoop, store: ChatStore
    ) throws {
        var first: (XMLElement, OMEMOEncrypted)?
        connection.onEvent = { event in
            guard case .stanza(let stanza) = event, stanza.name == "message",
                let encrypted = try? OMEMOEncrypted.find(in: stanza)
            else { return }
            first = (stanza, encrypted)
        }
        guard loop.run(for: .seconds(30), until: { first != nil }), let (stanza, encrypted) = first,
            let from = stanza[attribute: "from"].flatMap(JID.init(parsing:))
        else { throw FixtureError("Tern's first sealed message did not arrive") }
        let tern = OMEMODeviceAddress(jid: from.bare, device: encrypted.sender)
        for index in devices.indices {
            try devices[index].decrypt(encrypted, from: tern)
            let answer = try devices[index].encrypt(nil, version: encrypted.version, to: [(tern, nil)])
            _ = connection.send(
                XMLElement(
                    "message", namespace: Namespace.client, ["to": from.bare.description, "type": "chat"],
                    elements: [answer.element, XMLElement("store", namespace: Namespace.hints)]))
        }
        _ = connection.send(Message.chat(to: from.bare, body: "ready", id: "ready"))
        let contact = devices[0].jid
        guard
            loop.run(
                for: .seconds(30),
                until: {
                    let last = try? store.lastMessages(account: controller.accountID, conversation: contact, limit: 1)
                    return last?.first?.body == "ready"
                })
        else { throw FixtureError("the contact's answers were not read") }
    }

    /// `user` online with `devices` in its device list of `version` and their bundles published;
    /// the connection stays open.
    static func publish(
        _ devices: inout [SimulatedDevice], version: OMEMOVersion, server: ProsodyServer, user: String,
        loop: EventLoop
    ) throws -> XMPPConnection {
        let (_, connection) = try IMBenchmark.connect(server: server, user: user, loop: loop)
        _ = connection.send(XMLElement("presence", namespace: Namespace.client, [:]))
        let list = OMEMODeviceList(version: version, devices: devices.map { .init(id: $0.own.deviceID) })
        _ = try request(list.publish(id: "list"), connection, loop)
        for device in devices {
            let bundle = try device.own.bundle(version)
            do { _ = try request(bundle.publish(device: device.own.deviceID, id: "b"), connection, loop) } catch {
                _ = try request(bundle.publish(device: device.own.deviceID, id: "b", maxItems: false), connection, loop)
            }
        }
        return connection
    }

    /// Sends an IQ and waits for its result.
    static func request(_ iq: XMLElement, _ connection: XMPPConnection, _ loop: EventLoop) throws -> XMLElement {
        var result: Result<XMLElement, IQFailure>?
        connection.sendIQ(iq) { result = $0 }
        guard loop.run(for: .seconds(30), until: { result != nil }), case .success(let response)? = result else {
            throw FixtureError("\(iq.elements.first?.name ?? "iq") failed: \(String(describing: result))")
        }
        return response
    }

    /// Tern's account `user` online with `store`: caught up with the archive and its OMEMO device
    /// in both device lists.
    static func login(server: ProsodyServer, user: String, store: ChatStore, initial: Int = 0) throws -> (
        EventLoop, AccountController
    ) {
        let loop = try EventLoop()
        let controller = try AccountController(
            name: user, jid: JID("\(user)@\(server.domain)"), store: store, scheduler: EventLoopScheduler(loop: loop)
        ) { LiveConnection(loop: loop, settings: $0.applied(to: IMBenchmark.settings(server: server, user: user))) }
        controller.behaviour.initialArchiveMessages = initial
        controller.connect()
        let omemo = controller.feature(OMEMOFeature.self)
        guard
            loop.run(
                for: .seconds(300),
                until: {
                    controller.status == .online && !controller.isCatchingUp && omemo?.announced.count == 2
                })
        else { throw FixtureError("\(user) did not log in and catch up") }
        return (loop, controller)
    }

    static func logout(_ loop: EventLoop, _ controller: AccountController) {
        controller.disconnect()
        loop.run(for: .seconds(5)) { controller.status == .offline }
    }
}
