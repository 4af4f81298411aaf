import Testing
import XMPPCore

@testable import ChatStore

@Suite struct HistoryTests {
    let store = try! ChatStore.inMemory()
    var account: AccountID { try! store.account(jid: me) }

    @Test func orderedByTimestampThenArrival() throws {
        _ = try store.insert(
            [
                incoming("late", at: 30, stanzaID: "a"), incoming("tie-1", at: 20, stanzaID: "b"),
                incoming("early", at: 10, stanzaID: "c"), incoming("tie-2", at: 20, stanzaID: "d"),
            ], account: account)
        #expect(try store.all(account: account).map(\.body) == ["early", "tie-1", "tie-2", "late"])
    }

    @Test func aWholeSecondStampFromTheSameSecondAsTheNewestGoesBelowIt() throws {
        _ = try store.insert(incoming("live, 5.7 s", at: 5_700), account: account)
        _ = try store.storeArchivePage(
            [incoming("archived next, stamped 5 s", at: 5_000, stanzaID: "a2")], sync: nil, account: account)
        _ = try store.insert(incoming("a second later", at: 6_000), account: account)
        _ = try store.storeArchivePage(
            [incoming("an older page, 5 s", at: 5_000, stanzaID: "a0")], sync: nil, account: account,
            direction: .backward)
        let stored = try store.all(account: account)
        #expect(
            stored.map(\.body) == ["an older page, 5 s", "live, 5.7 s", "archived next, stamped 5 s", "a second later"])
        #expect(stored.map(\.timestamp) == [5_000, 5_700, 5_700, 6_000], "moved within its second, no further")
    }

    @Test func pagingReachesTheWholeHistoryInOrderOnce() throws {
        let messages = (0..<1000).map { incoming("m\($0)", at: Int64($0 / 3), stanzaID: "s\($0)") }
        _ = try store.insert(messages, account: account)
        #expect(try store.pagedBack(account: account, pageSize: 50) == messages.map(\.body))
        var forward = try store.messages(after: try #require(try store.all(account: account).first).id, limit: 100)
        #expect(forward.first?.body == "m1")
        forward = try store.messages(after: try #require(forward.last).id, limit: 10_000)
        #expect(forward.last?.body == "m999")
    }

    @Test func conversationsByActivityWithUnreadCounts() throws {
        let juliet = try JID("juliet@example.net")
        _ = try store.insert(
            [
                incoming("a", at: 10, from: romeo), incoming("b", at: 20, from: juliet),
                incoming("c", at: 30, from: juliet),
            ],
            account: account)
        _ = try store.insert(outgoing("reply", at: 40, id: "r1"), account: account)
        let list = try store.conversations(account: account)
        #expect(list.map(\.jid) == ["romeo@example.net", "juliet@example.net"])
        #expect(
            try store.unreadCounts(account: account) == [
                "romeo@example.net": UnreadCount(messages: 1), "juliet@example.net": UnreadCount(messages: 2),
            ])
        try store.markRead(account: account, conversation: juliet, upTo: 20)
        #expect(try store.unreadCounts(account: account)["juliet@example.net"] == UnreadCount(messages: 1))
    }

    @Test func highlightsAreKeptAndCountedUntilRead() throws {
        var mention = incoming("alice: look", at: 20, id: "m1")
        mention.highlight = true
        let correctedIntoOne = incoming("see this", at: 30, id: "m2")
        var correction = incoming("alice, see this", at: 31, id: "m3", corrects: "m2")
        correction.highlight = true
        _ = try store.insert([incoming("plain", at: 10), mention, correctedIntoOne], account: account)
        _ = try store.insert(correction, account: account)
        #expect(
            try store.all(account: account).map(\.highlight) == [false, true, true], "a correction naming us counts")
        #expect(try store.unreadCounts(account: account)[romeo.description] == UnreadCount(messages: 3, highlights: 2))
        try store.markRead(account: account, conversation: romeo, upTo: 20)
        #expect(try store.unreadCounts(account: account)[romeo.description] == UnreadCount(messages: 1, highlights: 1))
        try store.markRead(account: account, conversation: romeo, upTo: 40)
        #expect(try store.unreadCounts(account: account).isEmpty)
    }

    @Test func notificationLevelsAreKeptPerConversationAndForgotten() throws {
        let room = try JID("coven@chat.shakespeare.lit")
        let occupant = try JID("coven@chat.shakespeare.lit/firstwitch")
        try store.setNotificationLevel("all", conversation: room, account: account)
        try store.setNotificationLevel("none", conversation: occupant, account: account)
        try store.setNotificationLevel("mentions", conversation: romeo, account: account)
        try store.setNotificationLevel(nil, conversation: romeo, account: account)
        #expect(
            try store.notificationLevels(account: account) == [
                room.description: "all", occupant.description: "none",
            ])
        let other = try store.account(jid: try JID("alice@home.example"))
        #expect(try store.notificationLevels(account: other).isEmpty, "per account")
        #expect(throws: StoreError.self) {
            try store.setNotificationLevel("loud", conversation: romeo, account: account)
        }
    }

    @Test func accountsAreSeparate() throws {
        let other = try store.account(jid: try JID("bob@example.org"), name: "home")
        _ = try store.insert(incoming("for alice"), account: account)
        #expect(try store.lastMessages(account: other, conversation: romeo, limit: 10).isEmpty)
        #expect(try store.account(jid: me) == account)
        #expect(try store.existingAccount(jid: try JID("nobody@example.org")) == nil)
    }

    @Test func errorsAreShownAgainstTheFailedMessage() throws {
        let id = try store.enqueue(outgoing("to nowhere", id: "e1"), stanza: "<message/>", account: account).row
        let failed = try store.markFailed(
            account: account, conversation: romeo, idAttribute: "e1", error: "recipient-unavailable")
        #expect(failed == id)
        let message = try #require(try store.message(id: id))
        #expect(message.state == .failed)
        #expect(message.error == "recipient-unavailable")
    }
}

