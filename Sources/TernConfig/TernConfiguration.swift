import Foundation
import TOMLKit
import XMPPCore

/// The user's configuration file, `$XDG_CONFIG_HOME/tern/config.toml`.
///
///     default_account = "work"
///
///     [accounts.work]
///     jid = "alice@example.org"
///     password_command = "pass show xmpp/work"
public struct TernConfiguration: Sendable {
    /// Accounts in the order of their names.
    public var accounts: [AccountConfiguration]
    public var defaultAccountName: String?
    /// The `[ui]` table.
    public var ui: UIConfiguration
    public var chat: ChatConfiguration
    public var notifications: NotificationConfiguration
    /// The `[files]` table.
    public var files = FilesConfiguration()
    /// The file this came from.
    public var file: String

    public init(
        accounts: [AccountConfiguration],
        defaultAccountName: String? = nil,
        ui: UIConfiguration = UIConfiguration(),
        chat: ChatConfiguration = ChatConfiguration(),
        notifications: NotificationConfiguration = NotificationConfiguration(),
        file: String
    ) {
        self.accounts = accounts
        self.defaultAccountName = defaultAccountName
        self.ui = ui
        self.chat = chat
        self.notifications = notifications
        self.file = file
    }

    /// `$XDG_CONFIG_HOME/tern/config.toml`, or `~/.config/tern/config.toml`.
    public static func defaultPath(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        XDG.configHome(environment: environment) + "/tern/config.toml"
    }

    /// Loads and checks a configuration file.
    public static func load(path: String) throws(ConfigError) -> TernConfiguration {
        guard let data = FileManager.default.contents(atPath: path) else {
            let reason = FileManager.default.fileExists(atPath: path) ? "cannot be read" : "does not exist"
            throw ConfigError(file: path, message: "the configuration file \(reason)")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ConfigError(file: path, message: "the configuration file is not valid UTF-8")
        }
        return try parse(text, file: path)
    }

    /// Parses configuration text; `file` names it in errors and anchors relative paths.
    public static func parse(_ text: String, file: String) throws(ConfigError) -> TernConfiguration {
        let table = try TOMLDocument.parse(text, file: file)
        let root = ConfigReader(table: table, path: [], source: SourceLines(file: file, text: text))
        try root.rejectUnknownKeys(allowed: ["default_account", "accounts", "ui", "chat", "notifications", "files"])
        var accounts: [AccountConfiguration] = []
        if let accountTables = try root.table("accounts") {
            for name in accountTables.table.keys.sorted() {
                guard let account = try accountTables.table(name) else { continue }
                accounts.append(
                    try AccountConfiguration(name: name, reader: account, baseDirectory: directory(of: file)))
            }
        }
        let defaultAccount = try root.string("default_account")
        if let defaultAccount, !accounts.contains(where: { $0.name == defaultAccount }) {
            throw root.error("default_account", "there is no account named \"\(defaultAccount)\"")
        }
        let ui = try root.table("ui").map(UIConfiguration.init(reader:)) ?? UIConfiguration()
        let chat = try root.table("chat").map(ChatConfiguration.init(reader:)) ?? ChatConfiguration()
        let notifications =
            try root.table("notifications").map(NotificationConfiguration.init(reader:)) ?? NotificationConfiguration()
        var configuration = TernConfiguration(
            accounts: accounts, defaultAccountName: defaultAccount, ui: ui, chat: chat, notifications: notifications,
            file: file)
        configuration.files = try root.table("files").map(FilesConfiguration.init(reader:)) ?? FilesConfiguration()
        return configuration
    }

    /// The account to use: by name, else the default, else the only one.
    public func account(named name: String?) throws(ConfigError) -> AccountConfiguration {
        if let name {
            guard let account = accounts.first(where: { $0.name == name }) else {
                let known = accounts.map(\.name).joined(separator: ", ")
                throw ConfigError(
                    file: file, message: "no account named \"\(name)\" (configured: \(known.isEmpty ? "none" : known))")
            }
            return account
        }
        if let defaultAccountName, let account = accounts.first(where: { $0.name == defaultAccountName }) {
            return account
        }
        guard let first = accounts.first else {
            throw ConfigError(file: file, message: "no account is configured; add an [accounts.NAME] table")
        }
        guard accounts.count == 1 else {
            throw ConfigError(
                file: file,
                message: "several accounts are configured (\(accounts.map(\.name).joined(separator: ", "))); "
                    + "choose one with --account NAME or set default_account")
        }
        return first
    }

    private static func directory(of file: String) -> String {
        (file as NSString).deletingLastPathComponent
    }
}

/// XDG base directories.
public enum XDG {
    public static func configHome(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let value = environment["XDG_CONFIG_HOME"], value.hasPrefix("/") { return value }
        return home(environment) + "/.config"
    }

    public static func dataHome(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let value = environment["XDG_DATA_HOME"], value.hasPrefix("/") { return value }
        return home(environment) + "/.local/share"
    }

    /// Tern's database: `$XDG_DATA_HOME/tern/tern.sqlite`.
    public static func databasePath(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        dataHome(environment: environment) + "/tern/tern.sqlite"
    }

    private static func home(_ environment: [String: String]) -> String {
        environment["HOME"] ?? NSHomeDirectory()
    }
}
