import ChatModel
import ChatStore
import TestSupport
import Testing
import XMPPCore

/// Several accounts under one model: each conversation belongs to an account, commands act on
/// the right one, and one account's trouble leaves the others alone.
@Suite struct MultiAccountTests {
    static let specs = [
        (name: "work", jid: "alice@work.example"), (name: "home", jid: "alice@home.example"),
        (name: "club", jid: "al@club.example"),
    ]
    static let romeo = "<item jid='romeo@example.net' name='Romeo' subscription='both'/>"

    func connected() throws -> ScriptedAccounts {
        let fixture = try ScriptedAccounts(MultiAccountTests.specs)
        for (name, _) in MultiAccountTests.specs { fixture.connect(name, rosterItems: MultiAccountTests.romeo) }
        return fixture
    }

    func notices(_ model: AppModel) -> [String] {
        model.log.map(\.text) + model.noticesOf(model.currentWindow).map(\.text)
    }

    /// The chat messages a harness wrote since it was last read, as (to, body).
    func sentMessages(_ harness: SessionHarness) -> [(String, String)] {
        harness.takeWrittenElements().compactMap { element in
            guard element.name == "message", let body = element.child("body")?.text else { return nil }
            return (element[attribute: "to"] ?? "", body)
        }
    }

    @Test func theSameContactOnTwoAccountsIsTwoWindowsAndTwoHistories() throws {
        let fixture = try connected()
        let model = fixture.model
        #expect(fixture.accounts.allSatisfy { $0.status == .online })
        // Each log line says whose it is.
        let log = model.log.map(\.text)
        #expect(log.contains("work: connected as alice@work.example/tern"), "\(log)")
        #expect(log.contains("club: connected as al@club.example/tern"), "\(log)")
        fixture.receive("work", from: "romeo@example.net/phone", "about the report")
        fixture.receive("home", from: "romeo@example.net/phone", "dinner tonight?")
        fixture.receive("home", from: "romeo@example.net/phone", "at eight")
        let work = try #require(model.window(of: try fixture.key("work", "romeo@example.net")))
        let home = try #require(model.window(of: try fixture.key("home", "romeo@example.net")))
        #expect(work !== home)
        #expect(work.messages.map(\.body) == ["about the report"])
        #expect(home.messages.map(\.body) == ["dinner tonight?", "at eight"])
        #expect(model.unreadCounts[try fixture.key("work", "romeo@example.net")] == 1)
        #expect(model.unreadCounts[try fixture.key("home", "romeo@example.net")] == 2)
        #expect(model.unreadCounts[try fixture.key("club", "romeo@example.net")] == nil)
        // Each account's store rows are its own.
        let romeo = try JID("romeo@example.net")
        let workRows = try fixture.store.lastMessages(
            account: fixture.account("work").accountID, conversation: romeo, limit: 10)
        let homeRows = try fixture.store.lastMessages(
            account: fixture.account("home").accountID, conversation: romeo, limit: 10)
        #expect(workRows.map(\.body) == ["about the report"])
        #expect(homeRows.map(\.body) == ["dinner tonight?", "at eight"])
        // Reading one leaves the other unread.
        model.switchTo(try #require(model.windows.firstIndex { $0 === home }))
        #expect(model.unreadCounts[try fixture.key("home", "romeo@example.net")] == nil)
        #expect(model.unreadCounts[try fixture.key("work", "romeo@example.net")] == 1)
    }

    @Test func whatIsTypedInAWindowGoesOutOnItsAccount() throws {
        let fixture = try connected()
        let model = fixture.model
        for (name, _) in MultiAccountTests.specs { _ = fixture.harness(name).takeWritten() }
        model.openChat(try fixture.key("home", "romeo@example.net"), focus: true)
        model.submit("see you")
        #expect(sentMessages(fixture.harness("home")).map(\.1) == ["see you"])
        #expect(sentMessages(fixture.harness("work")).isEmpty)
        // /msg from that window stays on its account; --account picks another.
        model.submit("/msg romeo@example.net still there?")
        #expect(sentMessages(fixture.harness("home")).map(\.1) == ["still there?"])
        model.submit("/msg --account club romeo@example.net hello from the club")
        #expect(sentMessages(fixture.harness("club")).map(\.1) == ["hello from the club"])
        #expect(model.currentWindow.conversation == (try fixture.key("club", "romeo@example.net")))
        model.submit("/msg --account nowhere romeo@example.net hi")
        #expect(notices(model).last == "no account named nowhere (accounts: work, home, club)")
        model.submit("/msg --account")
        #expect(notices(model).last == "--account needs the name of an account — usage: /msg jid [text]")
    }

    @Test func theConsolePicksTheOneAccountThatKnowsAContact() throws {
        let fixture = try ScriptedAccounts(MultiAccountTests.specs, defaultAccount: "home")
        fixture.connect("work", rosterItems: "<item jid='boss@work.example' name='Boss' subscription='both'/>")
        fixture.connect("home", rosterItems: MultiAccountTests.romeo)
        fixture.connect("club", rosterItems: MultiAccountTests.romeo)
        let model = fixture.model
        #expect(model.currentAccount?.name == "home", "the console acts on default_account")
        model.submit("/msg Boss ready")
        #expect(model.currentWindow.conversation == (try fixture.key("work", "boss@work.example")))
        #expect(sentMessages(fixture.harness("work")).map(\.1) == ["ready"])
        // Known on two accounts: the default one, unless --account says otherwise.
        model.switchTo(0)
        model.submit("/msg Romeo hi")
        #expect(model.currentWindow.conversation == (try fixture.key("home", "romeo@example.net")))
    }

    @Test func disconnectingOneAccountLeavesTheOthersOnline() throws {
        let fixture = try connected()
        let model = fixture.model
        model.submit("/disconnect home")
        #expect(fixture.account("home").status == .offline)
        #expect(fixture.account("work").status == .online)
        #expect(fixture.account("club").status == .online)
        model.submit("/account")
        let listed = notices(model).suffix(3)
        #expect(
            Array(listed) == [
                "work: alice@work.example — online (current)", "home: alice@home.example — offline",
                "club: al@club.example — online",
            ])
        model.submit("/connect nowhere")
        #expect(notices(model).last == "no account named nowhere (accounts: work, home, club)")
        model.submit("/connect home")
        #expect(fixture.account("home").status == .online)
        #expect(fixture.connectionCount("work") == 1, "the others were not touched")
        model.submit("/quit")
        #expect(fixture.accounts.allSatisfy { $0.status == .offline }, "/quit logs every account out")
    }

