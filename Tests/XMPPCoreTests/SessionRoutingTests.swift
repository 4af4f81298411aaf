import TestSupport
import Testing
import XMPPCore

/// An established session: IQ tracking, unknown requests, keep-alive.
@Suite struct SessionRoutingTests {
    func established() -> SessionHarness {
        let harness = SessionNegotiationTests().makeHarness()
        SessionNegotiationTests().establish(harness)
        _ = harness.takeEvents()
        return harness
    }

    @Test func iqResultGoesToItsHandlerOnlyFromTheRightSender() throws {
        let harness = established()
        var results: [Result<XMLElement, IQFailure>] = []
        harness.perform { session in
            session.sendIQ(
                .iq(
                    .get, id: "v1", to: try! JID("romeo@example.net/orchard"),
                    payload: XMLElement("query", namespace: "jabber:iq:version"))
            ) {
                results.append($0)
            }
        }
        harness.serverSends("<iq type='result' id='v1' from='mallory@evil.example/x'/>")
        #expect(results.isEmpty, "a response from someone else is ignored")
        harness.serverSends("<iq type='result' id='v1' from='romeo@example.net/orchard'/>")
        #expect(results.count == 1)
        harness.serverSends("<iq type='result' id='v1' from='romeo@example.net/orchard'/>")
        #expect(results.count == 1, "a handler runs once")
    }

    @Test func requestsToTheServerAcceptAnswersFromServerOrOwnAccount() {
        let harness = established()
        var count = 0
        harness.perform { session in
            session.sendIQ(.iq(.get, id: "r1", payload: XMLElement("query", namespace: "jabber:iq:roster"))) { _ in
                count += 1
            }
            session.sendIQ(.iq(.get, id: "r2", payload: XMLElement("query", namespace: "jabber:iq:roster"))) { _ in
                count += 1
            }
        }
        harness.serverSends("<iq type='result' id='r1'/>")
        harness.serverSends("<iq type='result' id='r2' from='juliet@example.org'/>")
        #expect(count == 2)
    }

    @Test func iqErrorsAndTimeoutsReachTheHandler() {
        let harness = established()
        var failures: [IQFailure] = []
        harness.perform { session in
            session.sendIQ(.iq(.get, id: "e1", payload: XMLElement("x", namespace: "y"))) {
                if case .failure(let failure) = $0 { failures.append(failure) }
            }
            session.sendIQ(.iq(.get, id: "t1", payload: XMLElement("x", namespace: "y")), timeout: .seconds(5)) {
                if case .failure(let failure) = $0 { failures.append(failure) }
            }
        }
        harness.serverSends(
            "<iq type='error' id='e1'><error type='cancel'><item-not-found xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/>"
                + "</error></iq>")
        harness.advance(by: .seconds(6))
        #expect(failures == [.error(StanzaError(.itemNotFound, type: .cancel)), .timeout])
    }

    @Test func unknownRequestsGetServiceUnavailable() throws {
        let harness = established()
        harness.serverSends(
            "<iq type='get' id='u1' from='romeo@example.net/orchard'><query xmlns='urn:example:unknown'/></iq>")
        let reply = try #require(harness.takeWrittenElements().first)
        #expect(
            reply.matches(
                "<iq type='error' id='u1' to='romeo@example.net/orchard'><error type='cancel'>"
                    + "<service-unavailable xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></iq>"))
    }

    @Test func messagesAndPresencesComeOutAsEvents() {
        let harness = established()
        harness.serverSends("<message from='romeo@example.net/orchard' type='chat'><body>hi</body></message>")
        guard case .stanza(let message)? = harness.takeEvents().first else {
            Issue.record("no stanza event")
            return
        }
        #expect(message.childText("body") == "hi")
    }

    @Test func keepAlivePingsWhenIdleAndDeclaresTheLinkDeadWithoutAnswer() throws {
        let harness = established()
        harness.advance(by: .seconds(19))
        #expect(harness.takeWritten().isEmpty)
        harness.advance(by: .seconds(2))
        let ping = try #require(harness.takeWrittenElements().first)
        #expect(ping.matches("<iq type='get' id='*' to='example.org'><ping xmlns='urn:xmpp:ping'/></iq>"))
        harness.serverSends("<iq type='result' id='\(ping.id!)' from='example.org'/>")
        harness.advance(by: .seconds(15))
        #expect(harness.takeWritten().isEmpty, "the answer counts as activity")
        harness.advance(by: .seconds(10))
        let unanswered = harness.takeWrittenElements()
        #expect(unanswered.count == 2, "the ping, and halfway through its silence one more")
        #expect(unanswered.allSatisfy { $0.child("ping", namespace: "urn:xmpp:ping") != nil })
        harness.advance(by: .seconds(11))
        #expect(harness.takeEvents().last == .closed(.pingTimeout))
        #expect(harness.transportClosed)
    }

    @Test func inboundTrafficPostponesThePing() {
        let harness = established()
        for _ in 0..<5 {
            harness.advance(by: .seconds(15))
            harness.serverSends("<presence from='romeo@example.net/orchard'/>")
        }
        #expect(harness.takeWritten().isEmpty)
        #expect(harness.session.nextDeadline == harness.now + .seconds(20))
    }

    @Test func sendBeforeEstablishmentIsRefused() {
        let harness = SessionNegotiationTests().makeHarness()
        harness.connect()
        var sent = true
        var failure: IQFailure?
        harness.perform { session in
            sent = session.send(XMLElement("message", namespace: Namespace.client))
            session.sendIQ(.iq(.get, id: "x")) { if case .failure(let error) = $0 { failure = error } }
        }
        #expect(!sent)
        #expect(failure == .disconnected)
    }

    @Test func pendingRequestsFailWhenTheSessionEnds() {
        let harness = established()
        var failure: IQFailure?
        harness.perform { session in
            session.sendIQ(.iq(.get, id: "x")) { if case .failure(let error) = $0 { failure = error } }
        }
        harness.perform { $0.transportClosed() }
        #expect(failure == .disconnected)
        #expect(harness.takeEvents().last == .closed(.closedByServer))
    }
}
