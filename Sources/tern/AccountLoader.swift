import ChatRuntime
import Dispatch
import Synchronization
import TernConfig
import XMPPClient

/// Loads the configuration, or exits with a clear message.
func loadConfigurationFile(_ options: AccountOptions, hint: String = "") -> TernConfiguration {
    do {
        return try TernConfiguration.load(path: options.config ?? TernConfiguration.defaultPath())
    } catch {
        exitWithFailure(String(describing: error) + hint)
    }
}

/// Loads the configuration and the chosen account (`--account`, else the default or only one), or
/// exits with a clear message (naming the accounts when several could be meant).
func loadConfiguration(
    _ options: AccountOptions, hint: String = ""
) -> (TernConfiguration, AccountConfiguration) {
    let configuration = loadConfigurationFile(options, hint: hint)
    do {
        return (configuration, try configuration.account(named: options.account))
    } catch {
        exitWithFailure(String(describing: error) + hint)
    }
}

/// The accounts' passwords, in order: each from its command or file (the commands run side by
/// side, so a slow one does not add to another), else asked on the terminal, one prompt per
/// account. An account without one gets the reason instead.
func passwords(for accounts: [AccountConfiguration]) -> [Result<String, PasswordError>] {
    let fetched = Mutex([Result<String?, PasswordError>](repeating: .success(nil), count: accounts.count))
    DispatchQueue.concurrentPerform(iterations: accounts.count) { index in
        let result: Result<String?, PasswordError>
        do throws(PasswordError) {
            result = .success(try accounts[index].password.fetch())
        } catch {
            result = .failure(error)
        }
        fetched.withLock { $0[index] = result }
    }
    let results = fetched.withLock { $0 }
    return accounts.indices.map { index in
        let account = accounts[index]
        switch results[index] {
        case .failure(let error): return .failure(error)
        case .success(let password?): return .success(password)
        case .success(nil):
            let label = accounts.count > 1 ? "\(account.name) (\(account.jid))" : "\(account.jid)"
            if let typed = promptForPassword("Password for \(label): "), !typed.isEmpty { return .success(typed) }
            return .failure(.missing(account.jid.description))
        }
    }
}

/// The account's password from its command or file, else asked on the terminal; exits without one.
func password(for account: AccountConfiguration) -> String {
    switch passwords(for: [account])[0] {
    case .success(let password): return password
    case .failure(let error): exitWithFailure(error.description)
    }
}

/// The account and its connection settings, password included.
func loadAccount(_ options: AccountOptions) -> (AccountConfiguration, ConnectionSettings) {
    let (_, account) = loadConfiguration(options)
    return (account, account.connectionSettings(password: password(for: account)))
}
