import ChatModel
import ChatRuntime
import ChatStore
import Foundation
import Networking
import TerminalUI
import TestServers
import XMPPClient
import XMPPCore
import XMPPExtensions

/// Everyday IM against a private Prosody on loopback: archive (XEP-0313) catch-up of a large
/// backlog into the store, and login with a large roster with and without versioning.
enum IMBenchmark {
    static func run(messages: Int, contacts: Int) {
        let server: ProsodyServer
        do {
            server = try ProsodyServer(users: ["bench": "bench-password", "peer": "peer-password"])
        } catch {
            print("im: cannot start Prosody: \(error)")
            return
        }
        defer { server.stop() }
        do {
            try archiveCatchUp(server: server, messages: messages)
            try rosterLogin(server: server, contacts: contacts)
        } catch {
            print("im: \(error)")
        }
    }

    // MARK: Archive catch-up

    static func archiveCatchUp(server: ProsodyServer, messages: Int) throws {
        let clock = ContinuousClock()
        let fill = try clock.measure { try fillArchive(server: server, count: messages) }
        print("mam: \(messages) messages archived by the server in \(seconds(fill)) (setup)")

        var firstArchiveID: String?
        var fetched = 0
        let fetchOnly = try clock.measure {
            firstArchiveID = try fetchAll(server: server) { page in fetched += page.messages.count }
        }
        guard fetched == messages else { throw FixtureError("the archive holds \(fetched) of \(messages) messages") }
        report("server only (fetch every page, store nothing)", messages: messages, fetchOnly)

        let naive = try clock.measure {
            try withTemporaryStore { store in
                let account = try store.account(jid: JID("bench@\(server.domain)"), name: "bench")
                _ = try fetchAll(server: server) { page in
                    for archived in page.messages {
                        _ = try store.insert(newMessage(archived, server: server), account: account)
                    }
                    if let last = page.messages.last {
                        _ = try store.storeArchivePage(
                            [],
                            sync: ArchiveSyncState(
                                archive: "bench@\(server.domain)", lastStanzaID: last.archiveID,
                                lastTimestamp: last.timestamp, syncedAt: 0), account: account)
                    }
                }
            }
        }
        report("naive client (a transaction per message)", messages: messages, naive)

        guard let firstArchiveID else { throw FixtureError("the archive is empty") }
        let forward = try clock.measure {
            try ternCatchUp(server: server, expected: messages - 1) { store, account in
                _ = try store.storeArchivePage(
                    [],
                    sync: ArchiveSyncState(
                        archive: "bench@\(server.domain)", lastStanzaID: firstArchiveID, lastTimestamp: nil,
                        syncedAt: 0), account: account)
            }
        }
        report("tern catch-up from the sync point (a transaction per page)", messages: messages - 1, forward)
        print("mam: tern is \(format(naive.seconds / forward.seconds))× faster than the naive client")
        let newest = try clock.measure {
            try ternCatchUp(server: server, expected: messages) { _, _ in }
        }
        report("tern first login (newest first, initial window \(messages))", messages: messages, newest)
    }

    /// `sender` sends `count` numbered messages (`message`, plain ones by default) to `receiver`,
    /// online on another device (so the messages are delivered and archived, not held for offline
    /// delivery), in rounds closed by a ping so the server keeps up.
    static func fillArchive(
        server: ProsodyServer, count: Int, from sender: String = "peer", to receiver: String = "bench",
        message: ((_ index: Int, _ to: JID) throws -> XMLElement)? = nil
    ) throws {
        let message =
            message ?? { index, to in
                XMLElement(
                    "message", namespace: Namespace.client,
                    ["to": to.description, "type": "chat", "id": "fill-\(index)"],
                    elements: [XMLElement("body", [:], text: "numbered message \(index) with some ordinary chat text")])
            }
        let loop = try EventLoop()
        let (_, receiving) = try connect(server: server, user: receiver, loop: loop)
        var received = 0
        receiving.onEvent = { if case .stanza(let stanza) = $0, stanza.name == "message" { received += 1 } }
        _ = receiving.send(XMLElement("presence", namespace: Namespace.client, [:]))
        let (_, sending) = try connect(server: server, user: sender, loop: loop)
        defer {
            close(loop, sending)
            close(loop, receiving)
        }
        let to = try JID("\(receiver)@\(server.domain)")
        var sent = 0
        while sent < count {
            let round = min(250, count - sent)
            for index in sent..<(sent + round) { _ = sending.send(try message(index, to)) }
            sent += round
            var answered = false
            sending.sendIQ(.iq(.get, id: "p\(sent)", payload: XMLElement("ping", namespace: Namespace.ping))) { _ in
                answered = true
            }
            guard loop.run(for: .seconds(60), until: { answered }) else { throw FixtureError("the server stalled") }
        }
        guard loop.run(for: .seconds(60), until: { received == count }) else {
            throw FixtureError("only \(received) of \(count) messages were delivered")
        }
    }

