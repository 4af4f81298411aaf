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
    }
}
