import TernConfig
import XMPPClient

/// Loads the configuration and the chosen account's password, or exits with a clear message.
func loadAccount(_ options: AccountOptions) -> (AccountConfiguration, ConnectionSettings) {
    let path = options.config ?? TernConfiguration.defaultPath()
    do {
        let configuration = try TernConfiguration.load(path: path)
        let account = try configuration.account(named: options.account)
        let password: String
        do {
            if let fetched = try account.password.fetch() {
                password = fetched
            } else if let typed = promptForPassword("Password for \(account.jid): "), !typed.isEmpty {
                password = typed
            } else {
                exitWithFailure("no password for \(account.jid): set password_command or password_file in \(path)")
            }
        } catch {
            exitWithFailure(error.description)
        }
        return (account, account.connectionSettings(password: password))
    } catch {
        exitWithFailure(error.description)
    }
}
