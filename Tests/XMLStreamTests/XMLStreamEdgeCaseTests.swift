import Testing
import XMLStream
import XMPPCore

/// Namespaces, attribute values, restarts and broken input, as servers (and attackers) send them.
@Suite struct XMLStreamEdgeCaseTests {
    static let header =
        "<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' version='1.0'>"

    /// The events of one feed after the stream header, and the error if any.
    func parse(_ body: String, parser: XMLStreamParser = XMLStreamParser()) -> ([XMLStreamEvent], XMLStreamParseError?)
    {
        let output = parser.feed(Self.header + body)
        return (Array(output.events.dropFirst()), output.error)
    }

    func element(_ body: String) throws -> XMLElement {
        let (events, error) = parse(body)
        #expect(error == nil)
        guard case .element(let element)? = events.first else { throw ParseFailure() }
        return element
    }

    struct ParseFailure: Error {}

    @Test func aPrefixIsOnlyAWayToWriteTheNamespace() throws {
        let prefixed = try element(
            "<c:message xmlns:c='jabber:client' c:id='m1'><c:body>hi</c:body><x:x xmlns:x='urn:x'/></c:message>")
        #expect(prefixed.name == "message" && prefixed.namespace == Namespace.client)
        #expect(prefixed.child("body", namespace: Namespace.client)?.text == "hi")
        #expect(prefixed.child("x", namespace: "urn:x") != nil)
        #expect(prefixed.attributes == [XMLAttribute(name: "c:id", value: "m1")], "declarations are not attributes")
    }

    @Test func aDefaultNamespaceHoldsForTheChildrenOfItsElement() throws {
        let message = try element(
            "<message xml:lang='de'><x xmlns='urn:a'><y/></x><z/><q xmlns=''/></message>")
        #expect(message.elements.map(\.namespace) == ["urn:a", Namespace.client, nil])
        #expect(message.child("x")?.child("y")?.namespace == "urn:a")
        #expect(message[attribute: "xml:lang"] == "de")
    }

    /// RFC 6120 §4.9.3.2: libxml2 would build the element without a namespace (which reads as
    /// `jabber:client`); the stream ends with `bad-namespace-prefix` instead.
    @Test(arguments: ["<foo:message/>", "<message foo:type='chat'/>", "<message><foo:body/></message>"])
    func anUndeclaredPrefixStopsTheStream(stanza: String) {
        let (events, error) = parse("<presence/>" + stanza)
        #expect(events.count == 1)
        guard case .badNamespacePrefix(let detail)? = error else {
            Issue.record("expected bad-namespace-prefix, got \(String(describing: error))")
            return
        }
        #expect(detail.contains("Namespace prefix foo"))
        #expect(error?.streamErrorCondition == .badNamespacePrefix)
    }

    @Test func theStreamIsKnownByItsNamespaceNotItsPrefix() {
        let other = XMLStreamParser().feed(
            "<s:stream xmlns='jabber:client' xmlns:s='http://etherx.jabber.org/streams' id='x' version='1.0'>"
                + "<presence/></s:stream>")
        #expect(other.error == nil)
        #expect(other.events.first == .streamOpened(attributes: ["id": "x", "version": "1.0"]))
        #expect(other.events.last == .streamClosed)
        let wrong = XMLStreamParser().feed("<stream:stream xmlns:stream='urn:not-streams'>")
        #expect(wrong.error == .invalidNamespace("root element <stream> in urn:not-streams"))
    }

    /// XML 1.0 §3.3.3: literal whitespace in an attribute becomes a space, references stay.
    @Test func attributeValuesAreNormalisedAsXMLSays() throws {
        let message = try element(
            "<message a='&#9;x&#10;y&#13;' b='t\tn\nr\r' c=\"it's &lt;&gt;&amp;&apos;&quot;\" d='&#x1F600;&#233;'/>")
        #expect(message[attribute: "a"] == "\tx\ny\r")
        #expect(message[attribute: "b"] == "t n r ")
        #expect(message[attribute: "c"] == "it's <>&'\"")
        #expect(message[attribute: "d"] == "\u{1F600}\u{e9}")
    }

    @Test(arguments: [
        ("<message><!-- inside --></message>", "a comment"),
        ("<message><?php echo 1; ?></message>", "a processing instruction"),
        ("<message id='&ent;'/>", "a reference to the undeclared entity ent"),
    ])
    func restrictedXMLInsideAStanzaStopsTheStream(body: String, detail: String) {
        let (events, error) = parse("<presence/>" + body)
        #expect(error == .restrictedXML(detail))
        #expect(events.count == 1, "what came before is kept")
    }

