/// Something views draw on: the ncurses screen, or an in-memory grid in tests.
public protocol Canvas: AnyObject {
    var rows: Int { get }
    var columns: Int { get }

    /// Draws `text` (one line, no control characters) at `row`, `column`, using at most `width`
    /// columns; returns the columns used. A double-width character that does not fit is replaced
    /// by a space, never split.
    @discardableResult
    func draw(_ text: some StringProtocol, row: Int, column: Int, width: Int, style: Style) -> Int

    /// Fills `width` columns with spaces.
    func fill(row: Int, column: Int, width: Int, style: Style)

    /// Where the terminal cursor should be after drawing (nil hides it).
    func placeCursor(row: Int, column: Int)
    func hideCursor()
}

extension Canvas {
    /// Draws `text` and fills the rest of `width` with spaces in the same style.
    public func drawLine(_ text: some StringProtocol, row: Int, column: Int, width: Int, style: Style) {
        let used = draw(text, row: row, column: column, width: width, style: style)
        if used < width { fill(row: row, column: column + used, width: width - used, style: style) }
    }
}

/// An in-memory screen: what a terminal would show, for tests and snapshots.
public final class ScreenBuffer: Canvas {
    public struct Cell: Hashable, Sendable {
        /// What the cell shows: a grapheme as Tern sends it (see `TextWidth.glyphs`).
        public var character: String
        public var style: Style
        /// The right half of a double-width character.
        public var isContinuation: Bool
    }

    public private(set) var rows: Int
    public private(set) var columns: Int
    public private(set) var cells: [[Cell]]
    public private(set) var cursor: (row: Int, column: Int)?

    public init(rows: Int, columns: Int) {
        self.rows = rows
        self.columns = columns
        cells = Array(
            repeating: Array(repeating: Cell(character: " ", style: .plain, isContinuation: false), count: columns),
            count: rows)
    }

    public func resize(rows: Int, columns: Int) {
        self.rows = rows
        self.columns = columns
        cells = Array(
            repeating: Array(repeating: Cell(character: " ", style: .plain, isContinuation: false), count: columns),
            count: rows)
    }

    @discardableResult
    public func draw(_ text: some StringProtocol, row: Int, column: Int, width: Int, style: Style) -> Int {
        guard row >= 0, row < rows, column >= 0 else { return 0 }
        let limit = min(width, columns - column)
        var used = 0
        if text.utf8.allSatisfy({ $0 < 0x80 }) {
            // ASCII: one cell per byte, no grapheme breaking needed.
            for byte in text.utf8.prefix(max(0, limit)) {
                cells[row][column + used] = Cell(
                    character: String(Unicode.Scalar(byte)), style: style, isContinuation: false)
                used += 1
            }
            return used
        }
        for character in text {
            let glyphs = TextWidth.glyphs(of: character)
            let characterWidth = glyphs.reduce(0) { $0 + $1.width }
            if characterWidth == 0 { continue }
            if used + characterWidth > limit {
                if used < limit {
                    cells[row][column + used] = Cell(character: " ", style: style, isContinuation: false)
                }
                return used + (used < limit ? 1 : 0)
            }
            for glyph in glyphs where glyph.width > 0 {
                cells[row][column + used] = Cell(character: glyph.text, style: style, isContinuation: false)
                for extra in 1..<glyph.width {
                    cells[row][column + used + extra] = Cell(character: " ", style: style, isContinuation: true)
                }
                used += glyph.width
            }
        }
        return used
    }

    public func fill(row: Int, column: Int, width: Int, style: Style) {
        guard row >= 0, row < rows else { return }
        for index in max(0, column)..<min(columns, column + width) {
            cells[row][index] = Cell(character: " ", style: style, isContinuation: false)
        }
    }

    public func placeCursor(row: Int, column: Int) { cursor = (row, column) }
    public func hideCursor() { cursor = nil }

    /// One row as text (trailing spaces removed).
    public func text(row: Int) -> String {
        var line = ""
        for cell in cells[row] where !cell.isContinuation { line += cell.character }
        while line.last == " " { line.removeLast() }
        return line
    }

    /// The whole screen as text, one line per row.
    public var text: String { (0..<rows).map { text(row: $0) }.joined(separator: "\n") }

    /// The style of the cell at a position.
    public func style(row: Int, column: Int) -> Style { cells[row][column].style }
}
