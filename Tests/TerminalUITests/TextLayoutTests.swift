import TerminalUI
import Testing

/// Cutting and wrapping text by columns, and drawing it on the in-memory screen: never inside a
/// character, wide ones left out whole at an edge.
@Suite struct TextLayoutTests {
    init() { TextWidth.prepareLocale() }

    @Test func truncatingKeepsWholeCharactersAndSaysSo() {
        #expect(TextWidth.truncate("hello", to: 5) == "hello")
        #expect(TextWidth.truncate("hello", to: 4) == "hel…")
        #expect(TextWidth.truncate("你好世界", to: 5) == "你好…")
        #expect(TextWidth.truncate("你好世界", to: 4) == "你…", "a wide character that does not fit goes whole")
        #expect(TextWidth.truncate("hello", to: 1) == "…")
        #expect(TextWidth.truncate("hello", to: 0).isEmpty)
        #expect(TextWidth.truncate("e\u{301}e\u{301}e\u{301}", to: 2) == "e\u{301}…", "accents stay on their letter")
    }

    @Test func truncatingInTheMiddleKeepsBothEnds() {
        #expect(TextWidth.truncateMiddle("juliet@example.com", to: 10) == "julie….com")
        #expect(TextWidth.truncateMiddle("juliet@example.com", to: 18) == "juliet@example.com")
        #expect(TextWidth.truncateMiddle("你好世界你好世界", to: 9) == "你好…世界")
        #expect(TextWidth.truncateMiddle("你好世界你好世界", to: 8) == "你好…界", "short rather than split")
        #expect(TextWidth.truncateMiddle("abc", to: 1) == "…")
        #expect(TextWidth.truncateMiddle("abc", to: 0).isEmpty)
    }

    @Test func aPrefixFitsItsColumns() {
        let (text, width) = TextWidth.prefix("ab你好", fitting: 5)
        #expect(text == "ab你" && width == 4)
        #expect(TextWidth.prefix("😀x", fitting: 1).text.isEmpty)
    }

    @Test func wrappingBreaksAtSpacesElseInsideAWordAndKeepsNewlines() {
        #expect(TextWrapping.wrap("aaa bbb ccc", firstWidth: 4, width: 8) == ["aaa", "bbb ccc"])
        #expect(TextWrapping.wrap("aaaa    bbbb", firstWidth: 4, width: 4) == ["aaaa", "bbbb"], "spaces at a break go")
        #expect(TextWrapping.wrap("abcdefghij", firstWidth: 4, width: 4) == ["abcd", "efgh", "ij"])
        #expect(TextWrapping.wrap(" abcdef", firstWidth: 3, width: 3) == [" ab", "cde", "f"])
        #expect(TextWrapping.wrap("你好世界", firstWidth: 3, width: 3) == ["你", "好", "世", "界"])
        #expect(TextWrapping.wrap("a\n\nb", firstWidth: 10, width: 10) == ["a", "", "b"])
        #expect(TextWrapping.wrap("ab", firstWidth: 0, width: -1) == ["a", "b"], "at least one column")
        #expect(TextWrapping.wrap("short", firstWidth: 5, width: 1) == ["short"])
    }

    @Test func theScreenLeavesOutAWideCharacterThatDoesNotFit() {
        let screen = ScreenBuffer(rows: 2, columns: 6)
        #expect(screen.draw("ab你好", row: 0, column: 0, width: 5, style: .plain) == 5, "the space counts")
        #expect(screen.text(row: 0) == "ab你")
        #expect(screen.cells[0][4].character == " " && !screen.cells[0][4].isContinuation)
        #expect(screen.cells[0][3].isContinuation)
        #expect(screen.draw("x你", row: 1, column: 4, width: 10, style: .plain) == 2, "cut by the screen's edge")
        #expect(screen.text(row: 1) == "    x")
        #expect(screen.draw("\u{200B}\u{301}z", row: 1, column: 0, width: 6, style: .plain) == 1, "zero-width: nothing")
        #expect(screen.text(row: 1).hasPrefix("z"))
        #expect(screen.draw("abc", row: 0, column: 6, width: 3, style: .plain) == 0)
        #expect(screen.draw("abc", row: 2, column: 0, width: 3, style: .plain) == 0, "below the screen")
        let bold = Style(bold: true)
        screen.drawLine("ok", row: 0, column: 1, width: 4, style: bold)
        #expect(screen.text(row: 0) == "aok")
        #expect(
            (1..<5).allSatisfy { screen.style(row: 0, column: $0) == bold } && screen.style(row: 0, column: 5) != bold)
        screen.fill(row: 1, column: -2, width: 100, style: bold)
        #expect(screen.text(row: 1).isEmpty && screen.style(row: 1, column: 5) == bold, "a fill is kept on the screen")
    }
}
