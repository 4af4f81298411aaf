import Foundation
import Testing
import XMPPCore

@testable import XMLStream

/// What a hostile peer can make the parser do: nothing unbounded. A stanza nested 45,000 deep (it
/// once crashed Tern when the tree was released) and one with 100,000 attributes (seconds in
/// libxml2's duplicate check) are discarded whole, quickly, and the stream goes on.
@Suite struct ParserLimitsTests {
    static let header =
        "<?xml version='1.0'?><stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'"
        + " id='s1' from='example.org' version='1.0'>"
    static let next = "<message id='next'><body>after</body></message>"

    func parse(_ xml: String, chunk: Int? = nil) -> (events: [XMLStreamEvent], error: XMLStreamParseError?) {
        let parser = XMLStreamParser(maximumStanzaSize: 4 << 20)
        let bytes = Array(xml.utf8)
        var events: [XMLStreamEvent] = []
        let size = chunk ?? bytes.count
        for start in stride(from: 0, to: bytes.count, by: size) {
            let output = parser.feed(Array(bytes[start..<min(start + size, bytes.count)]))
            events += output.events
            if let error = output.error { return (events, error) }
        }
        return (events, nil)
    }

    /// The events after the stream header, with elements reduced to their ids.
    func outline(_ events: [XMLStreamEvent]) -> [String] {
        events.compactMap {
            switch $0 {
            case .streamOpened: nil
            case .element(let element): element.id ?? element.name
            case .discarded(let name, let reason): "discarded <\(name)>: \(reason)"
            case .streamClosed: "closed"
            }
        }
    }

    /// The processor time this thread spends in `body`: unlike the wall clock, it does not count
    /// the turns of the tests that run beside it on a busy machine.
    func threadCPUTime(_ body: () -> Void) -> Duration {
        func now() -> Duration {
            var time = timespec()
            clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
            return .seconds(time.tv_sec) + .nanoseconds(time.tv_nsec)
        }
        let start = now()
        body()
        return now() - start
    }

    static func nested(_ levels: Int) -> String {
        "<message id='deep'><body>x</body>" + String(repeating: "<a>x", count: levels - 1)
            + String(repeating: "</a>", count: levels - 1) + "</message>"
    }

