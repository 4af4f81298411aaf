import Foundation

/// An XMPP address (RFC 7622): `localpart@domainpart/resourcepart`, normalised on creation.
///
/// Normalisation follows the PRECIS profiles as far as they matter for comparison: the localpart
/// (UsernameCaseMapped) is width-mapped, case-folded and NFC-normalised, the domainpart case-folded
/// and NFC-normalised, the resourcepart (OpaqueString) has its non-ASCII spaces mapped to U+0020, is
/// NFC-normalised and keeps its case. Two JIDs that name the same entity are equal.
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
        if let ascii = asciiLowercased(
            part,
            allowed: { byte in
                byte > 0x20 && byte != 0x7F && !"\"&'/:<>@".utf8.contains(byte)
            })
        {
            guard ascii.utf8.count <= maximumPartLength else { throw .tooLong(part: "localpart") }
            return ascii
        }
        let normalised = widthMapped(part).lowercased().precomposedStringWithCanonicalMapping
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
            guard domain.hasSuffix("]"), isIPv6Address(domain.dropFirst().dropLast()) else {
                throw .invalidDomain(part)
            }
            return domain.lowercased()
        }
        if let ascii = asciiDomain(domain) {
            guard ascii.utf8.count <= maximumPartLength else { throw .tooLong(part: "domainpart") }
            return ascii
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
        if part.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) {
            guard part.utf8.count <= maximumPartLength else { throw .tooLong(part: "resourcepart") }
            return part
        }
        var spaced = String.UnicodeScalarView()
        for scalar in part.unicodeScalars {
            spaced.append(scalar.value > 0x7F && scalar.properties.generalCategory == .spaceSeparator ? " " : scalar)
        }
        let normalised = String(spaced).precomposedStringWithCanonicalMapping
        for scalar in normalised.unicodeScalars where isControl(scalar) {
            throw .invalidCharacter(part: "resourcepart", character: scalar)
        }
        guard normalised.utf8.count <= maximumPartLength else { throw .tooLong(part: "resourcepart") }
        return normalised
    }

    /// An all-ASCII part lowercased, when each byte is `allowed`: ASCII needs no Unicode
    /// normalisation, which is the costly part of parsing the addresses of every stanza. Nil
    /// sends the part through the general path (which also reports what is wrong).
    private static func asciiLowercased(_ part: String, allowed: (UInt8) -> Bool) -> String? {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(part.utf8.count)
        for byte in part.utf8 {
            guard byte < 0x80, allowed(byte) else { return nil }
            bytes.append(byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte)
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// An all-ASCII domain lowercased, when its labels are valid (1–63 letters, digits, `-`,
    /// `_`); nil sends it through the general path, which says what is wrong.
    private static func asciiDomain(_ domain: String) -> String? {
        var label = 0
        var valid = true
        let lowered = asciiLowercased(domain) { byte in
            if byte == UInt8(ascii: ".") {
                valid = valid && label > 0
                label = 0
                return true
            }
            label += 1
            let letter = byte | 0x20 >= UInt8(ascii: "a") && byte | 0x20 <= UInt8(ascii: "z")
            let digit = byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
            return label <= 63 && (letter || digit || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_"))
        }
        guard valid, label > 0, label <= 63 else { return nil }
        return lowered
    }

    /// RFC 8265 §3.3's width mapping: the fullwidth and halfwidth forms (U+FF01-U+FFEE) become
    /// their decompositions (`Ｊ` is `J`, halfwidth `ｶ` is `カ`).
    private static func widthMapped(_ part: String) -> String {
        let forms: ClosedRange<UInt32> = 0xFF01...0xFFEE
        guard part.unicodeScalars.contains(where: { forms.contains($0.value) }) else { return part }
        var mapped = ""
        for scalar in part.unicodeScalars {
            if forms.contains(scalar.value) {
                mapped += String(scalar).precomposedStringWithCompatibilityMapping
            } else {
                mapped.unicodeScalars.append(scalar)
            }
        }
        return mapped
    }

    /// An IPv6 address in one of RFC 4291 §2.2's text forms, as RFC 3986's IP-literal holds it:
    /// eight groups of 1-4 hex digits, `::` once for one or more zero groups, and a dotted IPv4
    /// address for the last two.
    private static func isIPv6Address(_ text: Substring) -> Bool {
        var groups: [Substring]
        let elided = text.range(of: "::")
        if let elided {
            let head = text[..<elided.lowerBound]
            let tail = text[elided.upperBound...]
            guard !tail.contains("::") else { return false }
            groups = (head.isEmpty ? [] : head.split(separator: ":", omittingEmptySubsequences: false))
            groups += tail.isEmpty ? [] : tail.split(separator: ":", omittingEmptySubsequences: false)
        } else {
            groups = text.split(separator: ":", omittingEmptySubsequences: false)
        }
        var count = groups.count
        if let last = groups.last, last.contains(".") {
            guard isIPv4Address(last) else { return false }
            groups.removeLast()
            count += 1
        }
        guard groups.allSatisfy({ (1...4).contains($0.count) && $0.allSatisfy { $0.isASCII && $0.isHexDigit } })
        else { return false }
        return elided == nil ? count == 8 : count <= 7
    }

    /// A dotted-quad IPv4 address (RFC 3986's `IPv4address`: no leading zeros, each part at most 255).
    private static func isIPv4Address(_ text: Substring) -> Bool {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4
            && parts.allSatisfy { part in
                guard (1...3).contains(part.count), part.allSatisfy({ $0.isASCII && $0.isNumber }),
                    part.count == 1 || part.first != "0", let value = Int(part)
                else { return false }
                return value <= 255
            }
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
