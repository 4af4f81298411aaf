import ChatModel
import ChatStore
import Foundation
import TerminalUI
import TestSupport
import Testing
import XMPPCore

/// What the keys of selection mode do to the selected message, and /copy and /details.
/// Commands of other features (`/react`, `/retract`, `/moderate`, `/open`) run as typed lines:
/// the window's input history shows what ran, whether the command exists in this build or not.
@Suite(.serialized) struct MessageActionsTests {
    let romeo = try! JID("romeo@example.net")

    /// Six stored messages with romeo (odd ones ours), the newest selected.
    func selecting(_ settings: UISettings = .withoutRoster) -> UIFixture {
        var settings = settings
        settings.logVisible = false
        let ui = UIFixture(rows: 30, columns: 100, settings: settings)
        ui.fill(6)
        ui.open(romeo, focus: true)
        ui.press(.altKey(.up))
        return ui
    }

    func id(_ ui: UIFixture, _ body: String) -> Int64 {
        ui.model.currentWindow.messages.first { $0.body == body }!.id
    }

    func inputRow(_ ui: UIFixture) -> String { ui.row(ui.screen.rows - 1) }

    /// The last command line run in the current window.
    func ran(_ ui: UIFixture) -> String? { ui.model.currentWindow.inputHistory.last }

    /// The notices of the current window.
    func notices(_ ui: UIFixture) -> [String] { ui.model.noticesOf(ui.model.currentWindow).map(\.text) }

    @Test func rPutsAReplyToTheMessageOnTheInputLine() {
        let ui = selecting()
        ui.press(.key(.up))
        ui.press(.character("r"))
        #expect(ui.controller.focus == .input)
        #expect(ui.controller.input.text == "/reply #\(id(ui, "message 4")) ")
        #expect(inputRow(ui) == "/reply #\(id(ui, "message 4"))", "with the cursor after it")
    }

    @Test func eOpensThePickerAndRunsReactWithTheChoice() throws {
        let ui = selecting()
        ui.press(.key(.up))
        ui.press(.character("e"))
        let (row, column) = try ui.find("react:")
        #expect(ui.row(row).hasPrefix("react:  1 👍  2 ❤  3 😂  4 😮  5 😢  6 🎉  7 ✅"))
        let second = try ui.find("2 ❤")
        #expect(second.column == column + 7 + 6 + 1, "the wide emoji takes its two columns")
        #expect(ui.screen.style(row: row, column: column + 8).reverse, "the first choice selected")
        ui.press(.character("2"))
        #expect(ui.controller.focus == .input)
        #expect(ran(ui) == "/react #\(id(ui, "message 4")) ❤")
        #expect(ui.model.settings.recentReactions == ["❤"])
        ui.press(.altKey(.up))
        ui.press(.character("e"))
        #expect(ui.row(try ui.find("react:").row).hasPrefix("react:  1 ❤  2 👍  3 😂"), "the recent one first")
        ui.press(.key(.right))
        ui.press(.key(.right))
        ui.press(.key(.enter))
        #expect(ran(ui) == "/react #\(id(ui, "message 5")) 😂", "Alt-Up selected the newest again")
        #expect(ui.model.settings.recentReactions == ["😂", "❤"])
        ui.press(.altKey(.up))
        ui.press(.character("e"))
        ui.press(.key(.escape))
        #expect(ui.controller.focus == .messages && !ui.render().contains("react:"), "Esc closes the picker only")
    }

    @Test func xAsksBeforeRetractingOurMessage() {
        let ui = selecting()
        ui.press(.character("x"))
        #expect(inputRow(ui) == "Retract this message for everyone? (y/n)")
        ui.type("n")
        ui.press(.key(.enter))
        #expect(ran(ui) == nil, "no: nothing ran")
        ui.press(.altKey(.up))
        ui.press(.character("x"))
        ui.type("y")
        ui.press(.key(.enter))
        #expect(ran(ui) == "/retract #\(id(ui, "message 5"))")
    }

