import ChatModel
import TestSupport
import Testing
import XMPPCore

/// The model's windows: which one is on screen, what counts as read, the unread marker, the
/// notices and the log each keeps, /clear and the lines typed.
@Suite struct WindowTests {
    static let contacts =
        "<item jid='romeo@example.net' name='Romeo' subscription='both'/>"
        + "<item jid='juliet@example.com' subscription='both'/><item jid='nurse@example.com' subscription='both'/>"

    func connected() -> ModelFixture { ModelFixture.connected(rosterItems: WindowTests.contacts) }

    @Test func theUnreadMarkerSitsAtTheFirstMessageNotSeen() throws {
        let fixture = connected()
        let romeo = try fixture.key("romeo@example.net")
        fixture.receive(from: "romeo@example.net/orchard", "one")
        fixture.receive(from: "romeo@example.net/orchard", "two")
        let window = try #require(fixture.model.window(of: romeo))
        #expect(fixture.model.currentIndex == 0, "a message opens its window without taking the screen")
        #expect(fixture.model.unreadCounts[romeo] == 2)
        fixture.model.switchTo(1)
        #expect(window.unreadMarker == window.messages.first?.id)
        #expect(fixture.model.unreadCounts[romeo] == nil, "read once shown")
        #expect(window.activity == .none)
        fixture.model.switchTo(0)
        fixture.scheduler.advance(by: .seconds(1))
        fixture.receive(from: "romeo@example.net/orchard", "three")
        fixture.receive(from: "romeo@example.net/orchard", "four")
        fixture.model.switchTo(1)
        #expect(window.messages.map(\.body) == ["one", "two", "three", "four"])
        #expect(window.unreadMarker == window.messages[2].id, "at three, the first one not seen")
        fixture.model.switchTo(0)
        fixture.model.switchTo(1)
        #expect(window.unreadMarker == nil, "nothing new since")
    }

    @Test func whatIsReadStaysReadAfterARestart() throws {
        let fixture = connected()
        fixture.receive(from: "romeo@example.net/orchard", "one")
        fixture.receive(from: "juliet@example.com/balcony", "two")
        fixture.model.switchTo(1)
        let restarted = ModelFixture(store: fixture.store)
        #expect(restarted.model.unreadCounts[try restarted.key("romeo@example.net")] == nil)
        #expect(restarted.model.unreadCounts[try restarted.key("juliet@example.com")] == 1)
    }

