import ChatModel
import Foundation
import TestSupport
import Testing
import XMPPCore

@testable import ChatStore

/// Notification levels (`/notify`, config.toml's `[notifications]`) and highlights, on a scripted
/// server: what rings the bell and runs the notify command in a room, a one-to-one chat and a
/// private chat through a room, what counts as a highlight, and what is kept across a restart.
@Suite struct NotificationLevelTests {
    static let room = RoomTests.room
    static let occupant = RoomTests.room + "/firstwitch"
    static let romeo = "romeo@example.net"
    let rooms = RoomTests()

    /// hag66 online with romeo in its roster; `keywords` from config.toml. What the login wrote
    /// stays in the harness (the rooms it enters again) with `store`, an earlier run's.
    func connected(
        keywords: [String] = ["cauldron"], configure: (inout NotificationRules) -> Void = { _ in },
        store: ChatStore? = nil
    ) throws -> ScriptedAccounts {
        var behaviour = AccountBehaviour()
        behaviour.notifications.keywords = keywords
        configure(&behaviour.notifications)
        let fixture = try ScriptedAccounts(
            [(name: "main", jid: "hag66@shakespeare.lit")], store: store, behaviour: behaviour)
        fixture.connect("main", rosterItems: "<item jid='\(Self.romeo)' subscription='both'/>")
        if store == nil { _ = fixture.harness("main").takeWritten() }
        return fixture
    }

    /// What rings, by text.
    func ringing(_ fixture: ScriptedAccounts) -> () -> [String] {
        final class Box { var texts: [String] = [] }
        let box = Box()
        fixture.model.onNotification = { box.texts.append($0.text) }
        return { box.texts }
    }

    func fromRoom(_ fixture: ScriptedAccounts, _ body: String) {
        fixture.harness("main").serverSends(rooms.groupchat("firstwitch", body))
    }

    func fromOccupant(_ fixture: ScriptedAccounts, _ body: String) {
        fixture.harness("main").serverSends(
            "<message from='\(Self.occupant)' type='chat'><body>\(body)</body>"
                + "<x xmlns='http://jabber.org/protocol/muc#user'/></message>")
    }

    func fromRomeo(_ fixture: ScriptedAccounts, _ body: String) {
        fixture.receive("main", from: Self.romeo + "/orchard", body)
    }

    func level(_ fixture: ScriptedAccounts, _ address: String) throws -> (
        NotificationLevel, NotificationsFeature.LevelSource
    )? {
        let notifications = fixture.account("main").feature(NotificationsFeature.self)
        return notifications.map { $0.level(of: try! JID(address)) }.map { ($0.level, $0.source) }
    }

    func lastNotice(_ fixture: ScriptedAccounts) -> String? {
        fixture.model.noticesOf(fixture.model.currentWindow).last?.text ?? fixture.model.log.last?.text
    }

    /// Every level, in a room, a chat and a private chat through the room, for a plain message,
    /// one naming us (our nick in the room, our account's name in the chat) and one with a keyword.
    @Test(arguments: NotificationLevel.allCases)
    func whatRingsAtEachLevel(level: NotificationLevel) throws {
        let fixture = try connected()
        try rooms.enter(fixture)
        let rung = ringing(fixture)
        for address in [Self.room, Self.romeo, Self.occupant] {
            fixture.model.submit("/notify \(level.rawValue) \(address)")
        }
        fromRoom(fixture, "room: plain words")
        fromRoom(fixture, "room: thirdwitch, here")
        fromRoom(fixture, "room: the Cauldron boils")
        fromRomeo(fixture, "chat: plain words")
        fromRomeo(fixture, "chat: hag66, here")
        fromRomeo(fixture, "chat: the cauldron boils")
        fromOccupant(fixture, "pm: plain words")
        fromOccupant(fixture, "pm: @thirdwitch here")
        fromOccupant(fixture, "pm: cauldron!")
        let named = [
            "room: thirdwitch, here", "room: the Cauldron boils", "chat: hag66, here", "chat: the cauldron boils",
            "pm: @thirdwitch here", "pm: cauldron!",
        ]
        let expected: [String] =
            switch level {
            case .all:
                [
                    "room: plain words", "room: thirdwitch, here", "room: the Cauldron boils", "chat: plain words",
                    "chat: hag66, here", "chat: the cauldron boils", "pm: plain words", "pm: @thirdwitch here",
                    "pm: cauldron!",
                ]
            case .mentions: named
            case .none: []
            }
        #expect(rung() == expected)
        // Every level counts what is unread, and the highlights among it.
        for address in [Self.room, Self.romeo, Self.occupant] {
            let key = try fixture.key("main", address)
            #expect(fixture.model.unreadCounts[key] == 3, "\(address)")
            #expect(fixture.model.highlightCounts[key] == 2, "\(address)")
            #expect(fixture.model.window(of: key)?.messages.map(\.highlight) == [false, true, true], "\(address)")
        }
    }

