import ChatModel
import TestSupport
import Testing
import XMPPCore

/// Going away by itself after the configured minutes without a key press, and coming back to
/// the presence the user had chosen.
@Suite struct AutoAwayTests {
    func connected(minutes: Int = 15) -> ModelFixture {
        let fixture = ModelFixture.connected { $0.account.behaviour.autoAwayMinutes = minutes }
        _ = fixture.harness.takeWritten()
        return fixture
    }

    /// The presences the account sent since the last look.
    func presences(_ fixture: ModelFixture) -> [XMLElement] {
        fixture.harness.takeWrittenElements().filter { $0.name == "presence" }
    }

    @Test func awayAfterTheConfiguredMinutesAndBackToWhatWasChosen() throws {
        let fixture = connected(minutes: 5)
        fixture.model.submit("/status chat reading the balcony scene")
        _ = presences(fixture)
        fixture.scheduler.advance(by: .seconds(5 * 60 - 1))
        #expect(presences(fixture).isEmpty)
        fixture.scheduler.advance(by: .seconds(30))
        let written = fixture.harness.takeWrittenElements()
        let away = try #require(written.first { $0.name == "presence" })
        #expect(away.childText("show") == "away")
        #expect(away.childText("status") == "idle")
        #expect(fixture.model.accountRows.first?.presence == .away)
        #expect(fixture.model.log.last?.text == "auto-away after 5 minutes without a key press")
        #expect(
            !written.contains { $0.namespace == "urn:xmpp:csi:0" }, "no client state to a server that does not offer it"
        )
        fixture.scheduler.advance(by: .seconds(3600))
        #expect(presences(fixture).isEmpty, "away once")
        #expect(fixture.model.log.filter { $0.text.hasPrefix("auto-away") }.count == 1)
        fixture.model.inputChanged("h")
        let back = try #require(presences(fixture).first)
        #expect(back.childText("show") == "chat")
        #expect(back.childText("status") == "reading the balcony scene")
        #expect(fixture.model.accountRows.first?.presence == .chat)
        #expect(fixture.model.log.last?.text == "back from auto-away")
        fixture.model.inputChanged("he")
        #expect(presences(fixture).isEmpty, "back once")
    }

    @Test func aKeyPressPutsItOff() throws {
        let fixture = connected()
        fixture.scheduler.advance(by: .seconds(10 * 60))
        fixture.model.submit("")
        fixture.scheduler.advance(by: .seconds(14 * 60))
        #expect(presences(fixture).isEmpty, "24 minutes, but only 14 since the last key")
        fixture.scheduler.advance(by: .seconds(60))
        #expect(presences(fixture).first?.childText("show") == "away")
    }

    @Test func aPresenceOtherThanAvailableIsLeftAsChosen() throws {
        for status in ["dnd in a meeting", "away at lunch", "xa"] {
            let fixture = connected()
            fixture.model.submit("/status \(status)")
            _ = presences(fixture)
            fixture.scheduler.advance(by: .seconds(60 * 60))
            #expect(presences(fixture).isEmpty, "\(status)")
            #expect(!fixture.model.log.contains { $0.text.hasPrefix("auto-away") })
            fixture.model.inputChanged("x")
            #expect(presences(fixture).isEmpty, "nothing to come back from")
        }
    }

    @Test func zeroMinutesIsNever() throws {
        let fixture = connected(minutes: 0)
        fixture.scheduler.advance(by: .seconds(24 * 3600))
        #expect(presences(fixture).isEmpty)
        #expect(fixture.model.accountRows.first?.presence == .online)
    }

    @Test func anAccountThatLogsInWhileTheUserIsAwayLogsInAway() throws {
        let fixture = ModelFixture()
        fixture.scheduler.advance(by: .seconds(20 * 60))
        #expect(fixture.model.log.last?.text == "auto-away after 15 minutes without a key press")
        fixture.connect()
        let initial = try #require(presences(fixture).first)
        #expect(initial.childText("show") == "away")
        #expect(initial.childText("status") == "idle")
        fixture.model.userActivity()
        #expect(presences(fixture).first.map { $0.child("show") == nil } == true, "online again")
    }
}
