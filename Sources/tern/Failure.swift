import Glibc

/// Prints `tern: message` to standard error and exits with status 1.
func exitWithFailure(_ message: String) -> Never {
    let line = "tern: \(message)\n"
    _ = line.withCString { write(2, $0, strlen($0)) }
    exit(1)
}
