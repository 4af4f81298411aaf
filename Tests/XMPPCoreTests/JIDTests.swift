import Testing
import XMPPCore

@Suite struct JIDTests {
    @Test func parsesAllThreeParts() throws {
        let jid = try JID("juliet@example.com/balcony")
        #expect(jid.localpart == "juliet")
        #expect(jid.domainpart == "example.com")
        #expect(jid.resourcepart == "balcony")
        #expect(jid.bare.description == "juliet@example.com")
        #expect(jid.domain.description == "example.com")
        #expect(!jid.isBare)
    }

    @Test func resourceMayContainSlashesAndAts() throws {
        let jid = try JID("juliet@example.com/foo/bar@baz")
        #expect(jid.resourcepart == "foo/bar@baz")
        let domainOnly = try JID("example.com/a@b")
        #expect(domainOnly.localpart == nil)
        #expect(domainOnly.resourcepart == "a@b")
    }

    @Test func normalisesCaseAndUnicodeButKeepsResourceCase() throws {
        let jid = try JID("Juliet@EXAMPLE.com/Balcony")
        #expect(jid == (try JID("juliet@example.com/Balcony")))
        #expect(jid != (try JID("juliet@example.com/balcony")))
        #expect((try JID("caf\u{65}\u{301}@example.com")) == (try JID("caf\u{e9}@example.com")))
        #expect((try JID("user@example.com.")).domainpart == "example.com")
    }

    @Test(arguments: [
        "", "@example.com", "juliet@", "juliet@example.com/", "jul iet@example.com", "a\"b@example.com",
        "a<b@example.com", "juliet@exa mple.com", "juliet@[::1", "juliet@exa..mple",
        String(repeating: "a", count: 1024) + "@example.com",
        // The ASCII fast path refuses what the general one refuses.
        "juliet@" + String(repeating: "a", count: 64) + ".com", "juliet@.example.com", "juliet@example..com",
        "jul\u{7f}iet@example.com", "jul\tiet@example.com", "juliet@exa!mple.com", "juliet@exa%mple.com/r",
        "juliet@example.com/bal\u{1}cony", "juliet@example.com/bal\u{7f}cony", "a:b@example.com", "a&b@example.com",
    ])
    func rejectsInvalidAddresses(text: String) {
        #expect(throws: JIDError.self) { try JID(text) }
        #expect(JID(parsing: text) == nil)
    }

    @Test func asciiAndUnicodeAddressesNormaliseAlike() throws {
        let ascii = try JID("Juliet_2-B@Mail-1.EXAMPLE.com/The Balcony #1")
        #expect(ascii.localpart == "juliet_2-b")
        #expect(ascii.domainpart == "mail-1.example.com")
        #expect(ascii.resourcepart == "The Balcony #1")
        let unicode = try JID("J\u{dc}LIET@B\u{dc}CHER.example/Z\u{fc}rich")
        #expect(unicode.localpart == "j\u{fc}liet")
        #expect(unicode.domainpart == "b\u{fc}cher.example")
        #expect(unicode.resourcepart == "Z\u{fc}rich")
        let longest = String(repeating: "a", count: 63)
        #expect((try JID("x@\(longest).com")).domainpart == longest + ".com")
    }

    @Test func acceptsIPLiterals() throws {
        #expect((try JID("user@[::1]")).domainpart == "[::1]")
        #expect((try JID("user@127.0.0.1")).domainpart == "127.0.0.1")
    }

