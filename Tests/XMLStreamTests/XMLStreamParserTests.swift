import Foundation
import Testing
import XMPPCore

@testable import XMLStream

private let header =
    "<?xml version='1.0'?><stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'"
    + " id='s1' from='example.org' version='1.0' xml:lang='en'>"

private let sampleStanzas = [
    "<message from='juliet@example.com/balcony' to='romeo@example.net' id='m1' type='chat'>"
        + "<body>Wherefore art thou, Romeo? &lt;3 &amp; caf\u{e9} 😀 你好</body>"
        + "<active xmlns='http://jabber.org/protocol/chatstates'/></message>",
    "<presence from='juliet@example.com/balcony'><show>away</show><status>out</status></presence>",
    "<iq type='get' id='p1' from='example.org'><ping xmlns='urn:xmpp:ping'/></iq>",
]

private func parseAll(_ chunks: [[UInt8]], parser: XMLStreamParser = XMLStreamParser()) -> (
    [XMLStreamEvent], XMLStreamParseError?
) {
    var events: [XMLStreamEvent] = []
    for chunk in chunks {
        let output = parser.feed(chunk)
        events += output.events
        if let error = output.error { return (events, error) }
    }
    return (events, nil)
}

private func chunked(_ bytes: [UInt8], size: Int) -> [[UInt8]] {
    stride(from: 0, to: bytes.count, by: size).map { Array(bytes[$0..<min($0 + size, bytes.count)]) }
}

@Suite struct XMLStreamParserTests {
    @Test func parsesStreamHeaderStanzasAndClose() throws {
        let document = header + sampleStanzas.joined(separator: "\n  ") + "</stream:stream>"
        let (events, error) = parseAll([Array(document.utf8)])
        #expect(error == nil)
        #expect(events.count == 5)
        guard case .streamOpened(let attributes) = events[0] else {
            Issue.record("expected the stream header first")
            return
        }
        #expect(attributes["id"] == "s1")
        #expect(attributes["xml:lang"] == "en")
        #expect(attributes["version"] == "1.0")
        guard case .element(let message) = events[1] else {
            Issue.record("expected a message")
            return
        }
        #expect(message.name == "message")
        #expect(message.namespace == "jabber:client")
        #expect(message[attribute: "from"] == "juliet@example.com/balcony")
        #expect(message.childText("body") == "Wherefore art thou, Romeo? <3 & caf\u{e9} 😀 你好")
        #expect(message.child("active")?.namespace == "http://jabber.org/protocol/chatstates")
        #expect(events.last == .streamClosed)
    }

    @Test(arguments: [1, 2, 3, 5, 7, 13, 64])
    func anyChunkingGivesTheSameEvents(size: Int) {
        let document = Array((header + sampleStanzas.joined() + "</stream:stream>").utf8)
        let (whole, _) = parseAll([document])
        let (pieces, error) = parseAll(chunked(document, size: size))
        #expect(error == nil)
        #expect(pieces == whole)
    }

    /// Every place a read can end, including inside each 2-, 3- and 4-byte UTF-8 sequence of
    /// text and attribute values.
    @Test func everySplitInTwoGivesTheSameEvents() {
        let stanza = "<message id='\u{e9}\u{20ac}\u{1F600}'><body>\u{e9}\u{20ac}\u{1F600}\u{4f60}</body></message>"
        let document = Array((header + sampleStanzas[0] + stanza + "</stream:stream>").utf8)
        let (whole, _) = parseAll([document])
        #expect(whole.count == 4)
        for split in 1..<document.count {
            let (pieces, error) = parseAll([Array(document[..<split]), Array(document[split...])])
            #expect(error == nil && pieces == whole, "split at byte \(split)")
        }
    }

    @Test func predefinedEntitiesAndCharacterReferencesInAttributesAndText() {
        let (events, error) = parseAll([
            Array((header + "<message id='a&amp;b&apos;&quot;&#x41;'><body>&lt;&gt;&amp;&#233;</body></message>").utf8)
        ])
        #expect(error == nil)
        guard case .element(let message) = events.last else {
            Issue.record("no message")
            return
        }
        #expect(message.id == "a&b'\"A")
        #expect(message.childText("body") == "<>&é")
    }

    @Test func cdataIsText() {
        let (events, _) = parseAll([Array((header + "<message><body><![CDATA[<b>&]]></body></message>").utf8)])
        guard case .element(let message) = events.last else {
            Issue.record("no message")
            return
        }
        #expect(message.childText("body") == "<b>&")
    }

    @Test(arguments: [
        ("<!DOCTYPE stream [<!ENTITY a 'b'>]>", "document type"),
        ("<!-- hello -->", "comment"),
        ("<?target data?>", "processing instruction"),
        ("<message><body>&foo;</body></message>", "undeclared entity"),
    ])
    func forbiddenConstructsStopTheStream(snippet: String, expected: String) {
        let document: String
        if snippet.hasPrefix("<!DOCTYPE") {
            document = "<?xml version='1.0'?>" + snippet + header.replacingPrefix()
        } else {
            document = header + snippet
        }
        let (events, error) = parseAll([Array(document.utf8)])
        guard case .restrictedXML(let detail) = error else {
            Issue.record("expected restricted-xml, got \(String(describing: error))")
            return
        }
        #expect(detail.contains(expected))
        #expect(error?.streamErrorCondition == .restrictedXML)
        #expect(!events.contains { if case .element = $0 { true } else { false } })
    }

