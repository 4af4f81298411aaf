import Foundation
import TOMLKit

/// Typed, checked access to one TOML table, reporting mistakes with file, line and key.
///
/// TOMLKit parses; this only validates. Lines are found by `SourceLines`, which looks up where a
/// key was written so that an error can point at it.
struct ConfigReader {
    let table: TOMLTable
    let path: [String]
    let source: SourceLines

    func error(_ key: String?, _ message: String) -> ConfigError {
        let keyPath = key.map { path + [$0] } ?? path
        return ConfigError(
            file: source.file, line: source.line(of: keyPath),
            key: keyPath.isEmpty ? nil : keyPath.joined(separator: "."),
            message: message)
    }

    /// Fails on the first key not in `allowed`.
    func rejectUnknownKeys(allowed: Set<String>) throws(ConfigError) {
        for key in table.keys.sorted() where !allowed.contains(key) {
            let known = allowed.sorted().joined(separator: ", ")
            throw error(key, "unknown key (known keys here: \(known))")
        }
    }

    func string(_ key: String) throws(ConfigError) -> String? {
        guard let value = table[key] else { return nil }
        guard let string = value.string else { throw error(key, "expected a string, found \(describe(value.type))") }
        return string
    }

    func int(_ key: String, in range: ClosedRange<Int>) throws(ConfigError) -> Int? {
        guard let value = table[key] else { return nil }
        guard let int = value.int else { throw error(key, "expected an integer, found \(describe(value.type))") }
        guard range.contains(int) else {
            throw error(key, "\(int) is out of range (\(range.lowerBound) to \(range.upperBound))")
        }
        return int
    }

    func bool(_ key: String) throws(ConfigError) -> Bool? {
        guard let value = table[key] else { return nil }
        guard let bool = value.bool else { throw error(key, "expected true or false, found \(describe(value.type))") }
        return bool
    }

    /// An array of strings (`["a", "b"]`).
    func strings(_ key: String) throws(ConfigError) -> [String]? {
        guard let value = table[key] else { return nil }
        guard let array = value.array else {
            throw error(key, "expected an array of strings, found \(describe(value.type))")
        }
        var strings: [String] = []
        for (index, item) in array.enumerated() {
            guard let string = item.string else {
                throw error(key, "expected an array of strings; item \(index + 1) is \(describe(item.type))")
            }
            strings.append(string)
        }
        return strings
    }

    /// A string that must be one of `choices`.
    func choice(_ key: String, of choices: [String]) throws(ConfigError) -> String? {
        guard let value = try string(key) else { return nil }
        guard choices.contains(value) else {
            throw error(key, "\"\(value)\" is not one of \(choices.map { "\"\($0)\"" }.joined(separator: ", "))")
        }
        return value
    }

    func table(_ key: String) throws(ConfigError) -> ConfigReader? {
        guard let value = table[key] else { return nil }
        guard let table = value.table else { throw error(key, "expected a table, found \(describe(value.type))") }
        return ConfigReader(table: table, path: path + [key], source: source)
    }

    private func describe(_ type: TOMLType) -> String {
        switch type {
        case .string: "a string"
        case .int: "an integer"
        case .double: "a number with a fraction"
        case .bool: "a boolean"
        case .table: "a table"
        case .array: "an array"
        case .date, .time, .dateTime: "a date or time"
        }
    }
}

/// Finds the line on which a key path was written, for error messages. It understands table
/// headers (`[a.b]`, quoted parts, a comment after them), `key = value` lines (quoted keys too) and
/// inline tables (their keys are on the table's line); anything it cannot place gets no line.
struct SourceLines {
    let file: String
    let lines: [Substring]

    init(file: String, text: String) {
        self.file = file
        self.lines = text.split(separator: "\n", omittingEmptySubsequences: false)
    }

    func line(of path: [String]) -> Int? {
        guard !path.isEmpty else { return nil }
        // Compare dotted names, so that `"a.b" = 1`, `a.b = 1` and `[a]` + `b = 1` all match.
        let wanted = path.joined(separator: ".")
        var currentTable: [String] = []
        for (index, raw) in lines.enumerated() {
            let line = Substring(raw.trimmingCharacters(in: .whitespaces))
            if line.hasPrefix("#") { continue }
            if line.hasPrefix("[") {
                let inner = line.drop { $0 == "[" }
                currentTable = SourceLines.keyParts(inner[..<(SourceLines.unquoted("]", in: inner) ?? inner.endIndex)])
                let table = currentTable.joined(separator: ".")
                if table == wanted || table.hasPrefix(wanted + ".") { return index + 1 }
                continue
            }
            guard let equals = SourceLines.unquoted("=", in: line) else { continue }
            let name = (currentTable + SourceLines.keyParts(line[..<equals])).joined(separator: ".")
            if name == wanted || name.hasPrefix(wanted + ".") { return index + 1 }
            let value = line[line.index(after: equals)...].drop { $0 == " " || $0 == "\t" }
            if value.hasPrefix("{"), wanted.hasPrefix(name + ".") { return index + 1 }
        }
        return nil
    }

    static func keyParts(_ text: Substring) -> [String] {
        text.split(separator: ".").map {
            $0.trimmingCharacters(in: .whitespaces).trimmingCharacters(in: CharacterSet(charactersIn: "\"'"))
        }
    }

    /// The first `target` in `text` outside a quoted key.
    private static func unquoted(_ target: Character, in text: Substring) -> Substring.Index? {
        var quote: Character?
        for index in text.indices {
            let character = text[index]
            if let open = quote {
                if character == open { quote = nil }
            } else if character == "\"" || character == "'" {
                quote = character
            } else if character == target {
                return index
            }
        }
        return nil
    }
}
