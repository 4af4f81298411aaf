import Glibc
import SafeText

/// Prints `tern: message` to standard error and exits with status 1. The message may quote a
/// server (a stream error's text, a SASL failure), so it goes through the terminal sanitiser.
func exitWithFailure(_ message: String) -> Never {
    printError(message)
    exit(1)
}

/// Prints `tern: message` to standard error, sanitised.
func printError(_ message: String) {
    let line = "tern: \(TerminalSafe.sanitize(message))\n"
    _ = line.withCString { write(2, $0, strlen($0)) }
}
