import Foundation

/// The table of commands: lookup, argument parsing, help, completion and the man page.
public final class CommandRegistry {
    public private(set) var commands: [CommandSpec] = []

    public init() {}

    /// Adds commands (the terminal UI adds its own, such as /theme).
    public func register(_ specs: [CommandSpec]) {
        commands += specs
        commands.sort { $0.name < $1.name }
    }

    public func command(named name: String) -> CommandSpec? {
        commands.first { $0.name == name }
    }

    /// Runs a command line (without the leading "/"). Errors come back with the usage appended.
    public func run(_ line: String, model: AppModel) -> String? {
        let words = CommandRegistry.tokenize(line)
        guard let name = words.first?.text.lowercased() else { return "type /help for the list of commands" }
        guard var spec = command(named: name) else {
            return "unknown command /\(name) — type /help for the list of commands"
        }
        var rest = Array(words.dropFirst())
        do throws(CommandError) {
            var accountName = try CommandRegistry.takeAccountOption(&rest)
            if !spec.subcommands.isEmpty, !(spec.runsAlone && rest.isEmpty) {
                let word = rest.first?.text.lowercased()
                guard let sub = spec.subcommands.first(where: { $0.name == word }) else {
                    return "usage: \(spec.usage())"
                }
                spec = sub
                spec.name = "\(name) \(sub.name)"
                rest.removeFirst()
                if let named = try CommandRegistry.takeAccountOption(&rest) { accountName = named }
            }
            let context = try parse(rest, line: line, spec: spec, model: model, accountName: accountName)
            try spec.handler(context)
            return nil
        } catch {
            switch error {
            case .usage(let reason): return "\(reason) — usage: \(spec.usage())"
            case .failed(let reason): return reason
            }
        }
    }

    private func parse(
        _ words: [Word],
        line: String,
        spec: CommandSpec,
        model: AppModel,
        accountName: String?
    ) throws(CommandError) -> CommandContext {
        var arguments: [String: String] = [:]
        var repeated: [String] = []
        var index = 0
        for argument in spec.arguments {
            if argument.rest {
                if index < words.count {
                    arguments[argument.name] = String(line[words[index].start...]).trimmingCharacters(in: .whitespaces)
                    index = words.count
                } else if !argument.optional {
                    throw .usage("missing \(argument.name)")
                }
                continue
            }
            if argument.repeated {
                repeated = words[index...].map(\.text)
                if repeated.isEmpty && !argument.optional { throw .usage("missing \(argument.name)") }
                arguments[argument.name] = repeated.joined(separator: " ")
                index = words.count
                continue
            }
            guard index < words.count else {
                if argument.optional { continue }
                throw .usage("missing \(argument.name)")
            }
            arguments[argument.name] = words[index].text
            index += 1
        }
        guard index >= words.count else { throw .usage("too many arguments") }
        return CommandContext(model: model, arguments: arguments, repeated: repeated, accountName: accountName)
    }

    /// Every command takes `--account NAME` before its arguments (and before or after a
    /// subcommand): the account it acts on instead of the current window's.
    static let accountOption = "--account"

    /// Removes a leading `--account NAME` from `words`; returns the name.
    static func takeAccountOption(_ words: inout [Word]) throws(CommandError) -> String? {
        guard words.first?.text == accountOption else { return nil }
        guard words.count > 1 else { throw .usage("--account needs the name of an account") }
        let name = words[1].text
        words.removeFirst(2)
        return name
    }

    /// A word of a command line and where it starts (quotes group words: "two words").
    struct Word {
        var text: String
        var start: String.Index
    }

    static func tokenize(_ line: String) -> [Word] {
        var words: [Word] = []
        var index = line.startIndex
        while index < line.endIndex {
            while index < line.endIndex && line[index].isWhitespace { index = line.index(after: index) }
            guard index < line.endIndex else { break }
            let start = index
            var text = ""
            if line[index] == "\"" {
                index = line.index(after: index)
                while index < line.endIndex && line[index] != "\"" {
                    text.append(line[index])
                    index = line.index(after: index)
                }
                if index < line.endIndex { index = line.index(after: index) }
            } else {
                while index < line.endIndex && !line[index].isWhitespace {
                    text.append(line[index])
                    index = line.index(after: index)
                }
            }
            words.append(Word(text: text, start: start))
        }
        return words
    }

    // MARK: Help

    /// `/help`: one line per command.
    public func overview() -> [String] {
        commands.map { "\($0.usage()) — \($0.summary)" }
    }

    /// `/help NAME`.
    public func help(for name: String) -> [String]? {
        guard let spec = command(named: name.trimmingCharacters(in: CharacterSet(charactersIn: "/")).lowercased())
        else { return nil }
        var lines = ["\(spec.usage()) — \(spec.summary)"]
        for sub in spec.subcommands { lines.append("  /\(spec.name) \(sub.usage(prefix: "")) — \(sub.summary)") }
        if !spec.help.isEmpty { lines += spec.help.split(separator: "\n").map { "  " + $0 } }
        return lines
    }

    /// The commands section of the man page, in troff.
    public func manPageSection() -> String {
        var text = ".SH COMMANDS\n"
        for spec in commands {
            text += ".TP\n.B \(escape(spec.usage()))\n\(escape(spec.summary))\n"
            if !spec.help.isEmpty { text += ".br\n\(escape(spec.help))\n" }
            for sub in spec.subcommands {
                text += ".TP\n.B /\(escape(spec.name)) \(escape(sub.usage(prefix: "")))\n\(escape(sub.summary))\n"
                if !sub.help.isEmpty { text += ".br\n\(escape(sub.help))\n" }
            }
        }
        return text
    }

    /// The commands as the README's table (Markdown): one row per command and subcommand.
    public func markdownTable() -> String {
        func cell(_ text: String) -> String { text.replacingOccurrences(of: "|", with: "\\|") }
        var text = "| command | does |\n|---|---|\n"
        for spec in commands {
            text += "| `\(cell(spec.usage()))` | \(cell(spec.summary)) |\n"
            for sub in spec.subcommands {
                text += "| `/\(cell(spec.name)) \(cell(sub.usage(prefix: "")))` | \(cell(sub.summary)) |\n"
            }
        }
        return text
    }

    private func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "\\", with: "\\e").replacingOccurrences(of: "-", with: "\\-")
            .split(separator: "\n", omittingEmptySubsequences: false).map {
                $0.hasPrefix(".") || $0.hasPrefix("'") ? "\\&" + $0 : String($0)
            }.joined(separator: "\n")
    }
}
