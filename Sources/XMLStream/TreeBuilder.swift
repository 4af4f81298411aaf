internal import CLibXML2
import XMPPCore

/// Receives libxml2's SAX2 callbacks and builds `XMLElement` trees for top-level elements.
///
/// Names and namespace URIs come from libxml2's dictionary, which hands out one pointer per
/// distinct string; they are turned into Swift strings once and cached by pointer, so a stanza
/// costs allocations only for its attribute values and text.
final class TreeBuilder {
    /// The libxml2 context this builder serves (owned by `XMLStreamParser`).
    var context: xmlParserCtxtPtr!
    var events: [XMLStreamEvent] = []
    var error: XMLStreamParseError?
    var lastMessage: String?
    /// 0 before the stream header, 1 inside the stream, 2+ inside a top-level element.
    private(set) var depth = 0
    /// Byte offset where the current top-level element may have begun (end of the previous one).
    private(set) var boundary = 0
    /// The most bytes one top-level element may take.
    var maximumStanzaSize = Int.max

    private var stack: [XMLElement] = []
    /// The top-level element in progress that is being left out, and why.
    private var discarding: (name: String, why: String)?
    /// libxml2's complaint about an undeclared prefix in the start tag being parsed (it goes on,
    /// without the namespace); judged when that tag's element starts.
    private var undeclaredPrefix: String?
    private var text: [UInt8] = []
    private var interned: [UnsafeRawPointer: String] = [:]
    private var prefixedNames: [PrefixedName: String] = [:]

    private struct PrefixedName: Hashable {
        var prefix: UnsafeRawPointer
        var name: UnsafeRawPointer
    }

    static func from(_ pointer: UnsafeMutableRawPointer?) -> TreeBuilder {
        Unmanaged<TreeBuilder>.fromOpaque(pointer!).takeUnretainedValue()
    }

    func takeEvents() -> [XMLStreamEvent] {
        defer { events.removeAll(keepingCapacity: true) }
        return events
    }

    func reset() {
        events.removeAll()
        error = nil
        lastMessage = nil
        depth = 0
        boundary = 0
        discarding = nil
        undeclaredPrefix = nil
        stack.removeAll()
        text.removeAll()
        interned.removeAll()
        prefixedNames.removeAll()
    }

    // MARK: Callbacks

    func startDocument() {
        guard let declared = context.pointee.encoding else { return }
        let encoding = String(cString: declared)
        if encoding.uppercased() != "UTF-8" { stop(.unsupportedEncoding(encoding)) }
    }

    func startElement(
        localname: UnsafePointer<xmlChar>?,
        prefix: UnsafePointer<xmlChar>?,
        uri: UnsafePointer<xmlChar>?,
        namespaceCount: Int,
        attributeCount: Int,
        attributes: UnsafeMutablePointer<UnsafePointer<xmlChar>?>?
    ) {
        guard error == nil, let localname else { return }
        depth += 1
        let undeclaredPrefix = self.undeclaredPrefix
        self.undeclaredPrefix = nil
        if depth == 1 {
            if let undeclaredPrefix { return stop(.badNamespacePrefix(undeclaredPrefix)) }
            openStream(localname: localname, uri: uri, attributeCount: attributeCount, attributes: attributes)
            return
        }
        // The rest of a top-level element past a limit is not built; the element is discarded
        // whole when it ends (a trimmed stanza could lose its `from` and pass for the server's).
        if discarding != nil { return }
        if depth - 1 > XMLStreamParser.maximumDepth {
            discard("a stanza nested deeper than \(XMLStreamParser.maximumDepth) levels", at: localname)
            return
        }
        if attributeCount + namespaceCount >= XMLStreamParser.maximumAttributes {
            discard(
                "a stanza with an element of \(XMLStreamParser.maximumAttributes) attributes or more", at: localname)
            return
        }
        // RFC 6120 §4.9.3.2. Checked only now: in an element left out anyway, the prefix's
        // declaration may be one of the excess attributes the scanner blanked.
        if let undeclaredPrefix { return stop(.badNamespacePrefix(undeclaredPrefix)) }
        flushText(beforeChild: true)
        var element = XMLElement(intern(localname), namespace: uri.map(intern))
        if attributeCount > 0, let attributes {
            element.attributes.reserveCapacity(attributeCount)
            for index in 0..<attributeCount {
                let base = index * 5
                guard let name = attributes[base], let start = attributes[base + 3], let end = attributes[base + 4]
                else { continue }
                let value = String(decoding: UnsafeBufferPointer(start: start, count: end - start), as: UTF8.self)
                element.attributes.append(
                    XMLAttribute(name: qualifiedName(name, prefix: attributes[base + 1]), value: value))
            }
        }
        stack.append(element)
    }