    /// Fetches the whole archive of `user` (its messages with `with`, or all) oldest first with a
    /// bare connection; returns the first archive id.
    static func fetchAll(
        server: ProsodyServer, user: String = "bench", with: JID? = nil, page handle: (ArchivePage) throws -> Void
    ) throws -> String? {
        let archive = ArchiveManager(disco: DiscoClient())
        let (loop, connection) = try connect(server: server, user: user, extensions: [archive])
        defer { close(loop, connection) }
        var after: String?
        var first: String?
        while true {
            var result: Result<ArchivePage, IQFailure>?
            archive.query(ArchiveQuery(with: with, after: after, max: 100), in: connection.session) { result = $0 }
            guard loop.run(for: .seconds(60), until: { result != nil }), case .success(let page)? = result else {
                throw FixtureError("archive query failed: \(String(describing: result))")
            }
            first = first ?? page.messages.first?.archiveID
            try handle(page)
            guard !page.complete, let last = page.last else { return first }
            after = last
        }
    }

    /// Tern's own catch-up: a fresh store prepared by `prepare`, login, wait until every
    /// expected message is stored.
    static func ternCatchUp(
        server: ProsodyServer,
        expected: Int,
        prepare: (ChatStore, AccountID) throws -> Void
    ) throws {
        try withTemporaryStore { store in
            let loop = try EventLoop()
            let jid = try JID("bench@\(server.domain)")
            let controller = try AccountController(
                name: "bench", jid: jid, store: store, scheduler: EventLoopScheduler(loop: loop)
            ) { LiveConnection(loop: loop, settings: $0.applied(to: settings(server: server, user: "bench"))) }
            controller.behaviour.initialArchiveMessages = expected
            try prepare(store, controller.accountID)
            controller.connect()
            let done = loop.run(for: .seconds(300)) { controller.status == .online && !controller.isCatchingUp }
            let peer = try JID("peer@\(server.domain)")
            let stored = try store.lastMessages(account: controller.accountID, conversation: peer, limit: expected + 10)
            controller.disconnect()
            loop.run(for: .seconds(5)) { controller.status == .offline }
            guard done, stored.count == expected else {
                throw FixtureError("catch-up stored \(stored.count) of \(expected) messages")
            }
        }
    }

    static func newMessage(_ archived: ArchivedMessage, server: ProsodyServer) -> NewMessage {
        let message = archived.message
        let peer = message.from?.bare ?? JID(parsing: "peer@\(server.domain)")!
        return NewMessage(
            conversation: peer, outgoing: false, sender: (message.from ?? peer).description,
            senderKey: peer.description, recipient: message.to?.description, body: message.body ?? "",
            timestamp: archived.timestamp ?? 0, type: message.type, idAttribute: message.id,
            originID: message.originID, stanzaID: archived.archiveID, stanzaIDBy: "bench@\(server.domain)")
    }

    static func report(_ label: String, messages: Int, _ time: Duration) {
        print("mam \(label): \(seconds(time)), \(Int((Double(messages) / time.seconds).rounded())) messages/s")
    }

    // MARK: Roster

    /// `contacts` items in the roster of `peer`, then login-to-roster-drawn: a new store (the
    /// whole roster comes over the wire) and a store holding the current version (XEP-0237: an
    /// empty result).
    static func rosterLogin(server: ProsodyServer, contacts: Int) throws {
        try fillRoster(server: server, count: contacts)
        let database = FileManager.default.temporaryDirectory.appendingPathComponent(
            "tern-rosterbench-\(UUID().uuidString).sqlite"
        ).path
        defer { removeDatabase(database) }
        var full: [Duration] = []
        var versioned: [Duration] = []
        for _ in 0..<7 {
            removeDatabase(database)
            full.append(try loginUntilRosterDrawn(server: server, database: database, contacts: contacts))
            versioned.append(try loginUntilRosterDrawn(server: server, database: database, contacts: contacts))
        }
        full.sort()
        versioned.sort()
        func ms(_ duration: Duration) -> String { format(duration.seconds * 1000) + " ms" }
        print(
            "roster (\(contacts) contacts) login → roster drawn: without a stored version median \(ms(full[3]))"
                + " (min \(ms(full[0]))), with roster versioning median \(ms(versioned[3])) (min \(ms(versioned[0])))")
    }

