import ChatModel
import SafeText

/// A running transfer in the status line: `[↑ photo.jpg ████░░░░░░ 42%]`, or the bytes so far
/// when the size is unknown.
enum TransferBar {
    static let cells = 10

    static func text(_ transfer: TransferRow) -> String {
        let arrow = transfer.upload ? "↑" : "↓"
        var name = TerminalSafe.sanitize(transfer.name)
        if name.count > 24 { name = String(name.prefix(23)) + "…" }
        guard let percent = transfer.percent else { return "[\(arrow) \(name) \(transfer.done / 1000) kB]" }
        let filled = percent * cells / 100
        let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: cells - filled)
        return "[\(arrow) \(name) \(bar) \(percent)%]"
    }
}
