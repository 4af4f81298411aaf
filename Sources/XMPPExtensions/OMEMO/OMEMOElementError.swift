/// Why an OMEMO element (XEP-0384) is refused: everything is checked before anything is used.
public enum OMEMOElementError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A required element or attribute is absent.
    case missing(String)
    /// A device, prekey or signed prekey id that is not a number in 1…2^31 - 1.
    case invalidID(String)
    /// An id given twice.
    case duplicateID(UInt32)
    /// More items than the limit.
    case tooMany(String, limit: Int)
    /// Text that is not base64.
    case invalidBase64(String)
    /// A key, signature or IV of the wrong length (or 0.3 key without its type byte).
    case invalidKey(String)
    /// A JID that does not parse, or is not bare.
    case invalidJID(String)
    /// Keys for one account given in two groups (OMEMO 2).
    case duplicateAccount

    public var description: String {
        switch self {
        case .missing(let name): "the OMEMO element has no \(name)"
        case .invalidID(let name): "the OMEMO element has an invalid \(name)"
        case .duplicateID(let id): "the OMEMO element has id \(id) twice"
        case .tooMany(let name, let limit): "the OMEMO element has more than \(limit) \(name)"
        case .invalidBase64(let name): "the OMEMO element's \(name) is not base64"
        case .invalidKey(let name): "the OMEMO element's \(name) is not a valid key"
        case .invalidJID(let name): "the OMEMO element's \(name) is not a bare address"
        case .duplicateAccount: "the OMEMO element has keys for one account in two groups"
        }
    }
}
