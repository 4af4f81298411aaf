/// XEP-0393: Message Styling. A message body's blocks and spans, for drawing with attributes:
///
///     <body>&gt; That that is, is.
///     Wow, I can write in `monospace`! *strong* _emphasis_ ~strike~</body>
///
/// Blocks come first: a line starting with "```" opens a preformatted block that runs to a line
/// of exactly "```" or the end of its parent; lines starting with ">" form a quotation whose
/// lines, without the ">" and one leading whitespace character, are parsed again as blocks
/// (nested quotations). Other lines are plain blocks holding spans: `*strong*`, `_emphasis_`,
/// `~strike~` and `` `preformatted` `` (nothing styled inside). A span never leaves its line; its
/// opening directive starts the block or follows whitespace or a different opening directive and
/// is not followed by whitespace; the closing one is the first same character after some text
/// that does not follow whitespace. URLs (http, https, xmpp, aesgcm) are found in every line
/// outside preformatted text, and directive characters inside them are not directives.
///
/// The directives stay in the text, styled like what they enclose, as the XEP recommends: the
/// text on screen is the text received (a copy gives the same characters, wrapping and columns
/// do not change with styling, and a body that only looks styled by accident loses nothing).
/// Pure: works on the text as given, which the caller has already made safe for the terminal.
struct StyledText: Sendable, Hashable {
    /// How a piece of text is styled; several at once (a strong span in a quotation).
    struct Attributes: OptionSet, Sendable, Hashable {
        let rawValue: UInt8

        static let strong = Attributes(rawValue: 1)
        static let emphasis = Attributes(rawValue: 2)
        static let strike = Attributes(rawValue: 4)
        /// A preformatted span or block.
        static let code = Attributes(rawValue: 8)
        static let quote = Attributes(rawValue: 16)
        static let url = Attributes(rawValue: 32)
    }

    /// A stretch of the text with the same attributes.
    struct Run: Sendable, Hashable {
        var range: Range<String.Index>
        var attributes: Attributes
    }

    /// Runs in text order, with no gaps between them except newlines; none for unstyled text.
    let runs: [Run]

    /// Parses `text` (a string or a slice of one: the runs' indices are the text's own).
    init(_ text: Substring) {
        var parser = Parser()
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        parser.blocks(lines[...], attributes: [])
        runs = parser.runs
    }

    init(_ text: String) { self.init(text[...]) }

    /// Runs that overlap `range`, cut to it; the parts of `range` outside every run are plain.
    func runs(in range: Range<String.Index>) -> [Run] {
        var result: [Run] = []
        for run in runs where run.range.upperBound > range.lowerBound && run.range.lowerBound < range.upperBound {
            let lower = max(run.range.lowerBound, range.lowerBound)
            let upper = min(run.range.upperBound, range.upperBound)
            result.append(Run(range: lower..<upper, attributes: run.attributes))
        }
        return result
    }

    /// The characters that open and close spans.
    static let directives: Set<Character> = ["*", "_", "~", "`"]

    static func attributes(of directive: Character) -> Attributes {
        switch directive {
        case "*": return .strong
        case "_": return .emphasis
        case "~": return .strike
        default: return .code
        }
    }
}

extension StyledText {
    /// Collects runs while walking blocks, then spans.
    fileprivate struct Parser {
        var runs: [Run] = []

        mutating func add(_ range: Range<String.Index>, _ attributes: Attributes) {
            guard !range.isEmpty, !attributes.isEmpty else { return }
            if let last = runs.last, last.range.upperBound == range.lowerBound, last.attributes == attributes {
                runs[runs.count - 1].range = last.range.lowerBound..<range.upperBound
            } else {
                runs.append(Run(range: range, attributes: attributes))
            }
        }

        mutating func blocks(_ lines: ArraySlice<Substring>, attributes: Attributes) {
            var index = lines.startIndex
            while index < lines.endIndex {
                let line = lines[index]
                if line.hasPrefix("```") {
                    var end = index + 1
                    while end < lines.endIndex && lines[end] != "```" { end += 1 }
                    let last = min(end, lines.endIndex - 1)
                    for block in lines[index...last] { add(block.startIndex..<block.endIndex, attributes.union(.code)) }
                    index = last + 1
                } else if line.hasPrefix(">") {
                    var end = index
                    var inner: [Substring] = []
                    while end < lines.endIndex && lines[end].hasPrefix(">") {
                        var rest = lines[end].dropFirst()
                        if let first = rest.first, first.isWhitespace { rest = rest.dropFirst() }
                        inner.append(rest)
                        end += 1
                    }
                    quotation(lines[index..<end], inner: inner, attributes: attributes.union(.quote))
                    index = end
                } else {
                    spans(line, attributes: attributes)
                    index += 1
                }
            }
        }

        /// Whether a byte may start a span or a URL (every scheme has a colon).
        static func mayMatter(_ byte: UInt8) -> Bool {
            byte == UInt8(ascii: "*") || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "~")
                || byte == UInt8(ascii: "`") || byte == UInt8(ascii: ":")
        }

