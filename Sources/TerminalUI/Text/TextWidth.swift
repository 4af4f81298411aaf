internal import CNCursesW
import ChatModel
import Glibc
import Synchronization

/// How emoji sequences are sent to the terminal (the `text.emoji` setting).
public typealias EmojiMode = UISettings.EmojiStyle

/// Terminal column widths of grapheme clusters, from the C library's `wcwidth` per code point,
/// exactly as ncurses lays them out, after turning each cluster into the code points Tern sends
/// (`glyphs`). `wcwidth` answers -1 for all non-ASCII characters until the locale is set:
/// `prepareLocale()` first.
public enum TextWidth {
    /// Selects the user's locale, falling back to C.UTF-8 when it is not a UTF-8 one.
    public static func prepareLocale() {
        setlocale(LC_ALL, "")
        if tern_wcwidth(0x4F60) != 2 { setlocale(LC_ALL, "C.UTF-8") }
    }

    private static let currentMode = Atomic<Int>(0)

    /// The mode the interface draws with (set from the `text.emoji` setting).
    public static var mode: EmojiMode {
        get { currentMode.load(ordering: .relaxed) == 0 ? .simple : .full }
        set { currentMode.store(newValue == .simple ? 0 : 1, ordering: .relaxed) }
    }

    /// One terminal cell group: code points sent together and the columns they take.
    public struct Glyph: Hashable, Sendable {
        public var scalars: [Unicode.Scalar]
        public var width: Int

        public var text: String { String(String.UnicodeScalarView(scalars)) }
    }

    /// What is sent for one grapheme cluster: its parts between zero-width joiners, each without
    /// the selectors and modifiers `mode` drops; a code point the C library does not know as
    /// printable becomes U+FFFD, which every terminal draws in one column.
    public static func glyphs(of character: Character, mode: EmojiMode = TextWidth.mode) -> [Glyph] {
        let scalars = character.unicodeScalars
        if scalars.count == 1, let only = scalars.first { return [glyph([only])] }
        var glyphs: [Glyph] = []
        var part: [Unicode.Scalar] = []
        for scalar in scalars {
            if scalar.value == 0x200D {
                if !part.isEmpty { glyphs.append(glyph(part)) }
                part.removeAll()
                continue
            }
            if mode == .simple && !part.isEmpty && isDroppedInSimpleMode(scalar) { continue }
            part.append(scalar)
        }
        if !part.isEmpty { glyphs.append(glyph(part)) }
        return glyphs
    }

    /// Variation selectors (text / emoji presentation) and the five skin-tone modifiers.
    private static func isDroppedInSimpleMode(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value == 0xFE0E || scalar.value == 0xFE0F || (0x1F3FB...0x1F3FF).contains(scalar.value)
    }

    private static func glyph(_ part: [Unicode.Scalar]) -> Glyph {
        var scalars: [Unicode.Scalar] = []
        var width = 0
        for scalar in part {
            let columns = Int(tern_wcwidth(wchar_t(bitPattern: scalar.value)))
            if columns >= 0 {
                scalars.append(scalar)
                width += columns
            } else if scalars.isEmpty {
                scalars.append("\u{FFFD}")
                width += 1
            }
            // A later code point the C library cannot draw is left out.
        }
        return Glyph(scalars: scalars, width: width)
    }

    /// The columns one character (grapheme cluster) takes.
    public static func of(_ character: Character) -> Int {
        if character.isASCII { return 1 }
        let scalars = character.unicodeScalars
        if scalars.count == 1, let only = scalars.first {
            let columns = Int(tern_wcwidth(wchar_t(bitPattern: only.value)))
            return columns < 0 ? 1 : columns
        }
        return glyphs(of: character).reduce(0) { $0 + $1.width }
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

    /// `text` cut to `columns` in the middle ("juliet@ex…le.com"), keeping both ends.
    public static func truncateMiddle(_ text: String, to columns: Int) -> String {
        guard of(text) > columns else { return text }
        guard columns > 1 else { return columns == 1 ? "…" : "" }
        let head = prefix(text, fitting: (columns - 1 + 1) / 2)
        var tail: [Character] = []
        var tailWidth = 0
        for character in text.reversed() {
            let width = of(character)
            if head.width + 1 + tailWidth + width > columns { break }
            tail.insert(character, at: 0)
            tailWidth += width
        }
        return String(head.text) + "…" + String(tail)
    }
}
