import ChatModel
import ChatStore
import Testing
import XMPPCore

@testable import TerminalUI

/// A window at its live end under a stream of messages: what is drawn incrementally (appends,
/// the oldest dropped from memory) is what a fresh view draws from scratch, and nothing is lost
/// from the history.
@Suite(.serialized) struct LiveWindowTests {
    let romeo = try! JID("romeo@example.net")

    func fixture() -> UIFixture {
        let ui = UIFixture(rows: 20, columns: 80, settings: .withoutRoster)
        ui.connect(roster: "<item jid='romeo@example.net' name='Romeo' subscription='both'/>")
        ui.model.submit("/msg Romeo")
        ui.render()
        return ui
    }

    /// What a new view of the same model draws.
    func freshChat(_ ui: UIFixture) -> [String] {
        ui.freshView().chatRows()
    }

    /// A view's entries in words, to compare one kept up to date with one built from scratch.
    static func describe(_ entries: [ChatView.Entry]) -> [String] {
        entries.map { entry in
            switch entry {
            case .message(let message): "message \(message.id)"
            case .day(let timestamp): "day \(TimeFormat.localDay(timestamp))"
            case .notice(let notice): "notice \(notice.text)"
            case .unreadMarker: "unread"
            case .loadingOlder: "loading"
            }
        }
    }

    /// Messages from romeo three hours apart (crossing days), drawn after each; `kept` (a view
    /// that lives through all of them) must always hold what a new view would build.
    func receive(_ ui: UIFixture, _ range: Range<Int>, kept: ChatView? = nil) {
        for index in range {
            ui.scheduler.now += 3 * 3_600_000
            ui.harness.serverSends(
                "<message from='romeo@example.net/phone' type='chat' id='m\(index)'><body>line \(index)</body></message>"
            )
            ui.render()
            if let kept {
                let window = ui.model.currentWindow
                let incremental = Self.describe(kept.entries(window, model: ui.model))
                let fresh = Self.describe(ChatView().entries(window, model: ui.model))
                guard incremental != fresh else { continue }
                let first =
                    zip(incremental, fresh).enumerated().first { $0.element.0 != $0.element.1 }?.offset
                    ?? min(incremental.count, fresh.count)
                let got = Array(incremental.dropFirst(first).prefix(3))
                let wanted = Array(fresh.dropFirst(first).prefix(3))
                Issue.record("after line \(index), entry \(first): \(got) instead of \(wanted)")
                return
            }
        }
    }

    @Test func incrementalDrawingMatchesAFreshView() {
        let ui = fixture()
        let kept = ChatView()
        receive(ui, 0..<12, kept: kept)
        #expect(ui.chatRows() == freshChat(ui))
        #expect(ui.chatRows().contains { $0.contains("line 11") })
        #expect(ui.chatRows().contains { $0.contains("───") }, "day separators among the lines")
    }

    @Test func theOldestLeaveMemoryAndComeBackWhenScrollingUp() throws {
        let ui = fixture()
        let kept = ChatView()
        receive(ui, 0..<700, kept: kept)
        let window = ui.model.currentWindow
        #expect(window.messages.count <= 600, "\(window.messages.count) messages in memory")
        #expect(window.messages.last?.body == "line 699")
        #expect(window.hasOlder)
        #expect(ui.chatRows() == freshChat(ui), "the drop redraws as a fresh view would")
        // Everything is in the store, and PageUp reaches the first line again.
        let stored = try ui.store.lastMessages(account: ui.account.accountID, conversation: romeo, limit: 1000)
        #expect(stored.count == 700)
        var seen = Set<String>()
        for _ in 0..<400 where !seen.contains("line 0") {
            ui.press(.key(.pageUp))
            for row in ui.chatRows() {
                if let range = row.range(of: "line ") { seen.insert(String(row[range.lowerBound...])) }
            }
        }
        #expect(seen.contains("line 0"))
        #expect(seen.contains("line 100"))
    }
}
