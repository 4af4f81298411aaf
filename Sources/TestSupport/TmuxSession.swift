import Foundation
import Glibc
import ProsodyFixture
import Subprocess

/// A program running in a detached tmux session on its own server socket, driven as a person
/// would: keys in with send-keys, the screen out with capture-pane.
public final class TmuxSession {
    public let socket: String
    public let name = "tern"

    /// Starts `command` (run by the shell) in a `columns`×`rows` terminal.
    public init(command: String, columns: Int = 120, rows: Int = 40, environment: [String: String] = [:]) throws {
        socket = "tern-test-\(UUID().uuidString.prefix(8))"
        let exports = environment.sorted { $0.key < $1.key }.map { "\($0.key)=\(TmuxSession.quote($0.value))" }
            .joined(separator: " ")
        // Keep the pane after the program exits so that its last words can be read.
        let shell = "env TERM=tmux-256color \(exports) \(command); echo '[exited]' $?; sleep 600"
        try run(["new-session", "-d", "-s", name, "-x", String(columns), "-y", String(rows), shell])
    }

    deinit { kill() }

    public func kill() {
        _ = try? Subprocess.run("tmux", ["-L", socket, "kill-server"])
    }

    /// Types keys: text literally, or tmux key names (Enter, F2, PageUp, M-1 ...) with `literal: false`.
    public func send(_ keys: String, literal: Bool = true) throws {
        try run(["send-keys", "-t", name] + (literal ? ["-l", keys] : [keys]))
    }

    public func press(_ keys: String...) throws {
        for key in keys { try send(key, literal: false) }
    }

    /// The screen as text.
    public func screen() throws -> String {
        try run(["capture-pane", "-t", name, "-p"])
    }

    /// Kills the program in the pane with SIGKILL (a crash: no cleanup runs), and returns once it
    /// is gone.
    public func killProgram() throws {
        let pane = try run(["list-panes", "-t", name, "-F", "#{pane_pid}"]).trimmingCharacters(
            in: .whitespacesAndNewlines)
        let children = try Subprocess.run("pgrep", ["-P", pane]).standardOutputText
        let pids = children.split(whereSeparator: \.isNewline).compactMap { Int32($0) }
        guard !pids.isEmpty else { throw FixtureError("no program runs in the pane") }
        for pid in pids { Glibc.kill(pid, SIGKILL) }
        try waitFor { $0.contains("[exited]") }
    }

    public func resize(columns: Int, rows: Int) throws {
        try run(["resize-window", "-t", name, "-x", String(columns), "-y", String(rows)])
    }

    /// Waits until the screen satisfies `condition` (checked every 50 ms, at most `timeout`).
    @discardableResult
    public func waitFor(timeout: Duration = .seconds(10), _ condition: (String) -> Bool) throws -> String {
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        var text = ""
        while clock.now < deadline {
            text = try screen()
            if condition(text) { return text }
            Thread.sleep(forTimeInterval: 0.05)
        }
        throw FixtureError("timed out waiting for the screen; it shows:\n\(text)")
    }

    @discardableResult
    public func waitFor(_ text: String, timeout: Duration = .seconds(10)) throws -> String {
        try waitFor(timeout: timeout) { $0.contains(text) }
    }

    @discardableResult
    private func run(_ arguments: [String]) throws -> String {
        let output = try Subprocess.run("tmux", ["-L", socket] + arguments)
        guard output.status == 0 else {
            throw FixtureError("tmux \(arguments.first ?? "") failed: \(output.standardErrorText)")
        }
        return output.standardOutputText
    }

    static func quote(_ value: String) -> String {
        "'" + value.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}