    @Test func describesErrorsForHumans() {
        #expect(JIDError.emptyLocalpart.description == "the part before @ is empty")
        #expect(
            JIDError.invalidCharacter(part: "localpart", character: "\u{7f}").description
                == "the localpart contains a character that is not allowed (U+7F)")
        #expect(JIDError.tooLong(part: "resourcepart").description == "the resourcepart is longer than 1023 bytes")
        #expect(JIDError.invalidDomain("a b").description == "\"a b\" is not a valid domain")
    }

    /// RFC 7622 §3.1: the first `/` ends the bare JID, then the first `@` before it ends the localpart.
    @Test func theSeparatorsAreFoundInTheRFCsOrder() throws {
        let slashFirst = try JID("a/b@example.com")
        #expect(
            slashFirst.localpart == nil && slashFirst.domainpart == "a" && slashFirst.resourcepart == "b@example.com")
        #expect(throws: JIDError.invalidDomain("b@example.com")) { try JID("a@b@example.com") }
    }

    @Test(arguments: [
        ("", JIDError.emptyDomainpart), ("@example.com", .emptyLocalpart), ("juliet@", .emptyDomainpart),
        ("juliet@.", .emptyDomainpart), ("juliet@example.com/", .emptyResourcepart),
        ("a'b@example.com", .invalidCharacter(part: "localpart", character: "'")),
        ("a>b@example.com", .invalidCharacter(part: "localpart", character: ">")),
        ("jul\u{a0}iet@example.com", .invalidCharacter(part: "localpart", character: "\u{a0}")),
        ("caf\u{e9}\u{7}@example.com", .invalidCharacter(part: "localpart", character: "\u{7}")),
        ("juliet@example.com/r\u{85}", .invalidCharacter(part: "resourcepart", character: "\u{85}")),
        ("juliet@example.com/\u{378}", .invalidCharacter(part: "resourcepart", character: "\u{378}")),
        ("juliet@exa\u{3000}mple.com", .invalidDomain("exa\u{3000}mple.com")),
        ("juliet@example..com", .invalidDomain("example..com")),
        ("juliet@example.com..", .invalidDomain("example.com..")),
    ])
    func eachInvalidFormSaysWhatIsWrong(text: String, error: JIDError) {
        #expect(throws: error) { try JID(text) }
    }

    /// RFC 7622 §3.2-§3.4: each part at most 1023 bytes, counted in UTF-8; a DNS label at most 63.
    @Test func partsAreLimitedInBytesNotCharacters() throws {
        let domain = Array(repeating: String(repeating: "d", count: 63), count: 16).joined(separator: ".")
        #expect(domain.utf8.count == 1023)
        #expect((try JID("x@\(domain)")).domainpart == domain)
        #expect(throws: JIDError.tooLong(part: "domainpart")) { try JID("x@a.\(domain)") }
        let local = String(repeating: "\u{e9}", count: 511) + "a"
        #expect((try JID("\(local)@example.com")).localpart == local)
        #expect(throws: JIDError.tooLong(part: "localpart")) { try JID("\(local)a@example.com") }
        let resource = String(repeating: "r", count: 1023)
        #expect((try JID("juliet@example.com/\(resource)")).resourcepart == resource)
        #expect(throws: JIDError.tooLong(part: "resourcepart")) { try JID("juliet@example.com/\(resource)r") }
        #expect(throws: JIDError.tooLong(part: "resourcepart")) {
            try JID("juliet@example.com/" + String(repeating: "\u{fc}", count: 512))
        }
        let wideLabel = String(repeating: "\u{fc}", count: 32)
        #expect(throws: JIDError.invalidDomain("\(wideLabel).example")) { try JID("x@\(wideLabel).example") }
        #expect((try JID("x@\(wideLabel.dropLast()).example")).domainpart == "\(wideLabel.dropLast()).example")
    }

    /// IDN domains compare by their U-labels: case-folded and NFC, whatever form they were typed in.
    @Test func internationalDomainsAreCaseFoldedAndComposed() throws {
        let composed = try JID("juliet@m\u{fc}nchen.example")
        #expect(try JID("juliet@M\u{dc}NCHEN.EXAMPLE") == composed)
        #expect(try JID("juliet@mu\u{308}nchen.example") == composed)
        #expect(composed.domainpart.unicodeScalars.count == 15)
        #expect(
            try JID("\u{413}\u{41e}@\u{43f}\u{440}\u{438}\u{43c}\u{435}\u{440}.\u{440}\u{444}").localpart
                == "\u{433}\u{43e}")
    }

    /// RFC 7622 §3.2: an IP literal as in URIs (RFC 3986), compared in lower case.
    @Test(arguments: [
        ("[::1]", "[::1]"), ("[2001:DB8::1]", "[2001:db8::1]"), ("[::ffff:192.0.2.1]", "[::ffff:192.0.2.1]"),
        ("[2001:db8:0:0:1:0:0:1]", "[2001:db8:0:0:1:0:0:1]"), ("[fe80::]", "[fe80::]"), ("[::]", "[::]"),
        ("[1:2:3:4:5:6:1.2.3.4]", "[1:2:3:4:5:6:1.2.3.4]"),
    ])
    func ipv6LiteralsAreAccepted(literal: String, normalised: String) throws {
        #expect((try JID("juliet@\(literal)/tern")).domainpart == normalised)
    }

    @Test(arguments: [
        "[]", "[::1", "[1.2.3.4]", "[:::]", "[1::2::3]", "[12345::]", "[1:2:3:4:5:6:7:8:9]", "[1:2:3:4:5:6:7]",
        "[g::1]", "[::1]x", "[::1%eth0]", "[::256.1.1.1]", "[:1::]", "[::01.2.3.4]",
        "[1:2:3:4:5:6:7:1.2.3.4]",
    ])
    func malformedIPv6LiteralsAreRefused(literal: String) {
        #expect(throws: JIDError.invalidDomain(literal)) { try JID("juliet@\(literal)") }
    }

    /// RFC 8265 §3.3 (UsernameCaseMapped, the localpart's profile): fullwidth and halfwidth forms
    /// map to their decompositions before case mapping.
    @Test func fullwidthLocalpartsAreTheirASCIIForms() throws {
        #expect(
            try JID("\u{ff2a}\u{ff35}\u{ff2c}\u{ff29}\u{ff25}\u{ff34}@example.com") == (try JID("juliet@example.com")))
        #expect(
            (try JID("\u{ff76}\u{ff9e}@example.com")).localpart == "\u{30ac}",
            "halfwidth katakana with its voicing mark")
    }

    /// RFC 8265 §4.2 (OpaqueString, the resourcepart's profile): non-ASCII spaces become U+0020;
    /// case and width are kept.
    @Test func resourcepartsMapNonASCIISpacesOnly() throws {
        let plain = try JID("juliet@example.com/the balcony")
        #expect(try JID("juliet@example.com/the\u{a0}balcony") == plain)
        #expect(try JID("juliet@example.com/the\u{3000}balcony") == plain)
        #expect((try JID("juliet@example.com/\u{ff22}alcony")).resourcepart == "\u{ff22}alcony")
    }

    @Test func builtAddressesAreCheckedAndNormalisedLikeParsedOnes() throws {
        let built = try JID(localpart: "Juliet", domainpart: "Example.COM.", resourcepart: "Balcony")
        #expect(built == (try JID("juliet@example.com/Balcony")))
        #expect(built.description == "juliet@example.com/Balcony")
        #expect(throws: JIDError.invalidCharacter(part: "localpart", character: "@")) {
            try JID(localpart: "a@b", domainpart: "example.com")
        }
        #expect(try built.with(resource: "Orchard").description == "juliet@example.com/Orchard")
        #expect(try built.with(resource: nil) == built.bare)
        #expect(throws: JIDError.emptyResourcepart) { try built.with(resource: "") }
        #expect(built.bare.isBare && built.domain.description == "example.com")
        #expect(JID(parsing: nil) == nil)
    }

    @Test func addressesSortByTheirText() throws {
        let sorted = try ["romeo@example.net", "juliet@example.com/b", "example.com", "juliet@example.com"].map {
            try JID($0)
        }.sorted()
        #expect(
            sorted.map(\.description) == [
                "example.com", "juliet@example.com", "juliet@example.com/b", "romeo@example.net",
            ])
    }
}
