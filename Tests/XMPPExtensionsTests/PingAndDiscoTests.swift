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
}
