import TestSupport
import Testing
import XMPPCore

/// XEP-0198 where servers differ or misbehave: what enabling answers, counters at their limits,
/// resumptions that do not add up.
@Suite struct StreamManagementEdgeTests {
    static let fullJID = try! JID("juliet@example.org/tern")
    let negotiation = SessionNegotiationTests()

    func harness(resumption: StreamResumption? = nil) -> SessionHarness {
        SessionHarness(
            configuration: SessionConfiguration(
                jid: SessionNegotiationTests.jid, password: "r0m30", resource: "tern", resumption: resumption),
            crypto: MemoizingCrypto.shared)
    }

    /// Negotiates up to the features that offer binding and stream management, and answers the
    /// bind unless the session asked to resume; returns what the session wrote from the features on.
    @discardableResult
    func negotiate(_ harness: SessionHarness, features: String? = nil) -> [String] {
        negotiation.throughTLS(harness)
        negotiation.authenticate(harness)
        harness.serverSends(SessionHarness.serverHeader(id: "stream-3"))
        harness.serverSends(
            features
                ?? "<stream:features><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'/><sm xmlns='urn:xmpp:sm:3'/></stream:features>"
        )
        let written = harness.takeWritten().filter { !$0.hasPrefix("<?xml") }
        guard let bind = written.compactMap({ XMLElement.parse($0) }).first(where: { $0.name == "iq" }) else {
            return written
        }
        harness.serverSends(
            "<iq type='result' id='\(bind.id!)'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'>"
                + "<jid>juliet@example.org/tern</jid></bind></iq>")
        return written + harness.takeWritten()
    }

    func streamManagementEvents(_ harness: SessionHarness) -> [StreamManagementEvent] {
        harness.takeEvents().compactMap { if case .streamManagement(let event) = $0 { event } else { nil } }
    }

    func closeReason(_ harness: SessionHarness) -> SessionError? {
        guard case .closed(let error)? = harness.takeEvents().last else { return nil }
        return error
    }

    @Test func sequenceNumbersCompareAcrossTheWrap() {
        let after: [(UInt32, UInt32, Bool)] = [
            (1, 0, true), (0, 1, false), (5, 5, false), (0, .max, true), (.max, 0, false), (2, .max - 1, true),
            (1 << 31 - 1, 0, true), (1 << 31, 0, false),
        ]
        for (a, b, expected) in after { #expect(StreamResumption.isAfter(a, b) == expected, "\(a) after \(b)") }
    }

    /// XEP-0198 Example 5: the location and the lifetime are kept for the resumption.
    @Test func aResumableStreamKeepsWhereAndHowLongToResume() {
        let harness = harness()
        #expect(negotiate(harness).last == "<enable xmlns='urn:xmpp:sm:3' resume='true'/>")
        harness.serverSends(
            "<enabled xmlns='urn:xmpp:sm:3' id='some-long-sm-id' location='[2001:41D0:1:A49b::1]:9222' resume='1' max='600'/>"
        )
        #expect(streamManagementEvents(harness) == [.enabled(resumable: true)])
        let resumption = harness.session.resumption
        #expect(resumption?.id == "some-long-sm-id")
        #expect(resumption?.location == "[2001:41D0:1:A49b::1]:9222")
        #expect(resumption?.maximumSeconds == 600)
        #expect(resumption?.boundJID == Self.fullJID)
    }

    @Test func aStreamWithoutResumptionStillCountsAndAcknowledges() {
        let harness = harness()
        negotiate(harness)
        harness.serverSends("<enabled xmlns='urn:xmpp:sm:3'/>")
        #expect(streamManagementEvents(harness) == [.enabled(resumable: false)])
        #expect(harness.session.resumption == nil)
        harness.serverSends(
            "<message from='romeo@example.net/orchard'><body>hi</body></message><r xmlns='urn:xmpp:sm:3'/>")
        #expect(harness.takeWritten() == ["<a xmlns='urn:xmpp:sm:3' h='1'/>"])
    }

    /// XEP-0198 Example 6: a refusal to enable leaves the stream unmanaged.
    @Test func aRefusalToEnableIsReportedAndNothingIsCounted() {
        let harness = harness()
        negotiate(harness)
        harness.serverSends(
            "<failed xmlns='urn:xmpp:sm:3'><unexpected-request xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></failed>")
        #expect(
            streamManagementEvents(harness)
                == [.unavailable("the server refused stream management (unexpected-request)")])
        #expect(!harness.session.isStreamManaged && harness.session.nextOutboundSequence == nil)
        harness.perform { $0.send(Message.chat(to: try! JID("romeo@example.net"), body: "x", id: "m1")) }
        #expect(harness.takeWritten().count == 1, "no ack request follows")
        harness.serverSends("<r xmlns='urn:xmpp:sm:3'/>")
        #expect(harness.takeWritten().isEmpty)
    }

