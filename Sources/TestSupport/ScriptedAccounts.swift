import ChatModel
import ChatStore
import XMPPCore

/// Several accounts on one in-memory store, each connected through its own scripted session,
/// under one model: what model and UI tests of several accounts drive.
public final class ScriptedAccounts {
    public let store: ChatStore
    public let scheduler: ManualScheduler
    public let accounts: [AccountController]
    public let model: AppModel
    private let boxes: [String: Box]

    final class Box {
        var connections: [HarnessConnection] = []
        var reachable = true
        var script: SessionHarness.StreamManagementScript = .none
    }

    /// Accounts by name and JID, in order; `roster` preloads an account's stored roster.
    /// `store` carries over from an earlier fixture to model a restart, `behaviour` is what
    /// config.toml would set.
    public init(
        _ specs: [(name: String, jid: String)], roster: [String: [RosterItem]] = [:],
        scheduler: ManualScheduler = ManualScheduler(), defaultAccount: String? = nil, store: ChatStore? = nil,
        behaviour: AccountBehaviour = AccountBehaviour()
    ) throws {
        let store = try store ?? ChatStore.inMemory()
        self.store = store
        self.scheduler = scheduler
        var boxes: [String: Box] = [:]
        var accounts: [AccountController] = []
        for (name, address) in specs {
            let jid = try JID(address)
            let box = Box()
            boxes[name] = box
            if let items = roster[name] {
                try store.replaceRoster(items, version: "v1", account: try store.account(jid: jid, name: name))
            }
            accounts.append(
                try AccountController(name: name, jid: jid, store: store, scheduler: scheduler) { request in
                    let connection = HarnessConnection(
                        harness: SessionHarness(
                            configuration: SessionConfiguration(
                                jid: jid, password: "secret", resource: "tern", resumption: request.resumption)))
                    connection.reachable = box.reachable
                    connection.streamManagement = box.script
                    box.connections.append(connection)
                    return connection
                })
        }
        self.boxes = boxes
        for account in accounts { account.behaviour = behaviour }
        self.accounts = accounts
        model = AppModel(
            accounts: accounts, settings: UISettings(), scheduler: scheduler, defaultAccount: defaultAccount)
    }

    public func account(_ name: String) -> AccountController { accounts.first { $0.name == name }! }

    /// The latest connection of an account.
    public func connection(_ name: String) -> HarnessConnection { boxes[name]!.connections.last! }
    public func harness(_ name: String) -> SessionHarness { connection(name).harness }
    public func connectionCount(_ name: String) -> Int { boxes[name]!.connections.count }

    /// Whether an account's next connections reach its server.
    public func setReachable(_ reachable: Bool, _ name: String) { boxes[name]!.reachable = reachable }

    /// How an account's scripted server answers stream management on the next connections.
    public func setStreamManagement(_ script: SessionHarness.StreamManagementScript, _ name: String) {
        boxes[name]!.script = script
    }

    /// The conversation with `address` on account `name`.
    public func key(_ name: String, _ address: String) throws -> ConversationKey {
        ConversationKey(account: name, jid: try JID(address))
    }

    /// Connects an account and answers its roster request with `rosterItems` (what else it sent
    /// stays in its harness for the test to read).
    public func connect(_ name: String, rosterItems: String = "") {
        account(name).connect()
        guard boxes[name]!.reachable, let harness = boxes[name]!.connections.last?.harness else { return }
        let written = harness.written.compactMap { XMLElement.parse($0) }
        if let id = written.first(where: { $0.child("query", namespace: "jabber:iq:roster") != nil })?.id {
            harness.serverSends(
                "<iq type='result' id='\(id)'><query xmlns='jabber:iq:roster' ver='v2'>\(rosterItems)</query></iq>")
        }
    }

    /// A chat message from `from` to account `name`.
    public func receive(_ name: String, from: String, _ body: String, id: String? = nil) {
        let identifier = id.map { " id='\($0)'" } ?? ""
        harness(name).serverSends("<message from='\(from)' type='chat'\(identifier)><body>\(body)</body></message>")
    }
}
