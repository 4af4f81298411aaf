/// Why an SCE envelope (XEP-0420) is refused, or fails its profile's checks.
public enum SCEError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The element is not an `<envelope xmlns='urn:xmpp:sce:1'/>`.
    case notAnEnvelope
    /// A required element or attribute is absent (`content`, or an affix the profile requires).
    case missing(String)
    /// An element that may appear once appears again.
    case duplicate(String)
    /// An affix whose attribute does not parse (a JID, a XEP-0082 time).
    case invalid(String)
    /// An element of the content without a namespace of its own (XEP-0420 §Business Rules).
    case unqualified(String)
    /// An affix that does not match the stanza around the envelope (`from`, `to`, `time`).
    case mismatch(String)

    public var description: String {
        switch self {
        case .notAnEnvelope: "the encrypted content is not an SCE envelope"
        case .missing(let name): "the SCE envelope has no \(name)"
        case .duplicate(let name): "the SCE envelope has more than one \(name)"
        case .invalid(let name): "the SCE envelope's \(name) is invalid"
        case .unqualified(let name): "the SCE envelope's \(name) element has no namespace"
        case .mismatch(let name): "the SCE envelope's \(name) does not match the stanza"
        }
    }
}
