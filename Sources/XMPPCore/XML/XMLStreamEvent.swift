/// What an XML stream parser reports to the session, in stream order.
public enum XMLStreamEvent: Sendable, Hashable {
    /// `<stream:stream ...>` arrived; attributes by qualified name (`id`, `from`, `version`, `xml:lang`).
    case streamOpened(attributes: [String: String])
    /// A complete top-level element (a stanza or a stream-level element such as `<stream:features/>`).
    case element(XMLElement)
    /// `</stream:stream>` arrived.
    case streamClosed
    /// A complete top-level element past the parser's structural limits (nesting depth, attributes
    /// per element), left out unbuilt: its name, and a reason that says which limit.
    case discarded(name: String, reason: String)
}

/// Why a parser stopped. Each maps to the stream error condition RFC 6120 §4.9.3 prescribes.
public enum XMLStreamParseError: Error, Sendable, Hashable {
    /// Not well-formed XML (the parser's message and line).
    case notWellFormed(String)
    /// A construct RFC 6120 §11.1 forbids: DTD, entity declaration or reference, comment, processing
    /// instruction.
    case restrictedXML(String)
    /// One stanza exceeded the configured size limit (bytes).
    case stanzaTooLarge(limit: Int)
    /// The stream declared an encoding other than UTF-8.
    case unsupportedEncoding(String)
    /// The root element is not `stream` in the streams namespace.
    case invalidNamespace(String)
    /// An element or attribute name with a prefix no namespace declaration binds.
    case badNamespacePrefix(String)

    public var streamErrorCondition: StreamErrorCondition {
        switch self {
        case .notWellFormed: .notWellFormed
        case .restrictedXML: .restrictedXML
        case .stanzaTooLarge: .policyViolation
        case .unsupportedEncoding: .unsupportedEncoding
        case .invalidNamespace: .invalidNamespace
        case .badNamespacePrefix: .badNamespacePrefix
        }
    }
}

extension XMLStreamParseError: CustomStringConvertible {
    public var description: String {
        switch self {
        case .notWellFormed(let detail): "malformed XML from the server: \(detail)"
        case .restrictedXML(let detail): "the server sent XML that XMPP forbids (\(detail))"
        case .stanzaTooLarge(let limit): "the server sent a stanza larger than the \(limit)-byte limit"
        case .unsupportedEncoding(let encoding): "the server's stream uses the unsupported encoding \(encoding)"
        case .invalidNamespace(let detail): "the server's stream has the wrong namespace (\(detail))"
        case .badNamespacePrefix(let detail): "the server sent XML with an undeclared namespace prefix (\(detail))"
        }
    }
}
