import Foundation
import OpenSSLSupport
import TestSupport
import Testing
import XMPPCore

/// Negotiation over a fake transport and a manual clock: what the session writes, byte by byte.
@Suite struct SessionNegotiationTests {
    static let jid = try! JID("juliet@example.org")
    static let crypto = OpenSSLCrypto()

    func makeHarness(password: String = "r0m30", resource: String? = "tern") -> SessionHarness {
        SessionHarness(configuration: SessionConfiguration(jid: Self.jid, password: password, resource: resource))
    }

    static let startTLSFeatures =
        "<stream:features><starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'><required/></starttls></stream:features>"

    static func saslFeatures(_ mechanisms: [String], extra: String = "") -> String {
        "<stream:features><mechanisms xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>"
            + mechanisms.map { "<mechanism>\($0)</mechanism>" }.joined() + "</mechanisms>\(extra)</stream:features>"
    }

    static let bindFeatures =
        "<stream:features><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'/>"
        + "<session xmlns='urn:ietf:params:xml:ns:xmpp-session'><optional/></session></stream:features>"

    /// Runs STARTTLS with the harness and returns it waiting for SASL features.
    func throughTLS(_ harness: SessionHarness, tls: TLSInfo = SessionHarness.tls13) {
        harness.connect()
        harness.serverSends(SessionHarness.serverHeader())
        harness.serverSends(Self.startTLSFeatures)
        harness.serverSends("<proceed xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>")
        harness.completeTLS(tls)
        harness.serverSends(SessionHarness.serverHeader(id: "stream-2"))
    }

    /// Runs SCRAM against a scripted server and returns the scram server (for its view of the client).
    @discardableResult
    func authenticate(
        _ harness: SessionHarness,
        mechanisms: [String] = ["SCRAM-SHA-1", "SCRAM-SHA-256"],
        algorithm: HashAlgorithm = .sha256,
        serverPassword: String = "r0m30",
        channelBinding: [UInt8]? = nil
    ) -> SCRAMServer {
        _ = harness.takeWritten()
        harness.serverSends(Self.saslFeatures(mechanisms))
        let auth = harness.takeWrittenElements().first!
        var server = SCRAMServer(
            algorithm: algorithm, password: serverPassword, channelBindingData: channelBinding, crypto: Self.crypto)
        let challenge = server.challenge(forInitialResponse: auth.text)
        harness.serverSends("<challenge xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>\(challenge)</challenge>")
        let response = harness.takeWrittenElements().first!
        if let final = server.verify(finalResponse: response.text) {
            harness.serverSends("<success xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>\(final)</success>")
        } else {
            harness.serverSends(
                "<failure xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><not-authorized/><text>Bad password</text></failure>"
            )
        }
        return server
    }

    func establish(_ harness: SessionHarness) {
        throughTLS(harness)
        authenticate(harness)
        harness.serverSends(SessionHarness.serverHeader(id: "stream-3"))
        harness.serverSends(Self.bindFeatures)
        let bind = harness.takeWrittenElements().last!
        harness.serverSends(
            "<iq type='result' id='\(bind.id!)'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'>"
                + "<jid>juliet@example.org/tern</jid></bind></iq>")
        _ = harness.takeWritten()
    }

