import Foundation
import TestSupport
import Testing
import XMPPCore

/// Every way a server can fail the negotiation, and what Tern writes and reports for each.
@Suite struct NegotiationFailureTests {
    let negotiation = SessionNegotiationTests()

    func closeReason(_ harness: SessionHarness) -> SessionError? {
        guard case .closed(let error)? = harness.takeEvents().last else { return nil }
        return error
    }

    static func streamError(_ condition: String) -> String {
        "<stream:error><\(condition) xmlns='urn:ietf:params:xml:ns:xmpp-streams'/></stream:error></stream:stream>"
    }

    /// Drives a fresh session to `phase` and leaves the server silent there.
    func harness(waitingIn phase: XMPPSession.Phase) -> SessionHarness {
        let harness = negotiation.makeHarness()
        harness.connect()
        harness.serverSends(SessionHarness.serverHeader())
        if phase == .awaitingFeatures { return harness }
        harness.serverSends(SessionNegotiationTests.startTLSFeatures)
        if phase == .awaitingTLSProceed { return harness }
        harness.serverSends("<proceed xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>")
        harness.completeTLS()
        harness.serverSends(SessionHarness.serverHeader(id: "stream-2"))
        if phase == .authenticating {
            harness.serverSends(SessionNegotiationTests.saslFeatures(["SCRAM-SHA-256"]))
            return harness
        }
        negotiation.authenticate(harness)
        harness.serverSends(SessionHarness.serverHeader(id: "stream-3"))
        harness.serverSends(SessionNegotiationTests.bindFeatures)
        return harness
    }

    @Test(arguments: [
        XMPPSession.Phase.awaitingFeatures, .awaitingTLSProceed, .authenticating, .binding,
    ])
    func aSilentServerTimesOutInEachStep(phase: XMPPSession.Phase) {
        let harness = harness(waitingIn: phase)
        #expect(harness.session.phase == phase)
        _ = harness.takeWritten()
        harness.advance(by: .milliseconds(29_999))
        #expect(harness.session.phase == phase)
        harness.advance(by: .milliseconds(1))
        #expect(closeReason(harness) == .timeout("\(phase)"))
        #expect(harness.takeWritten() == [Self.streamError("connection-timeout")])
        #expect(harness.transportClosed)
        #expect(SessionError.timeout("binding").description == "timed out waiting for the server (binding)")
    }

    @Test func eachAnswerGivesTheNextStepItsOwnTime() {
        let harness = negotiation.makeHarness()
        harness.connect()
        harness.advance(by: .seconds(29))
        harness.serverSends(SessionHarness.serverHeader() + SessionNegotiationTests.startTLSFeatures)
        harness.advance(by: .seconds(29))
        harness.serverSends("<proceed xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>")
        harness.completeTLS()
        harness.advance(by: .seconds(29))
        harness.serverSends(
            SessionHarness.serverHeader(id: "stream-2") + SessionNegotiationTests.saslFeatures(["SCRAM-SHA-256"]))
        harness.advance(by: .seconds(29))
        #expect(harness.session.phase == .authenticating)
        #expect(!harness.transportClosed)
    }

