import ChatModel
import ChatRuntime
import ChatStore
import Foundation
import Networking
import TestServers
import XMPPClient
import XMPPCore

/// An `AccountController` connected to a real server, with its own store, for integration tests
/// (its timers on the loop, or on `scheduler`, e.g. a `SkippingScheduler` on the same loop).
public final class LiveAccount {
    public let loop: EventLoop
    public let store: ChatStore
    public let controller: AccountController
    public let databasePath: String
    public private(set) var events: [AccountEvent] = []
    /// The connection made last (tests reach into it, e.g. to slow a commit down).
    public var connection: XMPPConnection? { made.connection }
    private final class Made {
        weak var connection: XMPPConnection?
    }
    private let made = Made()

    public init(
        loop: EventLoop,
        server: any XMPPTestServer,
        user: String,
        resource: String = "tern",
        databasePath: String? = nil,
        port: Int? = nil,
        keepAlive: (interval: Duration, timeout: Duration) = (.seconds(20), .seconds(10)),
        scheduler: (any Scheduler)? = nil
    ) throws {
        self.loop = loop
        let path =
            databasePath
            ?? FileManager.default.temporaryDirectory.appendingPathComponent("tern-live-\(UUID().uuidString).sqlite")
            .path
        self.databasePath = path
        store = try ChatStore(path: path)
        let jid = try JID("\(user)@\(server.domain)")
        let settings = ConnectionSettings(
            session: SessionConfiguration(
                jid: jid, password: server.users[user] ?? "", resource: resource, pingInterval: keepAlive.interval,
                pingTimeout: keepAlive.timeout),
            host: "127.0.0.1", port: port ?? server.c2sPort, tlsMode: .startTLS, caFile: server.certificateFile)
        controller = try AccountController(
            name: user, jid: jid, store: store, scheduler: scheduler ?? EventLoopScheduler(loop: loop)
        ) { [made] in
            let connection = LiveConnection(loop: loop, settings: $0.applied(to: settings))
            made.connection = connection.connection
            return connection
        }
        controller.onEvent = { [unowned self] event in self.events.append(event) }
    }

    /// Connects and waits until online and the archive catch-up is done.
    @discardableResult
    public func connect(timeout: Duration = .seconds(10)) -> Bool {
        controller.connect()
        return loop.run(for: timeout) {
            controller.status == .online && controller.feature(RosterFeature.self)?.manager.isLoaded == true
                && !controller.isCatchingUp
        }
    }

    public func disconnect(timeout: Duration = .seconds(5)) {
        controller.disconnect()
        loop.run(for: timeout) { controller.status == .offline }
    }

    /// Waits until `condition` holds (running the loop).
    @discardableResult
    public func wait(timeout: Duration = .seconds(10), until condition: () -> Bool) -> Bool {
        loop.run(for: timeout, until: condition)
    }

    /// The account's log lines so far (for a failing test's report).
    public var logText: String {
        events.compactMap { if case .log(let entry) = $0 { "\(entry.time) \(entry.level) \(entry.text)" } else { nil } }
            .joined(separator: "\n")
    }

    /// The stored messages of a conversation, oldest first.
    public func messages(with contact: String) -> [StoredMessage] {
        guard let jid = JID(parsing: contact) else { return [] }
        return (try? store.lastMessages(account: controller.accountID, conversation: jid, limit: 100_000)) ?? []
    }
}
