import ChatModel
import ChatStore
import Foundation
import TerminalUI
import Testing
import XMPPCore

/// PageUp, PageDown and End in the chat pane: through a message taller than the pane a page at a
/// time, back to the newest messages, and nowhere when everything is in sight.
@Suite(.serialized) struct ScrollingKeysTests {
    let romeo = try! JID("romeo@example.net")

    /// The chat pane alone, nine rows high.
    func fixture() -> UIFixture {
        var settings = UISettings.withoutRoster
        settings.logVisible = false
        return UIFixture(rows: 12, columns: 80, settings: settings)
    }

    /// Three short messages, then one of thirty lines, all read.
    func storeHistory(_ ui: UIFixture) throws {
        let lines = (1...30).map { String(format: "l%02d", $0) }.joined(separator: "\n")
        for (index, body) in ["one", "two", "three", lines].enumerated() {
            _ = try ui.store.insert(
                NewMessage(
                    conversation: romeo, outgoing: false, sender: "romeo@example.net/x", senderKey: "romeo@example.net",
                    body: body, timestamp: 1_764_000_000_000 - Int64(4 - index) * 60_000), account: ui.account.accountID
            )
        }
        try ui.store.markRead(account: ui.account.accountID, conversation: romeo, upTo: 1_764_000_000_000)
    }

    /// The numbers of the long message's lines on screen.
    func longLines(_ ui: UIFixture) -> [Int] {
        ui.chatRows().compactMap { row in row.range(of: "l", options: .backwards).flatMap { Int(row[$0.upperBound...]) }
        }
    }

    @Test func pageByPageThroughAMessageTallerThanThePaneAndBack() throws {
        let ui = fixture()
        try storeHistory(ui)
        ui.open(romeo, focus: true)
        #expect(longLines(ui) == Array(22...30))
        ui.press(.key(.pageUp))
        #expect(longLines(ui) == Array(14...22), "a page less one line")
        #expect(ui.render().contains("[more below]"))
        ui.press(.key(.pageUp))
        #expect(longLines(ui) == Array(6...14))
        ui.press(.key(.pageUp))
        #expect(
            ui.chatRows() == ["15:56 romeo: one", "15:57 romeo: two", "15:58 romeo: three"]
                + (1...6).map {
                    ($0 == 1 ? "15:59 romeo: " : String(repeating: " ", count: 13)) + String(format: "l%02d", $0)
                })
        ui.press(.key(.pageUp))
        #expect(ui.chatRows().first?.hasPrefix("───") == true, "the top: the day's separator first")
        ui.press(.key(.pageDown))
        ui.press(.key(.pageDown))
        #expect(longLines(ui) == Array(13...21))
        for _ in 0..<3 { ui.press(.key(.pageDown)) }
        #expect(longLines(ui) == Array(22...30))
        #expect(ui.model.currentWindow.scrollAnchor == nil && !ui.render().contains("[more below]"))
        ui.press(.key(.pageDown))
        #expect(longLines(ui) == Array(22...30), "PageDown at the newest does nothing")
    }

    /// End moves the cursor to the end of the line; pressed there, it goes back to the newest
    /// messages (Alt-End does at once).
    @Test func endAtTheEndOfTheInputGoesBackToTheNewest() throws {
        let ui = fixture()
        try storeHistory(ui)
        ui.open(romeo, focus: true)
        ui.press(.key(.pageUp))
        ui.type("draft")
        ui.press(.key(.left))
        ui.press(.key(.left))
        ui.press(.key(.end))
        #expect(ui.screen.cursor?.column == 5 && ui.model.currentWindow.scrollAnchor != nil, "only the cursor moved")
        ui.press(.key(.end))
        #expect(ui.model.currentWindow.scrollAnchor == nil)
        #expect(longLines(ui) == Array(22...30))
        #expect(ui.row(11) == "draft", "the draft stays")
        ui.press(.key(.pageUp))
        ui.press(.control("a"))
        ui.press(.altKey(.end))
        #expect(ui.model.currentWindow.scrollAnchor == nil && ui.screen.cursor?.column == 0)
    }

    @Test func whenEverythingIsInSightPageUpStaysAndTheConsoleDoesNotScroll() throws {
        let ui = fixture()
        ui.connect()
        ui.harness.serverSends("<message from='romeo@example.net/x' type='chat'><body>short</body></message>")
        ui.model.switchTo(1)
        let before = ui.chatRows()
        ui.press(.key(.pageUp))
        #expect(ui.chatRows() == before)
        #expect(ui.model.currentWindow.scrollAnchor == nil && !ui.render().contains("[more below]"))
        ui.press(.alt("1"))
        for index in 0..<30 { ui.model.addNotice("notice \(index)") }
        let console = ui.chatRows()
        ui.press(.key(.pageUp))
        #expect(ui.chatRows() == console && console.last?.hasSuffix("notice 29") == true)
    }
}