    @Test func xOnSomeoneElsesMessageInAChatSaysWhy() {
        let ui = selecting()
        ui.press(.key(.up))
        ui.press(.character("x"))
        #expect(inputRow(ui) == "you can retract only your own messages")
        #expect(ui.controller.focus == .messages)
        ui.press(.key(.up))
        #expect(inputRow(ui).hasPrefix("message: ↑↓"), "the answer goes with the next key")
    }

    @Test func xInARoomAsksAModeratorForAReason() throws {
        let ui = UIFixture(rows: 30, columns: 100, settings: .withoutRoster)
        ui.connect()
        let room = "coven@chat.shakespeare.lit"
        ui.model.openChat(try ui.enter(room, others: ["firstwitch"], role: "moderator"), focus: true)
        ui.harness.serverSends("<message from='\(room)/firstwitch' type='groupchat'><body>spam spam</body></message>")
        ui.render()
        ui.press(.altKey(.up))
        ui.press(.character("x"))
        #expect(inputRow(ui).hasPrefix("Remove this message for everyone (reason, Enter for none):"))
        ui.type("off topic")
        ui.press(.key(.enter))
        let removed = try #require(ui.model.currentWindow.messages.last { $0.body == "spam spam" })
        #expect(ran(ui) == "/moderate #\(removed.id) off topic")
    }

    @Test func xInARoomWithoutModerationSaysSo() throws {
        let ui = UIFixture(rows: 30, columns: 100, settings: .withoutRoster)
        ui.connect()
        let room = "coven@chat.shakespeare.lit"
        ui.model.openChat(try ui.enter(room, others: ["firstwitch"]), focus: true)
        ui.harness.serverSends("<message from='\(room)/firstwitch' type='groupchat'><body>spam spam</body></message>")
        ui.render()
        ui.press(.altKey(.up))
        ui.press(.character("x"))
        #expect(inputRow(ui) == "only the room's moderators can remove others' messages")
    }

    @Test func cCorrectsOnlyOurLastMessage() {
        let ui = UIFixture(rows: 30, columns: 100, settings: .withoutRoster)
        ui.connect()
        ui.open(romeo, focus: true)
        ui.type("first")
        ui.press(.key(.enter))
        ui.type("second")
        ui.press(.key(.enter))
        ui.press(.altKey(.up))
        ui.press(.key(.up))
        ui.press(.character("c"))
        #expect(inputRow(ui) == "only your last message here can be corrected")
        ui.press(.key(.down))
        ui.press(.character("c"))
        #expect(ui.controller.focus == .input && ui.controller.input.text == "/correct second")
    }

    @Test func yCopiesTheTextThroughTheTerminal() {
        let ui = selecting()
        ui.press(.character("y"))
        #expect(inputRow(ui) == "copied")
        #expect(ui.controller.takeClipboard().flatMap { Data(base64Encoded: $0) } == Data("message 5".utf8))
        #expect(ui.controller.takeClipboard() == nil, "taken once")
        ui.model.submit("/set clipboard.osc52 off")
        ui.press(.character("y"))
        #expect(inputRow(ui) == "copying needs OSC 52: /set clipboard.osc52 on")
        #expect(ui.controller.takeClipboard() == nil)
    }

    /// The message's text goes as base64 of its sanitised form: an escape sequence inside it
    /// (C1 controls: XML cannot carry ESC) never reaches the terminal.
    @Test func copiedTextIsSanitisedAndAURLIsCopiedAlone() throws {
        let ui = UIFixture(rows: 30, columns: 100, settings: .withoutRoster)
        ui.connect()
        ui.open(romeo, focus: true)
        ui.harness.serverSends(
            "<message from='romeo@example.net/x' type='chat'><body>a&#x9D;52;c;ZXZpbA==&#x9C;b\nc</body></message>")
        ui.render()
        ui.press(.altKey(.up))
        ui.press(.character("y"))
        let copied = try #require(ui.controller.takeClipboard().flatMap { Data(base64Encoded: $0) })
        let text = String(decoding: copied, as: UTF8.self)
        #expect(!text.unicodeScalars.contains { $0.value == 0x9D || $0.value == 0x9C }, "\(text.debugDescription)")
        #expect(text.hasPrefix("a") && text.hasSuffix("b\nc"), "newlines kept")
        ui.harness.serverSends(
            "<message from='romeo@example.net/x' type='chat'><body>  https://example.org/a?b=1 \n</body></message>")
        ui.render()
        ui.press(.key(.down))
        ui.press(.character("y"))
        #expect(ui.controller.takeClipboard() == Data("https://example.org/a?b=1".utf8).base64EncodedString())
    }

