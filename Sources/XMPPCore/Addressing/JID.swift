import Foundation

/// An XMPP address (RFC 7622): `localpart@domainpart/resourcepart`, normalised on creation.
///
/// Normalisation follows the PRECIS profiles as far as they matter for comparison: the localpart
/// (UsernameCaseMapped) and the domainpart are case-folded and NFC-normalised, the resourcepart
/// (OpaqueString) is NFC-normalised and keeps its case. Two JIDs that name the same entity are equal.
public struct JID: Sendable, Hashable, Comparable {
    public let localpart: String?
    public let domainpart: String
    public let resourcepart: String?

    public init(localpart: String?, domainpart: String, resourcepart: String? = nil) throws(JIDError) {
        let domain = try JID.normaliseDomain(domainpart)
        self.domainpart = domain
        self.localpart = try localpart.map(JID.normaliseLocalpart)
        self.resourcepart = try resourcepart.map(JID.normaliseResourcepart)
    }

    /// Parses a JID string per RFC 7622 §3.1.
    public init(_ string: String) throws(JIDError) {
        var rest = Substring(string)
        var resource: Substring?
        if let slash = rest.firstIndex(of: "/") {
            resource = rest[rest.index(after: slash)...]
            rest = rest[..<slash]
        }
        var local: Substring?
        if let at = rest.firstIndex(of: "@") {
            local = rest[..<at]
            rest = rest[rest.index(after: at)...]
        }
        try self.init(
            localpart: local.map(String.init), domainpart: String(rest), resourcepart: resource.map(String.init))
    }

    /// Parses a JID, returning `nil` for an invalid one (for untrusted attributes).
    public init?(parsing string: String?) {
        guard let string, let jid = try? JID(string) else { return nil }
        self = jid
    }

    public var bare: JID {
        JID(validatedLocalpart: localpart, domainpart: domainpart, resourcepart: nil)
    }

    public var isBare: Bool { resourcepart == nil }

    public var domain: JID { JID(validatedLocalpart: nil, domainpart: domainpart, resourcepart: nil) }

    public func with(resource: String?) throws(JIDError) -> JID {
        try JID(localpart: localpart, domainpart: domainpart, resourcepart: resource)
    }

    private init(validatedLocalpart: String?, domainpart: String, resourcepart: String?) {
        self.localpart = validatedLocalpart
        self.domainpart = domainpart
        self.resourcepart = resourcepart
    }

    public static func < (lhs: JID, rhs: JID) -> Bool { lhs.description < rhs.description }

    // MARK: Normalisation

    private static let maximumPartLength = 1023
    private static let forbiddenInLocalpart: Set<Unicode.Scalar> = ["\"", "&", "'", "/", ":", "<", ">", "@"]

    private static func normaliseLocalpart(_ part: String) throws(JIDError) -> String {
        guard !part.isEmpty else { throw .emptyLocalpart }
        let normalised = part.lowercased().precomposedStringWithCanonicalMapping
        for scalar in normalised.unicodeScalars
        where forbiddenInLocalpart.contains(scalar) || scalar.properties.isWhitespace || isControl(scalar) {
            throw .invalidCharacter(part: "localpart", character: scalar)
        }
        guard normalised.utf8.count <= maximumPartLength else { throw .tooLong(part: "localpart") }
        return normalised
    }

    private static func normaliseDomain(_ part: String) throws(JIDError) -> String {
        var domain = part
        if domain.hasSuffix(".") { domain.removeLast() }
        guard !domain.isEmpty else { throw .emptyDomainpart }
        if domain.hasPrefix("[") {
            guard domain.hasSuffix("]"), domain.count > 2,
                domain.dropFirst().dropLast().allSatisfy({ $0.isHexDigit || $0 == ":" || $0 == "." })
            else { throw .invalidDomain(part) }
            return domain.lowercased()
        }
        let normalised = domain.lowercased().precomposedStringWithCanonicalMapping
        for label in normalised.split(separator: ".", omittingEmptySubsequences: false) {
            guard !label.isEmpty, label.utf8.count <= 63 else { throw .invalidDomain(part) }
            for scalar in label.unicodeScalars
            where scalar.properties.isWhitespace || isControl(scalar)
                || (scalar.isASCII
                    && !(scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || scalar == "-"
                        || scalar == "_"))
            {
                throw .invalidDomain(part)
            }
        }
        guard normalised.utf8.count <= maximumPartLength else { throw .tooLong(part: "domainpart") }
        return normalised
    }

    private static func normaliseResourcepart(_ part: String) throws(JIDError) -> String {
        guard !part.isEmpty else { throw .emptyResourcepart }
        let normalised = part.precomposedStringWithCanonicalMapping
        for scalar in normalised.unicodeScalars where isControl(scalar) {
            throw .invalidCharacter(part: "resourcepart", character: scalar)
        }
        guard normalised.utf8.count <= maximumPartLength else { throw .tooLong(part: "resourcepart") }
        return normalised
    }

    private static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.properties.generalCategory == .control || scalar.properties.generalCategory == .unassigned
    }
}

extension JID: CustomStringConvertible {
    public var description: String {
        var result = ""
        if let localpart { result += localpart + "@" }
        result += domainpart
        if let resourcepart { result += "/" + resourcepart }
        return result
    }
}

public enum JIDError: Error, Sendable, Hashable {
    case emptyLocalpart
    case emptyDomainpart
    case emptyResourcepart
    case invalidDomain(String)
    case invalidCharacter(part: String, character: Unicode.Scalar)
    case tooLong(part: String)
}

extension JIDError: CustomStringConvertible {
    public var description: String {
        switch self {
        case .emptyLocalpart: "the part before @ is empty"
        case .emptyDomainpart: "the domain is empty"
        case .emptyResourcepart: "the resource after / is empty"
        case .invalidDomain(let domain): "\"\(domain)\" is not a valid domain"
        case .invalidCharacter(let part, let character):
            "the \(part) contains a character that is not allowed (U+\(String(character.value, radix: 16, uppercase: true)))"
        case .tooLong(let part): "the \(part) is longer than 1023 bytes"
        }
    }
}
