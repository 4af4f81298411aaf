import ChatRuntime
import TernConfig
import XMPPClient

/// Loads the configuration and the chosen account, or exits with a clear message.
func loadConfiguration(_ options: AccountOptions, hint: String = "") -> (TernConfiguration, AccountConfiguration) {
    let path = options.config ?? TernConfiguration.defaultPath()
    do {
        let configuration = try TernConfiguration.load(path: path)
        return (configuration, try configuration.account(named: options.account))
    } catch {
        exitWithFailure(String(describing: error) + hint)
    }
}

/// The account's password from its command or file, else asked on the terminal; exits without one.
func password(for account: AccountConfiguration) -> String {
    do {
        if let fetched = try account.password.fetch() { return fetched }
    } catch {
        exitWithFailure(error.description)
    }
    if let typed = promptForPassword("Password for \(account.jid): "), !typed.isEmpty { return typed }
    exitWithFailure("no password for \(account.jid): set password_command or password_file in the configuration")
}

/// The account and its connection settings, password included.
func loadAccount(_ options: AccountOptions) -> (AccountConfiguration, ConnectionSettings) {
    let (_, account) = loadConfiguration(options)
    return (account, account.connectionSettings(password: password(for: account)))
}
