import ChatModel
import ChatStore
import Foundation
import TerminalUI
import TestSupport
import Testing
import XMPPCore

/// Selection mode in the chat pane: entering it, moving over messages (not lines) through
/// history loaded from the store and the archive, the view following, and leaving it.
@Suite(.serialized) struct MessageCursorTests {
    let romeo = try! JID("romeo@example.net")

    /// The chat pane alone, 27 rows high.
    static func fixture() -> UIFixture {
        var settings = UISettings.withoutRoster
        settings.logVisible = false
        return UIFixture(rows: 30, columns: 100, settings: settings)
    }

    /// The texts of the lines drawn as selected (reversed, with the default theme).
    static func selected(_ ui: UIFixture) -> [String] {
        ui.render()
        guard let chat = ui.controller.layout?.chat else { return [] }
        return (chat.row..<(chat.row + chat.height)).filter { ui.screen.style(row: $0, column: chat.column).reverse }
            .map { ui.screen.text(row: $0) }
    }

    /// The number of the message selected ("message N").
    static func selectedNumber(_ ui: UIFixture) -> Int? {
        selected(ui).first.flatMap { row in row.range(of: "message ").flatMap { Int(row[$0.upperBound...]) } }
    }

    static func inputRow(_ ui: UIFixture) -> String { ui.row(ui.screen.rows - 1) }

    @Test func altUpSelectsTheNewestAndTheArrowsMoveOverMessages() throws {
        let ui = Self.fixture()
        ui.fill(6)
        ui.open(romeo, focus: true)
        #expect(Self.selected(ui).isEmpty)
        ui.press(.altKey(.up))
        #expect(ui.controller.focus == .messages)
        #expect(Self.selected(ui) == ["15:59 alice: message 5"], "the newest, ours, selected")
        #expect(Self.inputRow(ui).hasPrefix("message: ↑↓ PgUp PgDn move, r reply, e react"), "the keys are shown")
        #expect(ui.screen.cursor == nil)
        ui.press(.key(.up))
        #expect(Self.selected(ui) == ["15:58 romeo: message 4"])
        ui.press(.character("k"))
        ui.press(.key(.up))
        #expect(Self.selectedNumber(ui) == 2)
        ui.press(.key(.down))
        #expect(Self.selectedNumber(ui) == 3)
        for _ in 0..<10 { ui.press(.key(.down)) }
        #expect(Self.selectedNumber(ui) == 5, "stops at the newest")
        for _ in 0..<10 { ui.press(.key(.up)) }
        #expect(Self.selectedNumber(ui) == 0, "stops at the oldest")
        ui.press(.key(.escape))
        #expect(ui.controller.focus == .input && Self.selected(ui).isEmpty)
        #expect(!Self.inputRow(ui).contains("message:"))
    }

    @Test func upOnAnEmptyLineSelectsTheirLastMessageAndStillCorrectsOurs() throws {
        let ui = Self.fixture()
        ui.connect()
        ui.open(romeo, focus: true)
        ui.harness.serverSends("<message from='romeo@example.net/x' type='chat'><body>hi there</body></message>")
        ui.render()
        ui.type("x")
        ui.press(.key(.up))
        #expect(ui.controller.focus == .input, "not on a line with text")
        ui.press(.control("u"))
        ui.press(.key(.up))
        #expect(ui.controller.focus == .messages && Self.selected(ui).first?.hasSuffix("romeo: hi there") == true)
        ui.press(.key(.escape))
        ui.type("answer")
        ui.press(.key(.enter))
        ui.press(.key(.up))
        #expect(ui.controller.focus == .input && Self.inputRow(ui) == "/correct answer", "ours is last: correct it")
    }

    @Test func switchingWindowsLeavesSelectionMode() throws {
        let ui = Self.fixture()
        ui.fill(3)
        ui.open(romeo, focus: true)
        ui.press(.altKey(.up))
        ui.press(.alt("1"))
        #expect(ui.controller.focus == .input)
        ui.press(.alt("2"))
        #expect(Self.selected(ui).isEmpty, "back in the window: nothing selected")
        ui.press(.altKey(.up))
        ui.press(.key(.function(2)))
        ui.press(.key(.function(2)))
        #expect(ui.controller.focus == .input && Self.selected(ui).isEmpty, "nor after the roster")
    }

    /// A flood at the live end (a window keeps 500-600 messages there) drops the selected message
    /// from the window: the next key leaves selection mode rather than acting on nothing.
    @Test func aSelectedMessageDroppedByAFloodEndsSelectionMode() throws {
        let ui = Self.fixture()
        ui.connect()
        ui.open(romeo, focus: true)
        ui.harness.serverSends("<message from='romeo@example.net/x' type='chat'><body>first</body></message>")
        ui.render()
        ui.press(.altKey(.up))
        for index in 0..<800 {
            ui.harness.serverSends(
                "<message from='romeo@example.net/x' type='chat'><body>flood \(index)</body></message>")
        }
        ui.render()
        #expect(!ui.model.currentWindow.messages.contains { $0.body == "first" })
        ui.press(.character("y"))
        #expect(ui.controller.focus == .input && ui.controller.takeClipboard() == nil)
    }

