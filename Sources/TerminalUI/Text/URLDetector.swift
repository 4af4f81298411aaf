/// Finds URLs in a line of text, for highlighting: `http://`, `https://`, `aesgcm://` (XEP-0454
/// encrypted files) and `xmpp:` (RFC 5122) addresses. A URL starts at the start of the text or
/// after a character that is not a letter or digit, runs to whitespace, and leaves out trailing
/// punctuation that ends the sentence around it (a closing bracket only when the URL has more of
/// them than opening ones: Wikipedia's `Foo_(bar)` keeps its own).
enum URLDetector {
    static let schemes = ["https://", "http://", "aesgcm://", "xmpp:"]

    /// The characters a URL does not end with.
    private static let trailing: Set<Character> = [
        ".", ",", ";", ":", "!", "?", "'", "\"", "*", "_", "~", "`", ">", "<",
    ]
    private static let closers: [Character: Character] = [")": "(", "]": "[", "}": "{"]

    static func ranges(in text: Substring) -> [Range<String.Index>] {
        // Every scheme has a colon: most lines have none and need no further look.
        guard text.utf8.contains(UInt8(ascii: ":")) else { return [] }
        var found: [Range<String.Index>] = []
        var index = text.startIndex
        var previous: Character?
        while index < text.endIndex {
            if previous.map({ !$0.isLetter && !$0.isNumber }) ?? true, let end = url(at: index, in: text) {
                found.append(index..<end)
                index = end
                previous = nil
                continue
            }
            previous = text[index]
            index = text.index(after: index)
        }
        return found
    }

    /// The end of a URL starting at `start`, or nil when none starts there.
    private static func url(at start: String.Index, in text: Substring) -> String.Index? {
        let head = text[start...].prefix(9).lowercased()
        guard let scheme = schemes.first(where: { head.hasPrefix($0) }) else { return nil }
        let afterScheme = text.index(start, offsetBy: scheme.count)
        var end = text[afterScheme...].firstIndex(where: \.isWhitespace) ?? text.endIndex
        while end > afterScheme {
            let last = text[text.index(before: end)]
            if trailing.contains(last) {
                end = text.index(before: end)
            } else if let opener = closers[last],
                text[afterScheme..<end].count(where: { $0 == last })
                    > text[afterScheme..<end].count(where: { $0 == opener })
            {
                end = text.index(before: end)
            } else {
                break
            }
        }
        return end > afterScheme ? end : nil
    }
}
