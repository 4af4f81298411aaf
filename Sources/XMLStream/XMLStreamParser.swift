internal import CLibXML2
import XMPPCore

/// An incremental parser for one XMPP XML stream (RFC 6120 §4), built on libxml2's SAX2 push
/// parser.
///
/// Feed it bytes as they arrive, split anywhere (mid-tag, mid-UTF-8 sequence); it returns the
/// stream events those bytes completed: the stream header, each complete top-level element as an
/// `XMLElement` tree, and the stream end. It enforces RFC 6120 §11: a DTD, an entity declaration,
/// a reference to anything but the five predefined entities, a comment or a processing instruction
/// stops it with `restrictedXML` before anything is expanded. One top-level element may not exceed
/// `maximumStanzaSize` bytes, which bounds the memory a hostile peer can make it hold. A stanza
/// nested deeper than `maximumDepth` or with an element of `maximumAttributes` attributes is
/// reported as `.discarded` instead of built, which bounds the stack and the time one stanza can
/// take without ending the stream (a stanza the server archived would otherwise end every later
/// catch-up too).
///
/// Not thread-safe: use one parser from one thread.
public final class XMLStreamParser {
    /// The largest top-level element accepted, in bytes of XML.
    public let maximumStanzaSize: Int
    /// The deepest nesting inside a top-level element (the stanza itself is level 1).
    public static let maximumDepth = 128
    /// The most attributes (namespace declarations included) one element may carry.
    public static let maximumAttributes = 128
    private var scanner = MarkupScanner(limit: XMLStreamParser.maximumAttributes)
    /// A copy of a slice whose excess attributes the scanner blanked.
    private var limited: [UInt8] = []
    private let context: xmlParserCtxtPtr
    private let builder: TreeBuilder
    private var failed: XMLStreamParseError?

    /// Bytes fed since the last reset.
    private var bytesFed = 0
    /// How much input is handed to libxml2 at once; small enough that the size limit is checked
    /// often, large enough to keep libxml2 fast.
    private let sliceSize: Int

    public init(maximumStanzaSize: Int = 1 << 20) {
        self.maximumStanzaSize = max(maximumStanzaSize, 64)
        self.sliceSize = min(64 * 1024, self.maximumStanzaSize)
        builder = TreeBuilder()
        builder.maximumStanzaSize = self.maximumStanzaSize
        var handler = XMLStreamParser.makeHandler()
        let unmanaged = Unmanaged.passUnretained(builder).toOpaque()
        // The context copies the handler; `builder` outlives it because we own both.
        guard let context = xmlCreatePushParserCtxt(&handler, unmanaged, nil, 0, nil) else {
            fatalError("libxml2 could not allocate a parser context")
        }
        self.context = context
        builder.context = context
        xmlCtxtUseOptions(context, XMLStreamParser.options)
        xmlSwitchEncoding(context, XML_CHAR_ENCODING_UTF8)
        tern_xml_silence_generic_errors(context)
    }

    deinit {
        xmlFreeParserCtxt(context)
    }

    /// What one call to `feed` produced: the completed events, in order, and the error that stopped
    /// the parser, if any. Events before the error are valid and should be processed.
    public struct Output {
        public var events: [XMLStreamEvent]
        public var error: XMLStreamParseError?
    }

    /// Parses `bytes` and returns the events they complete.
    ///
    /// After an error the parser stays failed (every further call reports the same error) until
    /// `reset()`; the session answers with a stream error and closes.
    public func feed(_ bytes: UnsafeRawBufferPointer) -> Output {
        if let failed { return Output(events: [], error: failed) }
        guard let base = bytes.baseAddress else { return Output(events: [], error: nil) }
        var offset = 0
        while offset < bytes.count {
            let length = min(sliceSize, bytes.count - offset)
            let slice = UnsafeRawBufferPointer(rebasing: bytes[offset..<(offset + length)])
            let status: Int32
            if scanner.limit(slice, copyingInto: &limited) {
                status = limited.withUnsafeBytes { chunk in
                    chunk.withMemoryRebound(to: CChar.self) { xmlParseChunk(context, $0.baseAddress, Int32(length), 0) }
                }
            } else {
                status = base.advanced(by: offset).withMemoryRebound(to: CChar.self, capacity: length) {
                    xmlParseChunk(context, $0, Int32(length), 0)
                }
            }
            offset += length
            bytesFed += length
            if let error = builder.error
                ?? (status != 0 ? .notWellFormed(builder.lastMessage ?? "error \(status)") : nil)
            {
                failed = error
                return Output(events: builder.takeEvents(), error: error)
            }
            // Everything fed since the end of the last complete top-level element belongs to the
            // one in progress (parsed or still buffered inside libxml2).
            if bytesFed - builder.boundary > maximumStanzaSize {
                let error = XMLStreamParseError.stanzaTooLarge(limit: maximumStanzaSize)
                failed = error
                return Output(events: builder.takeEvents(), error: error)
            }
        }
        return Output(events: builder.takeEvents(), error: nil)
    }

