import ArgumentParser

@main
struct Tern: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tern",
        abstract: "A terminal XMPP client.",
        subcommands: [
            InteractiveCommand.self, SendCommand.self, HistoryCommand.self, SearchCommand.self, RosterCommand.self,
            EchoBotCommand.self,
            ManPageCommand.self,
        ],
        defaultSubcommand: InteractiveCommand.self
    )
}

/// Options every subcommand that talks to an account shares.
struct AccountOptions: ParsableArguments {
    @Option(name: .long, help: "The account to use (a table name under [accounts] in the config).")
    var account: String?

    @Option(name: .long, help: "The configuration file (default: $XDG_CONFIG_HOME/tern/config.toml).")
    var config: String?
}
