import Testing

@testable import SafeText

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

@Suite struct InvisibleCharacterTests {
    @Test func zeroWidthAndBidiMarksBecomeVisible() {
        #expect(TerminalSafe.sanitize("pay\u{200B}pal") == "pay\u{FFFD}pal")
        #expect(TerminalSafe.sanitize("a\u{200F}b\u{200E}c\u{061C}d") == "a\u{FFFD}b\u{FFFD}c\u{FFFD}d")
        #expect(TerminalSafe.sanitize("\u{FEFF}bom\u{2060}") == "\u{FFFD}bom\u{FFFD}")
        #expect(TerminalSafe.sanitize("\u{3164}") == "\u{FFFD}", "a blank Hangul-filler name is not blank")
        #expect(TerminalSafe.sanitize("soft\u{AD}hyphen") == "soft-hyphen")
    }

    @Test func tagCharactersAreOnlyKeptInAFlag() {
        let england = "\u{1F3F4}\u{E0067}\u{E0062}\u{E0065}\u{E006E}\u{E0067}\u{E007F}"
        #expect(TerminalSafe.sanitize("go \(england)!") == "go \(england)!")
        // ASCII smuggled as tag characters ("hi") after ordinary text.
        #expect(TerminalSafe.sanitize("ok\u{E0068}\u{E0069}") == "ok\u{FFFD}\u{FFFD}")
        #expect(TerminalSafe.sanitize("\(england)\u{E0068}") == "\(england)\u{FFFD}", "nothing after the cancel tag")
    }

    @Test func joinersStayWhereScriptsAndEmojiNeedThem() {
        let family = "👨\u{200D}👩\u{200D}👧"
        #expect(TerminalSafe.sanitize(family) == family)
        let persian = "می\u{200C}خواهم"
        #expect(TerminalSafe.sanitize(persian) == persian)
        let devanagari = "क्\u{200D}ष"
        #expect(TerminalSafe.sanitize(devanagari) == devanagari)
        #expect(TerminalSafe.sanitize("alice\u{200D}") == "alice\u{FFFD}", "a joiner at the end joins nothing")
        #expect(TerminalSafe.sanitize("a \u{200C} b") == "a \u{FFFD} b")
    }

    @Test func everyEmojiAndScriptSampleIsUntouched() {
        for text in ["👍🏽", "🇫🇷", "❤️", "1️⃣", "Ελληνικά", "Привет", "עברית", "العربية", "日本語", "한국어"] {
            #expect(TerminalSafe.sanitize(text) == text, "\(text)")
        }
    }
}

@Suite struct LookalikeTests {
    @Test func punycodeMatchesRFC3492AndKnownDomains() {
        // RFC 3492 §7.1 (A) Arabic (Egyptian) and (L) "3<nen>B<gumi><kinpachi><sensei>".
        #expect(
            TerminalSafe.punycode(
                "\u{0644}\u{064A}\u{0647}\u{0645}\u{0627}\u{0628}\u{062A}\u{0643}\u{0644}\u{0645}\u{0648}\u{0634}\u{0639}\u{0631}\u{0628}\u{064A}\u{061F}"
            )
                == "egbpdaj6bu4bxfgehfvwxn")
        #expect(
            TerminalSafe.punycode("3\u{5E74}B\u{7D44}\u{91D1}\u{516B}\u{5148}\u{751F}") == "3B-ww4c5e180e575a65lsy2b")
        #expect(TerminalSafe.punycode("bücher") == "bcher-kva")
        #expect(TerminalSafe.punycode("münchen") == "mnchen-3ya")
    }

    @Test func aLookalikeDomainShowsItsASCIIForm() {
        // "exаmple.org" with a Cyrillic а (U+0430).
        #expect(
            TerminalSafe.address("alice@ex\u{0430}mple.org/phone")
                == "alice@ex\u{0430}mple.org/phone (alice@xn--exmple-4nf.org, mixed scripts)")
        #expect(TerminalSafe.address("bücher.example") == "bücher.example (xn--bcher-kva.example)")
    }

    @Test func aMixedScriptUserNameIsMarked() {
        #expect(TerminalSafe.address("p\u{0430}ypal@example.org") == "p\u{0430}ypal@example.org (mixed scripts)")
        #expect(TerminalSafe.address("иван@example.org") == "иван@example.org", "one script is fine")
        #expect(TerminalSafe.address("alice@example.org") == "alice@example.org")
    }
}
