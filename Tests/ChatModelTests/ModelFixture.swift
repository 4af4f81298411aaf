import ChatModel
import ChatStore
import TestSupport
import XMPPCore

/// An account on an in-memory store, connected through a scripted session.
final class ModelFixture {
    let store = try! ChatStore.inMemory()
    let scheduler = ManualScheduler()
    let account: AccountController
    let model: AppModel
    var changes: [ModelChanges] = []

    init(roster: [RosterItem] = []) {
        let jid = try! JID("alice@example.org")
        let box = Box()
        if !roster.isEmpty {
            try! store.replaceRoster(roster, version: "v1", account: try! store.account(jid: jid, name: "test"))
        }
        account = try! AccountController(name: "test", jid: jid, store: store, scheduler: scheduler) {
            let connection = HarnessConnection(
                harness: SessionHarness(
                    configuration: SessionConfiguration(jid: jid, password: "secret", resource: "tern")))
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
    }

    /// The current connection's harness.
    var harness: SessionHarness { box.connections.last!.harness }
    var connectionCount: Int { box.connections.count }

    /// Connects and answers the roster request with `items` (what else the account sent on login
    /// stays for the test to read).
    func connect(rosterItems: String = "") {
        account.connect()
        let request = harness.written.compactMap { XMLElement.parse($0) }.first {
            $0.child("query", namespace: "jabber:iq:roster") != nil
        }
        if let id = request?.id {
            harness.serverSends(
                "<iq type='result' id='\(id)'><query xmlns='jabber:iq:roster' ver='v2'>\(rosterItems)</query></iq>")
        }
    }
}
