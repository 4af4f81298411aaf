import ChatModel
import ChatStore
import TestSupport
import XMPPCore

/// An account on an in-memory store, connected through a scripted session.
final class ModelFixture {
    let store: ChatStore
    let scheduler: ManualScheduler
    let account: AccountController
    let model: AppModel
    var changes: [ModelChanges] = []

    /// `store` and `scheduler` carry over from an earlier fixture to model a restart.
    init(roster: [RosterItem] = [], store: ChatStore? = nil, scheduler: ManualScheduler = ManualScheduler()) {
        let store = store ?? (try! ChatStore.inMemory())
        self.store = store
        self.scheduler = scheduler
        let jid = try! JID("alice@example.org")
        let box = Box()
        if !roster.isEmpty {
            try! store.replaceRoster(roster, version: "v1", account: try! store.account(jid: jid, name: "test"))
        }
        account = try! AccountController(name: "test", jid: jid, store: store, scheduler: scheduler) { request in
            let connection = HarnessConnection(
                harness: SessionHarness(
                    configuration: SessionConfiguration(
                        jid: jid, password: "secret", resource: "tern", resumption: request.resumption,
                        channelBinding: request.channelBinding, pinnedMechanism: request.pinnedMechanism)))
            connection.streamManagement = box.script
            connection.reachable = box.reachable
            box.requests.append(request)
            box.connections.append(connection)
            return connection
        }
        model = AppModel(accounts: [account], settings: UISettings(), scheduler: scheduler)
        self.box = box
        model.onChange = { [unowned self] in self.changes.append($0) }
    }

    private let box: Box

    final class Box {
        var connections: [HarnessConnection] = []
        var requests: [ConnectionRequest] = []
        var script: SessionHarness.StreamManagementScript = .none
        var reachable = true
    }

    /// Whether the next connections reach the server.
    var reachable: Bool {
        get { box.reachable }
        set { box.reachable = newValue }
    }

    /// How the scripted server answers stream management on the next connections.
    var script: SessionHarness.StreamManagementScript {
        get { box.script }
        set { box.script = newValue }
    }
    var requests: [ConnectionRequest] { box.requests }

    /// The current connection's harness.
    var harness: SessionHarness { box.connections.last!.harness }
    var connection: HarnessConnection { box.connections.last! }
    var connectionCount: Int { box.connections.count }

    /// The conversation with `address` on the fixture's account.
    func key(_ address: String) throws -> ConversationKey {
        ConversationKey(account: account.name, jid: try JID(address))
    }

    /// Opens the chat with `contact` on the fixture's account.
    @discardableResult
    func open(_ contact: JID, focus: Bool) -> ChatWindow {
        model.openChat(model.conversation(contact, on: account), focus: focus)
    }

    /// Connects and answers the roster request with `items` and the account's disco#info with
    /// `accountFeatures` (what else the account sent on login stays for the test to read).
    func connect(rosterItems: String = "", accountFeatures: [String] = ["urn:xmpp:mam:2", "urn:xmpp:sid:0"]) {
        account.connect()
        let written = harness.written.compactMap { XMLElement.parse($0) }
        if let id = written.first(where: { $0.child("query", namespace: "jabber:iq:roster") != nil })?.id {
            harness.serverSends(
                "<iq type='result' id='\(id)'><query xmlns='jabber:iq:roster' ver='v2'>\(rosterItems)</query></iq>")
        }
        if let id = written.first(where: {
            $0.child("query", namespace: "http://jabber.org/protocol/disco#info") != nil
                && $0[attribute: "to"] == "alice@example.org"
        })?.id {
            let features = accountFeatures.map { "<feature var='\($0)'/>" }.joined()
            harness.serverSends(
                "<iq type='result' id='\(id)' from='alice@example.org'>"
                    + "<query xmlns='http://jabber.org/protocol/disco#info'>"
                    + "<identity category='account' type='registered'/>\(features)</query></iq>")
        }
    }
}

extension ModelFixture {
    /// A fixture connected with `rosterItems` in its roster, after `configure` set what
    /// config.toml would.
    static func connected(rosterItems: String = "", _ configure: (ModelFixture) -> Void = { _ in }) -> ModelFixture {
        let fixture = ModelFixture()
        configure(fixture)
        fixture.connect(rosterItems: rosterItems)
        return fixture
    }

    /// A chat message from `from` (a full JID) to the account, as the server relays it.
    func receive(from: String, _ body: String, id: String? = nil) {
        let identifier = id.map { " id='\($0)'" } ?? ""
        harness.serverSends("<message from='\(from)' type='chat'\(identifier)><body>\(body)</body></message>")
    }

    /// A carbon (XEP-0280) from our own account: `inner`, a message another of our devices
    /// `received` or `sent`.
    func carbon(_ direction: String, _ inner: String) {
        harness.serverSends(
            "<message from='alice@example.org' to='alice@example.org/tern' type='chat'>"
                + "<\(direction) xmlns='urn:xmpp:carbons:2'><forwarded xmlns='urn:xmpp:forward:0'>\(inner)"
                + "</forwarded></\(direction)></message>")
    }
}