    /// `count` contacts in `user`'s roster (12 groups), and the users `extra` in the first group.
    static func fillRoster(server: ProsodyServer, user: String = "peer", count: Int, extra: [String] = []) throws {
        let (loop, connection) = try connect(server: server, user: user)
        defer { close(loop, connection) }
        let items =
            (0..<count).map { ("contact\($0)@example.net", "Contact \($0)", "Group \($0 % 12)") }
            + extra.map { ("\($0)@\(server.domain)", $0, "Group 0") }
        var answered = 0
        for (index, (jid, name, group)) in items.enumerated() {
            let item = XMLElement(
                "item", ["jid": jid, "name": name], elements: [XMLElement("group", [:], text: group)])
            let query = XMLElement("query", namespace: Namespace.roster, [:], elements: [item])
            connection.sendIQ(.iq(.set, id: "r\(index)", payload: query)) { _ in answered += 1 }
            if index % 100 == 99 {
                guard loop.run(for: .seconds(60), until: { answered == index + 1 }) else {
                    throw FixtureError("the server stalled")
                }
            }
        }
        guard loop.run(for: .seconds(60), until: { answered == items.count }) else {
            throw FixtureError("the server stalled")
        }
    }

    /// Connect with the interactive model and UI (in-memory screen) until the roster is loaded
    /// and drawn with its last contact visible in the stored order.
    static func loginUntilRosterDrawn(server: ProsodyServer, database: String, contacts: Int) throws -> Duration {
        let loop = try EventLoop()
        let store = try ChatStore(path: database)
        let scheduler = EventLoopScheduler(loop: loop)
        let controller = try AccountController(
            name: "peer", jid: JID("peer@\(server.domain)"), store: store, scheduler: scheduler
        ) { LiveConnection(loop: loop, settings: $0.applied(to: settings(server: server, user: "peer"))) }
        controller.behaviour.initialArchiveMessages = 0
        let model = AppModel(accounts: [controller], settings: UISettings(), scheduler: scheduler)
        let screen = ScreenBuffer(rows: 50, columns: 200)
        let ui = UIController(
            model: model, themes: ThemeLibrary(), colorCount: 256, rows: 50, columns: 200, clock: { scheduler.now })
        let clock = ContinuousClock()
        let start = clock.now
        controller.connect()
        let loaded = loop.run(for: .seconds(30)) { controller.feature(RosterFeature.self)?.manager.isLoaded == true }
        ui.render(on: screen)
        let elapsed = clock.now - start
        guard loaded, controller.roster.count == contacts, screen.text.contains("Contact 0") else {
            throw FixtureError("the roster did not arrive (\(controller.roster.count) of \(contacts))")
        }
        controller.disconnect()
        loop.run(for: .seconds(5)) { controller.status == .offline }
        return elapsed
    }

    // MARK: Helpers

    static func settings(server: ProsodyServer, user: String, resource: String = "bench") -> ConnectionSettings {
        ConnectionSettings(
            session: SessionConfiguration(
                jid: try! JID("\(user)@\(server.domain)"), password: server.users[user] ?? "", resource: resource),
            host: "127.0.0.1", port: server.c2sPort, tlsMode: .startTLS, caFile: server.certificateFile)
    }

    static func connect(
        server: ProsodyServer,
        user: String,
        resource: String = "bench",
        loop: EventLoop? = nil,
        extensions: [any SessionExtension] = []
    ) throws -> (EventLoop, XMPPConnection) {
        let loop = try loop ?? EventLoop()
        let connection = XMPPConnection(
            loop: loop, settings: settings(server: server, user: user, resource: resource),
            extensions: [PingResponder()] + extensions)
        var established = false
        connection.onEvent = { if case .established = $0 { established = true } }
        connection.connect()
        guard loop.run(for: .seconds(10), until: { established }) else {
            throw FixtureError("\(user) could not log in")
        }
        return (loop, connection)
    }

    static func close(_ loop: EventLoop, _ connection: XMPPConnection) {
        var ended = false
        connection.onEvent = { if case .disconnected = $0 { ended = true } }
        connection.disconnect()
        loop.run(for: .seconds(5)) { ended }
    }

    static func withTemporaryStore(_ body: (ChatStore) throws -> Void) throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent(
            "tern-mambench-\(UUID().uuidString).sqlite"
        ).path
        defer { removeDatabase(path) }
        try body(try ChatStore(path: path))
    }

    static func removeDatabase(_ path: String) {
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
    }

    static func seconds(_ duration: Duration) -> String { format(duration.seconds, digits: 2) + " s" }
}
