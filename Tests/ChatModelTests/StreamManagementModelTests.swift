import ChatModel
import TestSupport
import Testing
import XMPPCore

@testable import ChatStore

/// The account over stream management: outbox acks, resumption after a cut or a restart, the
/// fallback to a new session, redirects.
@Suite struct StreamManagementModelTests {
    let romeo = try! JID("romeo@example.net")

    func copies(of body: String, in written: [String]) -> Int {
        written.filter { $0.contains("<body>\(body)</body>") }.count
    }

    func number(of messageID: Int64, in fixture: ModelFixture) throws -> UInt32 {
        let entry = try #require(
            try fixture.store.outbox(account: fixture.account.accountID).first { $0.messageID == messageID })
        return try #require(entry.sentSequence)
    }

    func state(_ id: Int64, _ fixture: ModelFixture) throws -> DeliveryState? {
        try fixture.store.message(id: id)?.state
    }

    func cut(_ fixture: ModelFixture) {
        fixture.harness.perform { $0.transportClosed() }
    }

    @Test func theServersAckTakesAMessageOutOfTheOutbox() throws {
        let fixture = ModelFixture()
        fixture.script = .enabled()
        fixture.connect()
        let id = try #require(fixture.account.feature(MessagingFeature.self)!.send("one", to: romeo))
        let sent1 = try number(of: id, in: fixture)
        #expect(try state(id, fixture) == .sent)
        fixture.harness.serverSends("<a xmlns='urn:xmpp:sm:3' h='\(sent1 - 1)'/>")
        #expect(try state(id, fixture) == .sent)
        fixture.harness.serverSends("<a xmlns='urn:xmpp:sm:3' h='\(sent1)'/>")
        #expect(try state(id, fixture) == .acked)
        #expect(try fixture.store.outbox(account: fixture.account.accountID).isEmpty)
        #expect(
            !fixture.harness.written.contains { $0.contains("urn:xmpp:ping") }, "acks replace confirmation pings")
    }

    @Test func aCutStreamIsResumedWithoutLossOrDuplicates() throws {
        let fixture = ModelFixture()
        fixture.script = .enabled()
        fixture.connect()
        fixture.harness.serverSends(
            "<message from='romeo@example.net/orchard' type='chat' id='x1'><body>in-1</body></message>")
        let sent = try #require(fixture.account.feature(MessagingFeature.self)!.send("out-1", to: romeo))
        let sent1 = try number(of: sent, in: fixture)
        cut(fixture)
        #expect(fixture.account.status == .reconnecting(at: fixture.scheduler.now))
        let typedMeanwhile = try #require(fixture.account.feature(MessagingFeature.self)!.send("out-2", to: romeo))
        #expect(try state(typedMeanwhile, fixture) == .queued)

        fixture.script = .resumed(h: sent1 - 1)
        fixture.scheduler.advance(by: .milliseconds(1))
        #expect(fixture.connectionCount == 2)
        let request = try #require(fixture.requests.last?.resumption)
        #expect(request.id == "sm-1")
        #expect(request.handled == 3, "the roster result, the account's disco#info and in-1")
        #expect(fixture.account.status == .online)
        let written = fixture.harness.takeWritten()
        #expect(copies(of: "out-1", in: written) == 1, "what the server missed goes again, once")
        #expect(copies(of: "out-2", in: written) == 1, "what was typed meanwhile goes out")
        let retransmitted = try #require(written.firstIndex { $0.contains("<body>out-1</body>") })
        let queued = try #require(written.firstIndex { $0.contains("<body>out-2</body>") })
        #expect(retransmitted < queued, "in the order typed")
        #expect(!written.contains { $0.contains("jabber:iq:roster") || $0.contains("xmpp-bind") }, "same session")

        let last = try number(of: typedMeanwhile, in: fixture)
        fixture.harness.serverSends("<a xmlns='urn:xmpp:sm:3' h='\(last)'/>")
        #expect(try state(sent, fixture) == .acked)
        #expect(try state(typedMeanwhile, fixture) == .acked)
        #expect(
            try fixture.store.lastMessages(account: fixture.account.accountID, conversation: romeo, limit: 10).count
                == 3)
    }

    @Test func aRestartResumesTheStoredStreamAndResendsWhatTheServerNeverGot() throws {
        let first = ModelFixture()
        first.script = .enabled()
        first.connect()
        first.harness.serverSends(
            "<message from='romeo@example.net/orchard' type='chat' id='x1'><body>in-1</body>"
                + "<stanza-id xmlns='urn:xmpp:sid:0' by='alice@example.org' id='arch-1'/></message>")
        first.harness.serverSends("<r xmlns='urn:xmpp:sm:3'/>")
        #expect(first.harness.written.last == "<a xmlns='urn:xmpp:sm:3' h='3'/>")
        first.harness.serverSends(
            "<presence from='romeo@example.net/orchard'/><iq type='get' id='v1' from='example.org'>"
                + "<query xmlns='jabber:iq:version'/></iq>")
        let sent = try #require(first.account.feature(MessagingFeature.self)!.send("out-1", to: romeo))
        let lost = try number(of: sent, in: first)

        // kill -9: nothing more happens in the first process; a new one starts on the same store.
        let second = ModelFixture(store: first.store, scheduler: first.scheduler)
        second.script = .resumed(h: lost - 1)
        second.account.connect()
        let request = try #require(second.requests.first?.resumption)
        #expect(request.id == "sm-1")
        #expect(request.handled == 3, "what the server was last told: roster, disco#info and in-1")
        #expect(request.sent == nil)
        let written = second.harness.takeWritten()
        #expect(copies(of: "out-1", in: written) == 1)
        let presences = written.compactMap { XMLElement.parse($0) }.filter { $0.name == "presence" }
        #expect(presences.map { $0[attribute: "type"] } == ["unavailable", nil], "presence is asked for again")

        second.harness.serverSends(
            "<message from='romeo@example.net/orchard' type='chat' id='x1'><body>in-1</body>"
                + "<stanza-id xmlns='urn:xmpp:sid:0' by='alice@example.org' id='arch-1'/></message>")
        let stored = try second.store.lastMessages(account: second.account.accountID, conversation: romeo, limit: 10)
        #expect(stored.filter { $0.body == "in-1" }.count == 1, "a repeat from the server is stored once")
        let resent = try number(of: sent, in: second)
        second.harness.serverSends("<a xmlns='urn:xmpp:sm:3' h='\(resent)'/>")
        #expect(try state(sent, second) == .acked)
    }

    @Test func aFailedResumptionResendsUnackedMessagesWithTheirOriginIDsThenCatchesUp() throws {
        let fixture = ModelFixture()
        fixture.script = .enabled()
        fixture.connect()
        let one = try #require(fixture.account.feature(MessagingFeature.self)!.send("out-1", to: romeo))
        let two = try #require(fixture.account.feature(MessagingFeature.self)!.send("out-2", to: romeo))
        let firstWrite = fixture.harness.takeWrittenElements().first { $0.childText("body") == "out-2" }
        let originID = try #require(firstWrite?.child("origin-id", namespace: "urn:xmpp:sid:0")?[attribute: "id"])
        let received = try number(of: one, in: fixture)
        cut(fixture)

        fixture.script = .resumeFailed(h: received)
        fixture.scheduler.advance(by: .milliseconds(1))
        #expect(fixture.account.status == .online)
        #expect(try state(one, fixture) == .acked, "the server's h from <failed/> still counts")
        let written = fixture.harness.takeWritten()
        #expect(copies(of: "out-1", in: written) == 0)
        let resent = written.compactMap { XMLElement.parse($0) }.filter { $0.childText("body") == "out-2" }
        #expect(resent.count == 1)
        #expect(resent.first?.child("origin-id", namespace: "urn:xmpp:sid:0")?[attribute: "id"] == originID)
        #expect(written.contains { $0.contains("jabber:iq:roster") }, "a new session fetches the roster")
        #expect(written.contains { $0.contains("urn:xmpp:mam:2") }, "and fills the gap from the archive")
        #expect(try state(two, fixture) == .sent)
    }

    func live(_ body: String, archiveID: String) -> String {
        "<message from='romeo@example.net/orchard' type='chat' id='\(archiveID)'><body>\(body)</body>"
            + "<stanza-id xmlns='urn:xmpp:sid:0' by='alice@example.org' id='\(archiveID)'/></message>"
    }

    func syncPoint(_ fixture: ModelFixture) throws -> String? {
        try fixture.store.archiveSync(account: fixture.account.accountID, archive: try JID("alice@example.org"))?
            .lastStanzaID
    }

    @Test func liveMessagesMoveTheArchiveSyncPointOnceCaughtUp() throws {
        let fixture = ModelFixture()
        fixture.script = .enabled()
        fixture.connect()
        let query = try #require(
            fixture.harness.takeWrittenElements().last { $0.child("query", namespace: "urn:xmpp:mam:2") != nil })
        fixture.harness.serverSends(live("during the catch-up", archiveID: "live-1"))
        #expect(try syncPoint(fixture) == nil, "the catch-up has not covered what came before yet")
        fixture.harness.serverSends(
            "<iq type='result' id='\(query.id!)'><fin xmlns='urn:xmpp:mam:2' complete='true'/></iq>")
        fixture.harness.serverSends(live("after it", archiveID: "live-2"))
        #expect(try syncPoint(fixture) == "live-2", "the next catch-up starts after it")
    }

    @Test func aCatchUpCutShortIsAskedAgainAndItsLateResultsAreDroppedQuietly() throws {
        let fixture = ModelFixture()
        fixture.script = .enabled()
        fixture.connect()
        let query = try #require(
            fixture.harness.takeWrittenElements().last { $0.child("query", namespace: "urn:xmpp:mam:2") != nil })
        let oldQueryID = try #require(query.child("query")?[attribute: "queryid"])
        let sent = try #require(fixture.harness.session.nextOutboundSequence) - 1
        cut(fixture)
        fixture.script = .resumed(h: sent)
        fixture.scheduler.advance(by: .milliseconds(1))
        #expect(fixture.account.status == .online)
        let again = try #require(
            fixture.harness.takeWrittenElements().last { $0.child("query", namespace: "urn:xmpp:mam:2") != nil })
        #expect(again.child("query")?[attribute: "queryid"] != oldQueryID)
        fixture.harness.serverSends(
            "<message to='alice@example.org/tern'><result xmlns='urn:xmpp:mam:2' queryid='\(oldQueryID)' id='a1'>"
                + "<forwarded xmlns='urn:xmpp:forward:0'><message from='romeo@example.net/orchard' type='chat'>"
                + "<body>late</body></message></forwarded></result></message>")
        #expect(
            !fixture.model.log.contains { $0.text.contains("dropped an archive result") },
            "\(fixture.model.log.map(\.text))")
        #expect(
            try fixture.store.lastMessages(account: fixture.account.accountID, conversation: romeo, limit: 5).isEmpty)
    }

    @Test func aMessageTheStoreRefusesIsNotAcknowledgedAndComesAgain() throws {
        let fixture = ModelFixture()
        fixture.script = .enabled()
        fixture.connect()
        fixture.harness.serverSends("<r xmlns='urn:xmpp:sm:3'/>")
        let before = try #require(fixture.harness.session.resumption?.handled)
        _ = fixture.harness.takeWritten()
        try fixture.store.db.execute("PRAGMA query_only = ON")
        fixture.harness.serverSends(live("kept by the server", archiveID: "refused-1"))
        fixture.harness.serverSends("<r xmlns='urn:xmpp:sm:3'/>")
        #expect(fixture.harness.transportClosed, "the link is dropped, not closed politely")
        #expect(!fixture.harness.takeWritten().contains { $0.hasPrefix("<a ") }, "the message was never acknowledged")
        #expect(fixture.model.log.contains { $0.text.contains("it stays on the server") })

        try fixture.store.db.execute("PRAGMA query_only = OFF")
        fixture.script = .resumed(h: 0)
        fixture.scheduler.advance(by: .milliseconds(1))
        #expect(fixture.requests.last?.resumption?.handled == before, "resumed from before the refused message")
        fixture.harness.serverSends(live("kept by the server", archiveID: "refused-1"))
        let stored = try fixture.store.lastMessages(account: fixture.account.accountID, conversation: romeo, limit: 5)
        #expect(stored.map(\.body) == ["kept by the server"])
    }

    @Test func anExpiredWindowIsNotTriedAfterARestart() throws {
        let first = ModelFixture()
        first.script = .enabled(id: "short", max: 60)
        first.connect()
        first.scheduler.now += 61_000
        let second = ModelFixture(store: first.store, scheduler: first.scheduler)
        second.account.connect()
        #expect(second.requests.first?.resumption == nil)
        #expect(try second.store.streamState(account: second.account.accountID) == nil)
    }

    @Test func seeOtherHostReconnectsThereAtOnce() throws {
        let fixture = ModelFixture()
        fixture.connect()
        fixture.harness.serverSends(
            "<stream:error><see-other-host xmlns='urn:ietf:params:xml:ns:xmpp-streams'>[2001:db8::9]:5222"
                + "</see-other-host></stream:error>")
        #expect(fixture.account.status == .reconnecting(at: fixture.scheduler.now))
        fixture.scheduler.advance(by: .milliseconds(1))
        #expect(fixture.requests.last?.redirect == "[2001:db8::9]:5222")
        fixture.harness.perform { $0.transportClosed() }
        fixture.scheduler.advance(by: .seconds(2))
        #expect(fixture.requests.last?.redirect == nil, "the redirect is for one attempt")
    }

    @Test func aRedirectStormIsFollowedThreeTimesThenNotUntilAConnectionLasts() throws {
        let fixture = ModelFixture()
        fixture.connect()
        let redirect =
            "<stream:error><see-other-host xmlns='urn:ietf:params:xml:ns:xmpp-streams'>other.example:5222"
            + "</see-other-host></stream:error>"
        fixture.harness.serverSends(redirect)
        // Every server it is sent to redirects again at once, for a minute.
        var redirected = 1
        for _ in 0..<60 {
            fixture.scheduler.advance(by: .seconds(1))
            if fixture.connectionCount > redirected {
                redirected += 1
                fixture.harness.serverSends(redirect)
            }
        }
        let followed = fixture.requests.map(\.redirect)
        #expect(followed.prefix(4) == [nil, "other.example:5222", "other.example:5222", "other.example:5222"])
        #expect(followed.dropFirst(4).allSatisfy { $0 == nil }, "\(followed)")
        #expect(fixture.connectionCount <= 60, "never faster than the backoff allows: \(fixture.connectionCount)")
        #expect(
            fixture.model.log.contains {
                $0.level == .warning && $0.text.contains("not following the server to other.example:5222")
            })
        // A connection that lasts: the next redirect is followed again.
        fixture.scheduler.advance(by: .seconds(11))
        fixture.harness.serverSends(redirect)
        fixture.scheduler.advance(by: .seconds(1))
        #expect(fixture.requests.last?.redirect == "other.example:5222")
    }

    @Test func aShuttingDownServerGetsAFewSeconds() throws {
        let fixture = ModelFixture()
        fixture.connect()
        fixture.harness.serverSends(
            "<stream:error><system-shutdown xmlns='urn:ietf:params:xml:ns:xmpp-streams'/></stream:error>")
        guard case .reconnecting(let at) = fixture.account.status else {
            Issue.record("expected reconnecting, got \(fixture.account.status)")
            return
        }
        #expect(at - fixture.scheduler.now >= 5_000)
        fixture.scheduler.advance(by: .seconds(4))
        #expect(fixture.connectionCount == 1)
    }

    @Test func disconnectingEndsTheStreamForGood() throws {
        let fixture = ModelFixture()
        fixture.script = .enabled()
        fixture.connect()
        fixture.harness.serverSends("<r xmlns='urn:xmpp:sm:3'/>")
        #expect(try fixture.store.streamState(account: fixture.account.accountID) != nil)
        fixture.account.disconnect()
        #expect(try fixture.store.streamState(account: fixture.account.accountID) == nil)
        fixture.account.connect()
        #expect(fixture.requests.last?.resumption == nil)
    }

    @Test func connectingTwiceMakesOneConnection() throws {
        let fixture = ModelFixture()
        fixture.connect()
        fixture.account.connect()
        fixture.account.reconnectNow()
        #expect(fixture.connectionCount == 1)
    }
}
