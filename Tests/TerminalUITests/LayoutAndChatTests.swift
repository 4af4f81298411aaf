import ChatModel
import ChatStore
import TerminalUI
import Testing
import XMPPCore

@Suite(.serialized) struct LayoutAndChatTests {
    @Test func consoleLayoutHasAllThePanes() {
        let ui = UIFixture(rows: 24, columns: 80)
        ui.connect()
        let text = ui.render()
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines[0].hasPrefix(" Tern — console"))
        #expect(lines[1].contains("│"), "the roster's border")
        #expect(lines[22].hasPrefix("[") && lines[22].contains("[alice@example.org: online]"))
        #expect(lines[22].contains("[1:console]"))
        #expect(text.contains("Tern started") == false)
        #expect(text.contains("connected as alice@example.org/tern"), "the console shows the log full size")
    }

    @Test func aRepeatedLogLineIsShownOnceWithItsCount() {
        let ui = UIFixture(rows: 24, columns: 80)
        ui.connect()
        for _ in 0..<40 { ui.model.addNotice("dropped something", level: .debug) }
        ui.model.addNotice("something else")
        #expect(ui.model.log.suffix(2).map(\.repeats) == [40, 1])
        let text = ui.render()
        #expect(text.contains("dropped something (×40)"))
        #expect(text.contains("connected as alice@example.org/tern"), "earlier lines stay in sight")
    }

    @Test func tooSmallTerminalSaysSoInsteadOfCrashing() {
        let ui = UIFixture(rows: 8, columns: 30)
        #expect(ui.render().hasPrefix("terminal too small"))
        ui.resize(rows: 24, columns: 80)
        #expect(ui.render().hasPrefix(" Tern"))
    }

    @Test func messagesAreFormattedWrappedAndIndented() throws {
        let ui = UIFixture(rows: 20, columns: 60, settings: .withoutRoster)
        let romeo = try JID("romeo@example.net")
        _ = try ui.store.insert(
            NewMessage(
                conversation: romeo, outgoing: false, sender: "romeo@example.net/phone", senderKey: "romeo@example.net",
                body: "But soft, what light through yonder window breaks? It is the east, and Juliet is the sun.",
                timestamp: 1_764_000_000_000), account: ui.account.accountID)
        ui.open(romeo, focus: true)
        let chat = ui.chatRows().filter { !$0.isEmpty }
        #expect(chat.contains { $0.contains("Wednesday 24 November 2025") || $0.contains("Monday 24 November 2025") })
        let first = try #require(chat.firstIndex { $0.hasPrefix("16:00 romeo: But soft") })
        #expect(chat[first + 1].hasPrefix("             "), "continuation lines are indented under the text")
        #expect(!chat[first + 1].hasPrefix("              "))
        #expect(chat.allSatisfy { TextWidth.of($0) <= 60 })
    }

    @Test func actionsCorrectionsAndDeliveryStates() throws {
        let ui = UIFixture(rows: 20, columns: 80)
        ui.connect()
        let romeo = try JID("romeo@example.net")
        ui.open(romeo, focus: true)
        ui.model.submit("/me waves")
        ui.harness.serverSends(
            "<message from='romeo@example.net/phone' type='chat' id='r1'><body>helo</body></message>")
        ui.harness.serverSends(
            "<message from='romeo@example.net/phone' type='chat' id='r2'><body>hello</body>"
                + "<replace xmlns='urn:xmpp:message-correct:0' id='r1'/></message>")
        let text = ui.render()
        #expect(text.contains("* alice waves (sent)"))
        #expect(text.contains("romeo: hello (edited)"))
        #expect(!text.contains("helo"))
    }

    @Test func networkTextCannotControlTheTerminal() throws {
        let ui = UIFixture(rows: 20, columns: 80)
        ui.connect(roster: "<item jid='romeo@example.net' subscription='both'/>")
        ui.harness.serverSends(
            "<message from='romeo@example.net/phone' type='chat'><body>a\u{9B}31mb\u{202E}txt.exe\u{85}</body></message>"
        )
        ui.model.switchTo(1)
        let text = ui.render()
        #expect(text.contains("romeo: a\u{FFFD}31mb\u{FFFD}txt.exe\u{FFFD}"))
        #expect(!text.unicodeScalars.contains { (0x80...0x9F).contains($0.value) || $0.value == 0x202E })
    }

    @Test func wideCharactersAreNeverSplit() throws {
        let ui = UIFixture(rows: 20, columns: 50, settings: .withoutRoster)
        let romeo = try JID("romeo@example.net")
        _ = try ui.store.insert(
            NewMessage(
                conversation: romeo, outgoing: false, sender: "romeo@example.net/x", senderKey: "romeo@example.net",
                body: String(repeating: "你好😀", count: 12), timestamp: 1_764_000_000_000), account: ui.account.accountID)
        ui.open(romeo, focus: true)
        for row in ui.chatRows() {
            #expect(TextWidth.of(row) <= 50)
            #expect(!row.contains("\u{FFFD}"))
        }
        #expect(ui.chatRows().joined().filter { $0 == "😀" }.count == 12, "every character is shown exactly once")
    }

    @Test func unreadMarkerAndActivity() throws {
        let ui = UIFixture(rows: 24, columns: 80)
        ui.connect(roster: "<item jid='romeo@example.net' subscription='both'/>")
        ui.harness.serverSends(
            "<message from='romeo@example.net/phone' type='chat'><body>are you there?</body></message>")
        #expect(ui.render().contains("[Act: 2]"))
        ui.press(.alt("2"))
        let text = ui.render()
        #expect(text.contains("new messages"))
        #expect(!text.contains("[Act: 2]"))
    }
}

