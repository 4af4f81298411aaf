import TerminalUI
import Testing

/// What each key sends through xterm, tmux and friends, as the input line receives it: the
/// sequences ncurses leaves undecoded, Alt as an Esc prefix, and bracketed paste.
@Suite struct KeyDecoderTests {
    static func inputs(_ text: String) -> [KeyDecoder.Input] { text.unicodeScalars.map { .character($0) } }

    func decode(_ text: String) -> [KeyEvent] {
        var decoder = KeyDecoder()
        return decoder.decode(Self.inputs(text))
    }

    @Test func altKeysEscapeAndControl() {
        #expect(decode("\u{1B}b") == [.alt("b")])
        #expect(decode("\u{1B}1") == [.alt("1")])
        #expect(decode("\u{1B}") == [.key(.escape)])
        #expect(
            decode("\u{01}\u{0B}\r\t\u{7F}") == [
                .control("a"), .control("k"), .key(.enter), .key(.tab), .key(.backspace),
            ])
        #expect(decode("\u{1B}[1;3D\u{1B}[1;3C\u{1B}[1;3F") == [.altKey(.left), .altKey(.right), .altKey(.end)])
        #expect(decode("\u{1B}[5~\u{1B}[6~") == [.key(.pageUp), .key(.pageDown)])
    }

    /// Normal and application cursor mode, the Home/End spellings of xterm, rxvt, tmux and the
    /// Linux console, and Alt (3) or Alt-Shift (4) with each; Shift (2) and Ctrl (5) alone add
    /// nothing the input line uses.
    @Test(arguments: [
        ("[A", KeyEvent.key(.up)), ("[B", .key(.down)), ("[C", .key(.right)), ("[D", .key(.left)),
        ("OA", .key(.up)), ("OB", .key(.down)), ("OC", .key(.right)), ("OD", .key(.left)),
        ("[1;3A", .altKey(.up)), ("[1;3B", .altKey(.down)), ("[1;4D", .altKey(.left)), ("[1;2D", .key(.left)),
        ("[1;5C", .key(.right)), ("[H", .key(.home)), ("[F", .key(.end)), ("OH", .key(.home)), ("OF", .key(.end)),
        ("[1~", .key(.home)), ("[7~", .key(.home)), ("[4~", .key(.end)), ("[8~", .key(.end)),
        ("[1;3H", .altKey(.home)), ("[1;3F", .altKey(.end)), ("[2~", .key(.insert)), ("[3~", .key(.delete)),
        ("[3;3~", .altKey(.delete)), ("[5;3~", .altKey(.pageUp)), ("[6;3~", .altKey(.pageDown)),
        ("[Z", .key(.backTab)),
    ])
    func escapeSequences(sequence: String, key: KeyEvent) {
        #expect(decode("\u{1B}" + sequence) == [key], "ESC \(sequence)")
        #expect(decode("a\u{1B}" + sequence + "b") == [.character("a"), key, .character("b")], "between letters")
    }

    /// F-keys, mouse reports and anything else it does not know are swallowed whole: never typed
    /// into the line as "[15~".
    @Test func unknownSequencesAreDroppedWhole() {
        for sequence in ["[15~", "[24;2~", "OP", "[<0;12;5M", "[99x"] {
            #expect(decode("\u{1B}" + sequence + "x") == [.character("x")], "ESC \(sequence)")
        }
        // What ncurses decoded itself (the F-keys, from terminfo) passes through.
        var decoder = KeyDecoder()
        #expect(
            decoder.decode([.keyCode(.key(.function(2))), .character("x")]) == [.key(.function(2)), .character("x")])
    }

    @Test func altWithEveryKindOfKey() {
        #expect(decode("\u{1B}B") == [.alt("B")], "Alt-Shift-b keeps its case")
        #expect(decode("\u{1B}é") == [.alt("é")])
        #expect(decode("\u{1B}\r") == [.altKey(.enter)], "Alt-Enter: a new line in the message")
        #expect(decode("\u{1B}\u{7F}") == [.altKey(.backspace)])
        #expect(decode("\u{1B}\t") == [.altKey(.tab)])
        #expect(decode("\u{1B}\u{1B}") == [.key(.escape), .key(.escape)], "Esc twice is two Escapes")
        #expect(decode("\u{1B}\u{1B}b") == [.key(.escape), .alt("b")])
    }

    @Test func controlCharacters() {
        #expect(decode("\u{1A}") == [.control("z")])
        #expect(decode("\n") == [.control("j")], "Ctrl-J: Enter unless input.newline makes it a newline")
        #expect(decode("\u{08}") == [.key(.backspace)], "Ctrl-H is Backspace, as terminals send it")
        #expect(decode("\u{00}\u{1C}\u{1F}") == [.control("@"), .control("@"), .control("@")])
    }

    /// An Esc alone at the end of a read is the Escape key at once (a question is cancelled without
    /// waiting for a next key); a prefix completed only by a later read is Escape and then typing.
    @Test func aLoneEscIsEscapeAndAPrefixArrivingLateIsNotAnAltKey() {
        var decoder = KeyDecoder()
        #expect(decoder.decode(Self.inputs("\u{1B}")) == [.key(.escape)])
        #expect(decoder.decode(Self.inputs("b")) == [.character("b")])
        #expect(
            decoder.decode(Self.inputs("\u{1B}[1;")) == [
                .key(.escape), .character("["), .character("1"), .character(";"),
            ])
        #expect(decoder.decode(Self.inputs("\u{1B}[A")) == [.key(.up)], "the next read starts afresh")
        #expect(
            decoder.decode([.character("\u{1B}"), .keyCode(.key(.left))]) == [.key(.escape), .key(.left)],
            "a key ncurses decoded ends a pending Esc")
    }

    @Test func bracketedPasteIsOneEventWithItsNewlines() {
        #expect(
            decode("x\u{1B}[200~line one\rline two\u{1B}[201~y") == [
                .character("x"), .paste("line one\nline two"), .character("y"),
            ])
        var decoder = KeyDecoder()
        var events = decoder.decode(Self.inputs("\u{1B}[200~part"))
        events += decoder.decode(Self.inputs(" two\u{1B}[201~"))
        #expect(events == [.paste("part two")])
    }

    /// A long paste comes in many reads, its end marker possibly cut in two; each read before
    /// the end gives nothing, and the paste ends exactly at its marker.
    @Test func aPasteSplitAcrossReadsAndItsEndMarkerCutInTwo() {
        var decoder = KeyDecoder()
        #expect(decoder.decode(Self.inputs("\u{1B}[200~first\r\n")).isEmpty)
        #expect(decoder.decode(Self.inputs("second\r")).isEmpty)
        #expect(decoder.decode(Self.inputs("third\u{1B}[20")).isEmpty, "half the end marker: still pasting")
        #expect(decoder.decode(Self.inputs("1~\u{1B}b")) == [.paste("first\nsecond\nthird"), .alt("b")])
        #expect(decode("\u{1B}[200~\u{1B}[201~") == [.paste("")])
    }

    /// Escape sequences inside pasted text are text, not keys: a paste cannot press Enter, move
    /// the cursor or end itself early with a look-alike.
    @Test func escapeSequencesInsideAPasteAreText() {
        #expect(
            decode("\u{1B}[200~red \u{1B}[31mtext\u{1B}[0m \u{1B}[A\u{1B}b\u{1B}[201~") == [
                .paste("red \u{1B}[31mtext\u{1B}[0m \u{1B}[A\u{1B}b")
            ])
        #expect(decode("\u{1B}[200~a\u{1B}[201b\u{1B}[201~") == [.paste("a\u{1B}[201b")])
        var decoder = KeyDecoder()
        let events = decoder.decode(
            Self.inputs("\u{1B}[200~a") + [.keyCode(.key(.enter)), .keyCode(.key(.up)), .keyCode(.key(.function(2)))]
                + Self.inputs("b\u{1B}[201~"))
        #expect(events == [.paste("a\nb")], "keys ncurses decoded inside a paste: Enter is its newline, others go")
    }
}
