import ArgumentParser
import ChatStore
import TernConfig
import XMPPCore

/// Options of the subcommands that read the database.
struct StoreOptions: ParsableArguments {
    @Option(name: .long, help: "The account (its name in config.toml); default: the only or default one.")
    var account: String?

    @Option(name: .long, help: "The configuration file (default: $XDG_CONFIG_HOME/tern/config.toml).")
    var config: String?

    @Option(name: .long, help: "The database (default: $XDG_DATA_HOME/tern/tern.sqlite).")
    var database: String?
}

/// Opens the database for a reading subcommand and picks the account, or exits with the reason.
struct StoreAccess {
    let store: ChatStore
    let account: ChatStore.StoredAccount?

    /// The account is chosen by `--account NAME` (the name in config.toml, as recorded in the
    /// database), else the configuration's default, else the only account in the database. Without
    /// `requireAccount`, no `--account` means every account.
    init(options: StoreOptions, requireAccount: Bool = true) {
        let accountName = options.account
        let configPath = options.config
        let databasePath = options.database
        do {
            store = try ChatStore(path: databasePath ?? XDG.databasePath())
            let accounts = try store.accounts()
            if let accountName {
                let configured = try? TernConfiguration.load(path: configPath ?? TernConfiguration.defaultPath())
                    .account(named: accountName)
                let match = accounts.first { $0.name == accountName || $0.jid == configured?.jid.description }
                guard let match else {
                    exitWithFailure("no history for an account named \"\(accountName)\"")
                }
                account = match
            } else if accounts.count <= 1 || !requireAccount {
                account = accounts.first
            } else if let configured = try? TernConfiguration.load(path: configPath ?? TernConfiguration.defaultPath())
                .account(named: nil), let match = accounts.first(where: { $0.jid == configured.jid.description })
            {
                account = match
            } else {
                let names = accounts.map { $0.name ?? $0.jid }.joined(separator: ", ")
                exitWithFailure(
                    "several accounts have history (\(names)); choose one with --account NAME or set default_account")
            }
        } catch {
            exitWithFailure(String(describing: error))
        }
    }
}