@Suite(.serialized) struct ScrollingTests {
    @Test func pageUpReachesTheWholeHistoryAndEndComesBack() throws {
        let ui = UIFixture(rows: 24, columns: 80)
        ui.fill(1000)
        let romeo = try JID("romeo@example.net")
        ui.open(romeo, focus: true)
        #expect(ui.model.currentWindow.messages.count == 200, "only the newest are loaded at first")
        #expect(ui.chatRows().last { !$0.isEmpty }?.contains("message 999") == true)
        var seen = Set<String>()
        for _ in 0..<400 {
            for row in ui.chatRows() {
                if let range = row.range(of: "message ") { seen.insert(String(row[range.upperBound...])) }
            }
            if seen.contains("0") { break }
            ui.press(.key(.pageUp))
        }
        #expect(seen.count == 1000, "PageUp showed every one of the 1000 messages")
        #expect(ui.chatRows().contains { $0.hasSuffix("message 0") })
        #expect(ui.render().contains("[more below]"))
        ui.press(.altKey(.end))
        #expect(ui.chatRows().last { !$0.isEmpty }?.contains("message 999") == true)
        #expect(!ui.render().contains("more below"))
    }

    @Test func newMessagesDoNotMoveAScrolledView() throws {
        let ui = UIFixture(rows: 24, columns: 80)
        ui.fill(100)
        ui.connect()
        ui.open(try JID("romeo@example.net"), focus: true)
        ui.press(.key(.pageUp))
        let before = ui.chatRows()
        ui.harness.serverSends("<message from='romeo@example.net/phone' type='chat'><body>brand new</body></message>")
        #expect(ui.chatRows() == before)
        #expect(ui.render().contains("[more below: 1 new]"))
        ui.press(.key(.pageDown))
        ui.press(.key(.pageDown))
        #expect(ui.chatRows().last { !$0.isEmpty }?.contains("brand new") == true)
    }

    @Test func resizeKeepsTheInputAndTheScrollPosition() throws {
        let ui = UIFixture(rows: 24, columns: 80)
        ui.fill(100)
        ui.open(try JID("romeo@example.net"), focus: true)
        ui.press(.key(.pageUp))
        ui.type("half-typed message")
        let anchor = ui.model.currentWindow.scrollAnchor
        ui.resize(rows: 30, columns: 100)
        let text = ui.render()
        #expect(text.split(separator: "\n").last == "half-typed message")
        #expect(ui.model.currentWindow.scrollAnchor == anchor)
        ui.resize(rows: 9, columns: 30)
        #expect(ui.render().contains("terminal too small"))
        ui.resize(rows: 24, columns: 80)
        #expect(ui.render().split(separator: "\n").last == "half-typed message")
    }
}

@Suite(.serialized) struct ChatViewCacheTests {
    /// Scrolling updates the cached entries in place; the result must equal a fresh build.
    @Test func incrementalEntriesMatchAFreshBuild() throws {
        let ui = UIFixture(rows: 24, columns: 80)
        // Three days of history, so that day separators meet where pages join.
        let romeo = try JID("romeo@example.net")
        let messages = (0..<6000).map { index in
            NewMessage(
                conversation: romeo, outgoing: false, sender: "romeo@example.net/x", senderKey: "romeo@example.net",
                body: "m\(index)", timestamp: 1_763_800_000_000 + Int64(index) * 43_000, stanzaID: "s\(index)",
                stanzaIDBy: "alice@example.org")
        }
        _ = try ui.store.insert(messages, account: ui.account.accountID)
        ui.open(romeo, focus: true)
        var sawSeparator = false
        for page in 1...420 {
            ui.press(.key(.pageUp))
            let scrolled = ui.chatRows()
            sawSeparator = sawSeparator || scrolled.contains { $0.contains("──") }
            guard page % 7 == 0 else { continue }
            // Forgetting every cache and building the entries afresh must draw the same lines.
            ui.controller.invalidateAll()
            #expect(ui.chatRows() == scrolled, "page \(page)")
        }
        #expect(ui.model.currentWindow.droppedNewer, "scrolling far back dropped the newest messages from memory")
        #expect(ui.model.currentWindow.messages.count <= 1200)
        #expect(sawSeparator, "day separators where days change")
        // PageDown all the way back reloads what was dropped and skips nothing.
        var numbers = Set<Int>()
        for _ in 0..<600 {
            for row in ui.chatRows() {
                if let range = row.range(of: "romeo: m"), let number = Int(row[range.upperBound...]) {
                    numbers.insert(number)
                }
            }
            if ui.model.currentWindow.scrollAnchor == nil { break }
            ui.press(.key(.pageDown))
        }
        #expect(ui.model.currentWindow.scrollAnchor == nil, "back at the live end")
        let lowest = try #require(numbers.min())
        #expect(numbers.count == 6000 - lowest, "every message from \(lowest) to the newest was shown on the way down")
    }
}
