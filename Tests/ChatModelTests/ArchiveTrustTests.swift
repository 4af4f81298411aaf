import ChatModel
import ChatStore
import Testing
import XMPPCore

/// Which archive ids the account believes (XEP-0359 §5), and what it does when the archive does
/// not know where the last catch-up ended.
extension ArchiveTests {
    var alice: JID { try! JID("alice@example.org") }
    var mallory: JID { try! JID("mallory@evil.example") }

    func syncPoint(_ fixture: ModelFixture) throws -> String? {
        try fixture.store.archiveSync(account: fixture.account.accountID, archive: alice)?.lastStanzaID
    }

    func stored(_ fixture: ModelFixture, _ conversation: JID) throws -> [StoredMessage] {
        try fixture.store.lastMessages(account: fixture.account.accountID, conversation: conversation, limit: 100)
    }

    /// Connects, catches up with one archived message from romeo (A1), and is then caught up.
    func caughtUp(accountFeatures: [String] = ["urn:xmpp:mam:2", "urn:xmpp:sid:0"]) throws -> ModelFixture {
        let fixture = ModelFixture()
        fixture.connect(accountFeatures: accountFeatures)
        _ = try answer(fixture, results: [("A1", romeo("one", id: "o1"))], complete: true)
        #expect(try syncPoint(fixture) == "A1")
        return fixture
    }

    @Test func aForgedStanzaIDBesideTheServersOwnIsNotBelieved() throws {
        let fixture = try caughtUp()
        // Mallory's element comes first; the server appended its own.
        fixture.harness.serverSends(
            "<message from='mallory@evil.example/x' to='alice@example.org/tern' type='chat' id='m1'>"
                + "<body>hello</body><stanza-id xmlns='urn:xmpp:sid:0' by='alice@example.org' id='made-up'/>"
                + "<stanza-id xmlns='urn:xmpp:sid:0' by='alice@example.org' id='A2'/></message>")
        #expect(try stored(fixture, mallory).map(\.body) == ["hello"], "the message itself is kept")
        #expect(try stored(fixture, mallory).map(\.stanzaID) == [nil])
        #expect(try syncPoint(fixture) == "A1", "the next catch-up still starts where the archive knows")
        #expect(
            fixture.model.log.contains {
                $0.level == .warning && $0.text.contains("mallory@evil.example/x carried 2 archive ids")
            })
    }

    @Test func aCollidingIDNeverHidesAMessageOfAnotherChat() throws {
        let fixture = try caughtUp()
        fixture.harness.serverSends(
            "<message from='mallory@evil.example/x' type='chat' id='m1'><body>same id</body>"
                + "<stanza-id xmlns='urn:xmpp:sid:0' by='alice@example.org' id='A1'/></message>")
        #expect(try stored(fixture, mallory).map(\.body) == ["same id"])
        #expect(try stored(fixture, try JID("romeo@montague.lit")).map(\.body) == ["one"])
    }

    @Test func aServerThatDoesNotAnnounceStanzaIDsIsNotBelieved() throws {
        let fixture = try caughtUp(accountFeatures: ["urn:xmpp:carbons:2"])
        fixture.harness.serverSends(
            "<message from='romeo@montague.lit/orchard' type='chat' id='o2'><body>two</body>"
                + "<stanza-id xmlns='urn:xmpp:sid:0' by='alice@example.org' id='A2'/></message>")
        #expect(try stored(fixture, try JID("romeo@montague.lit")).map(\.stanzaID) == ["A1", nil])
        #expect(try syncPoint(fixture) == "A1")
    }

    @Test func theServersOwnIDMovesTheSyncPoint() throws {
        let fixture = try caughtUp()
        fixture.harness.serverSends(
            "<message from='romeo@montague.lit/orchard' type='chat' id='o2'><body>two</body>"
                + "<stanza-id xmlns='urn:xmpp:sid:0' by='romeo@montague.lit' id='his'/>"
                + "<stanza-id xmlns='urn:xmpp:sid:0' by='alice@example.org' id='A2'/></message>")
        #expect(try stored(fixture, try JID("romeo@montague.lit")).map(\.stanzaID) == ["A1", "A2"])
        #expect(try syncPoint(fixture) == "A2")
    }

    @Test func aCarbonWithTwoClaimsIsStoredWithoutAnArchiveID() throws {
        let fixture = try caughtUp()
        fixture.harness.serverSends(
            "<message from='alice@example.org' to='alice@example.org/tern' type='chat'>"
                + "<received xmlns='urn:xmpp:carbons:2'><forwarded xmlns='urn:xmpp:forward:0'>"
                + "<message xmlns='jabber:client' from='mallory@evil.example/x' to='alice@example.org/phone'"
                + " type='chat' id='m2'><body>via the phone</body>"
                + "<stanza-id xmlns='urn:xmpp:sid:0' by='alice@example.org' id='made-up'/>"
                + "<stanza-id xmlns='urn:xmpp:sid:0' by='alice@example.org' id='A3'/></message>"
                + "</forwarded></received></message>")
        #expect(try stored(fixture, mallory).map(\.body) == ["via the phone"])
        #expect(try stored(fixture, mallory).map(\.stanzaID) == [nil])
        #expect(try syncPoint(fixture) == "A1")
    }

    @Test func anUnknownSyncPointIsFilledFromItsTimeNotSkipped() throws {
        let fixture = try caughtUp()
        fixture.account.disconnect()
        fixture.connect()
        let lost = try #require(
            fixture.harness.takeWrittenElements().last { $0.child("query", namespace: "urn:xmpp:mam:2") != nil })
        #expect(lost.child("query")?.child("set")?.childText("after") == "A1")
        fixture.harness.serverSends(
            "<iq type='error' id='\(lost.id!)'><error type='cancel'>"
                + "<item-not-found xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></iq>")
        let refill = try #require(
            fixture.harness.takeWrittenElements().last { $0.child("query", namespace: "urn:xmpp:mam:2") != nil })
        let set = refill.child("query")?.child("set")
        #expect(set?.child("after") == nil && set?.child("before") == nil, "forward from a time, not the newest")
        let start = refill.child("query")?.child("x")?.children("field").first { $0[attribute: "var"] == "start" }
        // A1 was archived at 2010-07-10T23:08:25Z; an hour earlier allows for a wrong clock.
        #expect(start?.childText("value") == "2010-07-10T22:08:25.000Z")
        _ = try answer(
            fixture, results: [("A1", romeo("one", id: "o1")), ("B2", romeo("two", id: "o2"))], complete: false,
            query: refill)
        let next = try #require(
            fixture.harness.takeWrittenElements().last { $0.child("query", namespace: "urn:xmpp:mam:2") != nil })
        #expect(next.child("query")?.child("set")?.childText("after") == "B2")
        _ = try answer(fixture, results: [("B3", romeo("three", id: "o3"))], complete: true, query: next)
        #expect(try stored(fixture, try JID("romeo@montague.lit")).map(\.body) == ["one", "two", "three"])
        #expect(try syncPoint(fixture) == "B3")
        #expect(fixture.model.log.contains { $0.text.contains("fetching everything since 2010-07-10T22:08:25") })
    }
}