        /// The quotation's markers styled as quoted, then its inner lines parsed as blocks.
        private mutating func quotation(_ lines: ArraySlice<Substring>, inner: [Substring], attributes: Attributes) {
            var innerRuns = Parser()
            innerRuns.blocks(inner[...], attributes: attributes)
            var next = innerRuns.runs.startIndex
            for (line, content) in zip(lines, inner) {
                add(line.startIndex..<content.startIndex, attributes)
                var covered = content.startIndex
                while next < innerRuns.runs.endIndex && innerRuns.runs[next].range.lowerBound < content.endIndex {
                    let run = innerRuns.runs[next]
                    add(covered..<run.range.lowerBound, attributes)
                    add(run.range, run.attributes)
                    covered = run.range.upperBound
                    next += 1
                }
                add(covered..<content.endIndex, attributes)
            }
        }

        /// A plain block (one line): spans, and URLs.
        mutating func spans(_ line: Substring, attributes: Attributes) {
            guard !line.isEmpty else { return }
            // Most lines have no directive and no URL: nothing to look for character by character.
            if !line.utf8.contains(where: Self.mayMatter) { return add(line.startIndex..<line.endIndex, attributes) }
            let urls = URLDetector.ranges(in: line)
            var marks = Array(repeating: attributes, count: line.count)
            let characters = Array(line)
            var inURL = Array(repeating: false, count: characters.count)
            var offsets: [String.Index] = []
            offsets.reserveCapacity(characters.count + 1)
            var position = line.startIndex
            for offset in characters.indices {
                offsets.append(position)
                if urls.contains(where: { $0.contains(position) }) {
                    inURL[offset] = true
                    marks[offset].insert(.url)
                }
                position = line.index(after: position)
            }
            offsets.append(line.endIndex)
            SpanScanner(characters: characters, inURL: inURL).mark(0..<characters.count, into: &marks)
            var start = 0
            for offset in 1...characters.count where offset == characters.count || marks[offset] != marks[start] {
                add(offsets[start]..<offsets[offset], marks[start])
                start = offset
            }
        }
    }

    /// Finds spans in a line's characters, lazily from the left, and marks their attributes.
    fileprivate struct SpanScanner {
        let characters: [Character]
        let inURL: [Bool]

        func mark(_ block: Range<Int>, into marks: inout [Attributes]) {
            var index = block.lowerBound
            while index < block.upperBound {
                let character = characters[index]
                guard isOpening(index, in: block), let close = closing(of: index, in: block) else {
                    index += 1
                    continue
                }
                let attributes = StyledText.attributes(of: character)
                for offset in index...close { marks[offset].formUnion(attributes) }
                // Nothing is styled inside a preformatted span.
                if character != "`" { mark(index + 1..<close, into: &marks) }
                index = close + 1
            }
        }

        /// A directive that may open a span: at the start of the block, after whitespace or after
        /// a different opening directive, and followed by text (not whitespace, not itself).
        private func isOpening(_ index: Int, in block: Range<Int>) -> Bool {
            let character = characters[index]
            guard StyledText.directives.contains(character), !inURL[index], index + 1 < block.upperBound else {
                return false
            }
            let next = characters[index + 1]
            if next.isWhitespace || next == character { return false }
            return followsOpeningPosition(index, in: block)
        }

        private func followsOpeningPosition(_ index: Int, in block: Range<Int>) -> Bool {
            if index == block.lowerBound { return true }
            let previous = characters[index - 1]
            if previous.isWhitespace { return true }
            return StyledText.directives.contains(previous) && previous != characters[index]
                && !inURL[index - 1] && followsOpeningPosition(index - 1, in: block)
        }

        /// The first matching directive after some text, not after whitespace.
        private func closing(of open: Int, in block: Range<Int>) -> Int? {
            let character = characters[open]
            var index = open + 2
            while index < block.upperBound {
                if characters[index] == character && !inURL[index] && !characters[index - 1].isWhitespace {
                    return index
                }
                index += 1
            }
            return nil
        }
    }
}