@Suite struct RosterAndSyncTests {
    let store = try! ChatStore.inMemory()
    var account: AccountID { try! store.account(jid: me) }

    @Test func rosterReplaceAndPushesWithVersion() throws {
        let juliet = try JID("juliet@example.net")
        try store.replaceRoster(
            [
                RosterItem(jid: romeo, name: "Romeo", groups: ["Friends", "Verona"], subscription: .both),
                RosterItem(jid: juliet, subscription: .none, pendingOut: true),
            ], version: "v1", account: account)
        #expect(try store.rosterVersion(account: account) == "v1")
        var roster = try store.roster(account: account)
        #expect(roster.count == 2)
        #expect(roster.first { $0.jid == romeo }?.groups == ["Friends", "Verona"])
        #expect(roster.first { $0.jid == juliet }?.pendingOut == true)
        try store.applyRosterChange(
            RosterItem(jid: romeo, name: "R.", groups: ["Verona"], subscription: .both), removed: false, version: "v2",
            account: account)
        try store.applyRosterChange(RosterItem(jid: juliet), removed: true, version: "v3", account: account)
        roster = try store.roster(account: account)
        #expect(roster == [RosterItem(jid: romeo, name: "R.", groups: ["Verona"], subscription: .both)])
        #expect(try store.rosterVersion(account: account) == "v3")
    }

    @Test func archiveSyncPointIsStoredWithItsPage() throws {
        let sync = ArchiveSyncState(archive: me.description, lastStanzaID: "s2", lastTimestamp: 2, syncedAt: 99)
        _ = try store.storeArchivePage(
            [incoming("a", at: 1, stanzaID: "s1"), incoming("b", at: 2, stanzaID: "s2")],
            sync: sync, account: account)
        #expect(try store.archiveSync(account: account, archive: me) == sync)
        try store.setArchiveBackfill(account: account, conversation: romeo, oldestID: "s1", complete: true)
        let backfill = try store.archiveBackfill(account: account, conversation: romeo)
        #expect(backfill.oldestID == "s1")
        #expect(backfill.complete)
    }

    /// Archive pages stored newest page first (a first login): messages of the same second keep
    /// the archive's order across pages, and the newest ends up last.
    @Test func pagesStoredNewestFirstKeepTheArchivesOrderWithinASecond() throws {
        // 500 messages, 100 per second, fetched backward in pages of 50.
        let archive = (0..<500).map { incoming("m\($0)", at: 1_000 * Int64($0 / 100), stanzaID: "s\($0)") }
        for end in stride(from: 500, to: 0, by: -50) {
            _ = try store.storeArchivePage(
                Array(archive[(end - 50)..<end]), sync: nil, account: account, direction: .backward)
        }
        #expect(try store.all(account: account).map(\.body) == (0..<500).map { "m\($0)" })
        #expect(try store.oldestArchiveID(account: account, conversation: romeo, archive: me) == "s0")
        // Paging back from the newest walks the same order.
        #expect(try store.pagedBack(account: account, pageSize: 50) == (0..<500).map { "m\($0)" })
    }

