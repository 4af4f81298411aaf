import Foundation
import TOMLKit

/// A colour as a theme file names it.
public enum ColorSpec: Sendable, Hashable {
    case `default`
    /// 0-255 (0-7 basic, 8-15 bright).
    case indexed(Int)
    case rgb(red: Int, green: Int, blue: Int)
}

/// A style as a theme file writes it: `"bold yellow on #202020"`.
public struct StyleSpec: Sendable, Hashable {
    public var foreground: ColorSpec?
    public var background: ColorSpec?
    public var bold = false
    public var underline = false
    public var reverse = false
    public var dim = false

    public init() {}

    static let names: [String: Int] = [
        "black": 0, "red": 1, "green": 2, "yellow": 3, "blue": 4, "magenta": 5, "cyan": 6, "white": 7,
        "grey": 8, "gray": 8, "brightblack": 8, "brightred": 9, "brightgreen": 10, "brightyellow": 11,
        "brightblue": 12, "brightmagenta": 13, "brightcyan": 14, "brightwhite": 15,
    ]

    /// Parses a style; throws a message naming the word it does not understand.
    public init(parsing text: String) throws(ThemeProblem) {
        var expectBackground = false
        var sawForeground = false
        for word in text.lowercased().split(separator: " ").map(String.init) {
            switch word {
            case "bold": bold = true
            case "underline": underline = true
            case "reverse": reverse = true
            case "dim": dim = true
            case "normal", "none": continue
            case "on": expectBackground = true
            default:
                let color = try StyleSpec.color(word)
                if expectBackground {
                    background = color
                    expectBackground = false
                } else if !sawForeground {
                    foreground = color
                    sawForeground = true
                } else {
                    throw ThemeProblem("two foreground colours (write \"FG on BG\" for a background)")
                }
            }
        }
        if expectBackground { throw ThemeProblem("\"on\" without a background colour") }
    }

    static func color(_ word: String) throws(ThemeProblem) -> ColorSpec {
        if word == "default" { return .default }
        if let index = names[word.replacingOccurrences(of: "-", with: "").replacingOccurrences(of: "_", with: "")] {
            return .indexed(index)
        }
        if let number = Int(word) {
            guard (0...255).contains(number) else { throw ThemeProblem("colour \(number) is not in 0-255") }
            return .indexed(number)
        }
        if word.hasPrefix("#"), word.count == 7, word.dropFirst().allSatisfy(\.isHexDigit),
            let value = Int(word.dropFirst(), radix: 16)
        {
            return .rgb(red: value >> 16 & 0xFF, green: value >> 8 & 0xFF, blue: value & 0xFF)
        }
        throw ThemeProblem("unknown colour or attribute \"\(word)\"")
    }
}

public struct ThemeProblem: Error, Sendable, Hashable {
    public var message: String
    public init(_ message: String) { self.message = message }
}

/// A theme file: styles by UI element name.
public struct ThemeDefinition: Sendable, Hashable {
    public var name: String
    public var file: String
    public var styles: [String: StyleSpec]

    public init(name: String, file: String, styles: [String: StyleSpec]) {
        self.name = name
        self.file = file
        self.styles = styles
    }

    /// The UI elements a theme may style.
    public static let elements: Set<String> = [
        "roster.header", "roster.online", "roster.chat", "roster.away", "roster.xa", "roster.dnd", "roster.offline",
        "roster.selected", "roster.unread", "roster.highlight", "roster.pending", "roster.border",
        "chat.time", "chat.me", "chat.them", "chat.text", "chat.action", "chat.notice", "chat.error", "chat.day",
        "chat.unread", "chat.corrected", "chat.state", "chat.failed", "chat.highlight", "chat.selected",
        "chat.strong", "chat.emphasis", "chat.strike", "chat.code", "chat.quote", "chat.url",
        "chat.reaction", "chat.reaction.own", "chat.lock", "chat.lock.verified", "chat.lock.untrusted",
        "nick.1", "nick.2", "nick.3", "nick.4", "nick.5", "nick.6", "nick.7", "nick.8",
        "occupants.header", "occupants.moderator", "occupants.participant", "occupants.visitor",
        "form.title", "form.help", "form.heading", "form.selected", "form.problem", "form.keys",
        "log.time", "log.debug", "log.info", "log.warning", "log.error",
        "statusbar.bar", "statusbar.activity", "statusbar.highlight", "statusbar.online", "statusbar.offline",
        "statusbar.connecting",
        "title.bar", "title.state", "title.lock",
        "input.text", "input.prompt", "input.more",
    ]

    /// Parses a theme file. Problems (an unknown element, a colour it does not know) are returned
    /// with file and line, and everything else still loads.
    public static func parse(_ text: String, name: String, file: String) -> (ThemeDefinition, [ConfigError]) {
        var theme = ThemeDefinition(name: name, file: file, styles: [:])
        var problems: [ConfigError] = []
        let source = SourceLines(file: file, text: text)
        let table: TOMLTable
        do {
            table = try TOMLDocument.parse(text, file: file)
        } catch {
            return (theme, [error])
        }
        func visit(_ table: TOMLTable, path: [String]) {
            for key in table.keys.sorted() {
                guard let value = table[key] else { continue }
                let keyPath = path + [key]
                let name = keyPath.joined(separator: ".")
                if let nested = value.table {
                    visit(nested, path: keyPath)
                    continue
                }
                if name == "description" { continue }
                // Found only for a problem: scanning the file per key would dominate start-up.
                func problem(_ message: String) {
                    let line = source.line(of: keyPath) ?? source.line(of: [name])
                    problems.append(ConfigError(file: file, line: line, key: name, message: message))
                }
                guard elements.contains(name) else {
                    problem("unknown element")
                    continue
                }
                guard let string = value.string else {
                    problem("expected a style string")
                    continue
                }
                do {
                    theme.styles[name] = try StyleSpec(parsing: string)
                } catch {
                    problem(error.message)
                }
            }
        }
        visit(table, path: [])
        return (theme, problems)
    }
}