    @Test func fullNegotiationWritesExactlyTheExpectedStream() throws {
        let harness = makeHarness()
        harness.connect()
        let header = harness.takeWritten()
        #expect(
            header == [
                "<?xml version='1.0'?><stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'"
                    + " to='example.org' version='1.0' xml:lang='en'>"
            ])
        harness.serverSends(SessionHarness.serverHeader())
        harness.serverSends(Self.startTLSFeatures)
        #expect(harness.takeWritten() == ["<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>"])
        harness.serverSends("<proceed xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>")
        #expect(harness.tlsRequested == "example.org", "TLS verifies the XMPP domain")
        harness.completeTLS()
        let secondHeader = try #require(harness.takeWritten().first)
        #expect(secondHeader.contains(" from='juliet@example.org'"), "from is sent once encrypted")
        harness.serverSends(SessionHarness.serverHeader(id: "stream-2"))
        let scram = authenticate(harness)
        #expect(scram.clientGS2Header == "y,,", "channel binding possible but not offered: y flag")
        #expect(harness.session.phase == .awaitingStreamHeader)
        harness.serverSends(SessionHarness.serverHeader(id: "stream-3"))
        harness.serverSends(Self.bindFeatures)
        let bind = try #require(harness.takeWrittenElements().first)
        #expect(
            bind.matches(
                "<iq type='set' id='*'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'><resource>tern</resource></bind></iq>"
            ))
        harness.serverSends(
            "<iq type='result' id='\(bind.id!)'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'>"
                + "<jid>juliet@example.org/tern</jid></bind></iq>")
        #expect(harness.session.isEstablished)
        #expect(harness.session.boundJID.description == "juliet@example.org/tern")
        let events = harness.takeEvents()
        #expect(events.contains(.authenticated(Authentication(mechanism: "SCRAM-SHA-256"))))
        #expect(events.last == .established(jid: try JID("juliet@example.org/tern")))
        #expect(harness.takeWritten().isEmpty, "no presence or other stanza is sent by the core itself")
    }

    @Test func serverWithoutSTARTTLSIsRefusedBeforeAnyCredentialIsSent() {
        let harness = makeHarness()
        harness.connect()
        harness.serverSends(SessionHarness.serverHeader())
        harness.serverSends(Self.saslFeatures(["PLAIN", "SCRAM-SHA-1"]))
        let written = harness.takeWritten().joined()
        #expect(!written.contains("<auth"))
        #expect(written.contains("policy-violation"))
        #expect(harness.transportClosed)
        #expect(harness.takeEvents().last == .closed(.startTLSNotOffered))
        #expect(!SessionError.startTLSNotOffered.isRetryable)
    }

    @Test func startTLSFailureEndsTheSession() {
        let harness = makeHarness()
        harness.connect()
        harness.serverSends(SessionHarness.serverHeader())
        harness.serverSends(Self.startTLSFeatures)
        harness.serverSends("<failure xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>")
        #expect(harness.takeEvents().last == .closed(.startTLSRefused))
    }

    @Test func directTLSSkipsSTARTTLS() {
        let harness = makeHarness()
        harness.connect(tls: SessionHarness.tls13)
        #expect(harness.takeWritten().first?.contains("from='juliet@example.org'") == true)
        harness.serverSends(SessionHarness.serverHeader())
        authenticate(harness)
        #expect(harness.session.phase == .awaitingStreamHeader)
    }

    @Test func wrongPasswordIsANonRetryableAuthenticationError() {
        let harness = makeHarness(password: "wrong")
        throughTLS(harness)
        authenticate(harness)
        let last = harness.takeEvents().last
        #expect(last == .closed(.authentication(.failure(condition: .notAuthorized, text: "Bad password"))))
        #expect(harness.transportClosed)
        if case .closed(let error?) = last {
            #expect(!error.isRetryable)
            #expect(error.description == "wrong user name or password (not-authorized): Bad password")
        }
    }

    @Test func forgedServerSignatureAbortsAuthentication() {
        let harness = makeHarness()
        throughTLS(harness)
        _ = harness.takeWritten()
        harness.serverSends(Self.saslFeatures(["SCRAM-SHA-1"]))
        let auth = harness.takeWrittenElements().first!
        var server = SCRAMServer(algorithm: .sha1, password: "r0m30", crypto: Self.crypto)
        harness.serverSends(
            "<challenge xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>\(server.challenge(forInitialResponse: auth.text))</challenge>"
        )
        _ = harness.takeWritten()
        let forged = Data("v=AAAAAAAAAAAAAAAAAAAAAAAAAAA=".utf8).base64EncodedString()
        harness.serverSends("<success xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>\(forged)</success>")
        #expect(harness.takeEvents().last == .closed(.authentication(.serverSignatureMismatch)))
        #expect(!harness.session.isEstablished)
    }

    @Test func channelBindingIsUsedWhenOffered() {
        let harness = makeHarness()
        throughTLS(harness)
        let exporter = SessionHarness.tls13.channelBindings[.tlsExporter]!
        let server = authenticate(
            harness, mechanisms: ["SCRAM-SHA-256", "SCRAM-SHA-256-PLUS"], channelBinding: exporter)
        #expect(server.clientGS2Header == "p=tls-exporter,,")
        #expect(
            harness.takeEvents().contains(
                .authenticated(Authentication(mechanism: "SCRAM-SHA-256-PLUS", channelBinding: .tlsExporter))))
    }

    @Test func mismatchedChannelBindingFailsAtTheServer() {
        let harness = makeHarness()
        throughTLS(harness)
        authenticate(
            harness, mechanisms: ["SCRAM-SHA-256-PLUS"], channelBinding: [9, 9, 9])
        guard case .closed(.authentication)? = harness.takeEvents().last else {
            Issue.record("a man in the middle with another channel must not authenticate")
            return
        }
    }

    @Test func bindConflictRetriesWithAServerAssignedResource() throws {
        let harness = makeHarness()
        throughTLS(harness)
        authenticate(harness)
        harness.serverSends(SessionHarness.serverHeader(id: "stream-3"))
        harness.serverSends(Self.bindFeatures)
        let first = try #require(harness.takeWrittenElements().first)
        harness.serverSends(
            "<iq type='error' id='\(first.id!)'><error type='cancel'>"
                + "<conflict xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></iq>")
        let second = try #require(harness.takeWrittenElements().first)
        #expect(second.matches("<iq type='set' id='*'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'/></iq>"))
        harness.serverSends(
            "<iq type='result' id='\(second.id!)'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'>"
                + "<jid>juliet@example.org/4db06f06</jid></bind></iq>")
        #expect(harness.session.boundJID.resourcepart == "4db06f06")
    }

    @Test func boundJIDOfAnotherAccountIsRefused() throws {
        let harness = makeHarness()
        throughTLS(harness)
        authenticate(harness)
        harness.serverSends(SessionHarness.serverHeader(id: "stream-3"))
        harness.serverSends(Self.bindFeatures)
        let bind = try #require(harness.takeWrittenElements().first)
        harness.serverSends(
            "<iq type='result' id='\(bind.id!)'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'>"
                + "<jid>mallory@example.org/x</jid></bind></iq>")
        guard case .closed(.protocolViolation)? = harness.takeEvents().last else {
            Issue.record("expected a protocol violation")
            return
        }
    }

    @Test func legacySessionIsStartedWhenNotOptional() throws {
        let harness = makeHarness()
        throughTLS(harness)
        authenticate(harness)
        harness.serverSends(SessionHarness.serverHeader(id: "stream-3"))
        harness.serverSends(
            "<stream:features><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'/>"
                + "<session xmlns='urn:ietf:params:xml:ns:xmpp-session'/></stream:features>")
        let bind = try #require(harness.takeWrittenElements().first)
        harness.serverSends(
            "<iq type='result' id='\(bind.id!)'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'>"
                + "<jid>juliet@example.org/tern</jid></bind></iq>")
        let session = try #require(harness.takeWrittenElements().first)
        #expect(session.matches("<iq type='set' id='*'><session xmlns='urn:ietf:params:xml:ns:xmpp-session'/></iq>"))
        #expect(!harness.session.isEstablished)
        harness.serverSends("<iq type='result' id='\(session.id!)'/>")
        #expect(harness.session.isEstablished)
    }

    @Test func silentServerTimesOutDuringNegotiation() {
        let harness = makeHarness()
        harness.connect()
        harness.advance(by: .seconds(29))
        #expect(harness.session.phase == .awaitingStreamHeader)
        harness.advance(by: .seconds(2))
        guard case .closed(.timeout)? = harness.takeEvents().last else {
            Issue.record("expected a timeout")
            return
        }
        #expect(harness.transportClosed)
    }

    @Test func streamErrorFromTheServerEndsTheSession() {
        let harness = makeHarness()
        establish(harness)
        harness.serverSends(
            "<stream:error><see-other-host xmlns='urn:ietf:params:xml:ns:xmpp-streams'>[2001:41D0:1:A49b::1]:9222"
                + "</see-other-host></stream:error>")
        #expect(
            harness.takeEvents().last
                == .closed(.streamError(StreamError(condition: .seeOtherHost, otherHost: "[2001:41D0:1:A49b::1]:9222")))
        )
        #expect(harness.takeWritten() == ["</stream:stream>"])
        #expect(harness.transportClosed)
    }

    @Test func aRedirectBeforeTLSEndsTheStreamButSendsUsNowhere() {
        let harness = makeHarness()
        harness.connect()
        harness.serverSends(SessionHarness.serverHeader())
        harness.serverSends(
            "<stream:error><see-other-host xmlns='urn:ietf:params:xml:ns:xmpp-streams'>evil.example:5222"
                + "</see-other-host></stream:error>")
        #expect(harness.takeEvents().last == .closed(.streamError(StreamError(condition: .seeOtherHost))))
        #expect(harness.transportClosed)
    }

    @Test func restrictedXMLGetsTheMatchingStreamError() {
        let harness = makeHarness()
        establish(harness)
        harness.serverSends("<!-- a comment -->")
        let written = harness.takeWritten().joined()
        #expect(
            written
                == "<stream:error><restricted-xml xmlns='urn:ietf:params:xml:ns:xmpp-streams'/></stream:error></stream:stream>"
        )
        #expect(harness.transportClosed)
    }

    @Test func featuresTooDeepToReadEndTheNegotiationWithAPolicyViolation() {
        let harness = makeHarness()
        throughTLS(harness)
        _ = harness.takeWritten()
        let deep = String(repeating: "<x>", count: 300) + String(repeating: "</x>", count: 300)
        harness.serverSends("<stream:features>\(deep)</stream:features>")
        #expect(
            harness.takeWritten().joined()
                == "<stream:error><policy-violation xmlns='urn:ietf:params:xml:ns:xmpp-streams'/></stream:error>"
                + "</stream:stream>")
        #expect(
            harness.takeEvents().last
                == .closed(
                    .protocolViolation("the server sent a stanza nested deeper than 128 levels during negotiation")))
        #expect(harness.transportClosed)
    }

    @Test func politeCloseWaitsForTheServerThenGivesUp() {
        let harness = makeHarness()
        establish(harness)
        harness.perform { $0.close() }
        #expect(harness.takeWritten() == ["</stream:stream>"])
        #expect(!harness.transportClosed)
        harness.serverSends("</stream:stream>")
        #expect(harness.transportClosed)
        #expect(harness.takeEvents().last == .closed(nil))

        let silent = makeHarness()
        establish(silent)
        silent.perform { $0.close() }
        silent.advance(by: .seconds(3))
        #expect(silent.transportClosed)
        #expect(silent.takeEvents().last == .closed(nil))
    }
}
