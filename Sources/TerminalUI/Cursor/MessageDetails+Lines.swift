import ChatModel
import SafeText

extension MessageDetails {
    /// The details as lines for the pane, sanitised: the time with its date, who sent it, its ids,
    /// how far it got, and whether it was edited or encrypted.
    func lines() -> [String] {
        let clean = { (text: String) in TerminalSafe.sanitize(text) }
        var lines = [
            "message #\(id), \(outgoing ? "sent" : "received") "
                + TimeFormat.format(timestamp, pattern: "%A %d %B %Y, %H:%M:%S"),
            "from: " + clean(sender.isEmpty ? "the room" : sender)
                + (senderKey.hasPrefix("occupant:") ? " (occupant-id \(clean(String(senderKey.dropFirst(9)))))" : ""),
        ]
        var ids: [String] = []
        if let stanzaAttribute { ids.append("id " + clean(stanzaAttribute)) }
        if let originID { ids.append("origin-id " + clean(originID)) }
        if let stanzaID { ids.append("stanza-id " + clean(stanzaID) + (stanzaIDBy.map { " by " + clean($0) } ?? "")) }
        lines.append("ids: " + (ids.isEmpty ? "none" : ids.joined(separator: ", ")))
        if outgoing {
            let state = state.map(MessageDetails.describe) ?? "not tracked"
            lines.append("delivery: " + state + (error.map { " (" + clean($0) + ")" } ?? ""))
        }
        var notes = [encryption.map { "encrypted (" + clean($0) + ")" } ?? "not encrypted"]
        if isCorrected { notes.append("edited") }
        if isRetracted { notes.append("retracted") }
        lines.append(notes.joined(separator: ", "))
        return lines
    }

    static func describe(_ state: MessageRow.State) -> String {
        switch state {
        case .queued: "queued (not sent yet)"
        case .sent: "sent"
        case .acked: "received by the server"
        case .delivered: "delivered"
        case .displayed: "seen"
        case .failed: "failed"
        }
    }
}
