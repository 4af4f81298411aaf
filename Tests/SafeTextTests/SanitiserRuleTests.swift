import Testing

@testable import SafeText

/// The sanitiser's rules character by character: what a message may not do to the terminal, and
/// what scripts and emoji need kept.
@Suite struct SanitiserRuleTests {
    @Test func everyC0ControlShowsAsItsControlPicture() {
        for value in UInt32(0)...0x1F where value != 0x09 && value != 0x0A {
            let control = String(Unicode.Scalar(value)!)
            let picture = String(Unicode.Scalar(0x2400 + value)!)
            #expect(TerminalSafe.sanitize("a\(control)b") == "a\(picture)b", "U+\(value)")
        }
    }

    @Test func everyC1ControlIsReplaced() {
        for value in UInt32(0x80)...0x9F {
            #expect(TerminalSafe.sanitize("a\(Unicode.Scalar(value)!)b") == "a\u{FFFD}b", "U+\(value)")
        }
    }

    @Test func terminalSequencesLoseTheirEscape() {
        // An OSC 8 hyperlink whose text hides its target, and the end of a bracketed paste.
        let link = "\u{1B}]8;;https://evil.example\u{1B}\\click\u{1B}]8;;\u{1B}\\"
        #expect(TerminalSafe.sanitize(link) == "␛]8;;https://evil.example␛\\click␛]8;;␛\\")
        #expect(TerminalSafe.sanitize("\u{1B}[201~rm -rf ~\r") == "␛[201~rm -rf ~␍")
        #expect(TerminalSafe.sanitize("\u{9D}0;title\u{9C}") == "\u{FFFD}0;title\u{FFFD}", "8-bit OSC and ST")
    }

    @Test func otherInvisibleCharactersAreReplaced() {
        let invisible: [UInt32] = [
            0x180E, 0x2061, 0x2062, 0x2063, 0x2064, 0xFFF9, 0xFFFA, 0xFFFB, 0x115F, 0x1160, 0xFFA0, 0x202A, 0x202B,
            0x202C, 0x202D, 0x2067, 0x2068,
        ]
        for value in invisible {
            #expect(TerminalSafe.sanitize("x\(Unicode.Scalar(value)!)y") == "x\u{FFFD}y", "U+\(value)")
        }
    }

    @Test func joinersStayInScriptsAndEmojiSequencesThatNeedThem() {
        let samples = [
            "👩\u{200D}💻", "👩🏽\u{200D}🚀", "🏳️\u{200D}🌈", "❤️\u{200D}🔥",
            // Sinhala "Sri" (a joiner after the virama) and a Persian half-space.
            "ශ්\u{200D}රී", "خانه\u{200C}ها",
        ]
        for text in samples {
            #expect(TerminalSafe.sanitize(text) == text, "\(text.unicodeScalars.map(\.value))")
        }
        #expect(TerminalSafe.sanitize("\u{200D}👍") == "\u{FFFD}👍", "nothing before it")
        #expect(TerminalSafe.sanitize("a\u{200D}\u{200D}b") == "a\u{FFFD}\u{FFFD}b", "a joiner joins no joiner")
    }

    @Test func aJoinerBesideAnInvisibleCharacterJoinsNothing() {
        // A Hangul filler is a letter that draws nothing: a joiner before it would survive once and
        // be replaced the second time (found by checking that sanitising is idempotent).
        #expect(TerminalSafe.sanitize("a\u{200D}\u{3164}") == "a\u{FFFD}\u{FFFD}")
        #expect(TerminalSafe.sanitize("\u{115F}\u{200C}b") == "\u{FFFD}\u{FFFD}b")
    }

    @Test func flagsOfSubdivisionsStayAndStrayTagsDoNot() {
        let scotland = "\u{1F3F4}\u{E0067}\u{E0062}\u{E0073}\u{E0063}\u{E0074}\u{E007F}"
        let wales = "\u{1F3F4}\u{E0067}\u{E0062}\u{E0077}\u{E006C}\u{E0073}\u{E007F}"
        #expect(TerminalSafe.sanitize(scotland + wales) == scotland + wales)
        #expect(TerminalSafe.sanitize("\u{E0067}\u{E0062}") == "\u{FFFD}\u{FFFD}", "tags with no flag")
        #expect(TerminalSafe.sanitize("😀\u{E0067}\u{E007F}") == "😀\u{FFFD}\u{FFFD}", "after another emoji")
    }

    @Test func sanitisingTwiceChangesNothing() {
        let samples = [
            "\u{1B}[31mred\u{1B}[0m", "a\u{200D}\u{3164}", "\u{3164}\u{200D}a", "x\u{200D}\u{FFA0}\u{200D}y",
            "tab\there\nand\r\n", "\u{1F3F4}\u{E0067}\u{E007F}\u{E0067}", "\u{202E}evil\u{202C}", "soft\u{AD}\u{200D}a",
            "\u{200D}\u{200C}", "👨\u{200D}👩\u{200D}👧\u{200D}", "\u{9B}\u{200D}\u{9B}",
        ]
        for text in samples {
            for keepNewlines in [false, true] {
                let once = TerminalSafe.sanitize(text, keepNewlines: keepNewlines)
                #expect(TerminalSafe.sanitize(once, keepNewlines: keepNewlines) == once, "\(text.unicodeScalars)")
            }
        }
    }
}
