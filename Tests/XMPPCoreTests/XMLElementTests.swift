import TestSupport
import Testing
import XMPPCore

/// The element value the whole client reads stanzas through, and what survives the wire.
@Suite struct XMLElementTests {
    static let sample = XMLElement(
        "message", namespace: Namespace.client, ["to": "romeo@example.net", "type": nil, "id": "m1"],
        elements: [
            XMLElement("body", namespace: Namespace.client, [:], text: "first"),
            XMLElement("body", namespace: "urn:example:other", [:], text: "other"),
            XMLElement("thread", namespace: Namespace.client),
        ], text: "tail")

    @Test func nilAttributesAreLeftOutAndTextFollowsTheElements() {
        #expect(Self.sample.attributes.map(\.name) == ["to", "id"])
        #expect(Self.sample.elements.map(\.name) == ["body", "body", "thread"])
        #expect(Self.sample.children.last == .text("tail"))
        #expect(Self.sample.text == "tail")
    }

    @Test func childrenAreFoundByNameAndNamespace() {
        #expect(Self.sample.child("body")?.text == "first")
        #expect(Self.sample.child("body", namespace: "urn:example:other")?.text == "other")
        #expect(Self.sample.child("body", namespace: "urn:example:none") == nil)
        #expect(Self.sample.children("body").count == 2)
        #expect(Self.sample.children("body", namespace: Namespace.client).map(\.text) == ["first"])
        #expect(Self.sample.childText("thread") == "")
        #expect(Self.sample.childText("subject") == nil)
    }

    @Test func attributesAreSetReplacedAndRemovedInPlace() {
        var element = Self.sample
        element[attribute: "type"] = "chat"
        element[attribute: "to"] = "juliet@example.com"
        #expect(element.attributes.map(\.name) == ["to", "id", "type"], "a replaced attribute keeps its place")
        #expect(element[attribute: "to"] == "juliet@example.com")
        element[attribute: "id"] = nil
        element[attribute: "missing"] = nil
        #expect(element.attributes.map(\.name) == ["to", "type"])
        element.id = "m2"
        element.type = nil
        #expect(element.id == "m2" && element.type == nil)
    }

    @Test func removingChildrenMatchesTheNamespaceExactly() {
        var element = Self.sample
        element.removeChildren("body", namespace: Namespace.client)
        #expect(element.elements.map(\.namespace) == ["urn:example:other", Namespace.client])
        element.append(text: " more")
        element.append(XMLElement("x", namespace: "urn:x"))
        #expect(element.text == "tail more")
        #expect(element.elements.last?.name == "x")
    }

    /// XML turns a literal tab, line feed or carriage return in an attribute into a space, and a
    /// carriage return in text into a line feed (XML 1.0 §3.3.3, §2.11): written as references,
    /// they arrive as they were.
    @Test func whitespaceSurvivesTheWireInAttributesAndText() throws {
        let text = "line one\r\nline two\rthree\tfour\n"
        let element = XMLElement(
            "message", namespace: Namespace.client, ["id": "a\tb\nc\rd e"],
            elements: [XMLElement("body", namespace: Namespace.client, [:], text: text)])
        let parsed = try #require(XMLElement.parse(element.serialized(parentNamespace: Namespace.client)))
        #expect(parsed[attribute: "id"] == "a\tb\nc\rd e")
        #expect(parsed.childText("body") == text)
    }

    @Test func charactersXMLCannotCarryAreDroppedFromAttributesToo() throws {
        let element = XMLElement("presence", ["id": "a\u{0}b\u{1B}c\u{FFFF}d\u{1F600}\u{10FFFD}"])
        #expect(element.serialized() == "<presence id='abcd\u{1F600}\u{10FFFD}'/>")
        #expect(XMLEscaping.escapedText("x\u{FFFE}<y") == "x&lt;y")
        let scalars: [UInt32] = [0x8, 0x9, 0xA, 0xD, 0x1F, 0x20, 0xD7FF, 0xE000, 0xFFFD, 0xFFFE, 0x10000]
        let allowed = scalars.map { XMLEscaping.isAllowed(Unicode.Scalar($0)!) }
        #expect(allowed == [false, true, true, true, false, true, true, true, true, false, true])
    }

