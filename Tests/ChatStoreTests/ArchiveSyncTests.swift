import Testing
import XMPPCore

@testable import ChatStore

/// Archive catch-up (XEP-0313) points and stream resumption (XEP-0198) state: stored with what
/// they describe, per account and archive, lost together with it or not at all.
@Suite struct ArchiveSyncTests {
    let store = try! ChatStore.inMemory()
    var account: AccountID { try! store.account(jid: me) }

    func sync(_ archive: JID, _ last: String, at time: Int64 = 0) -> ArchiveSyncState {
        ArchiveSyncState(archive: archive.bare.description, lastStanzaID: last, lastTimestamp: time, syncedAt: time)
    }

    @Test func aPageThatFailsLeavesNeitherItsMessagesNorItsSyncPoint() throws {
        _ = try store.storeArchivePage([incoming("one", at: 1, stanzaID: "s1")], sync: sync(me, "s1"), account: account)
        try store.db.execute(
            """
            CREATE TEMP TRIGGER refuse BEFORE INSERT ON message WHEN new.body = 'poison'
            BEGIN SELECT RAISE(ABORT, 'refused'); END
            """)
        let page = [incoming("two", at: 2, stanzaID: "s2"), incoming("poison", at: 3, stanzaID: "s3")]
        #expect(throws: StoreError.self) {
            try store.storeArchivePage(page, sync: sync(me, "s3"), account: account)
        }
        #expect(try store.archiveSync(account: account, archive: me)?.lastStanzaID == "s1", "fetched again next time")
        #expect(try store.all(account: account).map(\.body) == ["one"])
        #expect(try store.search("two").isEmpty)
    }

    @Test func eachArchiveHasItsOwnSyncPoint() throws {
        _ = try store.storeArchivePage([], sync: sync(me, "a1", at: 10), account: account)
        _ = try store.storeArchivePage([], sync: sync(room, "r1", at: 20), account: account)
        _ = try store.storeArchivePage([], sync: sync(me, "a2", at: 30), account: account)
        #expect(try store.archiveSync(account: account, archive: me) == sync(me, "a2", at: 30))
        #expect(try store.archiveSync(account: account, archive: room) == sync(room, "r1", at: 20))
        #expect(
            try store.archiveSync(account: account, archive: try JID("alice@example.org/tern"))?.lastStanzaID == "a2")
        let other = try store.account(jid: try JID("alice@home.example"))
        #expect(try store.archiveSync(account: other, archive: room) == nil, "per account")
    }

    @Test func aPageWithoutASyncPointKeepsTheLastOne() throws {
        _ = try store.storeArchivePage([incoming("a", at: 1, stanzaID: "s1")], sync: sync(me, "s1"), account: account)
        _ = try store.storeArchivePage([incoming("b", at: 2, stanzaID: "s2")], sync: nil, account: account)
        #expect(try store.archiveSync(account: account, archive: me)?.lastStanzaID == "s1")
        let again = try store.storeArchivePage(
            [incoming("b", at: 2, stanzaID: "s2")], sync: sync(me, "s2"), account: account)
        #expect(!again[0].isNew)
        #expect(try store.archiveSync(account: account, archive: me)?.lastStanzaID == "s2", "moves on duplicates too")
    }

    @Test func theOldestArchiveIDIsTheNamedArchives() throws {
        #expect(try store.oldestArchiveID(account: account, conversation: romeo, archive: me) == nil)
        _ = try store.insert(incoming("live, no archive id", at: 1), account: account)
        var fromElsewhere = incoming("stamped by another archive", at: 2, stanzaID: "x1")
        fromElsewhere.stanzaIDBy = "pubsub.example.org"
        _ = try store.insert(fromElsewhere, account: account)
        _ = try store.insert(
            [incoming("c", at: 5, stanzaID: "s5"), incoming("d", at: 6, stanzaID: "s6")], account: account)
        #expect(try store.oldestArchiveID(account: account, conversation: romeo, archive: me) == "s5")
        _ = try store.storeArchivePage(
            [incoming("b", at: 5, stanzaID: "s4")], sync: nil, account: account, direction: .backward)
        #expect(
            try store.oldestArchiveID(account: account, conversation: romeo, archive: me) == "s4",
            "placed before the others of its second")
    }

    @Test func howFarBackAConversationGoesIsKeptPerConversation() throws {
        #expect(try store.archiveBackfill(account: account, conversation: romeo) == (nil, false))
        _ = try store.insert(incoming("x", stanzaID: "s9"), account: account)
        try store.setArchiveBackfill(account: account, conversation: romeo, oldestID: "s9", complete: false)
        try store.setArchiveBackfill(account: account, conversation: romeo, oldestID: "s1", complete: true)
        #expect(try store.archiveBackfill(account: account, conversation: romeo) == ("s1", true))
        #expect(try store.archiveBackfill(account: account, conversation: mallory) == (nil, false))
    }

    @Test func aBackwardPageSpanningConversationsGoesBeforeEachOnesHistory() throws {
        _ = try store.insert(
            [incoming("r-new", at: 5_000), incoming("m-new", at: 5_000, from: mallory)], account: account)
        _ = try store.storeArchivePage(
            [
                incoming("r-old1", at: 5_000, stanzaID: "a"),
                incoming("m-old", at: 5_000, from: mallory, stanzaID: "b"),
                incoming("r-old2", at: 5_000, stanzaID: "c"),
            ], sync: nil, account: account, direction: .backward)
        #expect(try store.all(account: account).map(\.body) == ["r-old1", "r-old2", "r-new"])
        #expect(try store.all(mallory, account: account).map(\.body) == ["m-old", "m-new"])
    }

    @Test func streamStateIsPerAccountAndReplacedWhole() throws {
        let other = try store.account(jid: try JID("alice@home.example"))
        let first = StreamResumptionState(
            resumptionID: "r1", location: "[::1]:5222", boundJID: "alice@example.org/a", inboundCount: 1,
            outboundCount: 2, updatedAt: 3, maximumSeconds: 300)
        let second = StreamResumptionState(
            resumptionID: "r2", location: nil, boundJID: "alice@example.org/b", inboundCount: 4, outboundCount: 5,
            updatedAt: 6)
        try store.saveStreamState(first, account: account)
        try store.saveStreamState(first, account: other)
        try store.saveStreamState(second, account: account)
        #expect(try store.streamState(account: account) == second, "no location or maximum left from the first")
        try store.clearStreamState(account: account)
        #expect(try store.streamState(account: account) == nil)
        #expect(try store.streamState(account: other) == first)
    }

    @Test func streamStateSurvivesARestart() throws {
        let path = temporaryDirectory() + "/tern.sqlite"
        let state = StreamResumptionState(
            resumptionID: "abc", location: nil, boundJID: "alice@example.org/tern", inboundCount: 4_294_967_295,
            outboundCount: 0, updatedAt: 1_700_000_000_000, maximumSeconds: nil)
        do {
            let store = try ChatStore(path: path)
            try store.saveStreamState(state, account: try store.account(jid: me))
        }
        let reopened = try ChatStore(path: path)
        #expect(try reopened.streamState(account: try reopened.account(jid: me)) == state)
    }
}
