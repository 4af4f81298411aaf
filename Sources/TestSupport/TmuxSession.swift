import Foundation
import Glibc
import Subprocess
import TestServers

/// A program running in a detached tmux session on its own server socket, driven as a person
/// would: keys in with send-keys, the screen out with capture-pane.
public final class TmuxSession {
    public let socket: String
    public let name = "tern"

    /// Where the shell writes the program's exit status (readable even after the pane is gone).
    public let statusFile: String

    /// Starts `command` (run by the shell) in a `columns`×`rows` terminal.
    public init(command: String, columns: Int = 120, rows: Int = 40, environment: [String: String] = [:]) throws {
        socket = "tern-test-\(UUID().uuidString.prefix(8))"
        statusFile = FileManager.default.temporaryDirectory.appendingPathComponent("\(socket).status").path
        let exports = environment.sorted { $0.key < $1.key }.map { "\($0.key)=\(TmuxSession.quote($0.value))" }
            .joined(separator: " ")
        // Keep the pane after the program exits so that its last words can be read. The shell
        // ignores SIGHUP so that it outlives a closed terminal long enough to record the status.
        let shell =
            "trap '' HUP; env TERM=tmux-256color \(exports) \(command); status=$?;"
            + " echo $status > \(TmuxSession.quote(statusFile)); echo '[exited]' $status; sleep 600"
        try run(["new-session", "-d", "-s", name, "-x", String(columns), "-y", String(rows), shell])
    }

    deinit { kill() }

    public func kill() {
        _ = try? Subprocess.run("tmux", ["-L", socket, "kill-server"])
        try? FileManager.default.removeItem(atPath: statusFile)
    }

    /// Types keys: text literally, or tmux key names (Enter, F2, PageUp, M-1 ...) with `literal: false`.
    public func send(_ keys: String, literal: Bool = true) throws {
        try run(["send-keys", "-t", name] + (literal ? ["-l", keys] : [keys]))
    }

    public func press(_ keys: String...) throws {
        for key in keys { try send(key, literal: false) }
    }

    /// The screen as text; with `styles`, with the escape sequences of its colours and attributes.
    public func screen(styles: Bool = false) throws -> String {
        try run(["capture-pane", "-t", name, "-p"] + (styles ? ["-e"] : []))
    }

    /// The screen as text with its attributes and colours, as SGR escape sequences (`capture-pane
    /// -e`): what tells a bold or coloured line from a plain one.
    public func styledScreen() throws -> String {
        try run(["capture-pane", "-t", name, "-p", "-e"])
    }

    /// The SGR parameters in effect (`1` bold, `4` underline, `7` reverse, `33` or `38;5;214` a
    /// foreground, `41` a background ...) at the character `offset` places into the first
    /// occurrence of `text` on a `styledScreen()`; nil when `text` is not there.
    public static func attributes(of text: String, offset: Int = 0, in styled: String) -> Set<String>? {
        for line in styled.split(separator: "\n", omittingEmptySubsequences: false) {
            let (visible, styles) = cells(of: Substring(line))
            guard let range = visible.range(of: text) else { continue }
            let index = visible.distance(from: visible.startIndex, to: range.lowerBound) + offset
            return index < styles.count ? styles[index] : nil
        }
        return nil
    }

    /// A styled line's characters and the SGR parameters in effect at each.
    private static func cells(of line: Substring) -> (String, [Set<String>]) {
        var visible = ""
        var styles: [Set<String>] = []
        var current: Set<String> = []
        var rest = line[...]
        while let first = rest.first {
            if first == "\u{1B}", rest.dropFirst().first == "[", let end = rest.firstIndex(of: "m") {
                let parameters = rest[rest.index(rest.startIndex, offsetBy: 2)..<end]
                apply(parameters.split(separator: ";", omittingEmptySubsequences: false).map(String.init), to: &current)
                rest = rest[rest.index(after: end)...]
                continue
            }
            visible.append(first)
            styles.append(current)
            rest = rest.dropFirst()
        }
        return (visible, styles)
    }

    private static func apply(_ parameters: [String], to current: inout Set<String>) {
        var index = 0
        while index < parameters.count {
            let parameter = parameters[index]
            switch Int(parameter) ?? 0 {
            case 0: current.removeAll()
            case 22: current.subtract(["1", "2"])
            case 23, 24, 25, 27, 28, 29: current.remove(String((Int(parameter) ?? 0) - 20))
            case 38, 48:
                // An extended colour: 38;5;N or 38;2;R;G;B, kept as one parameter.
                let length = parameters.dropFirst(index + 1).first == "2" ? 5 : 3
                let colour = parameters[index..<min(parameters.count, index + length)].joined(separator: ";")
                current = current.filter { !$0.hasPrefix(parameter == "38" ? "3" : "4") || $0.count == 1 }
                current.insert(colour)
                index += length - 1
            case 39: current = current.filter { !($0.hasPrefix("3") && $0.count > 1) && !$0.hasPrefix("9") }
            case 49: current = current.filter { !($0.hasPrefix("4") && $0.count > 1) && !$0.hasPrefix("10") }
            case 30...37, 90...97:
                current = current.filter { !($0.hasPrefix("3") && $0.count > 1) && !$0.hasPrefix("9") }
                current.insert(parameter)
            case 40...47, 100...107:
                current = current.filter { !($0.hasPrefix("4") && $0.count > 1) && !$0.hasPrefix("10") }
                current.insert(parameter)
            default: current.insert(parameter)
            }
            index += 1
        }
    }

    /// The processes the pane's shell runs (the program under test).
    public func programPIDs() throws -> [Int32] {
        let pane = try run(["list-panes", "-t", name, "-F", "#{pane_pid}"]).trimmingCharacters(
            in: .whitespacesAndNewlines)
        let children = try Subprocess.run("pgrep", ["-P", pane]).standardOutputText
        return children.split(whereSeparator: \.isNewline).compactMap { Int32($0) }
    }

    /// Sends `signal` to the program in the pane.
    public func signalProgram(_ signal: Int32) throws {
        let pids = try programPIDs()
        guard !pids.isEmpty else { throw FixtureError("no program runs in the pane") }
        for pid in pids { Glibc.kill(pid, signal) }
    }

    /// Kills the program in the pane with SIGKILL (a crash: no cleanup runs), and returns once it
    /// is gone.
    public func killProgram() throws {
        try signalProgram(SIGKILL)
        try waitFor { $0.contains("[exited]") }
    }

    /// Closes the terminal under the program, as closing its window does (the program gets SIGHUP
    /// and its terminal stops working).
    public func closePane() throws {
        try run(["kill-pane", "-t", name])
    }

    /// The program's exit status, once the shell has recorded it (at most `timeout`).
    public func exitStatus(timeout: Duration = .seconds(10)) throws -> Int {
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        while clock.now < deadline {
            if let text = try? String(contentsOfFile: statusFile, encoding: .utf8),
                let status = Int(text.trimmingCharacters(in: .whitespacesAndNewlines))
            {
                return status
            }
            Thread.sleep(forTimeInterval: 0.05)
        }
        throw FixtureError("the program did not exit within \(timeout)")
    }

    /// A pane variable (`alternate_on`, `cursor_flag`, `pane_dead` ...).
    public func paneFlag(_ name: String) throws -> String {
        try run(["display-message", "-p", "-t", self.name, "#{\(name)}"]).trimmingCharacters(
            in: .whitespacesAndNewlines)
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
