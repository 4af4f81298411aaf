import TestSupport
import Testing
import XMPPCore
import XMPPExtensions

@Suite struct PingAndDiscoTests {
    /// A session established over the fake transport with the ping and disco responders.
    func established() throws -> SessionHarness {
        let harness = SessionHarness(
            configuration: SessionConfiguration(jid: try JID("juliet@capulet.lit"), password: "pw", resource: "balcony")
        )
        harness.session.register(PingResponder())
        harness.session.register(DiscoInfoResponder())
        try harness.establishScripted()
        return harness
    }

    @Test func answersPingsXEP0199Example() throws {
        let harness = try established()
        harness.serverSends(
            "<iq from='capulet.lit' to='juliet@capulet.lit/balcony' id='s2c1' type='get'><ping xmlns='urn:xmpp:ping'/></iq>"
        )
        let reply = try #require(harness.takeWrittenElements().first)
        #expect(reply.matches("<iq type='result' id='s2c1' to='capulet.lit'/>"))
    }

    @Test func answersDiscoInfoWithTheImplementedFeatures() throws {
        let harness = try established()
        harness.serverSends(
            "<iq type='get' from='romeo@montague.net/orchard' to='juliet@capulet.lit/balcony' id='info1'>"
                + "<query xmlns='http://jabber.org/protocol/disco#info'/></iq>")
        let reply = try #require(harness.takeWrittenElements().first)
        #expect(
            reply.matches(
                "<iq type='result' id='info1' to='romeo@montague.net/orchard'>"
                    + "<query xmlns='http://jabber.org/protocol/disco#info'>"
                    + "<identity category='client' type='console' name='Tern'/>"
                    + "<feature var='http://jabber.org/protocol/disco#info'/>"
                    + "<feature var='urn:xmpp:ping'/></query></iq>"))
    }

    @Test func echoesTheNodeOfACapsQuery() throws {
        let harness = try established()
        harness.serverSends(
            "<iq type='get' from='romeo@montague.net/orchard' id='info2'>"
                + "<query xmlns='http://jabber.org/protocol/disco#info' node='https://tern#abc'/></iq>")
        let reply = try #require(harness.takeWrittenElements().first)
        #expect(reply.child("query")?[attribute: "node"] == "https://tern#abc")
    }

    @Test func pingResultsAreNotMistakenForRequests() throws {
        let harness = try established()
        harness.serverSends("<iq from='capulet.lit' id='zzz' type='result'><ping xmlns='urn:xmpp:ping'/></iq>")
        #expect(harness.takeWritten().isEmpty)
    }

    /// Two features asking the account's disco#info at login send one query and both get its
    /// answer; later questions are answered from the cache, and a failure is not cached.
    @Test func aQuestionAskedWhileItIsOutWaitsForTheSameAnswer() throws {
        let harness = try established()
        let client = DiscoClient()
        harness.session.register(client)
        let account = try JID("juliet@capulet.lit")
        var answers: [String] = []
        harness.perform { session in
            for asker in ["archive", "bookmarks"] {
                client.info(account, in: session) {
                    answers.append(asker + ": " + ((try? $0.get())?.features.sorted() ?? []).joined())
                }
            }
        }
        let queries = harness.takeWrittenElements()
        #expect(queries.count == 1, "one query for both")
        let id = try #require(queries.first?.id)
        harness.serverSends(
            "<iq type='result' id='\(id)' from='juliet@capulet.lit'><query xmlns='http://jabber.org/protocol/disco#info'>"
                + "<identity category='pubsub' type='pep'/><feature var='urn:xmpp:bookmarks:1#compat'/></query></iq>")
        #expect(answers == ["archive: urn:xmpp:bookmarks:1#compat", "bookmarks: urn:xmpp:bookmarks:1#compat"])
        harness.perform { session in client.info(account, in: session) { _ in answers.append("cached") } }
        #expect(harness.takeWritten().isEmpty)
        #expect(answers.last == "cached")
        // An error reaches everyone waiting, and the next question goes out again.
        let romeo = try JID("romeo@montague.net/orchard")
        var failures = 0
        harness.perform { session in
            client.info(romeo, in: session) { if case .failure = $0 { failures += 1 } }
            client.info(romeo, in: session) { if case .failure = $0 { failures += 1 } }
        }
        let query = try #require(harness.takeWrittenElements().first)
        harness.serverSends(
            "<iq type='error' id='\(query.id!)' from='romeo@montague.net/orchard'><error type='cancel'>"
                + "<service-unavailable xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></iq>")
        #expect(failures == 2)
        harness.perform { session in client.info(romeo, in: session) { _ in } }
        #expect(harness.takeWrittenElements().count == 1, "a failure is not cached")
    }
}
