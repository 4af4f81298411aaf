import ChatModel
import ChatStore
import TestSupport
import Testing
import XMPPCore

@Suite struct AccountControllerTests {
    @Test func asksForTheVersionedRosterBeforeSendingPresence() throws {
        let fixture = ModelFixture()
        fixture.account.connect()
        let written = fixture.harness.takeWrittenElements()
        let rosterIndex = try #require(written.firstIndex { $0.child("query", namespace: "jabber:iq:roster") != nil })
        let presenceIndex = try #require(written.firstIndex { $0.name == "presence" })
        #expect(rosterIndex < presenceIndex, "the roster is requested first (RFC 6121 §2.2)")
        #expect(fixture.account.status == .online)
    }

    @Test func theChannelBindingThatWorkedIsReportedRememberedAndUsedNextTime() throws {
        let fixture = ModelFixture()
        var logged: [String] = []
        let previous = fixture.account.onEvent
        fixture.account.onEvent = { event in
            if case .log(let entry) = event { logged.append(entry.text) }
            previous(event)
        }
        fixture.connect()
        fixture.connection.onEvent(
            .authenticated(
                Authentication(
                    mechanism: "SCRAM-SHA-1-PLUS", channelBinding: .tlsUnique, refusedChannelBindings: [.tlsExporter])))
        #expect(
            logged.contains(
                "the server refused channel binding tls-exporter and accepted tls-unique; "
                    + "Tern uses tls-unique first for this account from now on"))
        #expect(try fixture.store.channelBinding(account: fixture.account.accountID) == "tls-unique")
        fixture.account.disconnect()
        fixture.account.connect()
        #expect(fixture.requests.last?.channelBinding == .tlsUnique)
        #expect(fixture.harness.session.configuration.channelBinding == .tlsUnique)
        let restarted = ModelFixture(store: fixture.store)
        restarted.account.connect()
        #expect(restarted.requests.last?.channelBinding == .tlsUnique, "kept across restarts")
    }

    @Test func theStrongestMechanismThatWorkedIsPinnedAcrossRestarts() throws {
        let fixture = ModelFixture()
        fixture.connect()
        fixture.connection.onEvent(
            .authenticated(Authentication(mechanism: "SCRAM-SHA-1-PLUS", channelBinding: .tlsUnique)))
        #expect(try fixture.store.pinnedMechanism(account: fixture.account.accountID) == "SCRAM-SHA-1-PLUS")

        // The next start meets a server (the scripted one) offering only SCRAM-SHA-256.
        let restarted = ModelFixture(store: fixture.store)
        restarted.account.connect()
        #expect(restarted.requests.last?.pinnedMechanism == "SCRAM-SHA-1-PLUS")
        guard case .failed(let reason) = restarted.account.status else {
            Issue.record("expected a failed login, got \(restarted.account.status)")
            return
        }
        #expect(reason.contains("allow_mechanism_downgrade = true"), "the way out is in the message")
        #expect(
            restarted.model.log.contains {
                $0.level == .error && $0.text.contains("logged in with SCRAM-SHA-1-PLUS before")
            })
        restarted.scheduler.advance(by: .seconds(600))
        #expect(restarted.connectionCount == 1)

        // Only a configuration that allows the downgrade lets a weaker one through; then it is the pin.
        fixture.connection.onEvent(.authenticated(Authentication(mechanism: "SCRAM-SHA-1")))
        #expect(try fixture.store.pinnedMechanism(account: fixture.account.accountID) == "SCRAM-SHA-1")
        #expect(
            fixture.model.log.contains {
                $0.text == "logged in with SCRAM-SHA-1, weaker than SCRAM-SHA-1-PLUS before, as configured"
            })
    }

    @Test func storesTheRosterResultAndItsVersion() throws {
        let fixture = ModelFixture()
        fixture.connect(
            rosterItems: "<item jid='romeo@example.net' name='Romeo' subscription='both'><group>Friends</group></item>")
        let romeo = try JID("romeo@example.net")
        #expect(fixture.account.roster[romeo]?.name == "Romeo")
        #expect(try fixture.store.roster(account: fixture.account.accountID).first?.groups == ["Friends"])
        #expect(try fixture.store.rosterVersion(account: fixture.account.accountID) == "v2")
    }

    @Test func rosterPushFromAStrangerIsDroppedAndLogged() throws {
        let fixture = ModelFixture()
        fixture.connect()
        var logged: [String] = []
        let previous = fixture.account.onEvent
        fixture.account.onEvent = { event in
            if case .log(let entry) = event { logged.append(entry.text) }
            previous(event)
        }
        _ = fixture.harness.takeWritten()
        fixture.harness.serverSends(
            "<iq type='set' id='evil' from='mallory@evil.example/x'><query xmlns='jabber:iq:roster'>"
                + "<item jid='mallory@evil.example' subscription='both'/></query></iq>")
        #expect(fixture.account.roster.isEmpty)
        #expect(try fixture.store.roster(account: fixture.account.accountID).isEmpty)
        #expect(fixture.harness.takeWritten().isEmpty, "not even answered")
        #expect(logged.contains { $0.contains("dropped a roster push from mallory@evil.example/x") })

        fixture.harness.serverSends(
            "<iq type='set' id='ok' from='alice@example.org'><query xmlns='jabber:iq:roster' ver='v3'>"
                + "<item jid='nurse@example.com' subscription='none' ask='subscribe'/></query></iq>")
        #expect(fixture.account.roster[try JID("nurse@example.com")]?.pendingOut == true)
        #expect(try fixture.store.rosterVersion(account: fixture.account.accountID) == "v3")
        #expect(
            fixture.harness.takeWrittenElements().first?.matches("<iq type='result' id='ok' to='alice@example.org'/>")
                == true)
    }

    @Test func incomingMessageIsStoredAndOpensAWindowWithActivity() throws {
        let fixture = ModelFixture()
        fixture.connect(rosterItems: "<item jid='romeo@example.net' subscription='both'/>")
        fixture.harness.serverSends(
            "<message from='romeo@example.net/orchard' to='alice@example.org/tern' type='chat' id='m1'>"
                + "<body>Art thou there?</body><origin-id xmlns='urn:xmpp:sid:0' id='m1'/>"
                + "<stanza-id xmlns='urn:xmpp:sid:0' by='alice@example.org' id='arch-1'/>"
                + "<stanza-id xmlns='urn:xmpp:sid:0' by='mallory@evil.example' id='fake'/></message>")
        let window = try #require(fixture.model.windows.first { $0.jid?.description == "romeo@example.net" })
        #expect(window.messages.map(\.body) == ["Art thou there?"])
        let stored = try fixture.store.message(id: try #require(window.messages.first).id)
        #expect(stored?.stanzaID == "arch-1", "only our own archive's id is trusted")
        #expect(window.activity == .highlight)
        #expect(fixture.model.unreadCounts[try fixture.key("romeo@example.net")] == 1)
        fixture.model.switchTo(1)
        #expect(fixture.model.unreadCounts[try fixture.key("romeo@example.net")] == nil)
    }

    @Test func delayedMessagesKeepTheirTime() throws {
        let fixture = ModelFixture()
        fixture.connect()
        fixture.harness.serverSends(
            "<message from='romeo@example.net/orchard' type='chat'><body>old</body>"
                + "<delay xmlns='urn:xmpp:delay' from='example.org' stamp='2002-09-10T23:08:25Z'/></message>")
        let stored = try fixture.store.lastMessages(
            account: fixture.account.accountID, conversation: try JID("romeo@example.net"), limit: 1)
        #expect(stored.first?.timestamp == 1_031_699_305_000)
    }

    @Test func messagesTypedOfflineAreQueuedThenSentInOrderAndAcked() throws {
        let fixture = ModelFixture()
        let romeo = try JID("romeo@example.net")
        let first = try #require(fixture.account.feature(MessagingFeature.self)!.send("one", to: romeo))
        let second = try #require(fixture.account.feature(MessagingFeature.self)!.send("two", to: romeo))
        #expect(try fixture.store.message(id: first)?.state == .queued)
        fixture.account.connect()
        let written = fixture.harness.takeWrittenElements()
        let bodies = written.compactMap { $0.childText("body") }
        #expect(bodies == ["one", "two"])
        #expect(try fixture.store.message(id: second)?.state == .sent)
        let ping = try #require(written.last { $0.child("ping", namespace: Namespace.ping) != nil })
        fixture.harness.serverSends("<iq type='result' id='\(ping.id!)' from='example.org'/>")
        #expect(try fixture.store.message(id: first)?.state == .acked)
        #expect(try fixture.store.outbox(account: fixture.account.accountID).isEmpty)
    }

    @Test func anErrorReplyMarksTheMessageFailed() throws {
        let fixture = ModelFixture()
        fixture.connect()
        let romeo = try JID("romeo@example.net")
        let id = try #require(fixture.account.feature(MessagingFeature.self)!.send("hello?", to: romeo))
        let sent = try #require(fixture.harness.takeWrittenElements().first { $0.name == "message" })
        fixture.harness.serverSends(
            "<message from='romeo@example.net' type='error' id='\(sent.id!)'><error type='cancel'>"
                + "<service-unavailable xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></message>")
        let message = try #require(try fixture.store.message(id: id))
        #expect(message.state == .failed)
        #expect(message.error == "service-unavailable")
    }

    @Test func chatStatesAreTracked() throws {
        let fixture = ModelFixture()
        fixture.connect()
        let romeo = try JID("romeo@example.net")
        fixture.harness.serverSends(
            "<message from='romeo@example.net/orchard' type='chat'><composing xmlns='http://jabber.org/protocol/chatstates'/></message>"
        )
        #expect(fixture.account.feature(ChatStatesFeature.self)!.states[romeo] == .composing)
        fixture.harness.serverSends(
            "<message from='romeo@example.net/orchard' type='chat'><body>hi</body><active xmlns='http://jabber.org/protocol/chatstates'/></message>"
        )
        #expect(fixture.account.feature(ChatStatesFeature.self)!.states[romeo] == nil)
    }

    @Test func subscriptionRequestsAreListedUntilAnswered() throws {
        let fixture = ModelFixture()
        fixture.connect()
        let nurse = try JID("nurse@example.com")
        fixture.harness.serverSends("<presence from='nurse@example.com' type='subscribe'/>")
        #expect(fixture.account.feature(RosterFeature.self)!.requests == [nurse])
        _ = fixture.harness.takeWritten()
        fixture.account.feature(RosterFeature.self)!.subscription(.allow, nurse)
        #expect(fixture.account.feature(RosterFeature.self)!.requests.isEmpty)
        #expect(
            fixture.harness.takeWrittenElements().first?.matches("<presence to='nurse@example.com' type='subscribed'/>")
                == true)
    }

    @Test func reconnectsAtOnceThenWithBackoffButNotAfterWrongCredentials() throws {
        let fixture = ModelFixture()
        fixture.connect()
        fixture.harness.perform { $0.transportClosed() }
        #expect(fixture.account.status == .reconnecting(at: fixture.scheduler.now), "a broken link is retried at once")
        fixture.scheduler.advance(by: .milliseconds(1))
        #expect(fixture.connectionCount == 2)
        #expect(fixture.account.status == .online)

        fixture.reachable = false
        fixture.harness.perform { $0.transportClosed() }
        var delays: [Int64] = []
        for _ in 0..<4 {
            guard case .reconnecting(let at) = fixture.account.status else {
                Issue.record("expected reconnecting, got \(fixture.account.status)")
                return
            }
            delays.append(at - fixture.scheduler.now)
            fixture.scheduler.advance(by: .milliseconds(at - fixture.scheduler.now))
        }
        let expected: [ClosedRange<Int64>] = [750...1250, 1500...2500, 3000...5000, 6000...10000]
        #expect(
            zip(delays, expected).allSatisfy { $1.contains($0) },
            "one immediate retry a minute, then doubling: \(delays)")
        #expect(fixture.connectionCount == 6)
        fixture.reachable = true
        guard case .reconnecting(let at) = fixture.account.status else { return }
        fixture.scheduler.advance(by: .milliseconds(at - fixture.scheduler.now))
        #expect(fixture.connectionCount == 7)
        #expect(fixture.account.status == .online)

        fixture.scheduler.advance(by: .seconds(11))
        fixture.harness.perform { $0.transportClosed() }
        #expect(
            fixture.account.status == .reconnecting(at: fixture.scheduler.now),
            "a link that worked for a while is retried at once, however recent the last immediate retry")
        fixture.scheduler.advance(by: .milliseconds(1))
        #expect(fixture.connectionCount == 8)

        fixture.harness.serverSends(
            "<stream:error><not-authorized xmlns='urn:ietf:params:xml:ns:xmpp-streams'/></stream:error>")
        guard case .failed = fixture.account.status else {
            Issue.record("expected failed, got \(fixture.account.status)")
            return
        }
        fixture.scheduler.advance(by: .seconds(600))
        #expect(fixture.connectionCount == 8, "no reconnection after an authorisation failure")
    }

    @Test func userDisconnectStaysOffline() throws {
        let fixture = ModelFixture()
        fixture.connect()
        fixture.account.disconnect()
        #expect(fixture.account.status == .offline)
        fixture.scheduler.advance(by: .seconds(600))
        #expect(fixture.connectionCount == 1)
    }
}