    /// XEP-0198 §4: our count starts with `<enable/>`, the server's with `<enabled/>`.
    @Test func countingStartsAtEnableOutboundAndAtEnabledInbound() {
        let harness = harness()
        negotiate(harness)
        harness.perform { $0.send(Message.chat(to: try! JID("romeo@example.net"), body: "early", id: "m1")) }
        #expect(harness.session.unacknowledgedCount == 1)
        harness.serverSends("<message from='romeo@example.net/orchard'><body>before</body></message>")
        harness.serverSends("<r xmlns='urn:xmpp:sm:3'/>")
        harness.serverSends("<enabled xmlns='urn:xmpp:sm:3' id='s' resume='true'/>")
        _ = harness.takeWritten()
        harness.serverSends("<message from='romeo@example.net/orchard'><body>after</body></message>")
        harness.serverSends("<a xmlns='urn:xmpp:sm:3' h='1'/><r xmlns='urn:xmpp:sm:3'/>")
        #expect(harness.session.unacknowledgedCount == 0)
        #expect(harness.takeWritten() == ["<a xmlns='urn:xmpp:sm:3' h='1'/>"])
    }

    @Test func anAckWithoutAReadableCountIsIgnored() {
        let harness = harness()
        negotiate(harness)
        harness.serverSends("<enabled xmlns='urn:xmpp:sm:3' id='s' resume='true'/>")
        harness.perform { $0.send(Message.chat(to: try! JID("romeo@example.net"), body: "x", id: "m1")) }
        for h in ["", "-1", "4294967296", "one"] { harness.serverSends("<a xmlns='urn:xmpp:sm:3' h='\(h)'/>") }
        #expect(harness.session.isEstablished && harness.session.unacknowledgedCount == 1)
        harness.serverSends("<a xmlns='urn:xmpp:sm:3' h='1'/>")
        #expect(harness.session.unacknowledgedCount == 0)
    }

    @Test func aStanzaSentAgainByteForByteIsQueuedAsWritten() {
        let harness = harness()
        negotiate(harness)
        harness.serverSends("<enabled xmlns='urn:xmpp:sm:3' id='s' resume='true'/>")
        let stored = "<message to='romeo@example.net' id='old'><body>from the outbox</body></message>"
        harness.perform { $0.send(serialized: stored) }
        #expect(harness.takeWritten() == [stored, "<r xmlns='urn:xmpp:sm:3'/>"])
        #expect(harness.session.resumption?.unacked == [UnackedStanza(sequence: 1, xml: stored)])
    }

    // MARK: Resumption that does not add up

    static let previous = StreamResumption(
        id: "prev", boundJID: fullJID, handled: 3, sent: 7, acknowledged: 5,
        unacked: [
            UnackedStanza(sequence: 6, xml: "<message id='6'/>"), UnackedStanza(sequence: 7, xml: "<message id='7'/>"),
        ])

    @Test(arguments: [UInt32(8), 4, 1_000])
    func aResumptionCountingWhatWasNeverSentOrAlreadyAcknowledgedFails(h: UInt32) {
        let harness = harness(resumption: Self.previous)
        #expect(negotiate(harness) == ["<resume xmlns='urn:xmpp:sm:3' h='3' previd='prev'/>"])
        harness.serverSends("<resumed xmlns='urn:xmpp:sm:3' h='\(h)' previd='prev'/>")
        #expect(
            harness.takeWritten()
                == [
                    "<stream:error><undefined-condition xmlns='urn:ietf:params:xml:ns:xmpp-streams'/></stream:error>"
                        + "</stream:stream>"
                ])
        #expect(closeReason(harness) == .protocolViolation("the server acknowledged \(h) stanzas; we sent 7"))
    }

    @Test func aResumptionAtTheEdgesOfWhatWasSentSucceeds() {
        for (h, resent) in [(UInt32(5), 2), (7, 0)] {
            let harness = harness(resumption: Self.previous)
            negotiate(harness)
            harness.serverSends("<resumed xmlns='urn:xmpp:sm:3' h='\(h)' previd='prev'/>")
            #expect(harness.session.isEstablished)
            #expect(harness.takeWritten().filter { $0.hasPrefix("<message") }.count == resent)
        }
    }

    @Test func resumedWithoutACountIsInvalid() {
        let harness = harness(resumption: Self.previous)
        negotiate(harness)
        harness.serverSends("<resumed xmlns='urn:xmpp:sm:3' previd='prev'/>")
        #expect(harness.takeWritten().first?.contains("<invalid-xml ") == true)
        #expect(closeReason(harness) == .protocolViolation("<resumed/> without a valid h"))
    }

    @Test func aFailedResumptionWithoutBindingOnOfferEndsTheLogin() {
        let harness = harness(resumption: Self.previous)
        negotiate(harness, features: "<stream:features><sm xmlns='urn:xmpp:sm:3'/></stream:features>")
        harness.serverSends(
            "<failed xmlns='urn:xmpp:sm:3' h='6'><item-not-found xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></failed>"
        )
        let events = harness.takeEvents()
        #expect(events.contains(.streamManagement(.resumeFailed(acknowledged: 6))))
        #expect(events.last == .closed(.protocolViolation("the server offers no resource binding")))
    }

    @Test func aServerThatNoLongerOffersStreamManagementGetsANewSession() {
        let harness = harness(resumption: Self.previous)
        let written = negotiate(
            harness, features: "<stream:features><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'/></stream:features>")
        #expect(!written.contains { $0.hasPrefix("<resume") })
        let events = harness.takeEvents()
        #expect(events.contains(.streamManagement(.resumeFailed(acknowledged: nil))))
        #expect(events.contains(.established(jid: Self.fullJID)))
    }
}
