/// Makes untrusted text safe to show on a terminal.
///
/// Control characters (C0, DEL, C1) would let a message move the cursor, change the window title
/// or hide text (ANSI/OSC escape sequences start with ESC or the C1 CSI); bidirectional overrides
/// and isolates would reorder what follows them. Each becomes a visible placeholder: C0 and DEL
/// their Unicode "control picture" (ESC shows as ␛), C1 controls and bidi controls U+FFFD.
public enum TerminalSafe {
    /// The text with every dangerous character replaced. Newlines are kept when `keepNewlines`
    /// (for multi-line messages), shown as ␊ otherwise; a tab becomes four spaces.
    public static func sanitize(_ text: String, keepNewlines: Bool = false) -> String {
        guard text.unicodeScalars.contains(where: { needsReplacement($0, keepNewlines: keepNewlines) }) else {
            return text
        }
        var output = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            switch scalar.value {
            case 0x0A where keepNewlines: output.append(scalar)
            case 0x09: output.append(contentsOf: "    ".unicodeScalars)
            case 0x00...0x1F: output.append(Unicode.Scalar(0x2400 + scalar.value)!)
            case 0x7F: output.append("\u{2421}")
            case 0x80...0x9F: output.append("\u{FFFD}")
            default:
                output.append(isBidiControl(scalar) ? "\u{FFFD}" : scalar)
            }
        }
        return String(output)
    }

    static func needsReplacement(_ scalar: Unicode.Scalar, keepNewlines: Bool) -> Bool {
        switch scalar.value {
        case 0x0A: !keepNewlines
        case 0x00...0x1F, 0x7F...0x9F: true
        default: isBidiControl(scalar)
        }
    }

    /// Embeddings, overrides and isolates (U+202A-202E, U+2066-2069).
    static func isBidiControl(_ scalar: Unicode.Scalar) -> Bool {
        (0x202A...0x202E).contains(scalar.value) || (0x2066...0x2069).contains(scalar.value)
    }
}
