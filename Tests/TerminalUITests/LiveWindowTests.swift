import ChatModel
import ChatStore
import TestSupport
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
            if let kept, !Self.same(kept, ui, after: "line \(index)") { return }
        }
    }

    /// Whether `kept` holds the entries a new view builds for the current window (records the
    /// first difference).
    static func same(_ kept: ChatView, _ ui: UIFixture, after what: String) -> Bool {
        let window = ui.model.currentWindow
        let incremental = describe(kept.entries(window, model: ui.model))
        let fresh = describe(ChatView().entries(window, model: ui.model))
        guard incremental != fresh else { return true }
        let first =
            zip(incremental, fresh).enumerated().first { $0.element.0 != $0.element.1 }?.offset
            ?? min(incremental.count, fresh.count)
        let got = Array(incremental.dropFirst(first).prefix(3))
        let wanted = Array(fresh.dropFirst(first).prefix(3))
        Issue.record("after \(what), entry \(first): \(got) instead of \(wanted)")
        return false
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

    /// A room's window always has notices among its messages ("you entered …", the subject): a
    /// flood at its live end is still drawn in place, not built anew for every message, and what
    /// is drawn is what a new view builds, through a notice in the middle of the flood and the
    /// drops of the oldest past the notices.
    @Test func aFloodInARoomIsDrawnInPlaceAroundItsNotices() throws {
        let room = "coven@chat.shakespeare.lit"
        let ui = UIFixture(rows: 20, columns: 80, settings: .withoutRoster)
        ui.connect()
        try #require(ui.account.feature(RoomsFeature.self)).join(try JID(room), nick: "alice")
        try ui.harness.answerRoomInfo(room, name: "Coven")
        ui.harness.serverSends(SessionHarness.occupantPresence(room: room, nick: "alice", codes: [110]))
        ui.open(try JID(room), focus: true)
        ui.render()
        #expect(!ui.model.noticesOf(ui.model.currentWindow).isEmpty, "\(ui.render())")
        let kept = ChatView()
        _ = kept.entries(ui.model.currentWindow, model: ui.model)
        for index in 0..<700 {
            ui.scheduler.now += 1000
            ui.harness.serverSends(
                "<message from='\(room)/firstwitch' type='groupchat' id='g\(index)'><body>line \(index)</body></message>"
            )
            if index == 300 {
                ui.harness.serverSends(
                    "<message from='\(room)/firstwitch' type='groupchat'><subject>Double, double</subject></message>")
            }
            ui.render()
            guard Self.same(kept, ui, after: "line \(index)") else { return }
        }
        #expect(ui.chatRows().last?.contains("line 699") == true)
        #expect(ui.model.currentWindow.messages.count <= 600)
        // Built anew at the notices and when the oldest leave past one, not for each message.
        #expect(kept.entriesBuilt < 30, "built \(kept.entriesBuilt) times")
    }

    /// A notice among messages of one day: when the oldest leave up to it, the notice stays first
    /// with the day's separator after it, as a new view draws it.
    @Test func aNoticeWhereTheOldestLeaveStaysBeforeTheDay() {
        let ui = fixture()
        let kept = ChatView()
        for index in 0..<700 {
            ui.scheduler.now += 1000
            ui.harness.serverSends(
                "<message from='romeo@example.net/phone' type='chat' id='d\(index)'><body>line \(index)</body></message>"
            )
            if index == 100 {
                ui.scheduler.now += 500
                ui.model.addNotice("romeo changed device", window: ui.model.currentWindow)
            }
            ui.render()
            guard Self.same(kept, ui, after: "line \(index)") else { return }
        }
        #expect(ui.chatRows().last?.contains("line 699") == true)
        #expect(kept.entriesBuilt < 30, "built \(kept.entriesBuilt) times")
    }
}
