import ChatModel
import TestSupport
import Testing
import XMPPCore

/// XEP-0410 MUC Self-Ping over the manual clock: a silent room is asked whether we are still in
/// it, each answer of §3.2 is acted on as the XEP says, and nothing is pinged while a nick change
/// is out or the account is offline.
@Suite struct RoomSelfPingTests {
    let rooms = RoomTests()
    static let own = "\(RoomTests.room)/thirdwitch"

    /// In the room, its archive caught up (empty), with what joining wrote taken away.
    func entered(streamManagement: SessionHarness.StreamManagementScript = .none) throws -> ScriptedAccounts {
        let fixture = try rooms.connected(streamManagement: streamManagement)
        try rooms.enter(fixture, features: ["urn:xmpp:mam:2", "urn:xmpp:sid:0"])
        let harness = fixture.harness("main")
        let query = try #require(
            harness.takeWrittenElements().first { $0.child("query", namespace: "urn:xmpp:mam:2") != nil })
        harness.serverSends(
            "<iq type='result' id='\(query.id!)' from='\(RoomTests.room)'>"
                + "<fin xmlns='urn:xmpp:mam:2' complete='true'><set xmlns='http://jabber.org/protocol/rsm'/></fin></iq>"
        )
        _ = harness.takeWritten()
        return fixture
    }

    /// The self-pings written since the last look.
    func pings(_ fixture: ScriptedAccounts) -> [XMLElement] {
        fixture.harness("main").takeWrittenElements().filter {
            $0.name == "iq" && $0.child("ping", namespace: "urn:xmpp:ping") != nil && $0[attribute: "to"] == Self.own
        }
    }

    func answer(_ fixture: ScriptedAccounts, _ ping: XMLElement, error condition: String? = nil) {
        let payload =
            condition.map {
                "<error type='cancel'><\($0) xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error>"
            } ?? ""
        fixture.harness("main").serverSends(
            "<iq from='\(Self.own)' id='\(ping.id!)' type='\(condition == nil ? "result" : "error")'>\(payload)</iq>")
    }

    func rejoined(_ fixture: ScriptedAccounts) -> Bool {
        fixture.model.room(try! fixture.key("main", RoomTests.room))?.state == .joining
    }

    /// §3.2 Example 1: after 15 silent minutes, a ping to our own occupant JID; an answer means
    /// we are in, and the next ping waits for the next 15 silent minutes.
    @Test func aRoomSilentForFifteenMinutesIsAskedWhetherWeAreStillIn() throws {
        let fixture = try entered()
        fixture.scheduler.advance(by: .seconds(14 * 60))
        #expect(pings(fixture).isEmpty)
        fixture.scheduler.advance(by: .seconds(60))
        let ping = try #require(pings(fixture).first)
        #expect(ping.matches("<iq type='get' id='*' to='\(Self.own)'><ping xmlns='urn:xmpp:ping'/></iq>"))
        fixture.scheduler.advance(by: .seconds(5 * 60))
        #expect(pings(fixture).isEmpty, "one ping at a time")
        answer(fixture, ping)
        #expect(fixture.model.room(try fixture.key("main", RoomTests.room))?.state == .joined)
        fixture.scheduler.advance(by: .seconds(14 * 60))
        #expect(pings(fixture).isEmpty)
        fixture.scheduler.advance(by: .seconds(60))
        #expect(pings(fixture).count == 1)
    }

    @Test func whatTheRoomSaysKeepsItFromBeingPinged() throws {
        let fixture = try entered()
        let harness = fixture.harness("main")
        for _ in 0..<3 {
            fixture.scheduler.advance(by: .seconds(10 * 60))
            harness.serverSends(rooms.groupchat("firstwitch", "Hover through the fog and filthy air"))
            fixture.scheduler.advance(by: .seconds(4 * 60))
            harness.serverSends(rooms.presence("secondwitch"))
        }
        #expect(pings(fixture).isEmpty, "42 minutes, never 15 of them silent")
        fixture.scheduler.advance(by: .seconds(15 * 60))
        #expect(pings(fixture).count == 1)
    }

    /// §3.2: `not-acceptable` (and `not-allowed`, `bad-request`, any other error) means we are
    /// out: the room is entered again and its archive asked for what we missed.
    @Test(arguments: ["not-acceptable", "not-allowed", "bad-request", "forbidden"])
    func anErrorSayingWeAreOutEntersTheRoomAgain(_ condition: String) throws {
        let fixture = try entered()
        fixture.scheduler.advance(by: .seconds(15 * 60))
        answer(fixture, try #require(pings(fixture).first), error: condition)
        #expect(rejoined(fixture))
        // What the room keeps is known from the first time: the join goes out at once.
        let join = try #require(fixture.harness("main").takeWrittenElements().first { $0.name == "presence" })
        #expect(join[attribute: "to"] == Self.own)
        fixture.harness("main").serverSends(rooms.presence("thirdwitch", codes: [110]))
        let catchUp = fixture.harness("main").takeWrittenElements().first {
            $0.child("query", namespace: "urn:xmpp:mam:2") != nil
        }
        #expect(catchUp?[attribute: "to"] == RoomTests.room, "the archive fills the gap")
        let key = try fixture.key("main", RoomTests.room)
        let notices = fixture.model.window(of: key).map { fixture.model.noticesOf($0).map(\.text) } ?? []
        #expect(notices.contains { $0.contains("no longer counts you in") })
    }

    /// §3.2: these errors come from a client of ours the room passed the ping to, or from a nick
    /// change elsewhere: we are in.
    @Test(arguments: ["service-unavailable", "feature-not-implemented", "item-not-found"])
    func anErrorFromOurOtherClientMeansWeAreIn(_ condition: String) throws {
        let fixture = try entered()
        fixture.scheduler.advance(by: .seconds(15 * 60))
        answer(fixture, try #require(pings(fixture).first), error: condition)
        #expect(!rejoined(fixture))
        fixture.scheduler.advance(by: .seconds(14 * 60))
        #expect(pings(fixture).isEmpty)
    }

    /// §3.2: an unreachable remote server tells nothing: ask again after 5 minutes.
    @Test(arguments: ["remote-server-not-found", "remote-server-timeout"])
    func anUnreachableServerIsAskedAgainLater(_ condition: String) throws {
        let fixture = try entered()
        fixture.scheduler.advance(by: .seconds(15 * 60))
        answer(fixture, try #require(pings(fixture).first), error: condition)
        #expect(!rejoined(fixture))
        fixture.scheduler.advance(by: .seconds(4 * 60))
        #expect(pings(fixture).isEmpty)
        fixture.scheduler.advance(by: .seconds(60))
        #expect(pings(fixture).count == 1)
    }

    /// §4: no self-ping between asking for a nick and the room's answer.
    @Test func noPingWhileANickChangeIsOut() throws {
        let fixture = try entered()
        fixture.model.openChat(try fixture.key("main", RoomTests.room), focus: true)
        fixture.model.submit("/nick thirdhag")
        _ = fixture.harness("main").takeWritten()
        fixture.scheduler.advance(by: .seconds(30 * 60))
        #expect(pings(fixture).isEmpty)
        // The room answers: 303 for the old nick, then the new one.
        fixture.harness("main").serverSends(
            "<presence from='\(Self.own)' type='unavailable'><x xmlns='http://jabber.org/protocol/muc#user'>"
                + "<item affiliation='none' nick='thirdhag' role='participant'/><status code='303'/>"
                + "<status code='110'/></x></presence>")
        fixture.harness("main").serverSends(rooms.presence("thirdhag", codes: [110]))
        fixture.scheduler.advance(by: .seconds(15 * 60))
        let ping = try #require(
            fixture.harness("main").takeWrittenElements().first { $0.child("ping", namespace: "urn:xmpp:ping") != nil })
        #expect(ping[attribute: "to"] == "\(RoomTests.room)/thirdhag", "the new nick is the one pinged")
    }

    @Test func nothingIsPingedWhileOffline() throws {
        let fixture = try entered()
        fixture.setReachable(false, "main")
        fixture.connection("main").disconnect()
        fixture.scheduler.advance(by: .seconds(60 * 60))
        #expect(pings(fixture).isEmpty)
    }

    /// XEP-0045 §7.4 and XEP-0410 §3.2: a room that answers our message with `not-acceptable`
    /// has forgotten us (entered again at once); any other error makes us ask at once.
    @Test func anErrorToOurMessageChecksWhetherWeAreStillIn() throws {
        let fixture = try entered()
        let harness = fixture.harness("main")
        harness.serverSends(
            "<message from='\(RoomTests.room)' type='error' id='m1'><body>hello</body>"
                + "<error type='modify'><forbidden xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></message>")
        let ping = try #require(pings(fixture).first, "a refusal makes us ask at once")
        answer(fixture, ping)
        #expect(!rejoined(fixture))
        harness.serverSends(
            "<message from='\(RoomTests.room)' type='error' id='m2'><body>hello</body>"
                + "<error type='modify'><not-acceptable xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></message>"
        )
        #expect(rejoined(fixture))
    }

    /// The room passes a ping to our occupant JID on to one of our clients (§3.2): we answer it.
    @Test func aPingTheRoomPassesOnIsAnswered() throws {
        let fixture = try entered()
        let harness = fixture.harness("main")
        harness.serverSends(
            "<iq from='\(Self.own)' id='c0ffee-s2c1' type='get' to='hag66@shakespeare.lit/tern'>"
                + "<ping xmlns='urn:xmpp:ping'/></iq>")
        let answer = try #require(harness.takeWrittenElements().first)
        #expect(answer.matches("<iq type='result' id='c0ffee-s2c1' to='\(Self.own)'/>"))
    }
}

/// XEP-0045 §7.4: what a room refuses because we are not in it goes again once we are in; what
/// it refuses for any other reason fails and stays out of the outbox.
@Suite struct RoomRefusedMessageTests {
    let rooms = RoomTests()

    @Test func aMessageRefusedBecauseWeAreOutGoesAgainOnceWeAreIn() throws {
        let fixture = try RoomSelfPingTests().entered()
        let harness = fixture.harness("main")
        let key = try fixture.key("main", RoomTests.room)
        fixture.model.openChat(key, focus: true)
        fixture.model.submit("Fair is foul")
        let sent = try #require(harness.takeWrittenElements().first { $0.name == "message" })
        let id = try #require(sent.id)
        harness.serverSends(
            "<message from='\(RoomTests.room)' type='error' id='\(id)'><body>Fair is foul</body>"
                + "<error type='cancel'><not-acceptable xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></message>"
        )
        #expect(try rooms.stored(fixture).first?.state == .queued, "not failed: it goes again")
        let join = try #require(harness.takeWrittenElements().first { $0.name == "presence" })
        #expect(join[attribute: "to"] == "\(RoomTests.room)/thirdwitch")
        harness.serverSends(rooms.presence("thirdwitch", codes: [110]))
        let again = try #require(harness.takeWrittenElements().first { $0.name == "message" })
        #expect(again.id == id)
        #expect(again.child("origin-id", namespace: "urn:xmpp:sid:0")?[attribute: "id"] == id)
        #expect(again.childText("body") == "Fair is foul")
        harness.serverSends(
            rooms.groupchat(
                "thirdwitch", "Fair is foul", id: id, stanzaID: "r1",
                extra: "<origin-id xmlns='urn:xmpp:sid:0' id='\(id)'/>"))
        let stored = try rooms.stored(fixture)
        #expect(stored.map(\.body) == ["Fair is foul"], "once")
        #expect(stored.first?.state == .delivered)
        #expect(try fixture.store.outbox(account: fixture.account("main").accountID).isEmpty)
    }

    /// The server confirmed the message before the room's refusal came: it is queued again all
    /// the same, made from what is stored (same id, same origin-id).
    @Test func aMessageTheServerConfirmedGoesAgainWhenTheRoomRefusedIt() throws {
        let fixture = try RoomSelfPingTests().entered()
        let harness = fixture.harness("main")
        fixture.model.openChat(try fixture.key("main", RoomTests.room), focus: true)
        fixture.model.submit("When shall we three meet again")
        let written = harness.takeWrittenElements()
        let sent = try #require(written.first { $0.name == "message" })
        let ping = try #require(written.first { $0.child("ping", namespace: "urn:xmpp:ping") != nil })
        harness.serverSends("<iq type='result' id='\(ping.id!)' from='shakespeare.lit'/>")
        let account = fixture.account("main").accountID
        #expect(try fixture.store.outbox(account: account).isEmpty, "confirmed by the server")
        harness.serverSends(
            "<message from='\(RoomTests.room)' type='error' id='\(sent.id!)'>"
                + "<error type='cancel'><not-acceptable xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></message>"
        )
        #expect(try fixture.store.outbox(account: account).count == 1)
        _ = harness.takeWritten()
        harness.serverSends(rooms.presence("thirdwitch", codes: [110]))
        let again = try #require(harness.takeWrittenElements().first { $0.name == "message" })
        #expect(
            again.matches(
                "<message to='\(RoomTests.room)' type='groupchat' id='\(sent.id!)'>"
                    + "<body>When shall we three meet again</body>"
                    + "<origin-id xmlns='urn:xmpp:sid:0' id='\(sent.id!)'/></message>"))
    }

    @Test func aMessageRefusedForAnotherReasonFailsAndIsNotSentAgain() throws {
        let fixture = try RoomSelfPingTests().entered()
        let harness = fixture.harness("main")
        fixture.model.openChat(try fixture.key("main", RoomTests.room), focus: true)
        fixture.model.submit("I have no voice")
        let sent = try #require(harness.takeWrittenElements().first { $0.name == "message" })
        harness.serverSends(
            "<message from='\(RoomTests.room)' type='error' id='\(sent.id!)'><body>I have no voice</body>"
                + "<error type='auth'><forbidden xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></message>")
        #expect(try rooms.stored(fixture).first?.state == .failed)
        #expect(try fixture.store.outbox(account: fixture.account("main").accountID).isEmpty)
        let notices = fixture.model.noticesOf(fixture.model.currentWindow).map(\.text)
        #expect(notices.contains("your message did not reach \(RoomTests.room): forbidden"), "\(notices)")
    }
}
