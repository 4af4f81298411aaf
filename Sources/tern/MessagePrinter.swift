import ChatStore
import Foundation
import Glibc
import SafeText

/// Prints stored messages for people (sanitised, local time) or as JSON lines for programs.
struct MessagePrinter {
    let json: Bool
    let color = isatty(1) == 1 && getenv("NO_COLOR") == nil

    func print(_ message: StoredMessage, snippet: HighlightedText? = nil) {
        if json {
            printJSON(message, snippet: snippet)
            return
        }
        let time = MessagePrinter.localTime(message.timestamp)
        let who = TerminalSafe.sanitize(message.outgoing ? "me" : MessagePrinter.sender(of: message))
        var text: String
        if let snippet {
            let parts = snippet.segments.map { segment in
                let safe = TerminalSafe.sanitize(segment.text)
                return segment.highlighted && color ? "\u{1B}[1m\(safe)\u{1B}[22m" : safe
            }
            text = parts.joined()
        } else {
            text = TerminalSafe.sanitize(message.body, keepNewlines: true)
                .replacingOccurrences(of: "\n", with: "\n" + String(repeating: " ", count: time.count + 2))
        }
        if message.isCorrected { text += " (corrected)" }
        let conversation = snippet == nil ? "" : TerminalSafe.sanitize(message.conversation) + "  "
        Swift.print("\(time)  \(conversation)\(who): \(text)")
    }

    private func printJSON(_ message: StoredMessage, snippet: HighlightedText?) {
        var object: [String: Any] = [
            "id": message.id,
            "time": MessagePrinter.isoTime(message.timestamp),
            "timestamp_ms": message.timestamp,
            "conversation": message.conversation,
            "from": MessagePrinter.sender(of: message),
            "to": message.recipient ?? NSNull(),
            "outgoing": message.outgoing,
            "body": message.body,
            "corrected": message.isCorrected,
            "type": message.type,
            "id_attribute": message.idAttribute ?? NSNull(),
            "origin_id": message.originID ?? NSNull(),
            "stanza_id": message.stanzaID ?? NSNull(),
            "stanza_id_by": message.stanzaIDBy ?? NSNull(),
            "state": message.state?.name ?? NSNull(),
        ]
        if let error = message.error { object["error"] = error }
        if message.type == "groupchat" {
            // The room itself speaks without a nick.
            object["nick"] = message.sender.isEmpty ? NSNull() : message.sender
            object["occupant_key"] = message.senderKey
        }
        if let snippet {
            object["snippet"] = snippet.plainText
            object["matches"] = snippet.segments.filter(\.highlighted).map(\.text)
        }
        guard
            let data = try? JSONSerialization.data(
                withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
        else { return }
        Swift.print(String(decoding: data, as: UTF8.self))
    }

    /// Who sent a message: a JID as stored, or for a room message the occupant's room JID
    /// (`room@service/nick`; the room's own for what the room itself says).
    static func sender(of message: StoredMessage) -> String {
        guard message.type == "groupchat" else { return message.sender }
        return message.sender.isEmpty ? message.conversation : message.conversation + "/" + message.sender
    }

    static func localTime(_ milliseconds: Int64) -> String {
        var seconds = time_t(milliseconds / 1000)
        var parts = tm()
        localtime_r(&seconds, &parts)
        return String(
            format: "%04d-%02d-%02d %02d:%02d", parts.tm_year + 1900, parts.tm_mon + 1, parts.tm_mday, parts.tm_hour,
            parts.tm_min)
    }

    static func isoTime(_ milliseconds: Int64) -> String {
        var seconds = time_t(milliseconds / 1000)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        return String(
            format: "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", parts.tm_year + 1900, parts.tm_mon + 1, parts.tm_mday,
            parts.tm_hour, parts.tm_min, parts.tm_sec, Int32(milliseconds % 1000))
    }
}
