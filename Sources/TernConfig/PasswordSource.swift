import Foundation
import Subprocess

/// Where an account's password comes from. The password itself is never stored by Tern.
public enum PasswordSource: Sendable, Hashable {
    /// Run a shell command and take the first line of its output (`pass show xmpp/work`).
    case command(String)
    /// Read the first line of a file, which must not be readable by other users.
    case file(String)
    /// Ask the user.
    case prompt

    /// Fetches the password (blocking), or nil for `.prompt`.
    public func fetch() throws(PasswordError) -> String? {
        switch self {
        case .prompt:
            return nil
        case .file(let path):
            var info = stat()
            guard stat(path, &info) == 0 else { throw .fileUnreadable(path) }
            if info.st_mode & 0o077 != 0 {
                throw .fileTooOpen(path, mode: String(info.st_mode & 0o777, radix: 8))
            }
            guard let data = FileManager.default.contents(atPath: path) else { throw .fileUnreadable(path) }
            return try PasswordSource.firstLine(data, source: path)
        case .command(let command):
            let output: Subprocess.Output
            do {
                output = try Subprocess.run("/bin/sh", ["-c", command])
            } catch {
                throw .commandFailed(command, detail: error.description)
            }
            guard output.status == 0 else {
                let message = output.standardErrorText.split(separator: "\n").first.map { ": \($0)" } ?? ""
                throw .commandFailed(command, detail: "exit status \(output.status)\(message)")
            }
            return try PasswordSource.firstLine(Data(output.standardOutput), source: "the output of \(command)")
        }
    }

    private static func firstLine(_ data: Data, source: String) throws(PasswordError) -> String {
        let text = String(decoding: data, as: UTF8.self)
        // Split on any line break; "\r\n" is a single Character in Swift.
        let password =
            text.split(maxSplits: 1, omittingEmptySubsequences: false, whereSeparator: \.isNewline).first.map(
                String.init)
            ?? ""
        guard !password.isEmpty else { throw .empty(source) }
        return password
    }
}

public enum PasswordError: Error, Sendable, Hashable {
    case fileUnreadable(String)
    case fileTooOpen(String, mode: String)
    case commandFailed(String, detail: String)
    case empty(String)
    /// No password source and nothing typed at the prompt: the account's JID.
    case missing(String)
}

extension PasswordError: CustomStringConvertible {
    public var description: String {
        switch self {
        case .fileUnreadable(let path): "cannot read the password file \(path)"
        case .fileTooOpen(let path, let mode):
            "the password file \(path) is readable by other users (mode \(mode)); run: chmod 600 \(path)"
        case .commandFailed(let command, let detail): "the password command \"\(command)\" failed (\(detail))"
        case .empty(let source): "no password in \(source)"
        case .missing(let jid):
            "no password for \(jid): set password_command or password_file in the configuration"
        }
    }
}