    @Test func oneUnreachableServerDoesNotHoldBackTheOthers() throws {
        let fixture = try ScriptedAccounts(MultiAccountTests.specs)
        fixture.setReachable(false, "home")
        for (name, _) in MultiAccountTests.specs { fixture.connect(name, rosterItems: MultiAccountTests.romeo) }
        #expect(fixture.account("work").status == .online)
        #expect(fixture.account("club").status == .online)
        guard case .reconnecting = fixture.account("home").status else {
            Issue.record("home should wait to reconnect, is \(fixture.account("home").status)")
            return
        }
        // Messages keep flowing on the others while home waits.
        fixture.receive("club", from: "romeo@example.net/x", "still here")
        #expect(fixture.model.window(of: try fixture.key("club", "romeo@example.net"))?.messages.count == 1)
        fixture.setReachable(true, "home")
        fixture.scheduler.advance(by: .seconds(2))
        fixture.harness("home").serverSends(
            "<iq type='result' id='\(rosterRequestID(fixture.harness("home")))'>"
                + "<query xmlns='jabber:iq:roster' ver='v3'/></iq>")
        #expect(fixture.account("home").status == .online)
        #expect(fixture.connectionCount("work") == 1)
    }

    func rosterRequestID(_ harness: SessionHarness) -> String {
        harness.written.compactMap { XMLElement.parse($0) }.first {
            $0.child("query", namespace: "jabber:iq:roster") != nil
        }?.id ?? ""
    }

    @Test func notificationsNameTheirAccountAndMutingIsPerAccount() throws {
        let fixture = try connected()
        var notified: [Notification] = []
        fixture.model.onNotification = { notified.append($0) }
        fixture.model.submit("/mute --account work romeo@example.net")
        fixture.receive("work", from: "romeo@example.net/a", "muted here")
        fixture.receive("home", from: "romeo@example.net/a", "not muted here")
        #expect(notified.map(\.account) == ["home"])
        #expect(notified.map(\.text) == ["not muted here"])
        #expect(fixture.account("work").feature(NotificationsFeature.self)?.chosen == ["romeo@example.net": .none])
        #expect(fixture.account("home").feature(NotificationsFeature.self)?.chosen.isEmpty == true)
    }