    @Test func childrenWithoutANamespaceInheritTheirParents() throws {
        var query = XMLElement("query", namespace: "jabber:iq:roster")
        query.append(XMLElement("item", ["jid": "romeo@example.net"]))
        query.append(XMLElement("item", namespace: "jabber:iq:roster", ["jid": "nurse@example.com"]))
        let iq = XMLElement.iq(.set, id: "r1", payload: query)
        let wire = iq.serialized(parentNamespace: Namespace.client)
        #expect(
            wire
                == "<iq type='set' id='r1'><query xmlns='jabber:iq:roster'><item jid='romeo@example.net'/>"
                + "<item jid='nurse@example.com'/></query></iq>")
        let parsed = try #require(XMLElement.parse(wire))
        #expect(parsed.payload?.elements.map(\.namespace) == ["jabber:iq:roster", "jabber:iq:roster"])
    }

    @Test func stanzaKindsAreOnlyThoseOfTheClientNamespace() throws {
        #expect(XMLElement("message", namespace: Namespace.client).stanzaKind == .message)
        #expect(XMLElement("presence").stanzaKind == .presence, "built without a namespace, as a stanza")
        #expect(XMLElement("iq", namespace: "jabber:server").stanzaKind == nil)
        #expect(XMLElement("features", namespace: Namespace.streams).stanzaKind == nil)
        let message = try #require(XMLElement.parse("<message type='get'/>"))
        #expect(message.iqType == nil, "only an iq has an IQ type")
        let unknownType = try #require(XMLElement.parse("<iq type='fetch' id='x'/>"))
        #expect(unknownType.iqType == nil)
    }

    @Test func addressesThatDoNotParseReadAsAbsent() throws {
        let stanza = try #require(XMLElement.parse("<message from='a@b@c' to='Juliet@Example.COM/Balcony'/>"))
        #expect(stanza.from == nil)
        #expect(stanza.to == (try JID("juliet@example.com/Balcony")))
    }

    @Test func aResultAnswersItsRequestAndThePayloadIsNeverTheError() throws {
        let request = try #require(
            XMLElement.parse(
                "<iq type='get' id='v1' from='romeo@example.net/orchard'><query xmlns='jabber:iq:version'/></iq>"))
        let result = request.iqResult(payload: XMLElement("query", namespace: "jabber:iq:version"))
        #expect(
            result.matches(
                "<iq type='result' id='v1' to='romeo@example.net/orchard'><query xmlns='jabber:iq:version'/></iq>"))
        let error = try #require(
            XMLElement.parse(
                "<iq type='error' id='v1'><error type='cancel'><item-not-found xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/>"
                    + "</error><query xmlns='jabber:iq:version'/></iq>"))
        #expect(error.payload?.name == "query")
    }

    /// RFC 6121 §5.2 with XEP-0359's origin-id: the chat message Tern sends, byte for byte.
    @Test func aChatMessageCarriesItsIdAsOriginID() throws {
        let message = Message.chat(to: try JID("romeo@example.net"), body: "Art thou <not> Romeo?", id: "m1")
        #expect(
            message.serialized(parentNamespace: Namespace.client)
                == "<message to='romeo@example.net' type='chat' id='m1'><body>Art thou &lt;not&gt; Romeo?</body>"
                + "<origin-id xmlns='urn:xmpp:sid:0' id='m1'/></message>")
    }

    @Test func durationsBecomeWholeMillisecondsTowardZero() {
        #expect(Duration.microseconds(1_999).milliseconds == 1)
        #expect(Duration.seconds(-1.5).milliseconds == -1_500)
        #expect(Duration.nanoseconds(999_999).milliseconds == 0)
        let start = Instant(milliseconds: 1_000)
        #expect(start + .milliseconds(2_500) - start == .milliseconds(2_500))
        #expect(start < start + .milliseconds(1) && !(start < start))
    }

    @Test(arguments: [
        ("ab" + String(repeating: ":ab", count: 31), true), (String(repeating: "AB ", count: 32), true),
        (String(repeating: "ab", count: 31), false), (String(repeating: "ab", count: 33), false),
        (String(repeating: "ab-", count: 32), false), (String(repeating: "g0", count: 32), false),
    ])
    func pinsAreReadInTheFormsUsersWriteThem(text: String, valid: Bool) {
        let normalised = CertificateFingerprint.normalized(text)
        #expect((normalised == String(repeating: "AB:", count: 31) + "AB") == valid, "\(text)")
        if !valid { #expect(normalised == nil) }
    }
}
