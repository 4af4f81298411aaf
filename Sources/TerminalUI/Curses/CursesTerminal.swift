internal import CNCursesW
import Glibc

/// The terminal through ncursesw: the only code that calls ncurses. Use it from one thread.
public final class CursesTerminal {
    public private(set) var rows: Int = 0
    public private(set) var columns: Int = 0
    /// Colours available for themes: 0 with NO_COLOR or a monochrome terminal, else 8, 16 or 256.
    public private(set) var colorCount = 0
    public let canvas: CursesCanvas
    private var active = false
    private var extendedKeys: [Int32: KeyEvent] = [:]

    /// Takes over the terminal: raw input, no echo, keypad decoding, bracketed paste.
    public init(environment: [String: String]) {
        TextWidth.prepareLocale()
        canvas = CursesCanvas()
        initscr()
        active = true
        raw()
        noecho()
        nonl()
        intrflush(tern_stdscr(), false)
        keypad(tern_stdscr(), true)
        nodelay(tern_stdscr(), true)
        set_escdelay(25)
        if has_colors() && environment["NO_COLOR"].map({ $0.isEmpty }) != false {
            start_color()
            use_default_colors()
            let colors = Int(tern_colors())
            colorCount = colors >= 256 ? 256 : colors >= 16 ? 16 : colors >= 8 ? 8 : 0
        }
        canvas.colorPairs = Int(tern_color_pairs())
        learnExtendedKeys()
        // Bracketed paste: a multi-line paste arrives as one piece.
        writeToTerminal("\u{1B}[?2004h")
        updateSize()
    }

    deinit { restore() }

    /// Gives the terminal back as it was (on exit and on fatal signals).
    public func restore() {
        guard active else { return }
        active = false
        writeToTerminal("\u{1B}[?2004l")
        endwin()
    }

    public func updateSize() {
        rows = Int(tern_lines())
        columns = Int(tern_cols())
        canvas.rows = rows
        canvas.columns = columns
    }

    /// Everything typed since the last call, decoded into raw input units.
    public func readInput() -> [KeyDecoder.Input] {
        var inputs: [KeyDecoder.Input] = []
        var value: wint_t = 0
        while true {
            let status = wget_wch(tern_stdscr(), &value)
            if status == ERR { break }
            if status == KEY_CODE_YES {
                if Int32(value) == KEY_RESIZE {
                    updateSize()
                    inputs.append(.keyCode(.resize))
                } else if let event = keyEvent(Int32(value)) {
                    inputs.append(.keyCode(event))
                }
            } else if let scalar = Unicode.Scalar(UInt32(value)) {
                inputs.append(.character(scalar))
            }
            if inputs.count > 65_536 { break }
        }
        return inputs
    }

    /// Sends what was drawn to the terminal (ncurses writes only the differences).
    public func flush() {
        if let cursor = canvas.cursor {
            curs_set(1)
            wmove(tern_stdscr(), Int32(cursor.row), Int32(cursor.column))
        } else {
            curs_set(0)
        }
        wnoutrefresh(tern_stdscr())
        doupdate()
    }

    /// Rings the terminal bell.
    public func bell() {
        beep()
    }

    /// Puts text on the clipboard through the terminal (OSC 52), from the base64 payload of
    /// `Clipboard.payload(for:)`; anything else is not written.
    public func copyToClipboard(base64 payload: String) {
        if let sequence = Clipboard.sequence(base64: payload) { writeToTerminal(sequence) }
    }

    /// Forces a full repaint on the next flush (Ctrl-L).
    public func clearScreen() {
        clearok(tern_stdscr(), true)
    }

    private func keyEvent(_ code: Int32) -> KeyEvent? {
        switch code {
        case KEY_UP: return .key(.up)
        case KEY_DOWN: return .key(.down)
        case KEY_LEFT: return .key(.left)
        case KEY_RIGHT: return .key(.right)
        case KEY_HOME: return .key(.home)
        case KEY_END: return .key(.end)
        case KEY_PPAGE: return .key(.pageUp)
        case KEY_NPAGE: return .key(.pageDown)
        case KEY_IC: return .key(.insert)
        case KEY_DC: return .key(.delete)
        case KEY_BACKSPACE: return .key(.backspace)
        case KEY_ENTER: return .key(.enter)
        case KEY_BTAB: return .key(.backTab)
        default:
            if code >= tern_key_f(1) && code <= tern_key_f(12) { return .key(.function(Int(code - tern_key_f(0)))) }
            return extendedKeys[code]
        }
    }