    @Test func readOnAnotherDeviceClearsOnlyThatAccount() throws {
        let fixture = try connected()
        fixture.receive("work", from: "romeo@example.net/a", "one", id: "w1")
        fixture.receive("home", from: "romeo@example.net/a", "two", id: "h1")
        // A carbon of our own displayed marker, on work only.
        fixture.harness("work").serverSends(
            "<message from='alice@work.example' to='alice@work.example/tern'>"
                + "<sent xmlns='urn:xmpp:carbons:2'><forwarded xmlns='urn:xmpp:forward:0'>"
                + "<message xmlns='jabber:client' from='alice@work.example/phone' to='romeo@example.net' type='chat'>"
                + "<displayed xmlns='urn:xmpp:chat-markers:0' id='w1'/></message></forwarded></sent></message>")
        #expect(fixture.model.unreadCounts[try fixture.key("work", "romeo@example.net")] == nil)
        #expect(fixture.model.unreadCounts[try fixture.key("home", "romeo@example.net")] == 1)
    }

    @Test func unreadCountsComeBackPerAccountAfterARestart() throws {
        let fixture = try connected()
        fixture.receive("work", from: "romeo@example.net/a", "one")
        fixture.receive("club", from: "romeo@example.net/a", "two")
        fixture.receive("club", from: "romeo@example.net/a", "three")
        let restarted = AppModel(accounts: fixture.accounts, settings: UISettings(), scheduler: fixture.scheduler)
        #expect(restarted.unreadCounts[try fixture.key("work", "romeo@example.net")] == 1)
        #expect(restarted.unreadCounts[try fixture.key("club", "romeo@example.net")] == 2)
        #expect(restarted.unreadCounts[try fixture.key("home", "romeo@example.net")] == nil)
    }

