import ChatModel
import ChatStore
import TerminalUI
import TernConfig
import Testing
import XMPPCore

/// Message styling in the chat pane: the text as received (directives included), each styled
/// part in the theme's element layered on the message's text, wrapped as plain text is, and
/// nothing from the text reaching the terminal as a control sequence.
@Suite(.serialized) struct ChatStylingTests {
    let romeo = try! JID("romeo@example.net")

    /// A UI showing romeo's `bodies`, all read.
    func showing(_ bodies: [String], columns: Int = 60) throws -> UIFixture {
        let ui = UIFixture(rows: 20, columns: columns, settings: .withoutRoster)
        for (index, body) in bodies.enumerated() {
            _ = try ui.store.insert(
                NewMessage(
                    conversation: romeo, outgoing: false, sender: "romeo@example.net/phone",
                    senderKey: "romeo@example.net", body: body, timestamp: 1_764_000_000_000 + Int64(index) * 1000),
                account: ui.account.accountID)
        }
        try ui.store.markRead(account: ui.account.accountID, conversation: romeo, upTo: ui.scheduler.now)
        ui.open(romeo, focus: true)
        return ui
    }

    @Test func styledPartsTakeTheirThemeElements() throws {
        let ui = try showing(["*bold* _it_ ~gone~ `code` see https://example.org/x_y now"], columns: 100)
        let theme = ui.controller.theme
        let text = theme.style("chat.text")
        #expect(ui.chatRows().contains("16:00 romeo: *bold* _it_ ~gone~ `code` see https://example.org/x_y now"))
        #expect(try ui.style(of: "*bold*") == text.layered(with: theme.style("chat.strong")))
        #expect(try ui.style(of: "bold* _") == text.layered(with: theme.style("chat.strong")))
        #expect(try ui.style(of: "_it_") == text.layered(with: theme.style("chat.emphasis")))
        #expect(try ui.style(of: "~gone~") == text.layered(with: theme.style("chat.strike")))
        #expect(try ui.style(of: "`code`") == text.layered(with: theme.style("chat.code")))
        #expect(try ui.style(of: "https://") == text.layered(with: theme.style("chat.url")))
        #expect(try ui.style(of: " see") == text)
        #expect(try ui.style(of: " now") == text)
        for element in ["chat.strong", "chat.emphasis", "chat.strike", "chat.code", "chat.url"] {
            #expect(text.layered(with: theme.style(element)) != text, "\(element)")
        }
    }

    /// Quotations and preformatted blocks, over several lines of one message.
    @Test func blocksAreStyledLineByLine() throws {
        let ui = try showing(["> quoted *strong*\nsaid he\n```\n*raw*\n```"])
        let theme = ui.controller.theme
        let text = theme.style("chat.text")
        let quote = text.layered(with: theme.style("chat.quote"))
        #expect(
            ui.chatRows().filter { !$0.isEmpty }.suffix(5) == [
                "16:00 romeo: > quoted *strong*", "             said he", "             ```", "             *raw*",
                "             ```",
            ])
        #expect(try ui.style(of: "> quoted") == quote)
        #expect(try ui.style(of: "*strong*") == quote.layered(with: theme.style("chat.strong")))
        #expect(try ui.style(of: "said") == text)
        #expect(try ui.style(of: "*raw*") == text.layered(with: theme.style("chat.code")))
    }

    /// A line that names us keeps its highlight under the styling.
    @Test func stylingLayersOnAHighlight() throws {
        let theme = Theme(
            definition: try #require(ThemeLibrary(environment: ["HOME": "/nonexistent"]).load("default")).0, colors: 8)
        let highlightedStrong = theme.style("chat.highlight+chat.strong")
        #expect(highlightedStrong == theme.style("chat.highlight").layered(with: theme.style("chat.strong")))
        #expect(highlightedStrong.foreground == theme.style("chat.highlight").foreground)
        #expect(theme.style("chat.text+chat.quote+chat.strong").bold)
        #expect(theme.style("chat.text+chat.quote+chat.strong").dim)
    }

    /// Wide characters and emoji wrap at the same places as without styling, and a span cut by
    /// the wrap keeps its style on the next line.
    @Test func wrappingWithWideCharactersIsUnchanged() throws {
        let body = "你好世界 *粗体的文字 很长很长 🙂🙂 还有更多* 结束了 🎉 done"
        let ui = try showing([body], columns: 40)
        let rows = ui.chatRows().filter { !$0.isEmpty }
        let width = try #require(ui.controller.layout?.chat.width) - 13
        let pieces = TextWrapping.wrap(body, firstWidth: width, width: width)
        #expect(pieces.count > 2)
        #expect(
            rows.suffix(pieces.count)
                == pieces.enumerated().map { ($0 == 0 ? "16:00 romeo: " : String(repeating: " ", count: 13)) + $1 })
        let theme = ui.controller.theme
        let strong = theme.style("chat.text").layered(with: theme.style("chat.strong"))
        #expect(try ui.style(of: "*粗体") == strong)
        #expect(try ui.style(of: "🙂") == strong)
        #expect(try ui.style(of: "还有更多*") == strong)
        #expect(try ui.style(of: "结束") == theme.style("chat.text"))
    }

    /// Control characters in a styled body are replaced before styling, as in any message.
    @Test func escapeCodesInStyledTextNeverReachTheTerminal() throws {
        let ui = try showing(["*\u{1B}[31mred\u{1B}[0m* `\u{1B}]52;c;aGk=\u{07}`"])
        let screen = ui.render()
        #expect(!screen.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" })
        #expect(screen.contains("[31mred"))
    }
}
