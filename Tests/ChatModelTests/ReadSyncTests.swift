import ChatModel
import ChatStore
import TestSupport
import Testing
import XMPPCore
import XMPPExtensions

/// Read state on every device (XEP-0490) on a scripted server, with the XEP's own examples: the
/// node read at login, our other devices' publishes applied (and nobody else's), and what the user
/// reads here published once per flood, with the options that keep it private.
@Suite struct ReadSyncTests {
    static let juliet = "juliet@capulet.lit"
    static let romeo = "romeo@montegue.lit"
    static let room = "example@conference.shakespeare.lit"
    static let pubsub = "http://jabber.org/protocol/pubsub"
    static let start: Int64 = 1_700_000_000_000

    /// Juliet with three unread messages from romeo (stanza-ids s1-s3 by her server) and two in the
    /// room (r1, r2 by the room), connected; her server offers publish-options unless
    /// `publishOptions` is false, and stamps messages with stanza-ids.
    func connected(publishOptions: Bool = true) throws -> ScriptedAccounts {
        let store = try ChatStore.inMemory()
        let account = try store.account(jid: try JID(Self.juliet), name: "main")
        for (index, id) in ["s1", "s2", "s3"].enumerated() {
            _ = try store.insert(
                NewMessage(
                    conversation: try JID(Self.romeo), outgoing: false, sender: Self.romeo + "/orchard",
                    senderKey: Self.romeo, body: "message \(id)", timestamp: Self.start + Int64(index) * 1000,
                    stanzaID: id, stanzaIDBy: Self.juliet), account: account)
        }
        for (index, id) in ["r1", "r2"].enumerated() {
            _ = try store.insert(
                NewMessage(
                    conversation: try JID(Self.room), outgoing: false, sender: Self.room + "/thirdwitch",
                    senderKey: Self.room + "/thirdwitch", body: "room \(id)",
                    timestamp: Self.start + Int64(index) * 1000,
                    type: "groupchat", stanzaID: id, stanzaIDBy: Self.room), account: account)
        }
        let fixture = try ScriptedAccounts(
            [(name: "main", jid: Self.juliet)], scheduler: ManualScheduler(now: Self.start + 10_000), store: store)
        fixture.connect("main", rosterItems: "<item jid='\(Self.romeo)' subscription='both'/>")
        try answerAccountDisco(fixture, publishOptions: publishOptions)
        return fixture
    }

