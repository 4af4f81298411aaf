import XMPPCore

/// Turns unseen messages into notifications a person can take in, however fast they come: at most
/// one notify command running per account, and what arrives while it runs goes out as one summary
/// when it ends ("1499 new messages from mallory@evil.example"); the bell rings at most once per
/// `bellInterval`. Pure: the caller runs the commands and says when one has ended.
public struct NotificationCoalescer: Sendable {
    public enum Action: Sendable, Hashable {
        case bell
        case run(Notification)
    }

    /// What arrived for one account while its command ran: a count and the first few senders.
    private struct Waiting: Sendable {
        var count = 0
        var last: Notification
        var senders: [String] = []
    }

    /// The fewest milliseconds between two bells.
    public var bellInterval: Int64
    private var running: Set<String> = []
    private var waiting: [String: Waiting] = [:]
    private var lastBell: Int64?

    /// Senders named in a summary; the rest are counted.
    static let namedSenders = 2

    public init(bellInterval: Int64 = 2_000) {
        self.bellInterval = bellInterval
    }

    /// A message the user has not seen: what to do now. `bell` and `command` say which the
    /// configuration asks for.
    public mutating func arrived(_ notification: Notification, now: Int64, bell: Bool, command: Bool) -> [Action] {
        var actions: [Action] = []
        if bell, lastBell.map({ now - $0 >= bellInterval }) ?? true {
            lastBell = now
            actions.append(.bell)
        }
        guard command else { return actions }
        if running.insert(notification.account).inserted {
            actions.append(.run(notification))
        } else {
            var entry = waiting[notification.account] ?? Waiting(last: notification)
            entry.count += 1
            entry.last = notification
            if entry.senders.count <= Self.namedSenders, !entry.senders.contains(notification.sender) {
                entry.senders.append(notification.sender)
            }
            waiting[notification.account] = entry
        }
        return actions
    }

    /// The notify command of `account` ended: the summary of what waited, if anything did.
    public mutating func commandFinished(account: String) -> [Action] {
        guard let entry = waiting.removeValue(forKey: account) else {
            running.remove(account)
            return []
        }
        if entry.count == 1 { return [.run(entry.last)] }
        var names = entry.senders.prefix(Self.namedSenders).joined(separator: ", ")
        if entry.senders.count > Self.namedSenders { names += " and others" }
        // The summary's conversation is the latest one, where a click or a script would go.
        return [
            .run(
                Notification(
                    account: account, conversation: entry.last.conversation, sender: names,
                    text: "\(entry.count) new messages from \(names)"))
        ]
    }
}
