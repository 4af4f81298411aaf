import Testing
import XMPPCore

@testable import ChatStore

/// What the store keeps per account besides messages (accounts, the roster, what a login learnt)
/// and for the whole client (interface settings, the capabilities cache).
@Suite struct AccountDataTests {
    let store = try! ChatStore.inMemory()
    var account: AccountID { try! store.account(jid: me) }

    @Test func anAccountIsItsBareJIDAndKeepsItsName() throws {
        let work = try store.account(jid: try JID("Alice@Example.org/tern"), name: "work")
        #expect(work == account, "the same account from any resource and case")
        _ = try store.account(jid: me)
        let home = try store.account(jid: try JID("alice@home.example"))
        #expect(
            try store.accounts() == [
                ChatStore.StoredAccount(id: work, jid: "alice@example.org", name: "work"),
                ChatStore.StoredAccount(id: home, jid: "alice@home.example", name: nil),
            ], "a later call without a name keeps it")
        _ = try store.account(jid: me, name: "office")
        #expect(try store.accounts().first?.name == "office")
        #expect(try store.existingAccount(jid: try JID("alice@example.org/phone")) == work)
    }

    @Test func whatALoginLearntIsKeptPerAccount() throws {
        let other = try store.account(jid: try JID("alice@home.example"))
        #expect(try store.channelBinding(account: account) == nil)
        #expect(try store.pinnedMechanism(account: account) == nil)
        try store.setChannelBinding("tls-exporter", account: account)
        try store.setPinnedMechanism("SCRAM-SHA-256-PLUS", account: account)
        try store.setPinnedMechanism("SCRAM-SHA-512", account: other)
        #expect(try store.channelBinding(account: account) == "tls-exporter")
        #expect(try store.pinnedMechanism(account: account) == "SCRAM-SHA-256-PLUS")
        #expect(try store.channelBinding(account: other) == nil)
        #expect(try store.pinnedMechanism(account: other) == "SCRAM-SHA-512")
        try store.setChannelBinding("tls-server-end-point", account: account)
        #expect(try store.channelBinding(account: account) == "tls-server-end-point")
    }

    @Test func aReplacedRosterDropsWhatIsNoLongerInItWithItsGroups() throws {
        let juliet = try JID("juliet@example.net")
        try store.replaceRoster(
            [RosterItem(jid: romeo, groups: ["Friends"]), RosterItem(jid: juliet, groups: ["Family"])], version: "v1",
            account: account)
        try store.replaceRoster([RosterItem(jid: juliet, groups: [])], version: "v2", account: account)
        #expect(try store.roster(account: account) == [RosterItem(jid: juliet)])
        let groups = try store.db.statement("SELECT count(*) FROM roster_group").first { $0.int(0) }
        #expect(groups == 0, "no group rows left behind")
    }

    @Test func rosterItemsAreStoredBareWithTheirGroupsOnce() throws {
        let item = RosterItem(
            jid: try JID("romeo@example.net/balcony"), name: "Romeo", groups: ["Verona", "Friends", "Verona"],
            subscription: .from, pendingOut: true, approved: true)
        try store.applyRosterChange(item, removed: false, version: nil, account: account)
        let stored = try #require(try store.roster(account: account).first)
        #expect(stored.jid == romeo)
        #expect(stored.groups == ["Friends", "Verona"])
        #expect(stored.subscription == .from && stored.pendingOut && stored.approved && stored.name == "Romeo")
    }

    @Test func aPushWithoutAVersionKeepsTheStoredVersion() throws {
        try store.replaceRoster([RosterItem(jid: romeo)], version: "v7", account: account)
        try store.applyRosterChange(RosterItem(jid: mallory), removed: false, version: nil, account: account)
        #expect(try store.rosterVersion(account: account) == "v7")
        try store.applyRosterChange(
            RosterItem(jid: try JID("nobody@example.org")), removed: true, version: "v8", account: account)
        #expect(try store.roster(account: account).map(\.jid) == [mallory, romeo], "removing an unknown item")
        #expect(try store.rosterVersion(account: account) == "v8")
        try store.replaceRoster([], version: nil, account: account)
        #expect(try store.rosterVersion(account: account) == nil, "a roster without versioning")
        #expect(try store.roster(account: account).isEmpty)
    }

    @Test func eachAccountHasItsOwnRoster() throws {
        let other = try store.account(jid: try JID("alice@home.example"))
        try store.replaceRoster([RosterItem(jid: romeo, groups: ["Work"])], version: "w1", account: account)
        try store.replaceRoster([RosterItem(jid: romeo, groups: ["Home"])], version: "h1", account: other)
        #expect(try store.roster(account: account).first?.groups == ["Work"])
        #expect(try store.roster(account: other).first?.groups == ["Home"])
        try store.applyRosterChange(RosterItem(jid: romeo), removed: true, version: "w2", account: account)
        #expect(try store.roster(account: other).count == 1)
        #expect(try store.rosterVersion(account: other) == "h1")
    }

    @Test func interfaceSettingsAreSetChangedAndForgotten() throws {
        let path = temporaryDirectory() + "/tern.sqlite"
        do {
            let store = try ChatStore(path: path)
            try store.setUISetting("theme", to: "dark256")
            try store.setUISetting("roster.width", to: "30")
            try store.setUISetting("theme", to: "light")
            try store.setUISetting("log.visible", to: "on")
            try store.setUISetting("log.visible", to: nil)
            try store.setUISetting("never.set", to: nil)
        }
        #expect(try ChatStore(path: path).uiSettings() == ["theme": "light", "roster.width": "30"])
    }

    @Test func aNotificationLevelNeedsNoMessagesAndCanBeChanged() throws {
        try store.setNotificationLevel("none", conversation: mallory, account: account)
        try store.setNotificationLevel("mentions", conversation: mallory, account: account)
        #expect(try store.notificationLevels(account: account) == [mallory.description: "mentions"])
        #expect(try store.conversations(account: account).isEmpty, "no conversation is created for it")
    }

    @Test func capabilitiesAreCachedByVerificationString() throws {
        try store.storeCapabilities(
            ["urn:xmpp:receipts", "http://jabber.org/protocol/chatstates"], ver: "QgayPKawpkPSDYmwT/WM94uAlu0=")
        try store.storeCapabilities([], ver: "empty=")
        try store.storeCapabilities(["urn:xmpp:receipts"], ver: "QgayPKawpkPSDYmwT/WM94uAlu0=")
        #expect(
            try store.capabilities() == [
                "QgayPKawpkPSDYmwT/WM94uAlu0=": ["urn:xmpp:receipts"], "empty=": [],
            ])
    }
}
