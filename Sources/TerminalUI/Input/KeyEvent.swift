import Foundation

/// A key the user pressed, decoded from the terminal.
public enum KeyEvent: Sendable, Hashable {
    case character(Character)
    /// Ctrl with a letter: `control("a")`.
    case control(Character)
    /// Alt (Meta) with a character: `alt("b")`, `alt("1")`.
    case alt(Character)
    case key(Key)
    /// Alt with a special key (Alt-Left, Alt-End).
    case altKey(Key)
    /// Bracketed paste: the whole pasted text, newlines included.
    case paste(String)
    case resize

    public enum Key: Sendable, Hashable {
        case up, down, left, right, home, end, pageUp, pageDown, insert, delete, backspace, enter, tab, backTab, escape
        case function(Int)
    }
}

/// Turns the terminal's input (characters and key codes) into `KeyEvent`s, including the escape
/// sequences ncurses leaves undecoded: Alt-key combinations, bracketed paste, xterm modifiers.
public struct KeyDecoder: Sendable {
    /// One unit of terminal input: a character, or a key code ncurses already decoded.
    public enum Input: Sendable, Hashable {
        case character(Unicode.Scalar)
        case keyCode(KeyEvent)
    }

    private var pending: [Unicode.Scalar] = []
    private var pasting = false
    private var paste: [Unicode.Scalar] = []

    public init() {}

    /// Decodes a batch of input read at once; an escape at the end of the batch is the Escape key.
    public mutating func decode(_ inputs: [Input]) -> [KeyEvent] {
        var events: [KeyEvent] = []
        for input in inputs {
            switch input {
            case .keyCode(let event):
                flushPending(into: &events)
                if pasting {
                    if case .key(.enter) = event { paste.append("\n") }
                    continue
                }
                events.append(event)
            case .character(let scalar):
                feed(scalar, into: &events)
            }
        }
        if !pasting { flushPending(into: &events) }
        return events
    }

    private mutating func feed(_ scalar: Unicode.Scalar, into events: inout [KeyEvent]) {
        if pasting {
            paste.append(scalar)
            if paste.count >= 6, String(String.UnicodeScalarView(paste.suffix(6))) == "\u{1B}[201~" {
                paste.removeLast(6)
                var text = String(String.UnicodeScalarView(paste))
                text = text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
                events.append(.paste(text))
                paste.removeAll()
                pasting = false
            }
            return
        }
        if !pending.isEmpty {
            pending.append(scalar)
            resolvePending(into: &events)
            return
        }
        if scalar == "\u{1B}" {
            pending = [scalar]
            return
        }
        events.append(KeyDecoder.plain(scalar))
    }

    /// Tries to complete an escape sequence in `pending`.
    private mutating func resolvePending(into events: inout [KeyEvent]) {
        guard pending.count >= 2 else { return }
        let second = pending[1]
        if second == "[" || second == "O" {
            // CSI / SS3: wait for the final byte.
            guard let last = pending.last, pending.count > 2, (0x40...0x7E).contains(last.value) else { return }
            let body = String(String.UnicodeScalarView(pending.dropFirst(2)))
            pending.removeAll()
            if body == "200~" {
                pasting = true
                paste.removeAll()
                return
            }
            if let event = KeyDecoder.csi(body) { events.append(event) }
            return
        }
        pending.removeAll()
        if second == "\u{1B}" {
            events.append(.key(.escape))
            pending = [second]
            return
        }
        switch KeyDecoder.plain(second) {
        case .character(let character): events.append(.alt(character))
        case .key(let key): events.append(.altKey(key))
        case .control(let letter): events.append(.alt(letter))
        default: break
        }
    }

    private mutating func flushPending(into events: inout [KeyEvent]) {
        guard !pending.isEmpty else { return }
        if pending == ["\u{1B}"] {
            events.append(.key(.escape))
        } else {
            // An incomplete sequence: Escape, then the rest as typed.
            events.append(.key(.escape))
            events += pending.dropFirst().map(KeyDecoder.plain)
        }
        pending.removeAll()
    }

    static func plain(_ scalar: Unicode.Scalar) -> KeyEvent {
        switch scalar.value {
        case 9: return .key(.tab)
        case 13: return .key(.enter)
        // Ctrl-J (line feed): Enter unless `input.newline` makes it the newline key.
        case 10: return .control("j")
        case 8, 127: return .key(.backspace)
        case 27: return .key(.escape)
        case 1...26: return .control(Character(Unicode.Scalar(scalar.value + 96)!))
        case 0, 28...31: return .control("@")
        default: return .character(Character(scalar))
        }
    }

    /// xterm CSI sequences ncurses did not decode: `1;3D` (Alt-Left), `F`, `3~`, ...
    static func csi(_ body: String) -> KeyEvent? {
        var parameters = body
        let final = parameters.removeLast()
        let fields = parameters.split(separator: ";").map(String.init)
        let modifier = fields.count >= 2 ? Int(fields[1]) ?? 1 : 1
        let key: KeyEvent.Key?
        switch final {
        case "A": key = .up
        case "B": key = .down
        case "C": key = .right
        case "D": key = .left
        case "H": key = .home
        case "F": key = .end
        case "Z": key = .backTab
        case "~":
            switch fields.first {
            case "1", "7": key = .home
            case "2": key = .insert
            case "3": key = .delete
            case "4", "8": key = .end
            case "5": key = .pageUp
            case "6": key = .pageDown
            default: key = nil
            }
        default: key = nil
        }
        guard let key else { return nil }
        // Modifier 3 is Alt (xterm: 1 + 2).
        return modifier == 3 || modifier == 4 ? .altKey(key) : .key(key)
    }
}
