import TestSupport
import Testing
import XMPPCore

@Suite struct XMLSerializationTests {
    @Test func escapesTextAndAttributes() {
        var element = XMLElement("message", namespace: Namespace.client, ["to": "a'b\"c<d>&e"])
        element.append(XMLElement("body", namespace: Namespace.client, [:], text: "1 < 2 & 3 > 2 ]]> 'q' \"d\""))
        #expect(
            element.serialized(parentNamespace: Namespace.client)
                == "<message to='a&apos;b&quot;c&lt;d&gt;&amp;e'><body>1 &lt; 2 &amp; 3 &gt; 2 ]]&gt; 'q' \"d\"</body></message>"
        )
    }

    @Test func declaresNamespacesOnlyWhereTheyChange() {
        var message = XMLElement("message", namespace: Namespace.client)
        message.append(XMLElement("active", namespace: "http://jabber.org/protocol/chatstates"))
        var outer = XMLElement("forwarded", namespace: "urn:xmpp:forward:0")
        outer.append(XMLElement("message", namespace: Namespace.client))
        message.append(outer)
        #expect(
            message.serialized(parentNamespace: Namespace.client)
                == "<message><active xmlns='http://jabber.org/protocol/chatstates'/>"
                + "<forwarded xmlns='urn:xmpp:forward:0'><message xmlns='jabber:client'/></forwarded></message>")
    }

    @Test func dropsCharactersXMLCannotCarry() {
        let element = XMLElement("body", namespace: nil, [:], text: "a\u{0}b\u{1B}[31mc\u{7}d\u{FFFE}e\tf\ng")
        #expect(element.serialized() == "<body>ab[31mcde\tf\ng</body>")
    }

    @Test func roundTripsThroughTheParser() throws {
        var message = XMLElement(
            "message", namespace: Namespace.client, ["to": "juliet@example.com", "id": "x&y", "xml:lang": "en"])
        message.append(XMLElement("body", namespace: Namespace.client, [:], text: "Héllo 😀 <tag> & \"quotes\" 'apos'"))
        message.append(XMLElement("origin-id", namespace: Namespace.stanzaID, ["id": "x&y"]))
        let parsed = try #require(XMLElement.parse(message.serialized(parentNamespace: Namespace.client)))
        #expect(parsed == message)
    }

    @Test func patternsMatchWithWildcards() throws {
        let element = try #require(XMLElement.parse("<iq type='get' id='abc'><ping xmlns='urn:xmpp:ping'/></iq>"))
        #expect(element.matches("<iq id='*' type='get'><ping xmlns='urn:xmpp:ping'/></iq>"))
        #expect(!element.matches("<iq id='*' type='set'><ping xmlns='urn:xmpp:ping'/></iq>"))
        #expect(!element.matches("<iq id='*' type='get'/>"))
    }

    @Test func stanzaErrorsRoundTrip() throws {
        let request = try #require(XMLElement.parse("<iq type='get' id='q1' from='a@b/c'><query xmlns='x'/></iq>"))
        let reply = request.errorReply(StanzaError(.serviceUnavailable))
        #expect(
            reply.matches(
                "<iq type='error' id='q1' to='a@b/c'><error type='cancel'>"
                    + "<service-unavailable xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></iq>"))
        #expect(StanzaError(stanza: reply) == StanzaError(.serviceUnavailable, type: .cancel))
        #expect(StanzaError(stanza: reply)?.applicationCondition == nil)
    }

    /// RFC 6120 §8.4 (Example 9's shape): the condition in another namespace is kept, and written back.
    @Test func anApplicationSpecificConditionIsKept() throws {
        let stanza = try #require(
            XMLElement.parse(
                "<iq type='error' id='some-id'><error type='modify'>"
                    + "<bad-request xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/>"
                    + "<too-many-parameters xmlns='http://example.org/ns'/></error></iq>"))
        let error = try #require(StanzaError(stanza: stanza))
        #expect(error.condition == .badRequest && error.type == .modify)
        #expect(error.applicationCondition?.name == "too-many-parameters")
        #expect(error.applicationCondition?.namespace == "http://example.org/ns")
        #expect(
            error.element.matches(
                "<error type='modify'><bad-request xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/>"
                    + "<too-many-parameters xmlns='http://example.org/ns'/></error>"))
    }

    @Test func wireStringsMatchTheRFC() {
        let streamConditions = StreamErrorCondition.allCases.map(\.rawValue)
        #expect(streamConditions.count == 25)
        #expect(streamConditions.contains("see-other-host"))
        #expect(streamConditions.contains("restricted-xml"))
        let stanzaConditions = StanzaErrorCondition.allCases.map(\.rawValue)
        #expect(stanzaConditions.count == 22)
        #expect(stanzaConditions.contains("recipient-unavailable"))
        #expect(SASLFailureCondition.allCases.count == 11)
        for condition in StreamErrorCondition.allCases {
            let parsed = StreamError(element: StreamError(condition: condition, text: "t").element.withStreamsNamespace)
            #expect(parsed.condition == condition)
            #expect(parsed.text == "t")
        }
    }
}

extension XMLElement {
    /// A `stream:error` as the parser reports it (local name, streams namespace).
    fileprivate var withStreamsNamespace: XMLElement {
        var copy = self
        copy.name = "error"
        copy.namespace = Namespace.streams
        return copy
    }
}
