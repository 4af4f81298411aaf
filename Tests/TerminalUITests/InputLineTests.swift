import TerminalUI
import Testing

/// The input line's editing on its own: the cursor moves by whole characters, words end at
/// punctuation, what is cut comes back, history keeps the draft, Tab cycles.
@Suite struct InputLineTests {
    @Test func emacsEditing() {
        var line = InputLine()
        line.insert("hello brave new world")
        line.moveWordLeft()
        line.moveWordLeft()
        line.killToEnd()
        #expect(line.text == "hello brave ")
        line.moveToStart()
        line.insert(">> ")
        #expect(line.text == ">> hello brave ")
        line.moveToEnd()
        line.killWordBackward()
        #expect(line.text == ">> hello ")
        line.yank()
        #expect(line.text == ">> hello brave ")
        line.moveToStart()
        line.killWordForward()
        #expect(line.text == " brave ", "Alt-D skips the punctuation, then cuts the word")
        line.killToStart()
        line.moveToEnd()
        line.killToStart()
        #expect(line.text.isEmpty)
    }

    @Test func cursorMovesByCharacterNotByCodeUnit() {
        var line = InputLine()
        line.insert("a😀e\u{301}你")
        #expect(line.characters.count == 4)
        line.deleteBackward()
        line.moveLeft()
        line.deleteBackward()
        #expect(line.text == "ae\u{301}")
    }

    @Test func historyKeepsTheDraft() {
        var line = InputLine()
        line.insert("draft")
        line.historyPrevious(["one", "two"])
        #expect(line.text == "two")
        line.historyPrevious(["one", "two"])
        #expect(line.text == "one")
        line.historyNext(["one", "two"])
        line.historyNext(["one", "two"])
        #expect(line.text == "draft")
    }

    @Test func completionCyclesThroughCandidates() {
        var line = InputLine()
        line.insert("/ro")
        let provider: (String) -> (wordStart: String.Index, candidates: [String])? = { text in
            guard let start = text.lastIndex(of: "/").map({ text.index(after: $0) }) else { return nil }
            return (start, ["roster", "rose"])
        }
        line.complete(provider)
        #expect(line.text == "/ros")
        line.complete(provider)
        #expect(line.text == "/roster ")
        line.complete(provider)
        #expect(line.text == "/rose ")
    }

    /// Text as typed and pasted: ASCII, CJK, a decomposed é, an emoji with a skin tone, a flag.
    static let mixed = ["a", "你", "e\u{301}", "👍🏽", "🇫🇷", "z"]

