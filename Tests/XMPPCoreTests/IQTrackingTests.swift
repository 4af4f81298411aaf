import TestSupport
import Testing
import XMPPCore

/// IQ responses matched by id and sender (RFC 6120 §10.3.3), each handler called exactly once.
@Suite struct IQTrackingTests {
    /// An established session whose keep-alive stays out of the way (no pings for ten minutes).
    func established(iqTimeout: Duration = .seconds(60)) throws -> SessionHarness {
        let harness = SessionHarness(
            configuration: SessionConfiguration(
                jid: try JID("juliet@example.org"), password: "pw", resource: "tern", pingInterval: .seconds(600),
                iqTimeout: iqTimeout),
            crypto: MemoizingCrypto.shared)
        try harness.establishScripted()
        _ = harness.takeWritten()
        return harness
    }

    /// Sends a get (to `to`, or the server) and collects what its handler is called with.
    final class Request {
        var outcomes: [Result<XMLElement, IQFailure>] = []
        var failures: [IQFailure] { outcomes.compactMap { if case .failure(let f) = $0 { f } else { nil } } }
        var successes: Int { outcomes.filter { if case .success = $0 { true } else { false } }.count }

        init(_ harness: SessionHarness, id: String = "q1", to: String? = nil, timeout: Duration? = nil) throws {
            let iq = XMLElement.iq(
                .get, id: id, to: try to.map { try JID($0) }, payload: XMLElement("query", namespace: "urn:example"))
            harness.perform { session in session.sendIQ(iq, timeout: timeout) { self.outcomes.append($0) } }
        }
    }

    @Test func aRequestToTheServerIsAnsweredByTheServerOrOurAccountOnly() throws {
        let harness = try established()
        let request = try Request(harness)
        for forged in ["evil.example", "romeo@example.org", "example.org/other", "juliet@example.org/other"] {
            harness.serverSends("<iq type='result' id='q1' from='\(forged)'/>")
        }
        #expect(request.outcomes.isEmpty)
        harness.serverSends("<iq type='result' id='q1' from='example.org'/>")
        #expect(request.successes == 1)
        for from in ["juliet@example.org", "juliet@example.org/tern"] {
            let again = try Request(harness, id: "q-\(from)")
            harness.serverSends("<iq type='result' id='q-\(from)' from='\(from)'/>")
            #expect(again.successes == 1, "\(from)")
        }
    }

    @Test func aRequestToOurBareJIDIsAnsweredFromItOrWithoutFrom() throws {
        let harness = try established()
        let first = try Request(harness, id: "b1", to: "juliet@example.org")
        harness.serverSends("<iq type='result' id='b1' from='juliet@example.org/phone'/>")
        #expect(first.outcomes.isEmpty, "another resource does not answer for the account")
        harness.serverSends("<iq type='result' id='b1'/>")
        #expect(first.successes == 1)
        let second = try Request(harness, id: "b2", to: "juliet@example.org")
        harness.serverSends("<iq type='result' id='b2' from='juliet@example.org'/>")
        #expect(second.successes == 1)
    }

    @Test func aRequestToSomeoneElseNeedsTheirAnswer() throws {
        let harness = try established()
        let request = try Request(harness, to: "Romeo@Example.NET/orchard")
        harness.serverSends("<iq type='result' id='q1'/>")
        harness.serverSends("<iq type='result' id='q1' from='romeo@example.net'/>")
        #expect(request.outcomes.isEmpty, "neither the server nor the bare JID answers for a full JID")
        harness.serverSends("<iq type='result' id='q1' from='romeo@EXAMPLE.net/orchard'/>")
        #expect(request.successes == 1, "addresses compare normalised")
    }

    /// A spoofed response is dropped: no handler, no extension, no event, and no error reply
    /// (RFC 6120 §8.2.3: a result or error is never answered).
    @Test func forgedAndUnknownResponsesReachNobody() throws {
        let harness = try established()
        let seen = Recorder(name: "x", consuming: [])
        harness.session.register(seen)
        let request = try Request(harness, to: "romeo@example.net/orchard")
        _ = harness.takeWritten()
        harness.serverSends("<iq type='result' id='q1' from='mallory@example.net/x'><query xmlns='urn:example'/></iq>")
        harness.serverSends(
            "<iq type='error' id='nobody-asked' from='romeo@example.net/orchard'><error type='cancel'>"
                + "<item-not-found xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></iq>")
        #expect(request.outcomes.isEmpty)
        #expect(seen.log.isEmpty)
        #expect(harness.takeEvents().isEmpty)
        #expect(harness.takeWritten().isEmpty)
    }

    @Test func aTimedOutRequestIgnoresItsLateAnswer() throws {
        let harness = try established(iqTimeout: .seconds(30))
        let request = try Request(harness)
        harness.advance(by: .milliseconds(29_999))
        #expect(request.outcomes.isEmpty)
        harness.advance(by: .milliseconds(1))
        #expect(request.failures == [.timeout])
        harness.serverSends("<iq type='result' id='q1'/>")
        #expect(request.outcomes.count == 1)
        #expect(harness.takeEvents().isEmpty)
        #expect(IQFailure.timeout.description == "no answer in time")
    }