    @Test func accountNamesCompleteAfterTheOptionAndInConnect() throws {
        let fixture = try connected()
        let registry = fixture.model.commands
        let values = { fixture.model.completionValues($0, account: $1) }
        #expect(registry.completions(for: "/msg --account ", values: values)?.candidates == ["club", "home", "work"])
        #expect(registry.completions(for: "/msg --account h", values: values)?.candidates == ["home"])
        #expect(registry.completions(for: "/msg --acc", values: values)?.candidates == ["--account"])
        #expect(registry.completions(for: "/connect w", values: values)?.candidates == ["work"])
        // After the option, the command's own arguments complete as without it.
        #expect(
            registry.completions(for: "/roster rename --account home rom", values: values)?.candidates
                == ["Romeo", "romeo@example.net"])
    }

    @Test func contactsCompleteFromTheAccountTheLineNames() throws {
        let fixture = try ScriptedAccounts(MultiAccountTests.specs, defaultAccount: "home")
        fixture.connect("work", rosterItems: "<item jid='boss@work.example' name='Boss' subscription='both'/>")
        fixture.connect("home", rosterItems: MultiAccountTests.romeo)
        let values = { fixture.model.completionValues($0, account: $1) }
        let registry = fixture.model.commands
        #expect(registry.completions(for: "/msg ", values: values)?.candidates == ["Romeo", "romeo@example.net"])
        #expect(
            registry.completions(for: "/msg --account work ", values: values)?.candidates
                == ["Boss", "boss@work.example"])
    }

    @Test func theReadSideDescribesEveryAccount() throws {
        let fixture = try ScriptedAccounts(MultiAccountTests.specs)
        fixture.connect("work", rosterItems: MultiAccountTests.romeo)
        fixture.model.submit("/status --account work away lunch")
        let rows = fixture.model.accountRows
        #expect(rows.map(\.name) == ["work", "home", "club"])
        #expect(rows.map(\.status) == [.online, .offline, .offline])
        #expect(rows[0].presence == .away)
        #expect(rows[0].statusMessage == "lunch")
        #expect(fixture.model.contacts(of: "work").map(\.key) == [try fixture.key("work", "romeo@example.net")])
        #expect(fixture.model.contacts(of: "home").isEmpty)
    }

    @Test func aRefusedLoginFailsOnlyItsAccount() throws {
        let fixture = try connected()
        // The server refuses home's credentials: no retry for it, nothing changes for the others.
        fixture.connection("home").onEvent(
            .disconnected(ConnectionFailure(description: "not authorized", isRetryable: false)))
        #expect(fixture.account("home").status == .failed("not authorized"))
        #expect(fixture.account("work").status == .online)
        #expect(fixture.account("club").status == .online)
        fixture.scheduler.advance(by: .seconds(600))
        #expect(fixture.connectionCount("home") == 1, "a refused login is not retried")
        #expect(fixture.connectionCount("work") == 1)
        fixture.receive("work", from: "romeo@example.net/a", "still working")
        #expect(fixture.model.window(of: try fixture.key("work", "romeo@example.net"))?.messages.count == 1)
    }

    @Test func anAccountWithoutAPasswordSaysSoAndTheOthersConnect() throws {
        let fixture = try ScriptedAccounts(MultiAccountTests.specs)
        fixture.account("home").cannotConnect = "the password command \"pass show home\" failed (exit status 1)"
        for (name, _) in MultiAccountTests.specs { fixture.connect(name, rosterItems: MultiAccountTests.romeo) }
        #expect(fixture.connectionCount("home") == 0, "no login is tried without a password")
        #expect(
            fixture.account("home").status == .failed("the password command \"pass show home\" failed (exit status 1)"))
        #expect(
            fixture.model.log.map(\.text).contains(
                "home: the password command \"pass show home\" failed (exit status 1)"))
        #expect(fixture.account("work").status == .online)
        #expect(fixture.account("club").status == .online)
    }

    /// Each account keeps its own backoff: cuts at different times bring back each account on its
    /// own schedule, and a cut of one never reconnects another.
    @Test func reconnectTimersArePerAccount() throws {
        let fixture = try connected()
        fixture.setReachable(false, "home")
        fixture.setReachable(false, "club")
        fixture.connection("home").onEvent(
            .disconnected(ConnectionFailure(description: "connection lost", isRetryable: true)))
        // home was online: retried at once (on the next timer tick), which fails; then it waits.
        fixture.scheduler.advance(by: .milliseconds(1))
        #expect(fixture.connectionCount("home") == 2)
        fixture.scheduler.advance(by: .milliseconds(500))
        fixture.connection("club").onEvent(
            .disconnected(ConnectionFailure(description: "connection lost", isRetryable: true)))
        fixture.scheduler.advance(by: .milliseconds(1))
        #expect(fixture.connectionCount("club") == 2)
        #expect(fixture.connectionCount("home") == 2, "club's cut did not retry home")
        var attempts: [String: [Int]] = ["home": [], "club": []]
        for _ in 0..<40 {
            fixture.scheduler.advance(by: .milliseconds(250))
            for name in ["home", "club"] { attempts[name]!.append(fixture.connectionCount(name)) }
        }
        // Both kept trying (1, 2, 4 s with jitter: at least two more attempts in 10 s), each on its
        // own timer; work was never touched.
        #expect(attempts["home"]!.last! >= 4, "\(attempts)")
        #expect(attempts["club"]!.last! >= 4, "\(attempts)")
        #expect(attempts["home"] != attempts["club"], "their timers are their own: \(attempts)")
        #expect(fixture.connectionCount("work") == 1)
        #expect(fixture.account("work").status == .online)
        guard case .reconnecting = fixture.account("home").status else {
            Issue.record("home: \(fixture.account("home").status)")
            return
        }
    }

    @Test func autoAwayAndBackAreForEveryAccount() throws {
        let fixture = try connected()
        for (name, _) in MultiAccountTests.specs { _ = fixture.harness(name).takeWritten() }
        fixture.scheduler.advance(by: .seconds(16 * 60))
        for (name, _) in MultiAccountTests.specs {
            let away = fixture.harness(name).takeWrittenElements().first { $0.name == "presence" }
            #expect(away?.childText("show") == "away", "\(name)")
        }
        fixture.model.userActivity()
        for (name, _) in MultiAccountTests.specs {
            let back = fixture.harness(name).takeWrittenElements().first { $0.name == "presence" }
            #expect(back != nil && back?.child("show") == nil, "\(name)")
        }
        #expect(fixture.model.log.filter { $0.text.hasPrefix("auto-away") }.count == 1, "one line for all")
    }
}