    /// An older page inserted later goes in front; what was stored keeps its order; live
    /// messages and forward pages go after everything, also within the same second.
    @Test func laterInsertsNeverReorderWhatIsStored() throws {
        _ = try store.storeArchivePage(
            (10..<20).map { incoming("m\($0)", at: 5_000, stanzaID: "s\($0)") }, sync: nil, account: account,
            direction: .backward)
        let before = try store.all(account: account).map(\.id)
        _ = try store.insert(incoming("live", at: 5_000, id: "l1", originID: "l1"), account: account)
        _ = try store.storeArchivePage(
            (0..<10).map { incoming("m\($0)", at: 5_000, stanzaID: "s\($0)") }, sync: nil, account: account,
            direction: .backward)
        _ = try store.storeArchivePage(
            [incoming("m20", at: 5_000, stanzaID: "s20")], sync: nil, account: account, direction: .forward)
        let all = try store.all(account: account)
        #expect(all.map(\.body) == (0..<20).map { "m\($0)" } + ["live", "m20"])
        #expect(Array(all.map(\.id)[10..<20]) == before, "the stored rows kept their places")
    }

    /// An archive that stamps finer than seconds (ejabberd) against arrival times: messages of a
    /// forward page stamped less than a second before the newest stored one (the server stamped
    /// them before our clock saw an earlier one arrive) take its time, so the window shows them
    /// in the archive's order; live ones keep their arrival times.
    @Test func archivedMessagesStampedJustBeforeTheNewestArrivalStillComeAfterIt() throws {
        _ = try store.insert(incoming("live 1", at: 5_230, id: "l1", originID: "l1"), account: account)
        _ = try store.insert(incoming("live 2", at: 5_260, id: "l2", originID: "l2"), account: account)
        _ = try store.storeArchivePage(
            [
                incoming("archived 3", at: 5_241, stanzaID: "s3"), incoming("archived 4", at: 5_250, stanzaID: "s4"),
                incoming("archived 5", at: 6_400, stanzaID: "s5"),
            ], sync: nil, account: account, direction: .forward)
        _ = try store.insert(incoming("live 6", at: 6_390, id: "l6", originID: "l6"), account: account)
        // More than a second before: clocks that far apart are not mended.
        _ = try store.storeArchivePage(
            [incoming("archived 7", at: 5_300, stanzaID: "s7")], sync: nil, account: account, direction: .forward)
        let all = try store.all(account: account)
        #expect(
            all.map(\.body) == ["live 1", "live 2", "archived 3", "archived 4", "archived 7", "live 6", "archived 5"])
        #expect(all.map(\.timestamp) == [5_230, 5_260, 5_260, 5_260, 5_300, 6_390, 6_400])
    }

    /// What we typed offline is stored at the time typed, and where the server puts it is not
    /// known yet: it does not make a message of the second before it (resent with a delay stamp
    /// on a resumed stream, or from the archive) lose its place behind what arrived live in that
    /// second.
    @Test func ourUnconfirmedMessagesDoNotMoveDelayedOrArchivedOnes() throws {
        _ = try store.insert(incoming("live 1", at: 5_200, id: "l1", originID: "l1"), account: account)
        _ = try store.insert(incoming("live 2", at: 5_800, id: "l2", originID: "l2"), account: account)
        _ = try store.insert(outgoing("typed offline", at: 6_100, id: "o1"), account: account)
        _ = try store.insert(incoming("delayed 3, stamped 5 s", at: 5_000, id: "d3", originID: "d3"), account: account)
        _ = try store.storeArchivePage(
            [
                incoming("archived 4, stamped 5 s", at: 5_000, stanzaID: "s4"),
                outgoing("typed offline", at: 7_000, id: "o1", stanzaID: "s5"),
            ], sync: nil, account: account, direction: .forward)
        let all = try store.all(account: account)
        #expect(
            all.map(\.body) == [
                "live 1", "live 2", "delayed 3, stamped 5 s", "archived 4, stamped 5 s", "typed offline",
            ])
        #expect(all.map(\.timestamp) == [5_200, 5_800, 5_800, 5_800, 6_100])
    }

    @Test func streamStateRoundTrips() throws {
        #expect(try store.streamState(account: account) == nil)
        let state = StreamResumptionState(
            resumptionID: "r1", location: "[::1]:5222", boundJID: "alice@example.org/tern", inboundCount: 5,
            outboundCount: 7, updatedAt: 123, maximumSeconds: 300)
        try store.saveStreamState(state, account: account)
        #expect(try store.streamState(account: account) == state)
        try store.clearStreamState(account: account)
        #expect(try store.streamState(account: account) == nil)
    }
}