    @Test func anErrorWithoutAConditionIsUndefined() throws {
        let harness = try established()
        let request = try Request(harness)
        harness.serverSends("<iq type='error' id='q1'/>")
        #expect(request.failures == [.error(StanzaError(.undefinedCondition))])
    }

    @Test func idsAreMadeWhenMissingAndNeverRepeated() throws {
        let harness = try established()
        harness.perform { session in
            for _ in 0..<50 { session.sendIQ(XMLElement("iq", namespace: Namespace.client, ["type": "get"])) { _ in } }
        }
        let ids = harness.takeWrittenElements().compactMap(\.id)
        #expect(ids.count == 50 && Set(ids).count == 50)
        #expect(ids.allSatisfy { $0.count == 12 })
    }

    @Test func answersStillCountWhileClosingAndTheRestFailAtTheEnd() throws {
        let harness = try established()
        let answered = try Request(harness, id: "a1")
        let unanswered = try Request(harness, id: "a2")
        harness.perform { $0.close() }
        harness.serverSends("<iq type='result' id='a1'/>")
        #expect(answered.successes == 1)
        harness.serverSends("</stream:stream>")
        #expect(unanswered.failures == [.disconnected])
        #expect(harness.takeEvents().last == .closed(nil))
    }

    @Test func abortingFailsRequestsWithoutAWordOnTheWire() throws {
        let harness = try established()
        let request = try Request(harness)
        let recorder = Recorder(name: "r", consuming: [])
        harness.session.register(recorder)
        _ = harness.takeWritten()
        harness.perform { $0.abort() }
        #expect(request.failures == [.disconnected])
        #expect(recorder.log == ["r closed"])
        #expect(harness.takeWritten().isEmpty && harness.takeEvents().isEmpty)
        #expect(!harness.transportClosed, "the driver that aborted closes the transport itself")
    }
}

/// A session extension that logs what it sees and consumes stanzas whose body is in `consuming`.
final class Recorder: SessionExtension {
    let name: String
    let consuming: Set<String>
    var log: [String] = []
    var features: [String] = []
    var onEstablished: (XMPPSession) -> Void = { _ in }

    init(name: String, consuming: Set<String>, features: [String] = []) {
        self.name = name
        self.consuming = consuming
        self.features = features
    }

    var discoFeatures: [String] { features }

    func sessionEstablished(_ session: XMPPSession) {
        log.append("\(name) established")
        onEstablished(session)
    }

    func handle(_ stanza: XMLElement, in session: XMPPSession) -> Bool {
        let key = stanza.childText("body") ?? stanza.payload?.name ?? stanza.name
        log.append("\(name) saw \(key)")
        return consuming.contains(key)
    }

    func sessionClosed(_ session: XMPPSession) { log.append("\(name) closed") }
}

/// How stanzas reach the registered extensions.
@Suite struct ExtensionRoutingTests {
    @Test func extensionsSeeStanzasInOrderUntilOneTakesIt() throws {
        let harness = SessionHarness(
            configuration: SessionConfiguration(jid: try JID("juliet@example.org"), password: "pw", resource: "tern"))
        let first = Recorder(name: "first", consuming: ["one", "query"])
        let second = Recorder(name: "second", consuming: ["two"])
        harness.session.register(first)
        harness.session.register(second)
        first.onEstablished = { $0.send(XMLElement("presence", namespace: Namespace.client)) }
        var writtenWhenEstablished: [String]?
        harness.onEvent = { if case .established = $0 { writtenWhenEstablished = harness.written } }
        try harness.establishScripted()
        #expect(
            writtenWhenEstablished?.last == "<presence/>",
            "what extensions send on establishment leaves before the owner hears of the stream")
        _ = harness.takeWritten()
        #expect(harness.session.extension(Recorder.self) === first)

        for body in ["one", "two", "three"] {
            harness.serverSends("<message from='romeo@example.net/orchard'><body>\(body)</body></message>")
        }
        #expect(first.log == ["first established", "first saw one", "first saw two", "first saw three"])
        #expect(second.log == ["second established", "second saw two", "second saw three"])
        let unclaimed = harness.takeEvents().compactMap {
            if case .stanza(let s) = $0 { s.childText("body") } else { nil }
        }
        #expect(unclaimed == ["three"])

        harness.serverSends("<iq type='get' id='g1' from='romeo@example.net/orchard'><query xmlns='urn:q'/></iq>")
        #expect(harness.takeWritten().isEmpty, "a request an extension took is its to answer")
        harness.perform { $0.transportClosed() }
        #expect(first.log.last == "first closed" && second.log.last == "second closed")
    }

    @Test func discoFeaturesAreEveryExtensionsOnceAndSorted() throws {
        let session = XMPPSession(
            configuration: SessionConfiguration(jid: try JID("juliet@example.org"), password: "pw"),
            crypto: MemoizingCrypto.shared, clock: { .zero })
        session.register(Recorder(name: "a", consuming: [], features: ["urn:xmpp:ping", "jabber:iq:version"]))
        session.register(Recorder(name: "b", consuming: [], features: ["urn:xmpp:ping", Namespace.discoInfo]))
        #expect(
            session.discoFeatures == ["http://jabber.org/protocol/disco#info", "jabber:iq:version", "urn:xmpp:ping"])
    }
}
