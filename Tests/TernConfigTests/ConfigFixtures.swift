import TernConfig

/// The configuration file the tests parse text as: errors name it, relative paths start from its
/// directory.
let configFile = "/home/u/.config/tern/config.toml"

/// Parses configuration text as if read from `file`.
func parseConfig(_ text: String, file: String = configFile) throws(ConfigError) -> TernConfiguration {
    try TernConfiguration.parse(text, file: file)
}

/// The problem reported for configuration text, or nil when it is fine.
func configProblem(_ text: String) -> ConfigError? {
    do {
        _ = try parseConfig(text)
        return nil
    } catch {
        return error
    }
}
