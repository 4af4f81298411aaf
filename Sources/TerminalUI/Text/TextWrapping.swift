/// Breaks text into lines of at most a number of columns: at spaces where possible, inside a word
/// only when a word is longer than a line; never inside a character.
public enum TextWrapping {
    /// Lines of `text`; the first may be `firstWidth` columns, the others `width`. Explicit
    /// newlines start new lines.
    public static func wrap(_ text: String, firstWidth: Int, width: Int) -> [Substring] {
        // Most chat lines fit on one line.
        if !text.utf8.contains(10) && TextWidth.of(text) <= max(1, firstWidth) { return [text[...]] }
        var lines: [Substring] = []
        var available = max(1, firstWidth)
        for paragraph in text.split(separator: "\n", omittingEmptySubsequences: false) {
            var rest = paragraph[...]
            if rest.isEmpty {
                lines.append(rest)
                available = max(1, width)
                continue
            }
            while !rest.isEmpty {
                if TextWidth.of(rest) <= available {
                    lines.append(rest)
                    rest = rest[rest.endIndex...]
                } else {
                    let (fitting, _) = TextWidth.prefix(rest, fitting: available)
                    var cut = fitting.endIndex
                    if let space = fitting.lastIndex(of: " "), space > fitting.startIndex { cut = space }
                    if cut == rest.startIndex { cut = rest.index(after: rest.startIndex) }
                    lines.append(rest[..<cut])
                    rest = rest[cut...]
                    while rest.first == " " { rest = rest.dropFirst() }
                }
                available = max(1, width)
            }
        }
        return lines
    }
}
