import ChatModel
import TestSupport
import Testing
import XMPPCore

@Suite struct CommandTests {
    func notices(_ fixture: ModelFixture) -> [String] {
        fixture.model.log.map(\.text) + fixture.model.noticesOf(fixture.model.currentWindow).map(\.text)
    }

    @Test func unknownCommandsAndWrongArgumentsExplainThemselves() {
        let fixture = ModelFixture()
        fixture.model.submit("/frobnicate")
        #expect(notices(fixture).last == "unknown command /frobnicate — type /help for the list of commands")
        fixture.model.submit("/msg")
        #expect(notices(fixture).last == "missing jid — usage: /msg jid [text]")
        fixture.model.submit("/win 9")
        #expect(notices(fixture).last == "no window 9 (there are 1)")
        fixture.model.submit("/roster")
        #expect(notices(fixture).last == "usage: /roster add|remove|rename|group ...")
        fixture.model.submit("/status sleeping")
        #expect(notices(fixture).last == "unknown presence — usage: /status online|chat|away|xa|dnd [message]")
        fixture.model.submit("/set roster.width 500")
        #expect(notices(fixture).last == "roster.width takes 10 to 80")
    }

    @Test func connectAndReconnectSayWhatTheyDo() throws {
        let fixture = ModelFixture()
        fixture.connect()
        fixture.model.submit("/connect")
        #expect(notices(fixture).last == "already connected as alice@example.org/tern")
        fixture.model.submit("/reconnect")
        #expect(
            notices(fixture).last
                == "already connected as alice@example.org/tern; /disconnect and /connect start a new session")
        #expect(fixture.connectionCount == 1, "nothing was torn down")
        fixture.model.submit("/disconnect")
        fixture.model.submit("/disconnect")
        #expect(notices(fixture).last == "alice@example.org is already offline")
        fixture.model.submit("/connect")
        #expect(notices(fixture).contains("connecting as alice@example.org"))
        #expect(fixture.account.status == .online)
    }

    @Test func setIsKeptForTheNextStartAndUnsetGoesBackToTheConfiguration() throws {
        let fixture = ModelFixture()
        var configured = UISettings()
        configured.logHeight = 7
        let first = AppModel(
            accounts: [fixture.account], settings: configured, scheduler: fixture.scheduler,
            settingsStore: fixture.store)
        first.submit("/set roster.width 33")
        first.submit("/set log.height 3")
        #expect(first.noticesOf(first.currentWindow).isEmpty)
        #expect(first.log.last?.text == "log.height = 3 (saved for the next start)")
        #expect(first.changeSetting("theme", to: "dark256") == nil)
        let restarted = AppModel(
            accounts: [fixture.account], settings: configured, scheduler: fixture.scheduler,
            settingsStore: fixture.store)
        #expect(restarted.settings.rosterWidth == 33)
        #expect(restarted.settings.logHeight == 3, "over the configured 7")
        #expect(restarted.settings.theme == "dark256")
        restarted.submit("/set")
        #expect(restarted.log.contains { $0.text == "roster.width = 33 (10-80, saved)" })
        restarted.submit("/unset log.height")
        #expect(restarted.settings.logHeight == 7, "back to config.toml's value")
        #expect(restarted.log.last?.text == "log.height = 7 (as configured)")
        let again = AppModel(
            accounts: [fixture.account], settings: configured, scheduler: fixture.scheduler,
            settingsStore: fixture.store)
        #expect(again.settings.logHeight == 7)
        #expect(again.settings.rosterWidth == 33)
    }

    @Test func cancellingASubscriptionTakesTheContactOffline() throws {
        let fixture = ModelFixture()
        fixture.connect(rosterItems: "<item jid='romeo@example.net' subscription='both'/>")
        let romeo = try JID("romeo@example.net")
        fixture.harness.serverSends("<presence from='romeo@example.net/orchard'/>")
        #expect(fixture.account.feature(PresenceFeature.self)!.manager.availability(of: romeo) == .online)
        fixture.model.submit("/sub cancel romeo@example.net")
        #expect(
            fixture.harness.takeWrittenElements().contains {
                $0.matches("<presence to='romeo@example.net' type='unsubscribe'/>")
            })
        // The server's roster push: we no longer see romeo's presence (and it sends no unavailable).
        fixture.harness.serverSends(
            "<iq type='set' id='push1'><query xmlns='jabber:iq:roster'><item jid='romeo@example.net' subscription='from'/></query></iq>"
        )
        #expect(fixture.account.feature(PresenceFeature.self)!.manager.availability(of: romeo) == .offline)
    }

    @Test func msgOpensAChatAndSends() throws {
        let fixture = ModelFixture()
        fixture.connect()
        fixture.model.submit("/msg romeo@example.net Hello there, Romeo")
        #expect(fixture.model.currentWindow.jid?.description == "romeo@example.net")
        #expect(fixture.model.currentWindow.messages.last?.body == "Hello there, Romeo")
        fixture.model.submit("and a second line")
        #expect(fixture.model.currentWindow.messages.count == 2)
        fixture.model.submit("/me waves")
        #expect(fixture.model.currentWindow.messages.last?.body == "/me waves")
        fixture.model.submit("//help is not a command")
        #expect(fixture.model.currentWindow.messages.last?.body == "/help is not a command")
    }

    @Test func rosterCommandsTalkToTheServer() throws {
        let fixture = ModelFixture(roster: [RosterItem(jid: try JID("romeo@example.net"), name: "Romeo")])
        fixture.connect(rosterItems: "<item jid='romeo@example.net' name='Romeo' subscription='both'/>")
        _ = fixture.harness.takeWritten()
        fixture.model.submit("/roster add juliet@example.com Juliet Capulet")
        var written = fixture.harness.takeWrittenElements()
        #expect(
            written.contains {
                $0.matches(
                    "<iq type='set' id='*'><query xmlns='jabber:iq:roster'><item jid='juliet@example.com' name='Juliet Capulet'/></query></iq>"
                )
            })
        #expect(written.contains { $0.matches("<presence to='juliet@example.com' type='subscribe'/>") })
        fixture.model.submit("/roster rename Romeo \"Romeo M.\"")
        written = fixture.harness.takeWrittenElements()
        #expect(written.first?.child("query")?.child("item")?[attribute: "name"] == "\"Romeo M.\"")
        fixture.model.submit("/roster group romeo@example.net Friends Verona")
        written = fixture.harness.takeWrittenElements()
        #expect(written.first?.child("query")?.child("item")?.children("group").map(\.text) == ["Friends", "Verona"])
        fixture.model.submit("/roster remove romeo@example.net")
        written = fixture.harness.takeWrittenElements()
        #expect(written.first?.child("query")?.child("item")?[attribute: "subscription"] == "remove")
        fixture.model.submit("/sub deny juliet@example.com")
        #expect(fixture.harness.takeWrittenElements().first?[attribute: "type"] == "unsubscribed")
    }

    @Test func statusAndSettings() throws {
        let fixture = ModelFixture()
        fixture.connect()
        _ = fixture.harness.takeWritten()
        fixture.model.submit("/status away gone fishing")
        let presence = try #require(fixture.harness.takeWrittenElements().first)
        #expect(
            presence.matches(
                "<presence><show>away</show><status>gone fishing</status>"
                    + "<c xmlns='http://jabber.org/protocol/caps' hash='sha-1' node='https://tern.im' ver='*'/></presence>"
            ))
        fixture.model.submit("/set roster.grouping presence")
        #expect(fixture.model.settings.rosterGrouping == .presence)
        fixture.model.submit("/set log.visible off")
        #expect(!fixture.model.settings.logVisible)
    }

    @Test func helpComesFromTheTable() {
        let fixture = ModelFixture()
        fixture.model.submit("/help")
        #expect(notices(fixture).contains("/msg jid [text] — open a chat (and send a message)"))
        fixture.model.submit("/help roster")
        #expect(notices(fixture).contains("  /roster rename jid name — rename a contact"))
        #expect(fixture.model.commands.manPageSection().contains(".B /sub allow|deny|request|cancel jid"))
    }

    @Test func tabCompletion() throws {
        let fixture = ModelFixture(roster: [RosterItem(jid: try JID("romeo@example.net"), name: "Romeo Montague")])
        let registry = fixture.model.commands
        func complete(_ line: String) -> [String] {
            registry.completions(for: line, values: { fixture.model.completionValues($0, account: $1) })?.candidates
                ?? []
        }
        #expect(complete("/ro") == ["role", "rooms", "roster"])
        #expect(complete("/roster re") == ["remove", "rename"])
        #expect(complete("/msg ro") == ["\"Romeo Montague\"", "romeo@example.net"])
        #expect(complete("/msg Ro") == ["\"Romeo Montague\"", "romeo@example.net"])
        #expect(complete("/msg \"Romeo M") == ["\"Romeo Montague\""])
        #expect(complete("/status a") == ["away"])
        #expect(complete("/set roster.") == ["roster.grouping", "roster.offline", "roster.visible", "roster.width"])
        #expect(complete("hello") == [])
    }

    @Test func quitDisconnects() {
        let fixture = ModelFixture()
        fixture.connect()
        fixture.model.submit("/quit")
        #expect(fixture.model.quitRequested)
        #expect(fixture.account.status == .offline)
    }
}
