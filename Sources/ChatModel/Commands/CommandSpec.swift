import XMPPCore

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
    /// Rooms of the account (joined or to join).
    case room
    /// The nicks in the room of the current window, and these words.
    case occupant([String])
    /// Contacts, open conversations and rooms (anything with a notification level).
    case conversation
    /// A file's path (`~` for the home directory).
    case path
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
    /// A command with subcommands whose `handler` runs when none is given (`/bookmark` lists).
    public var runsAlone = false

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

    /// A command of subcommands; `alone` runs when none is named (else that is a usage error).
    public init(
        _ name: String, summary: String, help: String = "", subcommands: [CommandSpec],
        alone: ((CommandContext) throws(CommandError) -> Void)? = nil
    ) {
        self.name = name
        self.subcommands = subcommands
        self.arguments = []
        self.summary = summary
        self.help = help
        if let alone {
            self.handler = alone
            self.runsAlone = true
        } else {
            self.handler = { context throws(CommandError) in
                throw .usage("choose one of: " + subcommands.map(\.name).joined(separator: ", "))
            }
        }
    }

    /// `/roster add JID [NAME]`; `/bookmark [add|remove|autojoin ...]` when it also runs alone.
    public func usage(prefix: String = "/") -> String {
        if !subcommands.isEmpty {
            let names = subcommands.map(\.name).joined(separator: "|")
            return "\(prefix)\(name) " + (runsAlone ? "[\(names) ...]" : names + " ...")
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
    /// The account named with `--account NAME`, if any.
    public let accountName: String?

    public func argument(_ name: String) -> String? { arguments[name] }

    /// A required argument (the parser guarantees it exists).
    public func required(_ name: String) -> String { arguments[name] ?? "" }

    /// The account the command acts on: `--account NAME`, else the current window's, else the
    /// default one.
    public func account() throws(CommandError) -> AccountController {
        if let accountName {
            guard let account = model.account(named: accountName) else {
                throw .failed(
                    "no account named \(accountName) (accounts: \(model.accounts.map(\.name).joined(separator: ", ")))")
            }
            return account
        }
        guard let account = model.currentAccount else { throw .failed("no account is configured") }
        return account
    }

    /// The account an optional argument names, else the one the command acts on.
    public func namedAccount(_ name: String?) throws(CommandError) -> AccountController {
        guard let name else { return try account() }
        guard let account = model.account(named: name) else {
            throw .failed("no account named \(name) (accounts: \(model.accounts.map(\.name).joined(separator: ", ")))")
        }
        return account
    }

    /// The account a contact given as text belongs to: `--account`, the current window's; in the
    /// console, the one account whose roster has it (by JID or name), else the default.
    public func account(for contact: String) throws(CommandError) -> AccountController {
        guard accountName == nil, model.currentWindow.conversation == nil, model.hasSeveralAccounts else {
            return try account()
        }
        let folded = contact.lowercased()
        let jid = JID(parsing: contact)?.bare
        let holders = model.accounts.filter { account in
            jid.map { account.roster[$0] != nil } == true
                || account.roster.values.contains { $0.name?.lowercased() == folded }
        }
        return holders.count == 1 ? holders[0] : try account()
    }

    /// A contact of `account` given as a JID or a roster name.
    public func contact(_ text: String, on account: AccountController) throws(CommandError) -> JID {
        guard let jid = model.resolveContact(text, on: account) else {
            throw .usage("\"\(text)\" is neither a JID nor the name of a contact of \(account.name)")
        }
        return jid
    }

    /// The contact an optional argument names, else the current chat's; with its account.
    public func targetContact(_ text: String?) throws(CommandError) -> (JID, AccountController) {
        if let text {
            let account = try account(for: text)
            return (try contact(text, on: account), account)
        }
        guard let key = model.currentWindow.conversation, let account = model.account(of: key) else {
            throw .usage("which contact?")
        }
        return (key.jid, account)
    }
}