    func endElement() {
        guard error == nil else { return }
        defer { depth -= 1 }
        if let reason = discarding {
            if depth == 2 {
                discarding = nil
                if endTopLevel() { events.append(.discarded(name: reason.name, reason: reason.why)) }
            }
            return
        }
        if depth == 1 {
            events.append(.streamClosed)
            return
        }
        flushText(beforeChild: false)
        guard let element = stack.popLast() else { return }
        if stack.isEmpty {
            if endTopLevel() { events.append(.element(element)) }
        } else {
            stack[stack.count - 1].children.append(.element(element))
        }
    }

    func characters(_ characters: UnsafePointer<xmlChar>?, _ length: Int) {
        guard error == nil, discarding == nil, let characters else { return }
        if depth < 2 {
            // Whitespace between stanzas (keep-alives) is not part of any stanza.
            boundary = Int(xmlByteConsumed(context))
            return
        }
        text.append(contentsOf: UnsafeBufferPointer(start: characters, count: length))
    }

    func entity(named name: UnsafePointer<xmlChar>?) -> xmlEntityPtr? {
        if let predefined = xmlGetPredefinedEntity(name) { return predefined }
        restrict("a reference to the undeclared entity \(name.map { String(cString: $0) } ?? "")")
        return nil
    }

    func restrict(_ construct: String) {
        stop(.restrictedXML(construct))
    }

    func record(_ error: xmlError) {
        guard error.level == XML_ERR_FATAL || error.level == XML_ERR_ERROR else { return }
        var message = error.message.map { String(cString: $0) } ?? "error \(error.code)"
        while message.last?.isNewline == true { message.removeLast() }
        lastMessage = "\(message) (line \(error.line))"
        if error.domain == Int32(XML_FROM_NAMESPACE.rawValue)
            && error.code == Int32(XML_NS_ERR_UNDEFINED_NAMESPACE.rawValue)
        {
            undeclaredPrefix = lastMessage
        }
    }

    // MARK: Helpers

    /// A top-level element ended here: false (and the parser stopped) when it took more bytes than
    /// one may. The parser's own check runs between the slices it feeds, which a stanza that ends
    /// within one slice would pass.
    private func endTopLevel() -> Bool {
        let end = Int(xmlByteConsumed(context))
        guard end - boundary <= maximumStanzaSize else {
            stop(.stanzaTooLarge(limit: maximumStanzaSize))
            return false
        }
        boundary = end
        return true
    }

    private func discard(_ reason: String, at localname: UnsafePointer<xmlChar>) {
        discarding = (stack.first?.name ?? intern(localname), reason)
        stack.removeAll()
        text.removeAll(keepingCapacity: true)
    }

    private func stop(_ reason: XMLStreamParseError) {
        if error == nil { error = reason }
        xmlStopParser(context)
    }

    private func openStream(
        localname: UnsafePointer<xmlChar>,
        uri: UnsafePointer<xmlChar>?,
        attributeCount: Int,
        attributes: UnsafeMutablePointer<UnsafePointer<xmlChar>?>?
    ) {
        let name = intern(localname)
        let namespace = uri.map(intern)
        guard name == "stream", namespace == Namespace.streams else {
            stop(.invalidNamespace("root element <\(name)> in \(namespace ?? "no namespace")"))
            return
        }
        var values: [String: String] = [:]
        if let attributes {
            for index in 0..<attributeCount {
                let base = index * 5
                guard let name = attributes[base], let start = attributes[base + 3], let end = attributes[base + 4]
                else { continue }
                values[qualifiedName(name, prefix: attributes[base + 1])] = String(
                    decoding: UnsafeBufferPointer(start: start, count: end - start), as: UTF8.self)
            }
        }
        events.append(.streamOpened(attributes: values))
        boundary = Int(xmlByteConsumed(context))
    }

    /// Moves buffered character data into the element being built. Whitespace between child
    /// elements carries no meaning in XMPP and is dropped.
    private func flushText(beforeChild: Bool) {
        guard !text.isEmpty else { return }
        defer { text.removeAll(keepingCapacity: true) }
        guard !stack.isEmpty else { return }
        let isWhitespace = text.allSatisfy { $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }
        let top = stack.count - 1
        if isWhitespace && (beforeChild || !stack[top].children.isEmpty) { return }
        let string = String(decoding: text, as: UTF8.self)
        if case .text(let previous)? = stack[top].children.last {
            stack[top].children[stack[top].children.count - 1] = .text(previous + string)
        } else {
            stack[top].children.append(.text(string))
        }
    }

    private func intern(_ pointer: UnsafePointer<xmlChar>) -> String {
        let key = UnsafeRawPointer(pointer)
        if let cached = interned[key] { return cached }
        let string = String(cString: pointer)
        interned[key] = string
        return string
    }

    private func qualifiedName(_ name: UnsafePointer<xmlChar>, prefix: UnsafePointer<xmlChar>?) -> String {
        guard let prefix else { return intern(name) }
        let key = PrefixedName(prefix: UnsafeRawPointer(prefix), name: UnsafeRawPointer(name))
        if let cached = prefixedNames[key] { return cached }
        let string = intern(prefix) + ":" + intern(name)
        prefixedNames[key] = string
        return string
    }
}