    @Test func aStanzaNestedTooDeepIsDiscardedAndTheStreamGoesOn() {
        let (events, error) = parse(Self.header + Self.nested(45_000) + Self.next)
        #expect(error == nil)
        #expect(
            outline(events) == [
                "discarded <message>: a stanza nested deeper than \(XMLStreamParser.maximumDepth) levels", "next",
            ])
    }

    @Test func nestingUpToTheLimitIsKept() {
        let (events, _) = parse(Self.header + Self.nested(XMLStreamParser.maximumDepth) + Self.next)
        #expect(outline(events) == ["deep", "next"])
        let (deeper, _) = parse(Self.header + Self.nested(XMLStreamParser.maximumDepth + 1) + Self.next)
        #expect(outline(deeper).first?.hasPrefix("discarded <message>") == true)
    }

    @Test func aStanzaWithTooManyAttributesIsDiscardedQuickly() throws {
        let attributes = (0..<100_000).map { "a\($0)='v>\($0)'" }.joined(separator: " ")
        let stanza = "<message id='wide' \(attributes)><body>x</body></message>"
        var result: (events: [XMLStreamEvent], error: XMLStreamParseError?) = ([], nil)
        let elapsed = threadCPUTime { result = parse(Self.header + stanza + Self.next) }
        #expect(result.error == nil)
        #expect(
            outline(result.events) == [
                "discarded <message>: a stanza with an element of \(XMLStreamParser.maximumAttributes) attributes or more",
                "next",
            ])
        #expect(elapsed < .milliseconds(500), "libxml2 never sees the 100,000 (took \(elapsed))")
    }

    @Test func attributesUpToTheLimitAreKept() {
        let kept = XMLStreamParser.maximumAttributes - 1
        let attributes = (1..<kept).map { "a\($0)='\($0)'" }.joined(separator: " ")
        let (events, _) = parse(Self.header + "<presence id='p' \(attributes)/>" + Self.next)
        #expect(outline(events) == ["p", "next"])
        guard case .element(let presence) = events[1] else { return }
        #expect(presence.attributes.count == kept)
        #expect(presence[attribute: "a\(kept - 1)"] == "\(kept - 1)")
    }

    @Test func aWideChildDiscardsTheWholeStanza() {
        let attributes = (0..<300).map { "a\($0)='\($0)'" }.joined(separator: " ")
        let stanza = "<message id='m' from='a@example.org'><body \(attributes)>x</body><x/></message>"
        let (events, _) = parse(Self.header + stanza + Self.next)
        #expect(outline(events).map { $0.hasPrefix("discarded <message>") } == [true, false])
    }

    @Test(arguments: [1, 2, 3, 7, 64, 1000])
    func theLimitHoldsWhateverTheChunking(chunk: Int) {
        let attributes = (0..<200).map { "a\($0) = \"\($0)\"" }.joined(separator: "\n")
        let wide = "<iq type='get' id='i' xmlns:p='urn:p' \(attributes)><p:q x='&lt;'/></iq>"
        let narrow = "<iq type='get' id='j' xmlns:p='urn:p' a='1'><p:q x='&lt;'/></iq>"
        let (events, error) = parse(Self.header + wide + narrow + Self.next, chunk: chunk)
        #expect(error == nil)
        #expect(
            outline(events).map { $0.hasPrefix("discarded <iq>") ? "discarded" : $0 } == ["discarded", "j", "next"])
        guard events.count > 2, case .element(let iq) = events[2] else { return }
        #expect(iq.child("q", namespace: "urn:p")?[attribute: "x"] == "<")
    }

    @Test func theNamespaceDeclarationsCount() {
        let declarations = (0..<XMLStreamParser.maximumAttributes).map { "xmlns:p\($0)='urn:p\($0)'" }
        let stanza = "<message id='m' \(declarations.joined(separator: " "))/>"
        let (events, error) = parse(Self.header + stanza + Self.next)
        #expect(error == nil)
        #expect(outline(events).map { $0.hasPrefix("discarded <message>") } == [true, false])
    }

    /// A declaration past the limit is blanked with the rest; the prefix it declared is then
    /// undeclared, which must not end the stream for a stanza that is left out anyway.
    @Test(arguments: ["<p:x/>", "<x p:y='1'/>"])
    func aDeclarationBlankedWithTheExcessStillOnlyDiscards(child: String) {
        let attributes = (0..<200).map { "a\($0)='\($0)'" }.joined(separator: " ")
        let stanza = "<message id='m' \(attributes) xmlns:p='urn:p' p:z='1'>\(child)</message>"
        let (events, error) = parse(Self.header + stanza + Self.next)
        #expect(error == nil)
        #expect(outline(events).map { $0.hasPrefix("discarded <message>") } == [true, false])
    }

    @Test func markupThatLooksLikeAttributesIsLeftAlone() {
        let cdata = "<![CDATA[" + String(repeating: "<b c='d' e='f'>", count: 300) + "]]>"
        let values = (0..<100).map { "v\($0)='a=b=c \"x\" >y'" }.joined(separator: " ")
        let stanza = "<message id='m' \(values)><body>\(cdata)</body></message>"
        let (events, error) = parse(Self.header + stanza + Self.next)
        #expect(error == nil)
        #expect(outline(events) == ["m", "next"])
        guard case .element(let message) = events[1] else { return }
        #expect(message.attributes.count == 101)
        #expect(message[attribute: "v99"] == "a=b=c \"x\" >y")
        #expect(message.childText("body")?.hasPrefix("<b c='d' e='f'>") == true)
    }

    @Test func afterADiscardTheNextStanzaIsWholeAndBytesAreAccounted() {
        let parser = XMLStreamParser()
        _ = parser.feed(Self.header)
        let output = parser.feed(Self.nested(200) + "<message id='n'><body>one</body><body>two</body></message>")
        #expect(output.error == nil)
        #expect(outline(output.events).last == "n")
        guard case .element(let message) = output.events.last else { return }
        #expect(message.elements.map(\.text) == ["one", "two"])
    }
}
