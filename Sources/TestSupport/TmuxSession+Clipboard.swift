import Subprocess
import TestServers

/// The clipboard as tmux keeps it: with `set-clipboard on`, what a program sends with OSC 52
/// becomes tmux's newest paste buffer.
extension TmuxSession {
    /// Lets the program set tmux's clipboard (OSC 52).
    public func acceptClipboard() throws {
        let output = try Subprocess.run("tmux", ["-L", socket, "set-option", "-s", "set-clipboard", "on"])
        guard output.status == 0 else { throw FixtureError("tmux set-option failed: \(output.standardErrorText)") }
    }

    /// The newest paste buffer; nil when there is none.
    public func clipboard() throws -> String? {
        let output = try Subprocess.run("tmux", ["-L", socket, "show-buffer"])
        return output.status == 0 ? output.standardOutputText : nil
    }
}
