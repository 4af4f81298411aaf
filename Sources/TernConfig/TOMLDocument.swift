import TOMLKit

/// Reads a TOML document into a table, with errors that name the file and line.
enum TOMLDocument {
    /// TOML allows no control character but tab and line ends anywhere, escaped or not; the
    /// parser underneath (toml++) asserts on some of them instead of reporting an error, so they
    /// are refused here first.
    static func parse(_ text: String, file: String) throws(ConfigError) -> TOMLTable {
        var line = 1
        for scalar in text.unicodeScalars {
            switch scalar.value {
            case 0x0A: line += 1
            case 0x09, 0x0D: continue
            case 0x00...0x1F, 0x7F:
                throw ConfigError(
                    file: file, line: line,
                    message:
                        "invalid TOML: control character U+\(hex(scalar.value)) (write it as an escape in a string)")
            default: continue
            }
        }
        try checkTableHeaders(text, file: file)
        do {
            return try TOMLTable(string: text)
        } catch let error as TOMLParseError {
            throw ConfigError(file: file, line: error.source.begin.line, message: "invalid TOML: \(error.description)")
        } catch {
            throw ConfigError(file: file, message: "invalid TOML: \(error)")
        }
    }

    /// toml++ asserts (instead of reporting) when a table header's name starts with a character
    /// no key can start with ("[:"), so headers are checked here first: after `[` or `[[` and
    /// blanks at the start of a line comes a bare-key character, a quote or the closing bracket.
    /// Strings (one-line and multi-line), comments and array values spread over lines are
    /// followed, so that text in them that looks like a header is left alone, and a bracket,
    /// quote or `#` inside a string or comment counts for nothing.
    static func checkTableHeaders(_ text: String, file: String) throws(ConfigError) {
        var scanner = Scanner(scalars: Array(text.unicodeScalars))
        var line = 1
        var atLineStart = true
        while scanner.index < scanner.scalars.count {
            let scalar = scanner.scalars[scanner.index]
            if scalar == "\n" {
                scanner.endLine()
                line += 1
                atLineStart = true
                continue
            }
            if atLineStart, scalar != " ", scalar != "\t" {
                atLineStart = false
                if scanner.context == .code, scanner.arrayDepth == 0, scalar == "[", !scanner.startsTableName() {
                    throw ConfigError(
                        file: file, line: line,
                        message: "invalid TOML: a table name starts with a letter, a digit, _, - or a quote")
                }
            }
            scanner.advance()
        }
    }

    /// Follows a TOML text scalar by scalar: whether it is in code, a string or a comment, and
    /// how many array brackets are open.
    private struct Scanner {
        enum Context {
            case code, basic, literal, multilineBasic, multilineLiteral, comment
        }

        let scalars: [Unicode.Scalar]
        var index = 0
        var context = Context.code
        var arrayDepth = 0

        /// Moves past the line break at `index`: a comment or a one-line string ends there (an
        /// unterminated string is the parser's to report).
        mutating func endLine() {
            index += 1
            if context == .comment || context == .basic || context == .literal { context = .code }
        }

        /// Moves past one scalar, or one string delimiter.
        mutating func advance() {
            let scalar = scalars[index]
            switch context {
            case .code:
                if skip("\"\"\"") {
                    context = .multilineBasic
                } else if skip("'''") {
                    context = .multilineLiteral
                } else {
                    index += 1
                    switch scalar {
                    case "\"": context = .basic
                    case "'": context = .literal
                    case "#": context = .comment
                    case "[": arrayDepth += 1
                    case "]": arrayDepth = max(0, arrayDepth - 1)
                    default: break
                    }
                }
            case .basic, .multilineBasic:
                if scalar == "\\" {
                    // The escaped scalar is text; a line break after the backslash is still one.
                    index += index + 1 < scalars.count && scalars[index + 1] != "\n" ? 2 : 1
                } else if context == .basic ? skip("\"") : skip("\"\"\"") {
                    context = .code
                } else {
                    index += 1
                }
            case .literal:
                index += 1
                if scalar == "'" { context = .code }
            case .multilineLiteral:
                if skip("'''") { context = .code } else { index += 1 }
            case .comment:
                index += 1
            }
        }

        /// Whether `delimiter` starts at `index`; if so, moves past it.
        private mutating func skip(_ delimiter: String) -> Bool {
            guard scalars[index...].starts(with: delimiter.unicodeScalars) else { return false }
            index += delimiter.unicodeScalars.count
            return true
        }

        /// At a `[` starting a line: whether `[`, blanks and a character a table name can start
        /// with follow.
        func startsTableName() -> Bool {
            var rest = scalars[(index + 1)...]
            if rest.first == "[" { rest = rest.dropFirst() }
            rest = rest.drop { $0 == " " || $0 == "\t" }
            return rest.first.map(TOMLDocument.startsKey) ?? false
        }
    }

    /// A bare-key character, a quote, or the `]` of an (invalid, but reported) empty name.
    fileprivate static func startsKey(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case "a"..."z", "A"..."Z", "0"..."9", "_", "-", "\"", "'", "]": true
        default: false
        }
    }

    private static func hex(_ value: UInt32) -> String {
        let digits = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }
}