    @Test func insertingAndDeletingAtEveryPositionKeepsWholeCharacters() {
        for position in 0...Self.mixed.count {
            var line = InputLine()
            line.insert(Self.mixed.joined())
            line.moveToStart()
            for _ in 0..<position { line.moveRight() }
            line.insert("|")
            #expect(
                line.text == (Self.mixed[..<position] + ["|"] + Self.mixed[position...]).joined(), "at \(position)")
            #expect(line.cursor == position + 1)
            line.deleteBackward()
            if position < Self.mixed.count {
                line.deleteForward()
                var expected = Self.mixed
                expected.remove(at: position)
                #expect(line.text == expected.joined(), "Delete at \(position) takes one whole character")
            }
        }
    }

    /// The terminal delivers one code point at a time: a combining accent, a skin tone, a joiner
    /// and the second half of a flag join the character before them, so Left, Backspace and the
    /// cursor never stop inside one.
    @Test func codePointsTypedOneByOneJoinTheCharacterBeforeThem() {
        for (typed, whole) in [
            ("e\u{301}", "é"), ("👍🏽", "thumbs up with a skin tone"), ("🇫🇷", "a flag"),
            ("👨\u{200D}👩\u{200D}👧", "a family"), ("क\u{093F}", "a Devanagari syllable"),
        ] {
            var line = InputLine()
            line.insert("x")
            for scalar in typed.unicodeScalars { line.insert(String(scalar)) }
            #expect(line.characters == ["x", Character(typed)], "\(whole): \(line.characters)")
            #expect(line.cursor == 2)
            line.moveLeft()
            #expect(line.cursor == 1, "Left steps over \(whole) at once")
            line.moveToEnd()
            line.deleteBackward()
            #expect(line.text == "x", "Backspace takes \(whole) whole")
        }
    }

    @Test func wordMotionsStopAtPunctuationAndTakeCJKRunsAndAccentsAsWords() {
        var line = InputLine()
        line.insert("hello, wörld! 你好世界 ok👍 e\u{301}té")
        line.moveWordLeft()
        #expect(String(line.characters[line.cursor...]) == "e\u{301}té", "a decomposed accent is part of its word")
        line.moveWordLeft()
        #expect(String(line.characters[line.cursor...]) == "ok👍 e\u{301}té", "an emoji is not part of a word")
        line.moveWordLeft()
        #expect(String(line.characters[line.cursor...]).hasPrefix("你好世界 "), "a run of CJK is one word")
        line.moveWordLeft()
        #expect(String(line.characters[line.cursor...]).hasPrefix("wörld!"))
        line.moveWordRight()
        #expect(String(line.characters[line.cursor...]).hasPrefix("! 你好"), "Alt-F stops at the word's end")
        line.moveWordRight()
        #expect(String(line.characters[line.cursor...]).hasPrefix(" ok"))
        line.killWordBackward()
        #expect(line.text == "hello, wörld!  ok👍 e\u{301}té", "Ctrl-W took the CJK word and nothing else")
        line.moveToStart()
        line.moveWordLeft()
        #expect(line.cursor == 0, "nothing before the start")
        line.moveToEnd()
        line.moveWordRight()
        #expect(line.isAtEnd)
    }

    @Test func whatWasCutComesBackAndAnEmptyCutKeepsIt() {
        var line = InputLine()
        line.insert("keep this")
        line.moveToStart()
        line.killToEnd()
        #expect(line.isEmpty)
        line.killToEnd()
        line.killToStart()
        line.killWordBackward()
        line.yank()
        #expect(line.text == "keep this", "cutting nothing does not empty what was cut")
        line.yank()
        #expect(line.text == "keep thiskeep this", "Ctrl-Y again pastes it again")
        line.moveToStart()
        line.moveWordRight()
        line.killWordForward()
        #expect(line.text == "keep this")
        line.moveToEnd()
        line.yank()
        #expect(line.text == "keep this thiskeep", "Alt-D cut the space before the word with it")
        line.moveToStart()
        line.deleteBackward()
        line.moveToEnd()
        line.deleteForward()
        #expect(line.text == "keep this thiskeep", "Backspace at the start and Delete at the end do nothing")
    }

    @Test func historyAtItsEndsAndAfterALineIsTaken() {
        var line = InputLine()
        line.historyPrevious([])
        line.historyNext(["one"])
        #expect(line.isEmpty, "no history, and Down without Up, change nothing")
        line.insert("draft")
        line.moveToStart()
        for _ in 0..<4 { line.historyPrevious(["one", "two"]) }
        #expect(line.text == "one", "Up stops at the oldest line")
        #expect(line.isAtEnd)
        line.historyNext(["one", "two"])
        #expect(line.text == "two")
        line.historyNext(["one", "two"])
        #expect(line.text == "draft" && line.isAtEnd)
        line.historyPrevious(["one", "two"])
        #expect(line.take() == "two")
        line.historyPrevious(["one", "two", "three"])
        #expect(line.text == "three", "after Enter, Up starts again from the newest")
    }

    /// Up while browsing another window's longer history (the input line is shared) goes on in
    /// this window's own, shorter one.
    @Test func browsingGoesOnInAShorterHistory() {
        var line = InputLine()
        for _ in 0..<2 { line.historyPrevious(["a", "b", "c", "d"]) }
        #expect(line.text == "c")
        line.historyPrevious(["only"])
        #expect(line.text == "only")
        line.historyNext(["only"])
        #expect(line.isEmpty, "Down returns to the draft")
    }

    /// Completes the word before the cursor from three names.
    static func roster(_ text: String) -> (wordStart: String.Index, candidates: [String])? {
        let start = text.lastIndex(of: " ").map { text.index(after: $0) } ?? text.startIndex
        let word = text[start...].lowercased()
        let found = ["Romeo", "romeo@example.net", "Rosaline"].filter { $0.lowercased().hasPrefix(word) }
        return found.isEmpty || word.isEmpty ? nil : (start, found)
    }

    @Test func completionEndsWithASpaceOrCyclesAndStopsWhenTheLineChanges() {
        var line = InputLine()
        line.insert("/msg Ros")
        line.complete(Self.roster)
        #expect(line.text == "/msg Rosaline ", "one candidate: completed, with a space")
        #expect(line.completionCandidates.isEmpty)
        line.complete(Self.roster)
        #expect(line.text == "/msg Rosaline ", "after the space there is nothing to complete")
        line.set("/msg rom")
        line.complete(Self.roster)
        #expect(line.text == "/msg Romeo", "the common prefix first, in the first candidate's case")
        line.complete(Self.roster)
        #expect(line.text == "/msg Romeo ")
        #expect(line.completionCandidates == ["Romeo", "romeo@example.net"])
        line.complete(Self.roster)
        #expect(line.text == "/msg romeo@example.net ")
        line.insert("x")
        #expect(line.completionCandidates.isEmpty, "typing ends the cycle")
        line.set("/msg zz")
        line.complete(Self.roster)
        #expect(line.text == "/msg zz")
    }

    /// Moving the cursor away from a completion in progress and pressing Tab completes what is
    /// before the cursor now; it must not replace text behind the cursor (that crashed).
    @Test func tabAfterTheCursorLeftACompletionStartsAfresh() {
        var line = InputLine()
        line.insert("/msg rom")
        line.complete(Self.roster)
        line.complete(Self.roster)
        #expect(line.completionCandidates.count == 2)
        line.moveToStart()
        line.complete(Self.roster)
        #expect(line.text == "/msg Romeo ", "nothing to complete at the start")
        line.moveToEnd()
        line.insert("rom, hi")
        line.moveWordLeft()
        line.moveWordLeft()
        line.moveWordRight()
        line.complete(Self.roster)
        #expect(line.text == "/msg Romeo Romeo, hi", "the word before the cursor, the rest kept")
    }
}
