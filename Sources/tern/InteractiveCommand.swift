import ArgumentParser
import ChatModel
import ChatRuntime
import ChatStore
import Glibc
import Networking
import TerminalUI
import TernConfig
import XMPPClient
import XMPPCore

/// `tern`: the interactive client.
struct InteractiveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Start the interactive client (the default)."
    )

    @OptionGroup var accountOptions: AccountOptions

    @Option(name: .long, help: "The database (default: $XDG_DATA_HOME/tern/tern.sqlite).")
    var database: String?

    @Flag(name: .long, help: "Do not connect at start (/connect does).")
    var offline = false

    @Flag(name: .customLong("exit-after-first-frame"), help: .hidden)
    var exitAfterFirstFrame = false

    func run() throws {
        guard isatty(0) == 1, isatty(1) == 1 else {
            exitWithFailure("tern needs a terminal; use tern send, tern history or tern search in scripts")
        }
        let path = accountOptions.config ?? TernConfiguration.defaultPath()
        let hint = "\nCreate \(path) (see README.md), or run scripts/tern to try Tern against a local demo server."
        let configuration = loadConfigurationFile(accountOptions, hint: hint)
        // Every account, unless --account names one.
        let accounts: [AccountConfiguration]
        do throws(ConfigError) {
            accounts =
                accountOptions.account == nil && !configuration.accounts.isEmpty
                ? configuration.accounts : [try configuration.account(named: accountOptions.account)]
        } catch {
            exitWithFailure(error.description + hint)
        }
        if !offline {
            for account in accounts where account.autoconnect {
                XMPPConnection.prepareTLS(for: account.connectionSettings(password: ""))
            }
        }
        let databasePath = database ?? XDG.databasePath()
        let store: ChatStore
        do {
            store = try ChatStore(path: databasePath)
        } catch {
            exitWithFailure(String(describing: error))
        }
        if let reason = InstanceLock.acquire(for: databasePath) { exitWithFailure(reason) }
        let passwords = passwords(for: accounts)
        // Without any password Tern stops; an account among others that has none stays offline
        // and says why.
        let failures = passwords.compactMap { result -> PasswordError? in
            if case .failure(let error) = result { error } else { nil }
        }
        if let first = failures.first, failures.count == accounts.count { exitWithFailure(first.description) }
        let loop: EventLoop
        do {
            loop = try EventLoop()
        } catch {
            exitWithFailure(error.description)
        }
        let app = InteractiveApp(
            loop: loop, store: store, configuration: configuration, accounts: Array(zip(accounts, passwords)),
            databasePath: databasePath)
        app.run(connect: !offline, exitAfterFirstFrame: exitAfterFirstFrame)
    }
}
