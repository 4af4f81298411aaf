/// Makes untrusted text safe to show on a terminal, and honest about what it contains.
///
/// Control characters (C0, DEL, C1) would let a message move the cursor, change the window title
/// or hide text (ANSI/OSC escape sequences start with ESC or the C1 CSI); bidirectional controls
/// would reorder what follows them; invisible characters (zero-width spaces, bidi marks, fillers,
/// Unicode tag characters outside a flag) would hide text or make two names look the same. Each
/// becomes a visible placeholder: C0 and DEL their Unicode "control picture" (ESC shows as ␛), a
/// soft hyphen a hyphen, everything else U+FFFD. What scripts and emoji need stays: a zero-width
/// joiner or non-joiner between letters or emoji, and tag characters that spell a flag.
///
/// Every path that shows text from the network or a file goes through here: the UI, the CLI's
/// standard output and error, the notify command's environment.
public enum TerminalSafe {
    /// The text with every dangerous character replaced. Newlines are kept when `keepNewlines`
    /// (for multi-line messages), shown as ␊ otherwise; a tab becomes four spaces.
    public static func sanitize(_ text: String, keepNewlines: Bool = false) -> String {
        guard text.unicodeScalars.contains(where: { needsReview($0, keepNewlines: keepNewlines) }) else {
            return text
        }
        let scalars = Array(text.unicodeScalars)
        var output = String.UnicodeScalarView()
        var inFlag = false
        for (index, scalar) in scalars.enumerated() {
            let value = scalar.value
            if isTag(value) {
                // An emoji tag sequence: U+1F3F4, tags, U+E007F (the flags of England, Scotland...).
                let starts = index > 0 && (scalars[index - 1].value == 0x1F3F4 || inFlag)
                inFlag = starts && value != 0xE007F
                output.append(starts ? scalar : "\u{FFFD}")
                continue
            }
            inFlag = false
            switch value {
            case 0x0A where keepNewlines: output.append(scalar)
            case 0x09: output.append(contentsOf: "    ".unicodeScalars)
            case 0x00...0x1F: output.append(Unicode.Scalar(0x2400 + value)!)
            case 0x7F: output.append("\u{2421}")
            case 0xAD: output.append("-")
            case 0x200C, 0x200D:
                let joins =
                    index > 0 && index + 1 < scalars.count && joinable(scalars[index - 1])
                    && joinable(scalars[index + 1])
                output.append(joins ? scalar : "\u{FFFD}")
            default:
                output.append(isHidden(value) ? "\u{FFFD}" : scalar)
            }
        }
        return String(output)
    }

    /// Whether a scalar might be replaced (the fast path skips text without any).
    static func needsReview(_ scalar: Unicode.Scalar, keepNewlines: Bool) -> Bool {
        let value = scalar.value
        switch value {
        case 0x0A: return !keepNewlines
        case 0x00...0x1F, 0x7F...0x9F, 0xAD, 0x200C, 0x200D: return true
        default: return isHidden(value) || isTag(value)
        }
    }

    /// C1 controls, bidi controls and marks, and characters that draw nothing.
    static func isHidden(_ value: UInt32) -> Bool {
        switch value {
        case 0x80...0x9F: true
        // Embeddings, overrides, isolates; LRM, RLM and ALM.
        case 0x202A...0x202E, 0x2066...0x2069, 0x200E, 0x200F, 0x061C: true
        // Zero-width space, word joiner and invisible operators, BOM, Mongolian vowel separator.
        case 0x200B, 0x2060...0x2064, 0xFEFF, 0x180E: true
        // Hangul fillers (blank "names"), interlinear annotation.
        case 0x115F, 0x1160, 0x3164, 0xFFA0, 0xFFF9...0xFFFB: true
        default: false
        }
    }

    static func isTag(_ value: UInt32) -> Bool { (0xE0000...0xE007F).contains(value) }

    /// A joiner is kept between two of these: letters (Arabic, Indic scripts), marks, emoji and
    /// their modifiers and variation selectors; never a character that is itself replaced (a
    /// Hangul filler is a letter), or sanitising twice would replace the joiner the second time.
    static func joinable(_ scalar: Unicode.Scalar) -> Bool {
        guard !isHidden(scalar.value) else { return false }
        let properties = scalar.properties
        return properties.isAlphabetic || properties.isEmoji || properties.isEmojiModifier
            || properties.generalCategory == .nonspacingMark || properties.generalCategory == .spacingMark
            || (0xFE00...0xFE0F).contains(scalar.value)
    }
}
