import SafeText
import Testing

@Suite struct TerminalSafeTests {
    @Test func escapeSequencesBecomeVisible() {
        #expect(TerminalSafe.sanitize("\u{1B}[2J\u{1B}]0;pwned\u{07}hi") == "␛[2J␛]0;pwned␇hi")
        #expect(TerminalSafe.sanitize("a\u{9B}31mb") == "a\u{FFFD}31mb", "the 8-bit CSI is neutralised")
        #expect(TerminalSafe.sanitize("del\u{7F}") == "del␡")
    }

    @Test func bidiOverridesCannotReorderText() {
        #expect(TerminalSafe.sanitize("user\u{202E}gpj.exe") == "user\u{FFFD}gpj.exe")
        #expect(TerminalSafe.sanitize("\u{2066}x\u{2069}") == "\u{FFFD}x\u{FFFD}")
    }

    @Test func newlinesAndTabs() {
        #expect(TerminalSafe.sanitize("a\nb") == "a␊b")
        #expect(TerminalSafe.sanitize("a\nb", keepNewlines: true) == "a\nb")
        #expect(TerminalSafe.sanitize("a\r\nb", keepNewlines: true) == "a␍\nb")
        #expect(TerminalSafe.sanitize("a\tb") == "a    b")
    }

    @Test func ordinaryTextIsUntouched() {
        let text = "Grüße 😀 你好 — ok"
        #expect(TerminalSafe.sanitize(text) == text)
    }
}
