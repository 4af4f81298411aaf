import ChatModel
import ChatStore
import TerminalUI
import TestServers
import XMPPCore

/// PageUp over 10,000 styled messages (XEP-0393 spans, quotes, code blocks, links, wide
/// characters) beside 10,000 plain ones of the same lengths, and 10,000 styled ones where every
/// third is a reply (XEP-0461, its quote line looked up in the store) and every fourth carries
/// reactions (XEP-0444) from three senders; each kind in a conversation of its own on a fresh
/// in-memory store: what styling and message actions cost the chat pane.
extension UIBenchmark {
    /// The messages of the benchmark's conversations. A new kind of message (a reply, a reaction)
    /// is a new case here and a line in `rows(_:)`.
    enum BenchMessage: CaseIterable {
        case plain, styled, actions

        static let styledBodies = [
            "*bold words* and _emphasis_ with `code` and ~struck~ text, see https://example.org/path_(x)",
            "> a quoted line with *strong* words\n>> a nested _quote_\nthe answer, with xmpp:romeo@example.net?message",
            "```swift\nlet x = \"*not bold*\"\nprint(x)\n```\nafter the block, *bold* again",
            "plain text 你好 *粗体文字* 🙂 _emphasis_ and a longer line that wraps across the pane once or twice",
            "*_both at once_* and `*raw*` then ~gone~ https://upload.example.org/aesgcm/f.png end",
        ]

        /// The body of message `index` of this kind: "message N", then text of this kind.
        func body(_ index: Int) -> String {
            let styled = Self.styledBodies[index % Self.styledBodies.count]
            switch self {
            case .styled: return "message \(index) " + styled
            case .actions where index % 3 == 1:
                // A reply quoting the message before it, as XEP-0461's fallback does.
                return "> \(index % 2 == 0 ? "me" : "peer"): message \(index - 1)\n" + "message \(index) " + styled
            case .actions: return "message \(index) " + styled
            case .plain:
                // The same lengths and lines, no directives.
                let filtered = styled.filter { !"*_~`>".contains($0) }
                return "message \(index) " + filtered
            }
        }

        /// The stored messages of this kind's conversation with `peer`, half of them ours.
        func rows(_ count: Int, peer: JID) -> [NewMessage] {
            (0..<count).map { index in
                let body = body(index)
                let quote = body.prefix { $0 != "\n" }.unicodeScalars.count + 1
                return NewMessage(
                    conversation: peer, outgoing: index % 2 == 0,
                    sender: index % 2 == 0 ? "\(UIBenchmark.me)/tern" : "\(peer)/x",
                    senderKey: index % 2 == 0 ? UIBenchmark.me.description : peer.description, body: body,
                    timestamp: 1_700_000_000_000 + Int64(index) * 30_000, stanzaID: "\(self)-\(index)",
                    stanzaIDBy: UIBenchmark.me.description,
                    reply: self == .actions && index % 3 == 1
                        ? ReplyReference(id: "\(self)-\(index - 1)", to: nil, fallback: [0..<quote]) : nil)
            }
        }

        /// Reactions from three senders on every fourth message of this kind (none for the others).
        func react(_ stored: [InsertOutcome], store: ChatStore) throws {
            guard self == .actions else { return }
            for (index, outcome) in stored.enumerated() where index % 4 == 0 {
                guard let id = outcome.messageID else { continue }
                for (sender, emoji) in [("me", ["👍"]), ("a", ["👍", "❤"]), ("b", ["😂"])] {
                    try store.setReactions(
                        messageID: id, senderKey: sender, outgoing: sender == "me", emoji: emoji,
                        timestamp: 1_800_000_000_000)
                }
            }
        }
    }

    /// PageUp from the newest to the first of 10,000 messages of each kind (200×50).
    static func styledPaging() throws {
        let store = try ChatStore.inMemory()
        let account = try store.account(jid: me, name: "bench")
        let count = 10_000
        for kind in BenchMessage.allCases {
            let stored = try store.insert(kind.rows(count, peer: try JID("\(kind)@example.net")), account: account)
            try kind.react(stored, store: store)
        }
        let (controller, model, ui, screen) = try offlineScreen(store)
        for kind in BenchMessage.allCases {
            model.openChat(model.conversation(try JID("\(kind)@example.net"), on: controller), focus: true)
            ui.render(on: screen)
            let clock = ContinuousClock()
            var paging: [Duration] = []
            while !screen.text.contains("message 0 ") && paging.count < 20_000 {
                paging.append(
                    clock.measure {
                        ui.handle(.key(.pageUp))
                        ui.render(on: screen)
                    })
                ui.idleWork()
            }
            report(
                "PageUp → chat redrawn (\(paging.count) pages back to the first of \(count) \(kind) messages)", paging)
        }
    }
}
