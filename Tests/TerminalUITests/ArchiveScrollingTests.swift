import ChatModel
import Foundation
import TerminalUI
import TestSupport
import Testing
import XMPPCore

/// History from the server's archive as the user sees it: the order after a first login, and
/// PageUp all the way back through an archive that Prosody stamps to the second.
@Suite struct ArchiveScrollingTests {
    /// `count` messages with romeo in archive order, 50 to a second.
    static func archive(_ count: Int) -> ScriptedArchive {
        let start = 1_764_064_800  // 2026-11-25 10:00:00 UTC
        return ScriptedArchive(
            items: (0..<count).map { index in
                let stamp = Date(timeIntervalSince1970: TimeInterval(start + index / 50))
                return ScriptedArchive.Item(
                    id: "arch-\(index)", from: "romeo@example.net/phone", to: "alice@example.org/tern",
                    body: "message \(index)", stamp: ISO8601DateFormatter().string(from: stamp))
            })
    }

    /// Answers archive queries until the account stops asking.
    static func serve(_ archive: ScriptedArchive, _ ui: UIFixture) {
        for _ in 0..<1_000 where archive.answerPending(in: ui.harness) > 0 {}
        ui.render()
    }

    /// The message numbers on screen, top to bottom.
    static func numbers(_ rows: [String]) -> [Int] {
        rows.compactMap { row in row.range(of: "message ").flatMap { Int(row[$0.upperBound...]) } }
    }

    @Test func aFirstLoginShowsTheNewestMessageAtTheBottomInTheArchivesOrder() throws {
        let ui = UIFixture(rows: 30, columns: 100, settings: .withoutRoster)
        let archive = Self.archive(2_000)
        ui.connect(archive: archive)
        ui.open(try JID("romeo@example.net"), focus: true)
        let shown = Self.numbers(ui.chatRows())
        #expect(shown.last == 1_999, "the newest message is at the bottom")
        #expect(shown.count > 20 && shown == Array((2_000 - shown.count)..<2_000), "in the archive's order: \(shown)")
        let stored = try ui.store.lastMessages(
            account: ui.account.accountID, conversation: try JID("romeo@example.net"), limit: 1_000)
        #expect(stored.map(\.body) == (1_500..<2_000).map { "message \($0)" }, "the newest 500, in order")
    }

    @Test func pageUpReachesEveryArchivedMessageInOrderOnce() throws {
        let ui = UIFixture(rows: 30, columns: 100, settings: .withoutRoster)
        ui.account.behaviour.initialArchiveMessages = 30
        let archive = Self.archive(1_000)
        ui.connect(archive: archive)
        ui.open(try JID("romeo@example.net"), focus: true)
        var seen = Set(Self.numbers(ui.chatRows()))
        #expect(seen.contains(999))
        // A slow server: PageUp reaches the top of what is stored before the archive answers.
        for _ in 0..<5 {
            ui.press(.key(.pageUp))
            seen.formUnion(Self.numbers(ui.chatRows()))
        }
        #expect(ui.chatRows().first == "loading older messages…")
        var presses = 0
        while !seen.contains(0) && presses < 2_000 {
            Self.serve(archive, ui)
            seen.formUnion(Self.numbers(ui.chatRows()))
            ui.press(.key(.pageUp))
            presses += 1
            #expect(!ui.render().contains(" new]"), "older history is never counted as new")
            Self.serve(archive, ui)
            let shown = Self.numbers(ui.chatRows())
            if let first = shown.first {
                #expect(shown == Array(first..<(first + shown.count)), "on screen in order: \(shown)")
            }
            seen.formUnion(shown)
        }
        #expect(
            seen == Set(0..<1_000),
            "PageUp reached every message (missing \(Set(0..<1_000).subtracting(seen).sorted()))")
        let stored = try ui.store.lastMessages(
            account: ui.account.accountID, conversation: try JID("romeo@example.net"), limit: 10_000)
        #expect(stored.map(\.body) == (0..<1_000).map { "message \($0)" }, "each stored once, in order")
        #expect(ui.model.currentWindow.historyComplete, "the archive said it has nothing older")
        let queries = archive.queries.count
        ui.press(.key(.pageUp))
        Self.serve(archive, ui)
        #expect(archive.queries.count == queries, "a complete history is not asked for again")
    }
}