    public func feed(_ bytes: [UInt8]) -> Output {
        bytes.withUnsafeBytes { feed($0) }
    }

    public func feed(_ string: String) -> Output {
        feed(Array(string.utf8))
    }

    /// Parses one element written as XML text, as if it came inside a `jabber:client` stream, with
    /// a stream's limits and refusals (no DTD, no entities); nil for anything else. For what arrives
    /// encrypted and is read after decryption (an OMEMO 2 envelope).
    public static func parseElement(_ xml: String, maximumSize: Int = 1 << 18) -> XMLElement? {
        XMLStreamParser(maximumStanzaSize: maximumSize).parseElement(xml)
    }

    /// `parseElement` on this parser, reset first and after: one parser serves many fragments (a
    /// catch-up opens thousands of envelopes).
    public func parseElement(_ xml: String) -> XMLElement? {
        reset()
        defer { reset() }
        let header =
            "<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' version='1.0'>"
        let output = feed(header + xml)
        guard output.error == nil else { return nil }
        for event in output.events {
            if case .element(let element) = event { return element }
        }
        return nil
    }

    /// Forgets all state: the next byte starts a new stream (after STARTTLS and SASL success).
    public func reset() {
        xmlCtxtResetPush(context, nil, 0, nil, nil)
        xmlCtxtUseOptions(context, XMLStreamParser.options)
        xmlSwitchEncoding(context, XML_CHAR_ENCODING_UTF8)
        builder.reset()
        scanner.reset()
        failed = nil
        bytesFed = 0
    }

    private static let options = Int32(
        XML_PARSE_NONET.rawValue | XML_PARSE_NOENT.rawValue
            | XML_PARSE_NOCDATA.rawValue)

    private static func makeHandler() -> xmlSAXHandler {
        var handler = xmlSAXHandler()
        handler.initialized = XML_SAX2_MAGIC
        handler.startDocument = { context in TreeBuilder.from(context).startDocument() }
        handler.startElementNs = { context, localname, prefix, uri, namespaceCount, _, attributeCount, _, attributes in
            TreeBuilder.from(context).startElement(
                localname: localname, prefix: prefix, uri: uri, namespaceCount: Int(namespaceCount),
                attributeCount: Int(attributeCount), attributes: attributes)
        }
        handler.endElementNs = { context, _, _, _ in TreeBuilder.from(context).endElement() }
        handler.characters = { context, characters, length in
            TreeBuilder.from(context).characters(characters, Int(length))
        }
        handler.cdataBlock = { context, characters, length in
            TreeBuilder.from(context).characters(characters, Int(length))
        }
        handler.getEntity = { context, name in TreeBuilder.from(context).entity(named: name) }
        handler.internalSubset = { context, _, _, _ in TreeBuilder.from(context).restrict("a document type declaration")
        }
        handler.externalSubset = { context, _, _, _ in TreeBuilder.from(context).restrict("a document type declaration")
        }
        handler.entityDecl = { context, _, _, _, _, _ in TreeBuilder.from(context).restrict("an entity declaration") }
        handler.unparsedEntityDecl = { context, _, _, _, _ in
            TreeBuilder.from(context).restrict("an entity declaration")
        }
        handler.notationDecl = { context, _, _, _ in TreeBuilder.from(context).restrict("a notation declaration") }
        handler.elementDecl = { context, _, _, _ in TreeBuilder.from(context).restrict("an element declaration") }
        handler.attributeDecl = { context, _, _, _, _, _, _ in
            TreeBuilder.from(context).restrict("an attribute declaration")
        }
        handler.reference = { context, _ in TreeBuilder.from(context).restrict("an entity reference") }
        handler.processingInstruction = { context, _, _ in
            TreeBuilder.from(context).restrict("a processing instruction")
        }
        handler.comment = { context, _ in TreeBuilder.from(context).restrict("a comment") }
        handler.serror = { context, error in
            guard let context, let error else { return }
            TreeBuilder.from(context).record(error.pointee)
        }
        return handler
    }
}
