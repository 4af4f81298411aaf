import Foundation
import SafeText

/// Copying through the terminal (OSC 52): the terminal puts the text on the system clipboard,
/// which works over ssh and in tmux (with `set-clipboard on`). The text goes as base64 of its
/// sanitised form, so nothing from the network reaches the terminal as bytes it would interpret.
public enum Clipboard {
    /// The most text sent at once: terminals drop longer sequences (xterm's limit is about 100 kB
    /// of base64).
    static let limit = 74_000

    /// The base64 payload for `text`: control characters removed (newlines and tabs kept), cut
    /// to `limit` bytes at a character boundary.
    public static func payload(for text: String) -> String {
        let clean = TerminalSafe.sanitize(text, keepNewlines: true)
        var bytes = 0
        var end = clean.startIndex
        for index in clean.indices {
            bytes += clean[index].utf8.count
            if bytes > limit { break }
            end = clean.index(after: index)
        }
        return Data(clean[..<end].utf8).base64EncodedString()
    }

    /// The escape sequence that sets the clipboard to the text of a base64 payload: base64 holds
    /// only letters, digits, `+`, `/` and `=`, so anything else is refused (nil).
    public static func sequence(base64 payload: String) -> String? {
        let allowed = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=")
        guard payload.allSatisfy(allowed.contains) else { return nil }
        return "\u{1B}]52;c;" + payload + "\u{07}"
    }
}
