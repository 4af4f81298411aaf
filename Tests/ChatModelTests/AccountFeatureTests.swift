import ChatModel
import ChatStore
import TestSupport
import Testing
import XMPPCore
import XMPPExtensions

/// Features plug into an account as units: their extensions in a checked order, their tables,
/// commands and events, with no edit elsewhere.
@Suite struct AccountFeatureTests {
    func names(_ types: [any AccountFeature.Type]) throws -> [String] {
        try AccountFeatures.handlerOrder(types).map { types[$0].name }
    }

    @Test func theStandardFeaturesUnwrapCarbonsAndArchiveResultsBeforeMessaging() throws {
        let order = try names(AccountFeatures.standard)
        let messaging = try #require(order.firstIndex(of: MessagingFeature.name))
        #expect(try #require(order.firstIndex(of: CarbonsFeature.name)) < messaging)
        #expect(try #require(order.firstIndex(of: ArchiveFeature.name)) < messaging)
        #expect(
            try #require(order.firstIndex(of: CapabilitiesFeature.name))
                > (try #require(order.firstIndex(of: PresenceFeature.name))))
        #expect(Set(order).count == AccountFeatures.standard.count)
    }

    /// The extensions reach the session in that order: a carbon is unwrapped, not taken for a
    /// plain message from our own account.
    @Test func aConnectionRegistersTheExtensionsInTheCheckedOrder() throws {
        let fixture = ModelFixture()
        fixture.connect(rosterItems: "<item jid='romeo@example.net' subscription='both'/>")
        fixture.harness.serverSends(
            "<message from='alice@example.org' to='alice@example.org/tern'>"
                + "<received xmlns='urn:xmpp:carbons:2'><forwarded xmlns='urn:xmpp:forward:0'>"
                + "<message xmlns='jabber:client' from='romeo@example.net/a' to='alice@example.org/phone' type='chat'>"
                + "<body>to the phone</body></message></forwarded></received></message>")
        let window = try #require(fixture.model.window(of: try fixture.key("romeo@example.net")))
        #expect(window.messages.map(\.body) == ["to the phone"])
        #expect(fixture.model.window(of: try fixture.key("alice@example.org")) == nil)
    }

    final class First: AccountFeature {
        static let name = "first"
        static var ordering: [FeatureOrder] { [.after("second")] }
        init(account: AccountController) {}
    }

    final class Second: AccountFeature {
        static let name = "second"
        static var ordering: [FeatureOrder] { [.after("first")] }
        init(account: AccountController) {}
    }

    final class Lonely: AccountFeature {
        static let name = "lonely"
        static var ordering: [FeatureOrder] { [.before("nobody")] }
        init(account: AccountController) {}
    }

    @Test func impossibleOrdersAreRefusedWithTheirReason() throws {
        #expect(throws: FeatureError("the ordering constraints of first, second form a cycle")) {
            try AccountFeatures.handlerOrder([First.self, Second.self])
        }
        #expect(throws: FeatureError("lonely is ordered against nobody, which is not installed")) {
            try AccountFeatures.handlerOrder([Lonely.self])
        }
        #expect(throws: FeatureError("two features are named first")) {
            try AccountFeatures.handlerOrder([First.self, First.self])
        }
        // An account with such features does not start.
        let store = try ChatStore.inMemory()
        #expect(throws: FeatureError.self) {
            try AccountController(
                name: "test", jid: try JID("alice@example.org"), store: store, scheduler: ManualScheduler(),
                features: AccountFeatures.standard + [Lonely.self]
            ) { _ in fatalError("never connects") }
        }
    }

    @Test func aFeatureThatNeedsAnotherSaysSo() throws {
        let store = try ChatStore.inMemory()
        #expect(throws: FeatureError("capabilities needs disco, which must be installed before it")) {
            try AccountController(
                name: "test", jid: try JID("alice@example.org"), store: store, scheduler: ManualScheduler(),
                features: [RosterFeature.self, PresenceFeature.self, CapabilitiesFeature.self]
            ) { _ in fatalError("never connects") }
        }
    }

    /// Server announcements (headline messages from our own server), kept in a table of their
    /// own and listed by /announcements: a feature written here, plugged in without an edit to
    /// the account, the model or the store.
    final class Announcements: AccountFeature, SessionExtension {
        static let name = "announcements"
        static var ordering: [FeatureOrder] { [.before(MessagingFeature.name)] }
        static var tables: [StoreMigration] {
            [
                StoreMigration(
                    name: "create",
                    sql: "CREATE TABLE test_announcement (account INTEGER NOT NULL, body TEXT NOT NULL)")
            ]
        }
        static var commands: [CommandSpec] {
            [
                CommandSpec("announcements", summary: "list what the server announced") {
                    context throws(CommandError) in
                    let account = try context.account()
                    let feature = try account.required(Announcements.self)
                    for body in feature.stored() { context.model.addNotice("announced: " + body) }
                }
            ]
        }
        unowned let account: AccountController

        init(account: AccountController) { self.account = account }

        var extensions: [any SessionExtension] { [self] }

        struct Announced: FeatureEvent {
            let body: String
            func apply(to model: AppModel, from account: AccountController) {
                model.addNotice("\(account.name) announces: \(body)")
            }
        }

        func handle(_ stanza: XMLElement, in session: XMPPSession) -> Bool {
            guard stanza.name == "message", stanza[attribute: "type"] == "headline",
                stanza[attribute: "from"] == account.jid.domain.description,
                let body = stanza.child("body")?.text
            else { return false }
            try? account.store.featureWrite(
                "INSERT INTO test_announcement (account, body) VALUES (?, ?)",
                [.integer(account.accountID.rawValue), .text(body)])
            account.onEvent(.feature(Announced(body: body)))
            return true
        }

        func stored() -> [String] {
            (try? account.store.featureRows(
                "SELECT body FROM test_announcement WHERE account = ? ORDER BY rowid",
                [.integer(account.accountID.rawValue)]
            ) { $0.text(0) }) ?? []
        }
    }

    @Test func aFeatureBringsItsExtensionTableCommandAndEvents() throws {
        let store = try ChatStore.inMemory()
        let scheduler = ManualScheduler()
        let jid = try JID("alice@example.org")
        var connections: [HarnessConnection] = []
        let account = try AccountController(
            name: "test", jid: jid, store: store, scheduler: scheduler,
            features: AccountFeatures.standard + [Announcements.self]
        ) { _ in
            let connection = HarnessConnection(
                harness: SessionHarness(configuration: SessionConfiguration(jid: jid, password: "pw", resource: "tern"))
            )
            connections.append(connection)
            return connection
        }
        let model = AppModel(accounts: [account], settings: UISettings(), scheduler: scheduler)
        account.connect()
        let harness = try #require(connections.last).harness
        harness.serverSends("<message from='example.org' type='headline'><body>maintenance at noon</body></message>")
        #expect(model.log.map(\.text).contains("test announces: maintenance at noon"))
        model.submit("/announcements")
        #expect(model.log.last?.text == "announced: maintenance at noon")
        #expect(model.windows.count == 1, "messaging never saw it")
        // The table is the feature's: a second account on the same store does not create it again.
        _ = try AccountController(
            name: "other", jid: try JID("bob@example.org"), store: store, scheduler: scheduler,
            features: AccountFeatures.standard + [Announcements.self]
        ) { _ in fatalError("never connects") }
        #expect(model.commands.command(named: "announcements") != nil)
    }
}
