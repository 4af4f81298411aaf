import ChatModel
import TerminalUI
import Testing
import XMPPCore

/// Grapheme clusters as Tern sends them to the terminal, and the columns they take there.
@Suite struct TextWidthTests {
    init() { TextWidth.prepareLocale() }

    func shown(_ text: String, _ mode: EmojiMode) -> [String] {
        text.flatMap { TextWidth.glyphs(of: $0, mode: mode) }.map(\.text)
    }

    func width(_ text: String, _ mode: EmojiMode) -> Int {
        text.flatMap { TextWidth.glyphs(of: $0, mode: mode) }.reduce(0) { $0 + $1.width }
    }

    @Test func simpleModeSendsWhatEveryTerminalDrawsAlike() {
        #expect(shown("👍🏽", .simple) == ["👍"], "no skin-tone modifier")
        #expect(width("👍🏽", .simple) == 2)
        #expect(shown("👨‍👩‍👧", .simple) == ["👨", "👩", "👧"], "a ZWJ family as its people")
        #expect(width("👨‍👩‍👧", .simple) == 6)
        #expect(shown("🇫🇷", .simple) == ["🇫🇷"])
        #expect(width("🇫🇷", .simple) == 2, "two regional indicators of one column")
        #expect(shown("❤️", .simple) == ["❤"], "no emoji presentation selector")
        #expect(width("❤️", .simple) == 1)
        #expect(width("1️⃣", .simple) == 1)
        #expect(width("e\u{301}", .simple) == 1)
        #expect(width("你好", .simple) == 4)
        #expect(width("🏳️‍🌈", .simple) == 3, "white flag (1) and rainbow (2), without selector or joiner")
    }

    @Test func fullModeKeepsModifiersAndSelectorsButSplitsJoins() {
        #expect(shown("👍🏽", .full) == ["👍🏽"])
        #expect(width("👍🏽", .full) == 4, "each code point at its own width, as xterm, VTE and tmux draw it")
        #expect(shown("👨‍👩‍👧", .full) == ["👨", "👩", "👧"], "tmux joins, xterm does not: never sent joined")
        #expect(width("❤️", .full) == 1)
    }

    @Test func aCodePointTheLibraryCannotDrawBecomesAReplacementCharacter() {
        #expect(shown("\u{378}", .simple) == ["\u{FFFD}"], "unassigned")
        #expect(width("\u{378}", .simple) == 1)
        #expect(width("x\u{378}y", .simple) == 3)
    }

    @Test func widthsAgreeWithWhatTheCanvasDraws() {
        let screen = ScreenBuffer(rows: 1, columns: 20)
        for text in ["👍🏽 end|", "👨‍👩‍👧 end|", "🇫🇷 end|", "❤️ end|", "a\u{301}你😀 end|"] {
            let used = screen.draw(text, row: 0, column: 0, width: 20, style: .plain)
            #expect(used == TextWidth.of(text), "\(text)")
            #expect(screen.text(row: 0).hasSuffix("end|"), "\(text) → \(screen.text(row: 0))")
            screen.fill(row: 0, column: 0, width: 20, style: .plain)
        }
    }

    @Test func textAfterAnEmojiSequenceIsNeverCutOff() throws {
        let ui = UIFixture(rows: 12, columns: 44, settings: .withoutRoster)
        ui.connect()
        let romeo = try JID("romeo@example.net")
        for text in ["👍🏽 end|", "👨‍👩‍👧 end|", "🇫🇷 end|"] {
            ui.harness.serverSends(
                "<message from='romeo@example.net/phone' type='chat'><body>\(text)</body></message>")
        }
        ui.open(romeo, focus: true)
        let rows = ui.chatRows().filter { $0.contains("romeo:") }
        #expect(rows.count == 3)
        for row in rows { #expect(row.hasSuffix("end|"), "\(row)") }
    }
}
