internal import CNCursesW
import Glibc

/// Terminal column widths of characters, from the C library's `wcwidth` (so they agree with what
/// ncurses and the terminal do). `wcwidth` answers -1 for all non-ASCII characters until the
/// locale is set: `prepareLocale()` first.
public enum TextWidth {
    /// Selects the user's locale, falling back to C.UTF-8 when it is not a UTF-8 one.
    public static func prepareLocale() {
        setlocale(LC_ALL, "")
        if tern_wcwidth(0x4F60) != 2 { setlocale(LC_ALL, "C.UTF-8") }
    }

    /// The columns one character (grapheme cluster) takes: 0, 1 or 2.
    public static func of(_ character: Character) -> Int {
        if character.isASCII { return 1 }
        let scalars = character.unicodeScalars
        guard let first = scalars.first else { return 0 }
        // An emoji presentation selector makes a text-default symbol double width.
        if scalars.contains("\u{FE0F}") { return 2 }
        let width = Int(tern_wcwidth(wchar_t(first.value)))
        if width < 0 { return 1 }
        return width
    }

    /// The columns a string takes.
    public static func of(_ text: some StringProtocol) -> Int {
        // Fast path: ASCII (control characters never get this far) is one column per byte.
        let utf8 = text.utf8
        if utf8.allSatisfy({ $0 < 0x80 }) { return utf8.count }
        var total = 0
        for character in text { total += of(character) }
        return total
    }

    /// The longest prefix of `text` that fits in `columns`, never splitting a character.
    public static func prefix(_ text: some StringProtocol, fitting columns: Int) -> (text: Substring, width: Int) {
        let string = Substring(text)
        var width = 0
        var end = string.startIndex
        for index in string.indices {
            let characterWidth = of(string[index])
            if width + characterWidth > columns { break }
            width += characterWidth
            end = string.index(after: index)
        }
        return (string[..<end], width)
    }

    /// `text` cut to `columns`, with "…" at the end when it did not fit.
    public static func truncate(_ text: String, to columns: Int) -> String {
        guard columns > 0 else { return "" }
        if of(text) <= columns { return text }
        return String(prefix(text, fitting: columns - 1).text) + "…"
    }
}