    @Test(arguments: ["<!DOCTYPE stream:stream>", "<?xml-stylesheet href='x.xsl'?>"])
    func restrictedXMLBeforeTheHeaderStopsTheStream(prolog: String) {
        let output = XMLStreamParser().feed("<?xml version='1.0'?>" + prolog + Self.header)
        #expect(output.error?.streamErrorCondition == .restrictedXML)
        #expect(output.events.isEmpty)
    }

    @Test func aStanzaOfExactlyTheLimitPassesAndOneByteMoreDoesNot() {
        let filler = "<message><body></body></message>".utf8.count
        let fits = "<message><body>" + String(repeating: "x", count: 1024 - filler) + "</body></message>"
        #expect(fits.utf8.count == 1024)
        let parser = XMLStreamParser(maximumStanzaSize: 1024)
        _ = parser.feed(Self.header + "<presence/>")
        #expect(parser.feed(fits).error == nil)
        #expect(
            parser.feed(fits.replacingOccurrences(of: "<body>", with: "<body>y")).error == .stanzaTooLarge(limit: 1024))
        #expect(XMLStreamParser(maximumStanzaSize: 1).maximumStanzaSize == 64, "a limit has a floor")
    }

    /// The parser feeds libxml2 in slices of the limit: a stanza that ends within the next slice
    /// is still measured whole.
    @Test func aStanzaNearlyTwiceTheLimitInOneReadIsRefused() {
        let parser = XMLStreamParser(maximumStanzaSize: 1024)
        _ = parser.feed(Self.header + "<presence/>")
        let output = parser.feed(
            "<message><body>" + String(repeating: "x", count: 1900) + "</body></message><presence/>")
        #expect(output.error == .stanzaTooLarge(limit: 1024))
        #expect(output.events.isEmpty)
    }

    @Test func aResetForgetsThePartialStanzaAndItsSize() {
        let parser = XMLStreamParser(maximumStanzaSize: 1024)
        _ = parser.feed(Self.header + "<message><body>" + String(repeating: "a", count: 900))
        parser.reset()
        let output = parser.feed(
            Self.header.replacingOccurrences(of: "version", with: "id='s2' version")
                + "<message id='after'><body>" + String(repeating: "b", count: 900) + "</body></message>")
        #expect(output.error == nil)
        #expect(output.events.first == .streamOpened(attributes: ["id": "s2", "version": "1.0"]))
        guard case .element(let message)? = output.events.last else {
            Issue.record("no stanza after the reset")
            return
        }
        #expect(message.id == "after" && message.childText("body")?.count == 900)
    }

    static let malformed: [[UInt8]] = [
        Array("<message><body>a\u{0}b</body></message>".utf8), Array("<message><body>&#1;</body></message>".utf8),
        Array("<message><body>".utf8) + [0xFF, 0xFE] + Array("</body></message>".utf8),
        Array("<message><body>".utf8) + [0xE2, 0x82, 0x41] + Array("</body></message>".utf8),
        Array("<message><body>".utf8) + [0xC0, 0xAF] + Array("</body></message>".utf8),
        Array("<message><body>".utf8) + [0xED, 0xA0, 0x80] + Array("</body></message>".utf8),
        Array("<message id=x/>".utf8), Array("<message id='a' id='b'/>".utf8), Array("<message id='<'/>".utf8),
        Array("<message><body>a & b</body></message>".utf8), Array("<message><body>a ]]> b</body></message>".utf8),
        Array("<message><body></message></body>".utf8), Array("<1message/>".utf8),
        Array("</stream:stream><presence/>".utf8),
    ]

    /// libxml2 may wait for more input before it judges what it has (a reference for its `;`, a
    /// tag for its `>`); the stream always goes on or ends.
    @Test(arguments: malformed)
    func malformedInputIsAnErrorThatStays(bytes: [UInt8]) {
        let parser = XMLStreamParser()
        let more = Array("<message><body>more &amp; more;</body></message>".utf8)
        let output = parser.feed(Array(Self.header.utf8) + Array("<presence id='before'/>".utf8) + bytes + more)
        guard case .notWellFormed? = output.error else {
            Issue.record("expected not-well-formed, got \(String(describing: output.error))")
            return
        }
        #expect(output.events.count >= 2, "the header and the stanza before are kept")
        let again = parser.feed("<presence/>")
        #expect(again.error == output.error && again.events.isEmpty)
    }

    @Test func garbageBeforeTheHeaderIsNotAStream() {
        let output = XMLStreamParser().feed("HTTP/1.1 400 Bad Request\r\n\r\n")
        #expect(output.error != nil && output.events.isEmpty)
    }
}