    @Test func theOSC52SequenceTakesOnlyBase64AndALongTextIsCutBetweenCharacters() throws {
        #expect(Clipboard.sequence(base64: "aGk=") == "\u{1B}]52;c;aGk=\u{07}")
        #expect(Clipboard.sequence(base64: "aGk=\u{07}\u{1B}]0;x") == nil)
        #expect(Clipboard.payload(for: "hi") == "aGk=")
        let long = try #require(Data(base64Encoded: Clipboard.payload(for: String(repeating: "é", count: 50_000))))
        #expect(long.count == 74_000 && String(data: long, encoding: .utf8) == String(repeating: "é", count: 37_000))
    }

    @Test func oRunsOpenWithTheMessage() {
        let ui = selecting()
        ui.press(.character("o"))
        #expect(ui.controller.focus == .input)
        #expect(ran(ui) == "/open #\(id(ui, "message 5"))")
    }

    @Test func iShowsTheDetailsUntilTheNextKey() throws {
        let ui = selecting()
        ui.press(.key(.up))
        ui.press(.character("i"))
        let screen = ui.render()
        let id = id(ui, "message 4")
        #expect(screen.contains("details (any key closes)"))
        #expect(screen.contains("message #\(id), received Monday 24 November 2025, 15:58:00"))
        #expect(screen.contains("from: romeo@example.net/phone"))
        #expect(screen.contains("ids: stanza-id s4 by alice@example.org"))
        #expect(screen.contains("not encrypted"))
        ui.press(.key(.escape))
        #expect(!ui.render().contains("details (any key"), "Esc closes the details")
        #expect(ui.controller.focus == .messages, "and stays in selection mode")
        ui.press(.character("i"))
        ui.press(.key(.down))
        #expect(!ui.render().contains("details (any key") && MessageCursorTests.selectedNumber(ui) == 5)
        ui.press(.character("i"))
        #expect(ui.render().contains("delivery: not tracked"), "ours: its delivery state")
    }

    @Test func copyAndDetailsCommandsPickByNumberOrId() throws {
        var settings = UISettings.withoutRoster
        settings.logVisible = false
        let ui = UIFixture(rows: 30, columns: 100, settings: settings)
        ui.fill(6)
        ui.open(romeo, focus: true)
        ui.model.submit("/copy")
        #expect(ui.controller.takeClipboard() == Data("message 5".utf8).base64EncodedString())
        #expect(notices(ui).last == "copied")
        ui.model.submit("/copy 3")
        #expect(ui.controller.takeClipboard() == Data("message 3".utf8).base64EncodedString())
        ui.model.submit("/copy #\(id(ui, "message 1"))")
        #expect(ui.controller.takeClipboard() == Data("message 1".utf8).base64EncodedString())
        ui.model.submit("/details 2")
        #expect(notices(ui).last?.hasPrefix("message #\(id(ui, "message 4")), received") == true)
        #expect(notices(ui).last?.contains("\nids: stanza-id s4 by alice@example.org") == true)
        ui.model.submit("/details 7")
        #expect(notices(ui).last == "no such message here")
        ui.model.submit("/copy x")
        #expect(notices(ui).last?.hasPrefix("a message is N (1: the newest) or #ID") == true)
        ui.model.submit("/details #999999")
        #expect(notices(ui).last == "no such message here", "an id from elsewhere")
        ui.press(.alt("1"))
        ui.model.submit("/copy")
        #expect(ui.model.log.last?.text == "this works in a chat window")
    }
}
