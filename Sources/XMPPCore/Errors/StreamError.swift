/// Stream error conditions, RFC 6120 §4.9.3.
public enum StreamErrorCondition: String, Sendable, Hashable, CaseIterable {
    case badFormat = "bad-format"
    case badNamespacePrefix = "bad-namespace-prefix"
    case conflict
    case connectionTimeout = "connection-timeout"
    case hostGone = "host-gone"
    case hostUnknown = "host-unknown"
    case improperAddressing = "improper-addressing"
    case internalServerError = "internal-server-error"
    case invalidFrom = "invalid-from"
    case invalidNamespace = "invalid-namespace"
    case invalidXML = "invalid-xml"
    case notAuthorized = "not-authorized"
    case notWellFormed = "not-well-formed"
    case policyViolation = "policy-violation"
    case remoteConnectionFailed = "remote-connection-failed"
    case reset
    case resourceConstraint = "resource-constraint"
    case restrictedXML = "restricted-xml"
    case seeOtherHost = "see-other-host"
    case systemShutdown = "system-shutdown"
    case undefinedCondition = "undefined-condition"
    case unsupportedEncoding = "unsupported-encoding"
    case unsupportedFeature = "unsupported-feature"
    case unsupportedStanzaType = "unsupported-stanza-type"
    case unsupportedVersion = "unsupported-version"
}

/// A `<stream:error/>`, received or to be sent.
public struct StreamError: Error, Sendable, Hashable {
    public var condition: StreamErrorCondition
    public var text: String?
    /// For `see-other-host`: the host (and optional port) to reconnect to.
    public var otherHost: String?

    public init(condition: StreamErrorCondition, text: String? = nil, otherHost: String? = nil) {
        self.condition = condition
        self.text = text
        self.otherHost = otherHost
    }

    /// Parses a `<stream:error/>` element; unknown conditions become `undefined-condition`.
    public init(element: XMLElement) {
        var condition = StreamErrorCondition.undefinedCondition
        var otherHost: String?
        var text: String?
        for child in element.elements where child.namespace == Namespace.streamErrors {
            if child.name == "text" {
                text = child.text
            } else if let known = StreamErrorCondition(rawValue: child.name) {
                condition = known
                if known == .seeOtherHost { otherHost = child.text }
            }
        }
        self.init(condition: condition, text: text, otherHost: otherHost)
    }

    public var element: XMLElement {
        var error = XMLElement("stream:error")
        error.append(XMLElement(condition.rawValue, namespace: Namespace.streamErrors, text: otherHost))
        if let text {
            error.append(XMLElement("text", namespace: Namespace.streamErrors, ["xml:lang": "en"], text: text))
        }
        return error
    }
}

extension XMLElement {
    fileprivate init(_ name: String, namespace: String, text: String?) {
        self.init(name, namespace: namespace, [:], text: text)
    }
}

extension StreamError: CustomStringConvertible {
    public var description: String {
        var result = "stream error \(condition.rawValue)"
        if let otherHost { result += " (\(otherHost))" }
        if let text, !text.isEmpty { result += ": \(text)" }
        return result
    }
}
