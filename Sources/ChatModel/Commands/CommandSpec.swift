/// How an argument is completed with Tab.
public enum ArgumentCompletion: Sendable, Hashable {
    case none
    /// Roster JIDs and open conversations.
    case contact
    /// A fixed set of words.
    case choice([String])
    /// `/set` keys.
    case setting
    /// Names of commands.
    case command
    /// Theme names (supplied by the terminal UI).
    case theme
    /// Account names.
    case account
    /// Roster group names.
    case group
}

/// One argument of a command.
public struct ArgumentSpec: Sendable, Hashable {
    public var name: String
    public var optional: Bool
    /// Takes the rest of the line, spaces included (message texts, status messages, names).
    public var rest: Bool
    /// May be given several times (`GROUP...`).
    public var repeated: Bool
    public var completion: ArgumentCompletion

    public init(
        _ name: String,
        optional: Bool = false,
        rest: Bool = false,
        repeated: Bool = false,
        completion: ArgumentCompletion = .none
    ) {
        self.name = name
        self.optional = optional
        self.rest = rest
        self.repeated = repeated
        self.completion = completion
    }

    var usage: String {
        let text = name + (repeated ? "..." : "")
        return optional ? "[\(text)]" : text
    }
}

/// A command: its syntax, help and handler, declared once; /help, completion and the man page
/// are derived from these.
public struct CommandSpec {
    public var name: String
    /// Subcommands (`/roster add ...`) when non-empty; then `arguments` is unused.
    public var subcommands: [CommandSpec]
    public var arguments: [ArgumentSpec]
    public var summary: String
    public var help: String
    public var handler: (CommandContext) throws(CommandError) -> Void

    public init(
        _ name: String,
        arguments: [ArgumentSpec] = [],
        summary: String,
        help: String = "",
        handler: @escaping (CommandContext) throws(CommandError) -> Void
    ) {
        self.name = name
        self.subcommands = []
        self.arguments = arguments
        self.summary = summary
        self.help = help
        self.handler = handler
    }

    public init(_ name: String, summary: String, help: String = "", subcommands: [CommandSpec]) {
        self.name = name
        self.subcommands = subcommands
        self.arguments = []
        self.summary = summary
        self.help = help
        self.handler = { context throws(CommandError) in
            throw .usage("choose one of: " + subcommands.map(\.name).joined(separator: ", "))
        }
    }

    /// `/roster add JID [NAME]`.
    public func usage(prefix: String = "/") -> String {
        if !subcommands.isEmpty {
            return "\(prefix)\(name) " + subcommands.map(\.name).joined(separator: "|") + " ..."
        }
        return ([prefix + name] + arguments.map(\.usage)).joined(separator: " ")
    }
}

/// Why a command did not run.
public enum CommandError: Error, Sendable, Hashable {
    /// Wrong arguments: the reason (the usage is added when shown).
    case usage(String)
    /// The command cannot run now (not connected, no such window, ...).
    case failed(String)
}

/// What a command handler receives: the model and its parsed arguments.
public struct CommandContext {
    public let model: AppModel
    /// Arguments by name (a repeated argument's values joined with a space).
    public let arguments: [String: String]
    /// The values of a repeated argument.
    public let repeated: [String]

    public func argument(_ name: String) -> String? { arguments[name] }

    /// A required argument (the parser guarantees it exists).
    public func required(_ name: String) -> String { arguments[name] ?? "" }
}