    /// Alt with arrows, Home and End have terminfo names (kLFT3 ...) whose key codes ncurses
    /// assigns at run time.
    private func learnExtendedKeys() {
        let names: [(String, KeyEvent)] = [
            ("kLFT3", .altKey(.left)), ("kRIT3", .altKey(.right)), ("kEND3", .altKey(.end)), ("kHOM3", .altKey(.home)),
            ("kUP3", .altKey(.up)), ("kDN3", .altKey(.down)), ("kPRV3", .altKey(.pageUp)),
            ("kNXT3", .altKey(.pageDown)),
        ]
        for (name, event) in names {
            guard let sequence = tigetstr(name), Int(bitPattern: sequence) != -1, Int(bitPattern: sequence) != 0
            else { continue }
            let code = key_defined(sequence)
            if code > 0 { extendedKeys[code] = event }
        }
    }

    private func writeToTerminal(_ text: String) {
        _ = text.withCString { write(1, $0, strlen($0)) }
    }
}

/// Draws on stdscr, turning styles into ncurses attributes and colour pairs.
public final class CursesCanvas: Canvas {
    public fileprivate(set) var rows = 0
    public fileprivate(set) var columns = 0
    fileprivate var colorPairs = 0
    fileprivate var cursor: (row: Int, column: Int)?
    private var pairs: [PairKey: Int16] = [:]
    private var buffer: [wchar_t] = []

    private struct PairKey: Hashable {
        var foreground: Int
        var background: Int
    }

    @discardableResult
    public func draw(_ text: some StringProtocol, row: Int, column: Int, width: Int, style: Style) -> Int {
        guard row >= 0, row < rows, column >= 0, column < columns else { return 0 }
        let limit = min(width, columns - column)
        guard limit > 0 else { return 0 }
        buffer.removeAll(keepingCapacity: true)
        var used = 0
        var truncated = false
        if text.utf8.allSatisfy({ $0 < 0x80 }) {
            for byte in text.utf8.prefix(limit) { buffer.append(wchar_t(byte)) }
            used = buffer.count
        } else {
            for character in text {
                let glyphs = TextWidth.glyphs(of: character)
                let characterWidth = glyphs.reduce(0) { $0 + $1.width }
                if used + characterWidth > limit {
                    truncated = used < limit
                    break
                }
                for glyph in glyphs {
                    for scalar in glyph.scalars { buffer.append(wchar_t(bitPattern: scalar.value)) }
                }
                used += characterWidth
            }
        }
        if truncated {
            buffer.append(32)
            used += 1
        }
        apply(style)
        buffer.append(0)
        mvwaddnwstr(tern_stdscr(), Int32(row), Int32(column), buffer, Int32(buffer.count - 1))
        return used
    }

    public func fill(row: Int, column: Int, width: Int, style: Style) {
        guard row >= 0, row < rows, column < columns, width > 0 else { return }
        let count = min(width, columns - max(0, column))
        guard count > 0 else { return }
        apply(style)
        buffer = [wchar_t](repeating: 32, count: count) + [0]
        mvwaddnwstr(tern_stdscr(), Int32(row), Int32(max(0, column)), buffer, Int32(count))
    }

    public func placeCursor(row: Int, column: Int) { cursor = (row, column) }
    public func hideCursor() { cursor = nil }

    private func apply(_ style: Style) {
        var attributes = tern_a_normal()
        if style.bold { attributes |= tern_a_bold() }
        if style.underline { attributes |= tern_a_underline() }
        if style.reverse { attributes |= tern_a_reverse() }
        if style.dim { attributes |= tern_a_dim() }
        let pair = pairNumber(style)
        wattr_set(tern_stdscr(), attributes, pair, nil)
    }

    private func pairNumber(_ style: Style) -> Int16 {
        func number(_ color: TerminalColor) -> Int {
            if case .index(let index) = color { return index }
            return -1
        }
        let key = PairKey(foreground: number(style.foreground), background: number(style.background))
        if key.foreground == -1 && key.background == -1 { return 0 }
        if let pair = pairs[key] { return pair }
        let next = pairs.count + 1
        guard next < min(colorPairs, Int(Int16.max)) else { return 0 }
        init_pair(Int16(next), Int16(key.foreground), Int16(key.background))
        pairs[key] = Int16(next)
        return Int16(next)
    }
}