    /// Answers the session's disco#info of the account (with publish-options unless told not to).
    func answerAccountDisco(_ fixture: ScriptedAccounts, publishOptions: Bool = true) throws {
        let harness = fixture.harness("main")
        let query = try #require(
            harness.takeWrittenElements().first {
                $0[attribute: "to"] == Self.juliet
                    && $0.child("query", namespace: "http://jabber.org/protocol/disco#info") != nil
            })
        let features = ["urn:xmpp:sid:0"] + (publishOptions ? ["\(Self.pubsub)#publish-options"] : [])
        harness.serverSends(
            "<iq type='result' id='\(query.id!)' from='\(Self.juliet)'>"
                + "<query xmlns='http://jabber.org/protocol/disco#info'>"
                + "<identity category='account' type='registered'/><identity category='pubsub' type='pep'/>"
                + features.map { "<feature var='\($0)'/>" }.joined() + "</query></iq>")
    }

    func unread(_ fixture: ScriptedAccounts, _ address: String) throws -> Int? {
        fixture.model.unreadCounts[try fixture.key("main", address)]
    }

    /// The requests for the displayed node written since the last look: catch-up reads, publishes.
    func nodeRequests(_ fixture: ScriptedAccounts) -> [XMLElement] {
        fixture.harness("main").takeWrittenElements().filter { iq in
            let pubsub = iq.child("pubsub", namespace: Self.pubsub)
            return (pubsub?.child("items") ?? pubsub?.child("publish"))?[attribute: "node"] == DisplayedSync.node
        }
    }

    /// XEP-0490 Example 10, from `from`, naming romeo's message `stanzaID`.
    func notification(from: String = Self.juliet, chat: String = Self.romeo, _ stanzaID: String, by: String = juliet)
        -> String
    {
        "<message from='\(from)' to='\(Self.juliet)/tern' type='headline' id='new-displayed-pep-event'>"
            + "<event xmlns='http://jabber.org/protocol/pubsub#event'><items node='urn:xmpp:mds:displayed:0'>"
            + "<item id='\(chat)'><displayed xmlns='urn:xmpp:mds:displayed:0'>"
            + "<stanza-id xmlns='urn:xmpp:sid:0' by='\(by)' id='\(stanzaID)'/></displayed></item></items></event></message>"
    }

    /// XEP-0490 §4.4, Examples 3 and 4: a new session reads the node; each chat is read up to the
    /// message named, what came after stays unread.
    @Test func aNewSessionCatchesUpWithTheNode() throws {
        let fixture = try connected()
        #expect(try unread(fixture, Self.romeo) == 3)
        #expect(try unread(fixture, Self.room) == 2)
        let requests = nodeRequests(fixture)
        #expect(requests.count == 1)
        let fetch = try #require(requests.first)
        #expect(
            fetch.matches(
                "<iq type='get' id='*'><pubsub xmlns='\(Self.pubsub)'><items node='urn:xmpp:mds:displayed:0'/>"
                    + "</pubsub></iq>"))
        fixture.harness("main").serverSends(
            "<iq type='result' to='\(Self.juliet)/tern' id='\(fetch.id!)'><pubsub xmlns='\(Self.pubsub)'>"
                + "<items node='urn:xmpp:mds:displayed:0'>"
                + "<item id='\(Self.romeo)'><displayed xmlns='urn:xmpp:mds:displayed:0'>"
                + "<stanza-id xmlns='urn:xmpp:sid:0' id='s2' by='\(Self.juliet)'/></displayed></item>"
                + "<item id='\(Self.room)'><displayed xmlns='urn:xmpp:mds:displayed:0'>"
                + "<stanza-id xmlns='urn:xmpp:sid:0' id='r2' by='\(Self.room)'/></displayed></item>"
                + "</items></pubsub></iq>")
        #expect(try unread(fixture, Self.romeo) == 1, "s3 came after")
        #expect(try unread(fixture, Self.room) == nil)
        #expect(
            try fixture.store.unreadCounts(account: fixture.account("main").accountID)[Self.romeo]?.messages == 1)
    }

    /// No node yet (`item-not-found`) is nothing read elsewhere, not a problem to report.
    @Test func aMissingNodeChangesNothing() throws {
        let fixture = try connected()
        let fetch = try #require(nodeRequests(fixture).first)
        fixture.harness("main").serverSends(
            "<iq type='error' id='\(fetch.id!)'><error type='cancel'>"
                + "<item-not-found xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></iq>")
        #expect(try unread(fixture, Self.romeo) == 3)
        #expect(!fixture.model.log.contains { $0.level >= .warning })
    }

    /// XEP-0490 Example 10: our other device read romeo's chat up to s3; the count clears here.
    @Test func ourOtherDevicesPublishClearsTheCount() throws {
        let fixture = try connected()
        fixture.harness("main").serverSends(notification("s3"))
        #expect(try unread(fixture, Self.romeo) == nil)
        #expect(try unread(fixture, Self.room) == 2, "only that chat")
    }

    /// Security rule 4: a contact (or anyone but our account) cannot mark our chats read.
    @Test(arguments: [Self.romeo, "\(Self.juliet)/evil", "capulet.lit"])
    func aPublishFromAnyoneElseIsIgnored(_ from: String) throws {
        let fixture = try connected()
        fixture.harness("main").serverSends(notification(from: from, "s3"))
        #expect(try unread(fixture, Self.romeo) == 3)
    }

    /// XEP-0490 §5.1: a stanza-id not in the chat (or given by someone else) changes nothing, and
    /// the state only moves forward.
    @Test func unknownAndOlderStatesChangeNothing() throws {
        let fixture = try connected()
        let harness = fixture.harness("main")
        harness.serverSends(notification("nowhere"))
        harness.serverSends(notification("r2", by: Self.room))
        harness.serverSends(notification(chat: Self.room, "s3"))
        #expect(try unread(fixture, Self.romeo) == 3)
        #expect(try unread(fixture, Self.room) == 2)
        harness.serverSends(notification("s2"))
        #expect(try unread(fixture, Self.romeo) == 1)
        harness.serverSends(notification("s1"))
        #expect(try unread(fixture, Self.romeo) == 1, "never back")
    }

    /// Reading romeo's chat here publishes its newest message's stanza-id (Example 1) once, a few
    /// seconds later, however many messages a flood brings meanwhile; our caps ask for the node's
    /// notifications.
    @Test func readingHerePublishesOncePerFlood() throws {
        let fixture = try connected()
        _ = nodeRequests(fixture)
        let harness = fixture.harness("main")
        fixture.model.openChat(try fixture.key("main", Self.romeo), focus: true)
        #expect(nodeRequests(fixture).isEmpty, "not at once")
        for index in 4...23 {
            harness.serverSends(
                "<message from='\(Self.romeo)/orchard' type='chat' id='m\(index)'><body>flood \(index)</body>"
                    + "<stanza-id xmlns='urn:xmpp:sid:0' by='\(Self.juliet)' id='s\(index)'/></message>")
            fixture.scheduler.advance(by: .milliseconds(100))
        }
        fixture.scheduler.advance(by: .seconds(3))
        let publishes = nodeRequests(fixture)
        #expect(publishes.count == 1, "\(publishes.count)")
        let publish = try #require(publishes.first)
        #expect(
            publish.matches(
                "<iq type='set' id='*'><pubsub xmlns='\(Self.pubsub)'><publish node='urn:xmpp:mds:displayed:0'>"
                    + "<item id='\(Self.romeo)'><displayed xmlns='urn:xmpp:mds:displayed:0'>"
                    + "<stanza-id xmlns='urn:xmpp:sid:0' by='\(Self.juliet)' id='s23'/></displayed></item></publish>"
                    + "<publish-options>\(PrivatePEP.publishOptions.element.serialized(parentNamespace: Self.pubsub))"
                    + "</publish-options></pubsub></iq>"), "\(publish)")
        harness.serverSends("<iq type='result' id='\(publish.id!)'/>")
        // The server's notification of our own publish changes nothing and publishes nothing.
        harness.serverSends(notification("s23"))
        fixture.scheduler.advance(by: .seconds(10))
        #expect(nodeRequests(fixture).isEmpty)

        harness.serverSends(
            "<iq type='get' from='capulet.lit' to='\(Self.juliet)/tern' id='disco1'>"
                + "<query xmlns='http://jabber.org/protocol/disco#info'/></iq>")
        let answer = try #require(harness.takeWrittenElements().first { $0.id == "disco1" })
        #expect(
            answer.child("query")?.children("feature").contains { $0[attribute: "var"] == DisplayedSync.notifyFeature }
                == true)
    }

    /// XEP-0490 §9: without publish-options nothing is published (the node could be public); the
    /// log says why, once.
    @Test func withoutPublishOptionsNothingIsPublished() throws {
        let fixture = try connected(publishOptions: false)
        _ = nodeRequests(fixture)
        fixture.model.openChat(try fixture.key("main", Self.romeo), focus: true)
        fixture.scheduler.advance(by: .seconds(5))
        #expect(nodeRequests(fixture).isEmpty)
        #expect(fixture.model.log.filter { $0.text.contains("publish-options") }.count == 1)
    }

    /// A server that refuses the options (`precondition-not-met`, XEP-0060 §7.1.5) gets one clear
    /// log line and no further publish this session: never one without the options.
    @Test func aRefusedPublishIsNotRetried() throws {
        let fixture = try connected()
        _ = nodeRequests(fixture)
        let harness = fixture.harness("main")
        fixture.model.openChat(try fixture.key("main", Self.romeo), focus: true)
        fixture.scheduler.advance(by: .seconds(3))
        let publish = try #require(nodeRequests(fixture).first)
        harness.serverSends(
            "<iq type='error' id='\(publish.id!)'><error type='cancel'>"
                + "<conflict xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/>"
                + "<precondition-not-met xmlns='http://jabber.org/protocol/pubsub#errors'/></error></iq>")
        let warnings = fixture.model.log.filter { $0.level == .warning }.map(\.text)
        #expect(warnings.count == 1 && warnings[0].contains("precondition-not-met"), "\(warnings)")
        harness.serverSends(
            "<message from='\(Self.romeo)/orchard' type='chat' id='m9'><body>again</body>"
                + "<stanza-id xmlns='urn:xmpp:sid:0' by='\(Self.juliet)' id='s9'/></message>")
        fixture.scheduler.advance(by: .seconds(10))
        #expect(nodeRequests(fixture).isEmpty)
        #expect(fixture.model.log.filter { $0.level == .warning }.count == 1)
    }

    /// A publish lost with the connection goes out with the next session, after its catch-up read.
    @Test func aPublishLostWithTheConnectionIsSentAgain() throws {
        let fixture = try connected()
        _ = nodeRequests(fixture)
        fixture.model.openChat(try fixture.key("main", Self.romeo), focus: true)
        fixture.scheduler.advance(by: .seconds(3))
        #expect(nodeRequests(fixture).count == 1)
        fixture.connection("main").disconnect()
        fixture.connect("main")
        try answerAccountDisco(fixture)
        let requests = nodeRequests(fixture)
        #expect(requests.count == 2, "the catch-up read, then the publish")
        #expect(requests.first?.child("pubsub")?.child("items") != nil)
        let stanzaID = requests.last?.child("pubsub")?.child("publish")?.child("item")?.child("displayed")?.child(
            "stanza-id")
        #expect(stanzaID?[attribute: "id"] == "s3")
    }

    /// Another device's state takes the place of ours only as far as it reaches: an older one
    /// leaves ours to publish, the same one (or newer) makes ours unneeded.
    @Test func anotherDevicesStateReplacesOnlyWhatItCovers() throws {
        let fixture = try connected()
        _ = nodeRequests(fixture)
        let harness = fixture.harness("main")
        fixture.model.openChat(try fixture.key("main", Self.romeo), focus: true)
        harness.serverSends(notification("s2"))
        fixture.scheduler.advance(by: .seconds(3))
        let published = nodeRequests(fixture).map {
            $0.child("pubsub")?.child("publish")?.child("item")?.child("displayed")?.child("stanza-id")?[
                attribute: "id"]
        }
        #expect(published == ["s3"])
        harness.serverSends(
            "<message from='\(Self.romeo)/orchard' type='chat' id='m4'><body>four</body>"
                + "<stanza-id xmlns='urn:xmpp:sid:0' by='\(Self.juliet)' id='s4'/></message>")
        harness.serverSends(notification("s4"))
        fixture.scheduler.advance(by: .seconds(3))
        #expect(nodeRequests(fixture).isEmpty)
    }
}
