import SafeText

/// The input line's text and cursor, with Emacs-style editing, a kill buffer, per-window history
/// and Tab completion. Text is kept as characters (grapheme clusters), so the cursor never lands
/// inside an emoji or a combined character.
public struct InputLine: Sendable {
    public private(set) var characters: [Character] = []
    public private(set) var cursor = 0
    private var killBuffer = ""
    private var historyIndex: Int?
    private var draft: [Character] = []
    private var completion: Completion?

    private struct Completion: Sendable {
        var start: Int
        /// Where the inserted candidate ends: Tab goes on cycling only with the cursor there.
        var end: Int
        var candidates: [String]
        var index: Int
    }

    public init() {}

    public var text: String { String(characters) }
    public var isEmpty: Bool { characters.isEmpty }

    /// What the screen shows for each character: a newline as ↵, anything typed for a password
    /// as a dot, and a pasted control or invisible character as SafeText shows it (a tab as ␉),
    /// never as itself, which the terminal would act on.
    func shown(masked: Bool) -> [String] {
        characters.map { character in
            if masked { return "•" }
            switch character {
            case "\n": return "↵"
            case "\t": return "␉"
            default: return TerminalSafe.sanitize(String(character))
            }
        }
    }

    /// Inserts at the cursor. The terminal delivers one code point at a time: one that extends
    /// the character before the cursor (a combining accent, a skin tone, a joiner and what it
    /// joins, a flag's second half) becomes part of it.
    public mutating func insert(_ text: String) {
        completion = nil
        let head = String(characters[..<cursor]) + text
        characters = Array(head + String(characters[cursor...]))
        cursor = min(head.count, characters.count)
    }

    public mutating func set(_ text: String) {
        characters = Array(text)
        cursor = characters.count
        completion = nil
    }

    /// Takes the text (Enter): the line is cleared and history browsing ends.
    public mutating func take() -> String {
        defer {
            characters.removeAll()
            cursor = 0
            historyIndex = nil
            draft.removeAll()
            completion = nil
        }
        return text
    }

    // MARK: Moving

    public mutating func moveLeft() { cursor = max(0, cursor - 1) }
    public mutating func moveRight() { cursor = min(characters.count, cursor + 1) }
    public mutating func moveToStart() { cursor = 0 }
    public mutating func moveToEnd() { cursor = characters.count }
    public var isAtEnd: Bool { cursor == characters.count }

    public mutating func moveWordLeft() { cursor = wordStart(before: cursor) }
    public mutating func moveWordRight() { cursor = wordEnd(after: cursor) }

    private func isWordCharacter(_ character: Character) -> Bool { character.isLetter || character.isNumber }

    private func wordStart(before position: Int) -> Int {
        var index = position
        while index > 0 && !isWordCharacter(characters[index - 1]) { index -= 1 }
        while index > 0 && isWordCharacter(characters[index - 1]) { index -= 1 }
        return index
    }

    private func wordEnd(after position: Int) -> Int {
        var index = position
        while index < characters.count && !isWordCharacter(characters[index]) { index += 1 }
        while index < characters.count && isWordCharacter(characters[index]) { index += 1 }
        return index
    }

    // MARK: Deleting and yanking

    public mutating func deleteBackward() {
        guard cursor > 0 else { return }
        completion = nil
        characters.remove(at: cursor - 1)
        cursor -= 1
    }

    public mutating func deleteForward() {
        guard cursor < characters.count else { return }
        completion = nil
        characters.remove(at: cursor)
    }

    /// Ctrl-K.
    public mutating func killToEnd() { kill(cursor..<characters.count) }
    /// Ctrl-U.
    public mutating func killToStart() {
        kill(0..<cursor)
    }
    /// Ctrl-W.
    public mutating func killWordBackward() { kill(wordStart(before: cursor)..<cursor) }
    /// Alt-D.
    public mutating func killWordForward() { kill(cursor..<wordEnd(after: cursor)) }

    /// Ctrl-Y: inserts the last killed text.
    public mutating func yank() { insert(killBuffer) }

    private mutating func kill(_ range: Range<Int>) {
        guard !range.isEmpty else { return }
        completion = nil
        killBuffer = String(characters[range])
        characters.removeSubrange(range)
        cursor = range.lowerBound
    }

    // MARK: History

    /// Up: the previous line of `history` (the draft is kept and comes back with Down). Browsing
    /// goes on in a shorter history than it started in (another window's) from its newest line.
    public mutating func historyPrevious(_ history: [String]) {
        guard !history.isEmpty else { return }
        if historyIndex == nil { draft = characters }
        let index = max(0, min(historyIndex ?? history.count, history.count) - 1)
        historyIndex = index
        characters = Array(history[index])
        cursor = characters.count
        completion = nil
    }

    /// Down: the next line, or back to the draft.
    public mutating func historyNext(_ history: [String]) {
        guard let index = historyIndex else { return }
        if index + 1 < history.count {
            historyIndex = index + 1
            characters = Array(history[index + 1])
        } else {
            historyIndex = nil
            characters = draft
        }
        cursor = characters.count
        completion = nil
    }

    // MARK: Completion

    /// Tab: completes the word before the cursor; pressed again, cycles through the candidates.
    /// `candidates` gets the text up to the cursor and answers where the word starts and what fits.
    public mutating func complete(_ candidates: (String) -> (wordStart: String.Index, candidates: [String])?) {
        if var completion, completion.candidates.count > 1, completion.end == cursor {
            completion.index = (completion.index + 1) % completion.candidates.count
            replace(from: completion.start, with: completion.candidates[completion.index] + " ")
            completion.end = cursor
            self.completion = completion
            return
        }
        completion = nil
        let before = String(characters[..<cursor])
        guard let found = candidates(before), let first = found.candidates.first else { return }
        let start = before.distance(from: before.startIndex, to: found.wordStart)
        let prefix = commonPrefix(found.candidates)
        if found.candidates.count > 1 && prefix.count > cursor - start {
            replace(from: start, with: prefix)
            return
        }
        replace(from: start, with: first + " ")
        completion =
            found.candidates.count > 1
            ? Completion(start: start, end: cursor, candidates: found.candidates, index: 0) : nil
    }

    /// The candidates of the completion in progress, for display.
    public var completionCandidates: [String] { completion?.candidates ?? [] }

    private mutating func replace(from start: Int, with text: String) {
        let new = Array(text)
        characters.replaceSubrange(start..<cursor, with: new)
        cursor = start + new.count
    }

    private func commonPrefix(_ words: [String]) -> String {
        guard var prefix = words.first.map(Array.init) else { return "" }
        for word in words.dropFirst() {
            let characters = Array(word)
            var length = 0
            while length < min(prefix.count, characters.count)
                && prefix[length].lowercased() == characters[length].lowercased()
            {
                length += 1
            }
            prefix = Array(prefix.prefix(length))
        }
        return String(prefix)
    }
}
