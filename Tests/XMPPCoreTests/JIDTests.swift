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
    ])
    func rejectsInvalidAddresses(text: String) {
        #expect(throws: JIDError.self) { try JID(text) }
        #expect(JID(parsing: text) == nil)
    }

    @Test func acceptsIPLiterals() throws {
        #expect((try JID("user@[::1]")).domainpart == "[::1]")
        #expect((try JID("user@127.0.0.1")).domainpart == "127.0.0.1")
    }

    @Test func describesErrorsForHumans() {
        #expect(JIDError.emptyLocalpart.description == "the part before @ is empty")
    }
}