    @Test func switchingToTheWindowOnScreenOrToNoWindowChangesNothing() throws {
        let fixture = connected()
        fixture.open(try JID("romeo@example.net"), focus: true)
        fixture.changes.removeAll()
        fixture.model.switchTo(1)
        fixture.model.switchTo(2)
        fixture.model.switchTo(-1)
        #expect(fixture.model.currentIndex == 1)
        #expect(fixture.changes.isEmpty, "nothing to redraw")
        fixture.model.submit("/win 3")
        #expect(
            fixture.model.noticesOf(fixture.model.currentWindow).last?.text == "no window 3 (there are 2)"
        )
        fixture.model.submit("/win 1")
        #expect(fixture.model.currentIndex == 0)
    }

    @Test func closingAWindowKeepsTheOneOnScreenAndNeverClosesTheConsole() throws {
        let fixture = connected()
        for contact in ["romeo@example.net", "juliet@example.com", "nurse@example.com"] {
            fixture.open(try JID(contact), focus: false)
        }
        fixture.model.switchTo(2)
        let juliet = fixture.model.currentWindow
        #expect(juliet.jid?.description == "juliet@example.com")
        fixture.model.closeWindow(1)
        #expect(fixture.model.currentWindow === juliet, "a window before it closed")
        #expect(fixture.model.currentIndex == 1)
        fixture.model.closeWindow(2)
        #expect(fixture.model.currentWindow === juliet, "a window after it closed")
        fixture.model.closeWindow(0)
        fixture.model.closeWindow(7)
        #expect(fixture.model.windows.count == 2)
        fixture.model.submit("/close")
        #expect(fixture.model.windows.map(\.kind) == [.console])
        fixture.model.submit("/close")
        #expect(fixture.model.log.last?.text == "the console cannot be closed")
        #expect(fixture.model.log.last?.level == .warning)
    }

    @Test func closingTheWindowOnScreenShowsThePreviousOneAsRead() throws {
        let fixture = connected()
        let romeo = try fixture.key("romeo@example.net")
        fixture.receive(from: "romeo@example.net/orchard", "are you there?")
        fixture.receive(from: "romeo@example.net/orchard", "hello?")
        fixture.open(try JID("juliet@example.com"), focus: true)
        let romeoWindow = try #require(fixture.model.window(of: romeo))
        #expect(romeoWindow.activity == .highlight)
        fixture.model.closeWindow(fixture.model.currentIndex)
        #expect(fixture.model.currentWindow === romeoWindow)
        #expect(fixture.model.unreadCounts[romeo] == nil, "what is on screen is read")
        #expect(romeoWindow.activity == .none)
        #expect(romeoWindow.unreadMarker == romeoWindow.messages.first?.id)
        let restarted = ModelFixture(store: fixture.store)
        #expect(restarted.model.unreadCounts[try restarted.key("romeo@example.net")] == nil)
    }

    @Test func aReopenedChatShowsItsHistoryAgain() throws {
        let fixture = connected()
        fixture.receive(from: "romeo@example.net/orchard", "one")
        fixture.model.switchTo(1)
        fixture.model.submit("two")
        fixture.model.submit("/close")
        #expect(fixture.model.windows.count == 1)
        fixture.model.submit("/msg Romeo")
        #expect(fixture.model.currentWindow.messages.map(\.body) == ["one", "two"])
        #expect(fixture.model.currentWindow.unreadMarker == nil)
    }

    @Test func noticesStayInTheirWindowUpToTheirLimit() throws {
        let fixture = connected()
        let romeo = fixture.open(try JID("romeo@example.net"), focus: false)
        for index in 0..<(AppModel.noticeLimit + AppModel.noticeLimit / 4) {
            fixture.model.addNotice("notice \(index)", window: romeo)
        }
        #expect(fixture.model.noticesOf(romeo).count == 625, "trimmed only past a quarter over")
        fixture.model.addNotice("one more", window: romeo)
        let kept = fixture.model.noticesOf(romeo)
        #expect(kept.count == AppModel.noticeLimit)
        #expect(kept.first?.text == "notice 126")
        #expect(kept.last?.text == "one more")
        #expect(fixture.model.noticesOf(fixture.model.currentWindow).isEmpty, "the console has none")
        #expect(!fixture.model.log.contains { $0.text.hasPrefix("notice") }, "nor does the log")
        fixture.model.addNotice("for the console")
        #expect(fixture.model.log.last?.text == "for the console", "the console's notices are the log")
    }

    @Test func aClosedWindowsNoticesGoWithIt() throws {
        let fixture = connected()
        let romeo = fixture.open(try JID("romeo@example.net"), focus: true)
        fixture.model.addNotice("romeo@example.net: no service discovery answer")
        #expect(fixture.model.noticesOf(romeo).count == 1)
        fixture.model.submit("/close")
        #expect(fixture.model.notices.isEmpty, "nothing kept for a window that is gone")
        fixture.open(try JID("romeo@example.net"), focus: true)
        #expect(fixture.model.noticesOf(fixture.model.currentWindow).isEmpty)
    }

    @Test func theLogFoldsALineRepeatedRightAfterItself() throws {
        let fixture = ModelFixture()
        fixture.model.addNotice("dropped a carbon", level: .debug)
        fixture.scheduler.advance(by: .seconds(5))
        fixture.model.addNotice("dropped a carbon", level: .debug)
        fixture.scheduler.advance(by: .seconds(5))
        fixture.model.addNotice("dropped a carbon", level: .debug)
        #expect(fixture.model.log.count == 1)
        #expect(fixture.model.log.last?.repeats == 3)
        #expect(fixture.model.log.last?.time == fixture.scheduler.now, "the time of the latest")
        fixture.model.addNotice("dropped a carbon", level: .warning)
        fixture.model.addNotice("something else", level: .warning)
        fixture.model.addNotice("dropped a carbon", level: .warning)
        #expect(
            fixture.model.log.map(\.repeats) == [3, 1, 1, 1],
            "another level or line in between starts anew")
    }

    @Test func theLogKeepsTheNewestLines() throws {
        let fixture = ModelFixture()
        for index in 0..<(AppModel.logLimit + 10) { fixture.model.addNotice("line \(index)") }
        #expect(fixture.model.log.count == AppModel.logLimit)
        #expect(fixture.model.log.first?.text == "line 10")
        #expect(fixture.model.log.last?.text == "line 2009")
    }

    @Test func clearHidesWhatIsShownButNotTheHistory() throws {
        let fixture = connected()
        fixture.receive(from: "romeo@example.net/orchard", "an old secret")
        fixture.model.switchTo(1)
        let window = fixture.model.currentWindow
        fixture.model.addNotice("a notice")
        fixture.model.submit("/clear")
        #expect(window.visibleMessages.isEmpty)
        #expect(fixture.model.noticesOf(window).isEmpty)
        fixture.receive(from: "romeo@example.net/orchard", "a new one")
        #expect(window.visibleMessages.map(\.body) == ["a new one"])
        fixture.model.submit("/search secret")
        #expect(
            fixture.model.noticesOf(window).first?.text == "1 message contains \"secret\" (newest last):")
        fixture.model.switchTo(0)
        #expect(!fixture.model.log.isEmpty)
        fixture.model.submit("/clear")
        #expect(fixture.model.log.isEmpty, "the console's clear empties the log")
    }

    @Test func aMessageWhileScrolledBackWaitsBelowUnread() throws {
        let fixture = connected()
        let romeo = try fixture.key("romeo@example.net")
        fixture.receive(from: "romeo@example.net/orchard", "one")
        fixture.model.switchTo(1)
        let window = fixture.model.currentWindow
        window.scrollAnchor = ChatWindow.ScrollAnchor(
            messageID: window.messages[0].id, linesHiddenBelow: 0)
        fixture.receive(from: "romeo@example.net/orchard", "two")
        fixture.receive(from: "romeo@example.net/orchard", "three")
        #expect(window.newBelow == 2)
        #expect(fixture.model.unreadCounts[romeo] == 2, "not seen while scrolled back")
        fixture.model.scrollToEnd()
        #expect(window.newBelow == 0)
        #expect(window.scrollAnchor == nil)
        #expect(fixture.model.unreadCounts[romeo] == nil)
    }

    @Test func linesTypedAreRememberedOnceInARowAndAtMostFiveHundred() throws {
        let fixture = connected()
        fixture.open(try JID("romeo@example.net"), focus: true)
        let window = fixture.model.currentWindow
        fixture.model.submit("hello")
        fixture.model.submit("hello")
        fixture.model.submit("")
        fixture.model.submit("/status away")
        fixture.model.submit("hello")
        #expect(window.inputHistory == ["hello", "/status away", "hello"])
        for index in 0..<600 { fixture.model.submit("/help line\(index)") }
        #expect(window.inputHistory.count == 500)
        #expect(window.inputHistory.first == "/help line100")
        #expect(fixture.model.windows[0].inputHistory.isEmpty, "each window has its own")
    }

    @Test func textTypedInTheConsoleIsNotSent() throws {
        let fixture = connected()
        _ = fixture.harness.takeWritten()
        fixture.model.submit("hello romeo")
        #expect(fixture.harness.takeWritten().isEmpty)
        #expect(
            fixture.model.log.last?.text
                == "this is the console: open a chat with /msg JID, or type /help")
    }
}
