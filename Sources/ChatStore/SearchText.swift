import Foundation

/// Text preparation for full-text search.
///
/// The FTS5 `unicode61` tokenizer splits on spaces and punctuation, which leaves a run of Chinese or
/// Japanese text as one token: a word inside a sentence could not be found. Indexed text therefore
/// gets a space around every CJK character, and a CJK query term becomes a phrase of single
/// characters, which matches it anywhere.
enum SearchText {
    /// The text stored in the index for a message body.
    static func indexed(_ body: String) -> String {
        guard body.unicodeScalars.contains(where: isSegmented) else { return body }
        var output = String.UnicodeScalarView()
        for scalar in body.unicodeScalars {
            if isSegmented(scalar) {
                output.append(" ")
                output.append(scalar)
                output.append(" ")
            } else {
                output.append(scalar)
            }
        }
        return String(output)
    }

    /// An FTS5 query matching messages that contain every term, or nil when the text has no
    /// searchable term. The last term also matches as a word prefix (so a half-typed word finds
    /// something); the others match whole words, which FTS5 can walk lazily, where a prefix term
    /// makes it merge every matching word's list first. User input is always quoted.
    static func query(_ text: String) -> String? {
        // Not folded here: the tokenizer folds case and accents of the query as it did of the
        // index, while `fold` would take Hangul syllables apart and voicing marks off kana, which
        // the index keeps whole.
        let terms = words(of: text)
        guard !terms.isEmpty else { return nil }
        return terms.enumerated().map { index, term in
            let escaped = indexed(term).split(separator: " ").joined(separator: " ").replacingOccurrences(
                of: "\"", with: "\"\"")
            let prefix = index == terms.count - 1 && !term.unicodeScalars.contains(where: isSegmented)
            return "\"\(escaped)\"" + (prefix ? "*" : "")
        }.joined(separator: " ")
    }

    /// The query's terms as the snippet matches them: words split on whitespace and punctuation,
    /// folded.
    static func terms(of text: String) -> [String] {
        words(of: fold(text))
    }

    static func words(of text: String) -> [String] {
        text.split { !$0.isLetter && !$0.isNumber }.map(String.init)
    }

    /// Case and diacritic folding as the index sees it ("Café" → "cafe").
    static func fold(_ text: String) -> String {
        var output = String.UnicodeScalarView()
        for scalar in text.lowercased().decomposedStringWithCanonicalMapping.unicodeScalars
        where scalar.properties.generalCategory != .nonspacingMark {
            output.append(scalar)
        }
        return String(output)
    }

    /// A window of `body` around the first match of the query's terms, with every match marked.
    static func snippet(_ body: String, query: String, width: Int = 80) -> HighlightedText {
        let terms = terms(of: query)
        let characters = Array(body)
        let folded = characters.map { fold(String($0)) }
        var marked = [Bool](repeating: false, count: characters.count)
        for term in terms {
            let termCharacters = Array(term)
            var index = 0
            while index < characters.count {
                // A term matches at the start of a word (or anywhere for CJK); the snippet marks
                // prefixes of every term, which is at least what the query matched.
                let atWordStart = index == 0 || !(characters[index - 1].isLetter || characters[index - 1].isNumber)
                let cjk = term.unicodeScalars.contains(where: isSegmented)
                if atWordStart || cjk, let length = matchLength(termCharacters, folded: folded, at: index) {
                    for covered in index..<index + length { marked[covered] = true }
                    index += length
                } else {
                    index += 1
                }
            }
        }
        let first = marked.firstIndex(of: true) ?? 0
        var start = max(0, first - width / 3)
        let end = min(characters.count, start + width)
        start = max(0, min(start, end - width))
        var segments: [HighlightedText.Segment] = []
        if start > 0 { segments.append(.init(text: "…", highlighted: false)) }
        var current = ""
        var currentMarked = start < end ? marked[start] : false
        for index in start..<end {
            if marked[index] != currentMarked {
                if !current.isEmpty { segments.append(.init(text: current, highlighted: currentMarked)) }
                current = ""
                currentMarked = marked[index]
            }
            current.append(characters[index])
        }
        if !current.isEmpty { segments.append(.init(text: current, highlighted: currentMarked)) }
        if end < characters.count { segments.append(.init(text: "…", highlighted: false)) }
        return HighlightedText(segments: segments)
    }

    /// How many characters of the original match `term` starting at `index`, if they do.
    private static func matchLength(_ term: [Character], folded: [String], at index: Int) -> Int? {
        var remaining = term[...]
        var position = index
        while !remaining.isEmpty {
            guard position < folded.count else { return nil }
            let piece = folded[position]
            if piece.isEmpty {
                position += 1
                continue
            }
            let pieceCharacters = Array(piece)
            guard remaining.starts(with: pieceCharacters) else {
                // The term may end inside a character that folds to several (rare): accept a prefix.
                return pieceCharacters.starts(with: remaining) ? position - index + 1 : nil
            }
            remaining = remaining.dropFirst(pieceCharacters.count)
            position += 1
        }
        return position - index
    }

    /// Scripts written without spaces between words: CJK ideographs, kana, Hangul syllables.
    static func isSegmented(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x3040...0x30FF, 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xAC00...0xD7AF, 0xF900...0xFAFF,
            0x20000...0x2FA1F:
            true
        default: false
        }
    }
}