    @Test func billionLaughsCostsNothing() {
        var document = "<?xml version='1.0'?><!DOCTYPE lolz [<!ENTITY lol 'lol'>"
        for level in 1...9 {
            document +=
                "<!ENTITY lol\(level) '" + String(repeating: "&lol\(level == 1 ? "" : String(level - 1));", count: 10)
                + "'>"
        }
        document += "]>" + header.replacingPrefix() + "<message><body>&lol9;</body></message>"
        let clock = ContinuousClock()
        var result: ([XMLStreamEvent], XMLStreamParseError?) = ([], nil)
        let elapsed = clock.measure { result = parseAll([Array(document.utf8)]) }
        #expect(result.1?.streamErrorCondition == .restrictedXML)
        #expect(result.0.isEmpty)
        #expect(elapsed < .seconds(1))
    }

    @Test func malformedXMLIsNotWellFormed() {
        let (events, error) = parseAll([Array((header + sampleStanzas[1] + "<message></iq>").utf8)])
        guard case .notWellFormed = error else {
            Issue.record("expected not-well-formed, got \(String(describing: error))")
            return
        }
        #expect(events.count == 2, "the header and the valid presence before the error are kept")
    }

    @Test func wrongRootIsInvalidNamespace() {
        let (_, error) = parseAll([Array("<?xml version='1.0'?><html xmlns='http://www.w3.org/1999/xhtml'>".utf8)])
        #expect(error?.streamErrorCondition == .invalidNamespace)
    }

    @Test func declaredNonUTF8EncodingIsRefused() {
        let document = "<?xml version='1.0' encoding='ISO-8859-1'?>" + header.replacingPrefix()
        let (_, error) = parseAll([Array(document.utf8)])
        #expect(error == .unsupportedEncoding("ISO-8859-1"))
    }

    @Test func oversizedStanzaIsPolicyViolationWithBoundedInput() {
        let parser = XMLStreamParser(maximumStanzaSize: 4096)
        _ = parser.feed(header)
        let small = parser.feed("<message><body>" + String(repeating: "x", count: 3000) + "</body></message>")
        #expect(small.error == nil)
        #expect(small.events.count == 1)
        var fed = 0
        var error: XMLStreamParseError?
        let chunk = Array(String(repeating: "y", count: 1000).utf8)
        _ = parser.feed("<message><body>")
        while fed < 100_000 && error == nil {
            error = parser.feed(chunk).error
            fed += chunk.count
        }
        #expect(error == .stanzaTooLarge(limit: 4096))
        #expect(fed <= 5000, "stopped soon after the limit, not after \(fed) bytes")
    }

    @Test func hugeTagWithoutTextIsAlsoCapped() {
        let parser = XMLStreamParser(maximumStanzaSize: 4096)
        _ = parser.feed(header)
        let output = parser.feed("<message " + String(repeating: "a='1' ", count: 2000))
        #expect(output.error == .stanzaTooLarge(limit: 4096))
    }

    @Test func manySmallStanzasNeverHitTheCap() {
        let parser = XMLStreamParser(maximumStanzaSize: 1024)
        _ = parser.feed(header)
        let stanzas = String(repeating: sampleStanzas[1] + " ", count: 2000)
        let output = parser.feed(stanzas)
        #expect(output.error == nil)
        #expect(output.events.count == 2000)
    }

    @Test func resetStartsANewStreamAndRevivesAFailedParser() {
        let parser = XMLStreamParser()
        _ = parser.feed(header + "<!-- no -->")
        parser.reset()
        let output = parser.feed(header + sampleStanzas[2])
        #expect(output.error == nil)
        #expect(output.events.count == 2)
    }

    /// One parser reads fragment after fragment (decrypted envelopes), a refused one included,
    /// each on its own: namespaces, limits and refusals as in a stream.
    @Test func oneParserReadsOneFragmentAfterAnother() {
        let parser = XMLStreamParser(maximumStanzaSize: 200)
        let envelope =
            "<envelope xmlns='urn:xmpp:sce:1'><content><body xmlns='jabber:client'>one</body></content></envelope>"
        #expect(parser.parseElement(envelope)?.child("content")?.childText("body", namespace: "jabber:client") == "one")
        #expect(parser.parseElement("<!DOCTYPE x><x/>") == nil, "a DTD is refused")
        #expect(parser.parseElement("<big>" + String(repeating: "a", count: 300) + "</big>") == nil, "over the limit")
        #expect(parser.parseElement("<rpad xmlns='urn:xmpp:sce:1'>two</rpad>")?.text == "two")
        #expect(parser.parseElement("<body>three</body>")?.namespace == "jabber:client")
    }

    @Test func whitespaceBetweenChildrenIsDroppedButTextKept() {
        let output = XMLStreamParser().feed(header + "<message>\n  <body>  two  spaces  </body>\n</message>")
        guard case .element(let message) = output.events.last else {
            Issue.record("no message")
            return
        }
        #expect(message.children.count == 1)
        #expect(message.childText("body") == "  two  spaces  ")
    }
}

extension String {
    /// The header without its XML declaration (for documents that put something before it).
    fileprivate func replacingPrefix() -> String {
        replacingOccurrences(of: "<?xml version='1.0'?>", with: "")
    }
}
