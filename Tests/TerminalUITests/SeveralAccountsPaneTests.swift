import ChatModel
import Foundation
import TerminalUI
import TestSupport
import Testing
import XMPPCore

/// The screen with several accounts: each account's state in the status bar, the roster grouped
/// (and folded) by account, titles and window names that say which account a chat is on.
@Suite(.serialized) struct SeveralAccountsPaneTests {
    final class Screen {
        let accounts: ScriptedAccounts
        let controller: UIController
        let screen = ScreenBuffer(rows: 30, columns: 120)

        init() throws {
            TextWidth.prepareLocale()
            setenv("TZ", "UTC", 1)
            tzset()
            accounts = try ScriptedAccounts(
                [(name: "work", jid: "alice@work.example"), (name: "home", jid: "alice@home.example")],
                scheduler: ManualScheduler(now: 1_764_000_000_000))
            controller = UIController(
                model: accounts.model, themes: ThemeLibrary(environment: ["HOME": "/nonexistent"]), colorCount: 8,
                rows: 30, columns: 120, clock: { [accounts] in accounts.scheduler.now })
        }

        @discardableResult
        func render() -> String {
            controller.render(on: screen)
            return screen.text
        }

        func press(_ event: KeyEvent) {
            controller.handle(event)
            render()
        }

        /// The roster pane's rows, trimmed.
        func rosterRows() -> [String] {
            render()
            guard let pane = controller.layout?.roster else { return [] }
            return (pane.row..<(pane.row + pane.height)).map { row in
                String(screen.text(row: row).prefix(pane.width)).trimmingCharacters(in: .whitespaces)
            }.filter { !$0.isEmpty }
        }

        var statusLine: String { screen.text(row: screen.rows - 2) }
    }

    static let roster = [
        "work": "<item jid='boss@work.example' name='Boss' subscription='both'><group>Team</group></item>",
        "home": "<item jid='romeo@example.net' name='Romeo' subscription='both'/>",
    ]

    @Test func theStatusBarShowsEveryAccountsState() throws {
        let ui = try Screen()
        ui.accounts.setReachable(false, "home")
        ui.accounts.connect("work", rosterItems: SeveralAccountsPaneTests.roster["work"]!)
        ui.accounts.connect("home")
        ui.render()
        let line = ui.statusLine
        #expect(line.contains("[work: online] [home: reconnecting in "), "\(line)")
        ui.accounts.model.submit("/status --account work dnd")
        ui.render()
        #expect(ui.statusLine.contains("[work: online dnd] [home: reconnecting in "), "\(ui.statusLine)")
    }

    @Test func theRosterIsGroupedByAccountAndFolds() throws {
        let ui = try Screen()
        for name in ["work", "home"] {
            ui.accounts.connect(name, rosterItems: SeveralAccountsPaneTests.roster[name]!)
        }
        #expect(
            ui.rosterRows() == ["▾ work · online", "Team", "○ Boss", "▾ home · online", "○ Romeo"],
            "\(ui.rosterRows())")
        ui.accounts.receive("home", from: "romeo@example.net/p", "hi")
        ui.accounts.receive("home", from: "romeo@example.net/p", "there")
        #expect(ui.rosterRows().last == "○ Romeo (2)")
        // F2, then down to the home header; Enter folds it, with its unread total on the header.
        ui.press(.key(.function(2)))
        for _ in 0..<2 { ui.press(.key(.down)) }
        ui.press(.key(.enter))
        #expect(ui.rosterRows() == ["▾ work · online", "Team", "○ Boss", "▸ home · online (2)"], "\(ui.rosterRows())")
        // Another message updates the folded header; z unfolds.
        ui.accounts.receive("home", from: "romeo@example.net/p", "!")
        #expect(ui.rosterRows().last == "▸ home · online (3)")
        ui.press(.character("z"))
        #expect(ui.rosterRows().last == "○ Romeo (3)")
    }

    /// An account's state changes its header at once, with no roster event to rebuild the pane.
    @Test func anAccountsHeaderFollowsItsConnection() throws {
        let ui = try Screen()
        for name in ["work", "home"] {
            ui.accounts.connect(name, rosterItems: SeveralAccountsPaneTests.roster[name]!)
        }
        #expect(ui.rosterRows().contains("▾ home · online"))
        ui.accounts.setReachable(false, "home")
        ui.accounts.connection("home").onEvent(
            .disconnected(ConnectionFailure(description: "connection lost", isRetryable: true)))
        ui.accounts.scheduler.advance(by: .milliseconds(1))
        let rows = ui.rosterRows()
        #expect(rows.contains { $0.hasPrefix("▾ home · reconnecting") }, "\(rows)")
        #expect(rows.contains("▾ work · online"))
        #expect(rows.contains("○ Romeo"), "the rest of the pane is still there")
    }

    @Test func aChatsTitleAndWindowNameSayItsAccount() throws {
        let ui = try Screen()
        for name in ["work", "home"] {
            ui.accounts.connect(name, rosterItems: SeveralAccountsPaneTests.roster[name]!)
        }
        ui.accounts.model.openChat(try ui.accounts.key("home", "romeo@example.net"), focus: true)
        ui.render()
        #expect(
            ui.screen.text(row: 0).contains("[home] Romeo <romeo@example.net> — offline"), "\(ui.screen.text(row: 0))")
        #expect(ui.statusLine.contains("[2:Romeo (home)]"), "\(ui.statusLine)")
        // Enter on a contact opens its chat on its own account.
        ui.press(.key(.function(2)))
        ui.press(.key(.home))
        ui.press(.key(.down))
        ui.press(.key(.enter))
        #expect(ui.accounts.model.currentWindow.conversation == (try ui.accounts.key("work", "boss@work.example")))
        #expect(ui.statusLine.contains("[3:Boss (work)]"), "\(ui.statusLine)")
    }

    @Test func addingAContactFromTheRosterUsesTheSelectedAccount() throws {
        let ui = try Screen()
        for name in ["work", "home"] {
            ui.accounts.connect(name, rosterItems: SeveralAccountsPaneTests.roster[name]!)
        }
        for name in ["work", "home"] { _ = ui.accounts.harness(name).takeWritten() }
        ui.press(.key(.function(2)))
        ui.press(.key(.end))
        ui.press(.character("a"))
        for character in "mercutio@example.net" { ui.controller.handle(.character(character)) }
        ui.press(.key(.enter))
        ui.press(.key(.enter))
        let sets = ui.accounts.harness("home").takeWrittenElements().filter {
            $0.child("query", namespace: "jabber:iq:roster") != nil
        }
        #expect(sets.count == 1)
        #expect(ui.accounts.harness("work").takeWrittenElements().isEmpty)
    }
}
