import ChatModel
import ChatStore
import TerminalUI
import TestServers
import XMPPCore

/// PageUp over 10,000 styled messages (XEP-0393 spans, quotes, code blocks, links, wide
/// characters) beside 10,000 plain ones of the same lengths, each in a conversation of its own on
/// a fresh in-memory store: what styling costs the chat pane.
extension UIBenchmark {
    /// The messages of the benchmark's conversations. A new kind of message (a reply, a reaction)
    /// is a new case here and a line in `rows(_:)`.
    enum BenchMessage: CaseIterable {
        case plain, styled

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
            case .plain:
                // The same lengths and lines, no directives.
                let filtered = styled.filter { !"*_~`>".contains($0) }
                return "message \(index) " + filtered
            }
        }

        /// The stored messages of this kind's conversation with `peer`, half of them ours.
        func rows(_ count: Int, peer: JID) -> [NewMessage] {
            (0..<count).map { index in
                NewMessage(
                    conversation: peer, outgoing: index % 2 == 0,
                    sender: index % 2 == 0 ? "\(UIBenchmark.me)/tern" : "\(peer)/x",
                    senderKey: index % 2 == 0 ? UIBenchmark.me.description : peer.description, body: body(index),
                    timestamp: 1_700_000_000_000 + Int64(index) * 30_000, stanzaID: "\(self)-\(index)",
                    stanzaIDBy: UIBenchmark.me.description)
            }
        }
    }

    /// PageUp from the newest to the first of 10,000 messages of each kind (200×50).
    static func styledPaging() throws {
        let store = try ChatStore.inMemory()
        let account = try store.account(jid: me, name: "bench")
        let count = 10_000
        for kind in BenchMessage.allCases {
            _ = try store.insert(kind.rows(count, peer: try JID("\(kind)@example.net")), account: account)
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