    @Test func tabCompletesTheLevelsThenChatsAndRooms() throws {
        let fixture = try connected()
        try rooms.enter(fixture)
        let model = fixture.model
        func complete(_ line: String) -> [String]? {
            model.commands.completions(for: line, values: { model.completionValues($0, account: $1) })?.candidates
        }
        #expect(complete("/notify ") == ["all", "default", "mentions", "none"])
        #expect(complete("/notify m") == ["mentions"])
        #expect(complete("/notify none co") == [Self.room])
        #expect(complete("/notify all ro") == [Self.romeo])
        #expect(complete("/mute co") == [Self.room])
    }

    @Test func roomsRingOnlyWhenTheyNameUsAndChatsAlwaysByDefault() throws {
        let fixture = try connected(keywords: [])
        try rooms.enter(fixture)
        let rung = ringing(fixture)
        let roomKey = try fixture.key("main", Self.room)
        fromRoom(fixture, "the thirdwitches are late")
        #expect(rung().isEmpty)
        #expect(fixture.model.window(of: roomKey)?.activity == .message, "plain activity in the status bar")
        fromRoom(fixture, "thirdwitch: where hast thou been?")
        #expect(rung() == ["thirdwitch: where hast thou been?"])
        #expect(fixture.model.window(of: roomKey)?.activity == .highlight)
        // A private chat through the room is a chat.
        fromOccupant(fixture, "a word in private")
        fromRomeo(fixture, "hello")
        #expect(rung() == ["thirdwitch: where hast thou been?", "a word in private", "hello"])
        #expect(try level(fixture, Self.room)! == (.mentions, .roomDefault))
        #expect(try level(fixture, Self.occupant)! == (.all, .chatDefault))
        fixture.model.openChat(roomKey, focus: true)
        fixture.model.submit("/notify")
        #expect(
            lastNotice(fixture)
                == "notifications for \(Self.room): mentions (the default for rooms, [notifications] rooms)")
    }

    @Test func configLevelsApplyUntilNotifyChoosesAnotherAndDefaultGoesBack() throws {
        let fixture = try connected {
            $0.rooms = .all
            $0.chats = .mentions
            $0.levels = [Self.romeo: NotificationLevel.none]
        }
        try rooms.enter(fixture)
        let rung = ringing(fixture)
        fromRoom(fixture, "room, plainly")
        fromOccupant(fixture, "private, plainly")
        fromOccupant(fixture, "private, to thirdwitch")
        fromRomeo(fixture, "hag66, even so")
        #expect(rung() == ["room, plainly", "private, to thirdwitch"])
        fixture.model.submit("/notify \(Self.romeo)")
        #expect(
            lastNotice(fixture) == "notifications for \(Self.romeo): none (config.toml's [notifications.levels])")
        fixture.model.submit("/notify all \(Self.romeo)")
        #expect(
            lastNotice(fixture)
                == "notifications for \(Self.romeo): all (set with /notify; /notify default goes back to none,"
                + " config.toml's [notifications.levels])")
        fromRomeo(fixture, "now it rings")
        fixture.model.submit("/notify default \(Self.romeo)")
        #expect(try level(fixture, Self.romeo)! == (.none, .configured))
        fromRomeo(fixture, "and now it does not")
        #expect(rung().last == "now it rings")
        #expect(try fixture.store.notificationLevels(account: fixture.account("main").accountID).isEmpty)
        fixture.model.submit("/notify loudly romeo@example.net")
        #expect(lastNotice(fixture)?.hasPrefix("\"loudly\" is not a level") == true, "\(lastNotice(fixture) ?? "")")
    }

    @Test func notifyIsKeptForTheNextStart() throws {
        let first = try connected()
        try rooms.enter(first)
        first.model.submit("/notify all \(Self.room)")
        first.model.submit("/notify none \(Self.romeo)")
        first.model.submit("/notify mentions \(Self.occupant)")

        let restarted = try connected(store: first.store)
        let rung = ringing(restarted)
        #expect(try level(restarted, Self.room)! == (.all, .chosen))
        #expect(try level(restarted, Self.romeo)! == (.none, .chosen))
        #expect(try level(restarted, Self.occupant)! == (.mentions, .chosen))
        // Entered again after the new session.
        try rooms.answerDisco(restarted, features: [])
        restarted.harness("main").serverSends(rooms.presence("thirdwitch", codes: [110]))
        fromRoom(restarted, "a plain line, after the restart")
        fromRomeo(restarted, "hag66? anyone?")
        fromOccupant(restarted, "psst")
        #expect(rung() == ["a plain line, after the restart"])
    }

    @Test func muteIsNoneAndUnmuteGoesBackToTheConfiguredLevel() throws {
        let fixture = try connected { $0.levels = [Self.romeo: .mentions] }
        try rooms.enter(fixture)
        let rung = ringing(fixture)
        let romeoKey = try fixture.key("main", Self.romeo)
        fixture.model.submit("/mute \(Self.romeo)")
        #expect(
            lastNotice(fixture)
                == "notifications for \(Self.romeo): none (set with /notify; /notify default goes back to mentions,"
                + " config.toml's [notifications.levels])")
        #expect(fixture.model.contact(romeoKey)?.muted == true, "the roster says (muted)")
        fromRomeo(fixture, "hag66, are you there?")
        #expect(rung().isEmpty)
        fixture.model.submit("/unmute \(Self.romeo)")
        #expect(try level(fixture, Self.romeo)! == (.mentions, .configured))
        #expect(fixture.model.contact(romeoKey)?.muted == false)
        fromRomeo(fixture, "plain again")
        fromRomeo(fixture, "hag66, again")
        #expect(rung() == ["hag66, again"])
        // In a room's window, /mute mutes the room.
        fixture.model.openChat(try fixture.key("main", Self.room), focus: true)
        fixture.model.submit("/mute")
        fromRoom(fixture, "thirdwitch, listen")
        #expect(try level(fixture, Self.room)! == (.none, .chosen))
        #expect(rung() == ["hag66, again"])
    }

    @Test func aContactMutedBeforeLevelsExistedStaysSilent() throws {
        // A database from before notification levels, with romeo muted.
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("tern-levels-\(UUID().uuidString)")
            .path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        do {
            let connection = try SQLiteConnection(path: path + "/tern.sqlite")
            try connection.registerTextFunction("tern_search_text") { context, _, arguments in
                SQLiteFunction.setResult(context, text: SQLiteFunction.textArgument(arguments))
            }
            let before = try #require(
                Schema.migrations.firstIndex { $0.name == "replace-muting-with-notification-levels" })
            try Migrator.migrate(connection, migrations: Array(Schema.migrations.prefix(before)))
            try connection.execute(
                """
                INSERT INTO account (id, jid, name) VALUES (1, 'hag66@shakespeare.lit', 'main');
                INSERT INTO contact_setting (account_id, jid, muted) VALUES (1, '\(Self.romeo)', 1);
                """)
        }
        let fixture = try connected(store: try ChatStore(path: path + "/tern.sqlite"))
        let rung = ringing(fixture)
        fromRomeo(fixture, "hag66, it is I")
        #expect(rung().isEmpty)
        #expect(try level(fixture, Self.romeo)! == (.none, .chosen))
        #expect(fixture.model.contact(try fixture.key("main", Self.romeo))?.muted == true)
        fixture.model.submit("/unmute \(Self.romeo)")
        fromRomeo(fixture, "and again")
        #expect(rung() == ["and again"])
    }

    @Test func aKeywordOrNickInsideAnotherWordIsNoHighlight() throws {
        let fixture = try connected(keywords: ["deploy"])
        try rooms.enter(fixture)
        let rung = ringing(fixture)
        fixture.model.submit("/notify mentions \(Self.romeo)")
        fromRomeo(fixture, "the deployment is done")
        fromRomeo(fixture, "redeploy tomorrow, hag666")
        fromRoom(fixture, "the thirdwitches and undeployed things")
        #expect(rung().isEmpty)
        fromRomeo(fixture, "DEPLOY: done")
        fromRoom(fixture, "ready to deploy?")
        #expect(rung() == ["DEPLOY: done", "ready to deploy?"])
        let stored = try fixture.store.lastMessages(
            account: fixture.account("main").accountID, conversation: try JID(Self.romeo), limit: 10)
        #expect(stored.map(\.highlight) == [false, false, true])
    }

    /// Messages from the archive (a first login's newest) are highlights as live ones are; none
    /// of them rings.
    @Test func archivedMessagesThatNameUsAreCountedAsHighlights() throws {
        let fixture = ModelFixture()
        var rung: [String] = []
        fixture.model.onNotification = { rung.append($0.text) }
        let archive = ScriptedArchive(items: [
            .init(
                id: "a1", from: "romeo@example.net/orchard", to: "alice@example.org", body: "plain",
                stamp: "2026-11-25T14:00:00Z"),
            .init(
                id: "a2", from: "romeo@example.net/orchard", to: "alice@example.org", body: "Alice? are you there",
                stamp: "2026-11-25T14:01:00Z"),
            .init(
                id: "a3", from: "alice@example.org/phone", to: "romeo@example.net", body: "alice is here",
                stamp: "2026-11-25T14:02:00Z"),
        ])
        fixture.connect(rosterItems: "<item jid='romeo@example.net' subscription='both'/>")
        for _ in 0..<10 where archive.answerPending(in: fixture.harness) > 0 {}
        let stored = try fixture.store.lastMessages(
            account: fixture.account.accountID, conversation: try JID(Self.romeo), limit: 10)
        #expect(stored.map(\.body) == ["plain", "Alice? are you there", "alice is here"])
        #expect(stored.map(\.highlight) == [false, true, false], "what we sent names nobody")
        let key = try fixture.key(Self.romeo)
        #expect(fixture.model.unreadCounts[key] == 2)
        #expect(fixture.model.highlightCounts[key] == 1)
        #expect(rung.isEmpty)
    }

    @Test func roomsCountUnreadHighlightsAcrossARestartUntilRead() throws {
        let fixture = try connected()
        try rooms.enter(fixture)
        fromRoom(fixture, "plain")
        fromRoom(fixture, "thirdwitch: one")
        fromRoom(fixture, "the cauldron: two")
        // What we say ourselves counts for nothing.
        fixture.harness("main").serverSends(rooms.groupchat("thirdwitch", "thirdwitch talks to herself"))
        #expect(fixture.model.rooms(of: "main").map { [$0.unread, $0.highlights] } == [[3, 2]])

        let restarted = try connected(store: fixture.store)
        #expect(restarted.model.rooms(of: "main").map { [$0.unread, $0.highlights] } == [[3, 2]])
        let key = try restarted.key("main", Self.room)
        restarted.model.openChat(key, focus: true)
        #expect(restarted.model.rooms(of: "main").map { [$0.unread, $0.highlights] } == [[0, 0]])
        #expect(try restarted.store.unreadCounts(account: restarted.account("main").accountID)[Self.room] == nil)
    }
}