    /// Up over 400 stored messages (the window holds the newest 100 at first): each step selects
    /// the next older message, which is always on screen.
    @Test func upGoesBackThroughTheStoredHistoryKeepingTheSelectionInView() throws {
        let ui = Self.fixture()
        ui.fill(400)
        ui.open(romeo, focus: true)
        ui.press(.altKey(.up))
        #expect(Self.selectedNumber(ui) == 399)
        for expected in stride(from: 398, through: 0, by: -1) {
            ui.press(.key(.up))
            guard Self.selectedNumber(ui) == expected else {
                Issue.record("expected message \(expected) selected:\n\(ui.render())")
                return
            }
        }
        #expect(ui.chatRows().first?.hasPrefix("───") == true, "at the top: the day's separator above")
        ui.press(.key(.pageDown))
        let page = (ui.controller.layout?.chat.height ?? 0) - 1
        #expect(Self.selectedNumber(ui) == page, "a screen (less one line) down")
        #expect(ui.chatRows().contains { $0.hasSuffix("message \(page)") })
        ui.press(.key(.pageUp))
        #expect(Self.selectedNumber(ui) == 0)
        for _ in 0..<20 { ui.press(.key(.pageDown)) }
        #expect(Self.selectedNumber(ui) == 399)
        #expect(ui.chatRows().last?.hasSuffix("message 399") == true, "the newest at the bottom")
    }

    /// Past what the store holds, Up asks the server's archive (as PageUp does) and goes on once
    /// the older messages arrive.
    @Test func upPastTheStoredHistoryLoadsFromTheArchive() throws {
        let ui = Self.fixture()
        ui.account.behaviour.initialArchiveMessages = 30
        let archive = ArchiveScrollingTests.archive(100)
        ui.connect(archive: archive)
        ui.open(romeo, focus: true)
        ui.press(.altKey(.up))
        for _ in 0..<29 { ui.press(.key(.up)) }
        #expect(Self.selectedNumber(ui) == 70)
        ui.press(.key(.up))
        #expect(Self.selectedNumber(ui) == 70 && ui.chatRows().first == "loading older messages…")
        ArchiveScrollingTests.serve(archive, ui)
        ui.press(.key(.up))
        #expect(Self.selectedNumber(ui) == 69)
        for _ in 0..<80 {
            ArchiveScrollingTests.serve(archive, ui)
            ui.press(.key(.up))
        }
        #expect(Self.selectedNumber(ui) == 0)
    }

    /// A message taller than the pane shows from its start when selected from below, and from
    /// its end when selected from above.
    @Test func aMessageTallerThanThePaneIsShownFromItsStart() throws {
        let ui = Self.fixture()
        let lines = (1...40).map { String(format: "l%02d", $0) }.joined(separator: "\n")
        for (index, body) in ["message 0", lines, "message 2"].enumerated() {
            _ = try ui.store.insert(
                NewMessage(
                    conversation: romeo, outgoing: false, sender: "romeo@example.net/x", senderKey: "romeo@example.net",
                    body: body, timestamp: 1_764_000_000_000 - Int64(3 - index) * 60_000), account: ui.account.accountID
            )
        }
        ui.open(romeo, focus: true)
        ui.press(.altKey(.up))
        ui.press(.key(.up))
        #expect(ui.chatRows().first?.hasSuffix("romeo: l01") == true, "from its first line")
        ui.press(.key(.up))
        #expect(Self.selectedNumber(ui) == 0 && ui.chatRows().contains { $0.hasSuffix("message 0") })
        ui.press(.key(.down))
        #expect(Self.selected(ui).count == ui.controller.layout?.chat.height, "the whole pane is the message")
        ui.press(.key(.down))
        #expect(ui.chatRows().last?.hasSuffix("message 2") == true && Self.selectedNumber(ui) == 2)
    }

    @Test func theSelectedMessageUsesTheThemesElement() throws {
        let ui = UIFixture(rows: 30, columns: 100, settings: .withoutRoster, colors: 256)
        ui.fill(2)
        ui.open(romeo, focus: true)
        ui.model.submit("/theme dark256")
        ui.press(.altKey(.up))
        let theme = ui.controller.theme
        let (row, column) = try ui.find("message 1")
        #expect(ui.screen.style(row: row, column: column).background == theme.style("chat.selected").background)
        #expect(theme.style("chat.selected").background != .default)
        let other = try ui.find("message 0")
        #expect(ui.screen.style(row: other.row, column: other.column) == theme.style("chat.text"))
    }
}
