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
    /// blanks comes a bare-key character, a quote or the closing bracket. Lines inside multi-line
    /// strings are skipped.
    static func checkTableHeaders(_ text: String, file: String) throws(ConfigError) {
        var inString: String?
        // Open brackets of a multi-line array value, whose lines may start with "[" too.
        var arrayDepth = 0
        // Scalars, not characters: "[" and a combining mark after it are one Character.
        let lines = text.unicodeScalars.split(separator: "\n", omittingEmptySubsequences: false)
        for (index, scalars) in lines.enumerated() {
            let line = String(String.UnicodeScalarView(scalars))
            let trimmed = scalars.drop { $0 == " " || $0 == "\t" }
            if inString == nil, arrayDepth == 0, trimmed.first == "[" {
                var rest = trimmed.dropFirst()
                if rest.first == "[" { rest = rest.dropFirst() }
                rest = rest.drop { $0 == " " || $0 == "\t" }
                if !(rest.first.map(startsKey) ?? false) {
                    throw ConfigError(
                        file: file, line: index + 1,
                        message: "invalid TOML: a table name starts with a letter, a digit, _, - or a quote")
                }
            } else if inString == nil {
                let code = scalars.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first ?? []
                arrayDepth = max(0, arrayDepth + code.filter { $0 == "[" }.count - code.filter { $0 == "]" }.count)
            }
            for delimiter in ["\"\"\"", "'''"] where inString == nil || inString == delimiter {
                if line.components(separatedBy: delimiter).count % 2 == 0 {
                    inString = inString == nil ? delimiter : nil
                }
            }
        }
    }

    /// A bare-key character, a quote, or the `]` of an (invalid, but reported) empty name.
    private static func startsKey(_ scalar: Unicode.Scalar) -> Bool {
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