    @Test(arguments: [("0.9", false), (nil, false), ("2.0", false), ("1.0", true), ("1.5", true)] as [(String?, Bool)])
    func onlyMajorVersionOneIsSpoken(version: String?, accepted: Bool) {
        let harness = negotiation.makeHarness()
        harness.connect()
        _ = harness.takeWritten()
        harness.serverSends(
            "<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' id='s1'"
                + " from='example.org'\(version.map { " version='\($0)'" } ?? "")>")
        #expect(harness.session.phase == (accepted ? .awaitingFeatures : .closed))
        guard !accepted else { return }
        #expect(harness.takeWritten() == [Self.streamError("unsupported-version")])
        #expect(
            closeReason(harness)
                == .protocolViolation("the server speaks stream version \(version ?? "0.9"), not 1.0"))
    }

    @Test func aSecondStreamHeaderIsInvalidXML() {
        let harness = harness(waitingIn: .awaitingFeatures)
        _ = harness.takeWritten()
        harness.perform { $0.receive(.streamOpened(attributes: ["version": "1.0", "id": "again"])) }
        #expect(harness.takeWritten() == [Self.streamError("invalid-xml")])
        #expect(closeReason(harness) == .protocolViolation("a second stream header"))
    }

    @Test func aStanzaInsteadOfFeaturesIsRefused() {
        let harness = harness(waitingIn: .awaitingFeatures)
        _ = harness.takeWritten()
        harness.serverSends("<message from='romeo@example.net'><body>early</body></message>")
        #expect(harness.takeWritten() == [Self.streamError("unsupported-stanza-type")])
        #expect(closeReason(harness) == .protocolViolation("unexpected <message/> while awaitingFeatures"))
    }

    @Test func theServerClosingMidNegotiationIsAnsweredInKind() {
        let harness = harness(waitingIn: .awaitingTLSProceed)
        _ = harness.takeWritten()
        harness.serverSends("</stream:stream>")
        #expect(harness.takeWritten() == ["</stream:stream>"])
        #expect(closeReason(harness) == .closedByServer)
        #expect(harness.transportClosed)
    }

    @Test func closingBeforeConnectingEndsQuietly() {
        let harness = negotiation.makeHarness()
        harness.perform { $0.close() }
        #expect(harness.takeWritten().isEmpty)
        #expect(harness.takeEvents() == [.closed(nil)])
        #expect(harness.session.phase == .closed)
    }

    // MARK: SASL

    /// RFC 6120 §6.5.2's example.
    @Test func aDisabledAccountIsReportedWithTheServersText() {
        let harness = harness(waitingIn: .authenticating)
        _ = harness.takeWritten()
        harness.serverSends(
            "<failure xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><account-disabled/>"
                + "<text xml:lang='en'>Call 212-555-1212 for assistance.</text></failure>")
        #expect(harness.takeWritten() == ["</stream:stream>"], "no <abort/> after the server's own failure")
        let reason = closeReason(harness)
        #expect(
            reason == .authentication(.failure(condition: .accountDisabled, text: "Call 212-555-1212 for assistance.")))
        #expect(reason?.isRetryable == false)
    }

    @Test func aChallengeThatIsNotBase64IsAborted() {
        let harness = harness(waitingIn: .authenticating)
        _ = harness.takeWritten()
        harness.serverSends("<challenge xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>not*base64!</challenge>")
        #expect(harness.takeWritten() == ["<abort xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/>", "</stream:stream>"])
        #expect(
            closeReason(harness) == .authentication(.malformedChallenge("the server's SASL data is not valid base64")))
    }

    @Test func successWithoutAChallengeIsNotALogin() {
        let harness = harness(waitingIn: .authenticating)
        _ = harness.takeWritten()
        harness.serverSends("<success xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/>")
        #expect(closeReason(harness) == .authentication(.serverSignatureMissing))
        #expect(harness.takeWritten().first == "<abort xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/>")
        #expect(!harness.session.isEstablished)
    }

    @Test func noMechanismAtAllIsExplained() {
        let fresh = negotiation.makeHarness()
        negotiation.throughTLS(fresh)
        _ = fresh.takeWritten()
        fresh.serverSends("<stream:features><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'/></stream:features>")
        #expect(fresh.takeWritten() == ["</stream:stream>"])
        let reason = closeReason(fresh)
        #expect(reason == .authentication(.noAcceptableMechanism(offered: [])))
        #expect(reason?.description == "no acceptable authentication mechanism (the server offers: none)")
    }

    @Test func theAccountsIterationCeilingIsApplied() {
        let harness = SessionHarness(
            configuration: SessionConfiguration(
                jid: SessionNegotiationTests.jid, password: "r0m30", resource: "tern", maximumSCRAMIterations: 5_000))
        negotiation.throughTLS(harness)
        _ = harness.takeWritten()
        harness.serverSends(SessionNegotiationTests.saslFeatures(["SCRAM-SHA-256"]))
        let auth = harness.takeWrittenElements().first!
        var server = SCRAMServer(
            algorithm: .sha256, password: "r0m30", iterations: 10_000, crypto: SessionNegotiationTests.crypto)
        harness.serverSends(
            "<challenge xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>\(server.challenge(forInitialResponse: auth.text))"
                + "</challenge>")
        #expect(closeReason(harness) == .authentication(.iterationCountOutOfRange("10000", maximum: 5_000)))
        #expect(harness.takeWritten().first == "<abort xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/>")
    }

    // MARK: Binding

    func bindRequest(_ harness: SessionHarness) throws -> XMLElement {
        try #require(harness.takeWrittenElements().last { $0.name == "iq" })
    }

    @Test func aSecondConflictFailsTheLogin() throws {
        let harness = harness(waitingIn: .binding)
        let conflict = "<error type='cancel'><conflict xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error>"
        harness.serverSends("<iq type='error' id='\(try bindRequest(harness).id!)'>\(conflict)</iq>")
        harness.serverSends("<iq type='error' id='\(try bindRequest(harness).id!)'>\(conflict)</iq>")
        let reason = closeReason(harness)
        #expect(reason == .bindFailed(StanzaError(.conflict, type: .cancel)))
        #expect(reason?.description == "the server refused to bind a resource (conflict)")
    }

    @Test func aRefusalOtherThanConflictIsNotRetried() throws {
        let harness = harness(waitingIn: .binding)
        harness.serverSends(
            "<iq type='error' id='\(try bindRequest(harness).id!)'><error type='cancel'>"
                + "<not-allowed xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></iq>")
        #expect(closeReason(harness) == .bindFailed(StanzaError(.notAllowed, type: .cancel)))
        #expect(!harness.takeWritten().contains { $0.contains("urn:ietf:params:xml:ns:xmpp-bind") })
    }

    @Test(arguments: ["juliet@example.org", "example.org/tern", "not a jid@", ""])
    func aBoundAddressMustBeAFullJIDOfThisAccount(jid: String) throws {
        let harness = harness(waitingIn: .binding)
        harness.serverSends(
            "<iq type='result' id='\(try bindRequest(harness).id!)'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'>"
                + "<jid>\(jid)</jid></bind></iq>")
        #expect(closeReason(harness) == .protocolViolation("the server bound an address that is not this account's"))
    }

    @Test func anAnswerToAnotherRequestDoesNotBind() throws {
        let harness = harness(waitingIn: .binding)
        _ = try bindRequest(harness)
        harness.serverSends(
            "<iq type='result' id='someone-else'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'>"
                + "<jid>juliet@example.org/tern</jid></bind></iq>")
        #expect(harness.session.phase == .binding)
    }

    @Test func withoutBindingOnOfferThereIsNoSession() {
        let harness = negotiation.makeHarness()
        negotiation.throughTLS(harness)
        negotiation.authenticate(harness)
        harness.serverSends(SessionHarness.serverHeader(id: "stream-3"))
        harness.serverSends("<stream:features><sm xmlns='urn:xmpp:sm:3'/></stream:features>")
        #expect(closeReason(harness) == .protocolViolation("the server offers no resource binding"))
    }

    @Test func aRefusedLegacySessionEndsTheLogin() throws {
        let harness = negotiation.makeHarness()
        negotiation.throughTLS(harness)
        negotiation.authenticate(harness)
        harness.serverSends(SessionHarness.serverHeader(id: "stream-3"))
        harness.serverSends(
            "<stream:features><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'/>"
                + "<session xmlns='urn:ietf:params:xml:ns:xmpp-session'/></stream:features>")
        harness.serverSends(
            "<iq type='result' id='\(try bindRequest(harness).id!)'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'>"
                + "<jid>juliet@example.org/tern</jid></bind></iq>")
        harness.serverSends(
            "<iq type='error' id='\(try bindRequest(harness).id!)'><error type='wait'>"
                + "<internal-server-error xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></iq>")
        #expect(
            closeReason(harness)
                == .protocolViolation("the server refused to start the session: internal-server-error"))
    }
}
