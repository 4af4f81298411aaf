import ChatModel
import ChatStore
import TestSupport
import Testing
import XMPPCore

/// Rooms across a broken link (XEP-0198): a resumed stream is still in its rooms, so nothing is
/// sent again and what the room said meanwhile arrives on it; only a new session enters them
/// again (XEP-0045 §7.2, the archive filling the gap).
@Suite struct RoomResumptionTests {
    let rooms = RoomTests()

    /// In the room over a resumable stream, its archive caught up (empty), everything written
    /// so far acknowledged and taken away.
    func entered() throws -> ScriptedAccounts {
        let fixture = try RoomSelfPingTests().entered(streamManagement: .enabled())
        try acknowledgeAll(fixture)
        return fixture
    }

    /// The server acknowledges everything sent so far; returns the count.
    @discardableResult
    func acknowledgeAll(_ fixture: ScriptedAccounts) throws -> UInt32 {
        let harness = fixture.harness("main")
        let sent = try #require(harness.session.nextOutboundSequence) - 1
        harness.serverSends("<a xmlns='urn:xmpp:sm:3' h='\(sent)'/>")
        _ = harness.takeWritten()
        return sent
    }

    /// Breaks the link; the next connection resumes the stream (`h`: what the server got).
    func cutAndResume(_ fixture: ScriptedAccounts, h: UInt32) {
        fixture.harness("main").perform { $0.transportClosed() }
        fixture.setStreamManagement(.resumed(h: h), "main")
        fixture.scheduler.advance(by: .milliseconds(1))
    }

    var key: ConversationKey { get throws { try ConversationKey(account: "main", jid: JID(RoomTests.room)) } }

    @Test func aResumedStreamIsStillInItsRoomsAndSendsNothingAgain() throws {
        let fixture = try entered()
        let sent = try acknowledgeAll(fixture)
        // Typed while the link is down: it waits in the outbox.
        fixture.harness("main").perform { $0.transportClosed() }
        let feature = rooms.rooms(fixture)
        feature.send("are you there?", to: try JID(RoomTests.room))
        #expect(fixture.model.room(try key)?.state == .joined, "the server keeps us in the room meanwhile")
        #expect(fixture.model.occupants(of: try key).map(\.nick) == ["firstwitch", "thirdwitch"])
        fixture.setStreamManagement(.resumed(h: sent), "main")
        fixture.scheduler.advance(by: .milliseconds(1))
        #expect(fixture.connectionCount("main") == 2)

        let written = fixture.harness("main").takeWrittenElements()
        #expect(!written.contains { $0.name == "presence" }, "no join: we never left")
        #expect(
            !written.contains {
                $0.child("query", namespace: "urn:xmpp:mam:2") != nil && $0[attribute: "to"] == RoomTests.room
            },
            "no catch-up of the room: nothing was missed")
        let message = try #require(written.first { $0.name == "message" }, "the typed message goes on the stream")
        #expect(message.childText("body") == "are you there?")
        // What the room says on the resumed stream is stored, and our reflection confirms ours.
        let harness = fixture.harness("main")
        harness.serverSends(rooms.groupchat("firstwitch", "Here I have a pilot's thumb", stanzaID: "r1"))
        harness.serverSends(
            rooms.groupchat(
                "thirdwitch", "are you there?", id: message.id, stanzaID: "r2",
                extra: "<origin-id xmlns='urn:xmpp:sid:0' id='\(message.id!)'/>"))
        let stored = try rooms.stored(fixture)
        #expect(stored.map(\.body) == ["are you there?", "Here I have a pilot's thumb"])
        #expect(stored.first?.state == .delivered)
        #expect(feature.isJoined(try JID(RoomTests.room)))
    }

    @Test func aRoomBeingEnteredWhenTheLinkBrokeIsEnteredOnTheResumedStream() throws {
        let fixture = try rooms.connected(streamManagement: .enabled())
        let sent = try acknowledgeAll(fixture)
        rooms.rooms(fixture).join(try JID(RoomTests.room), nick: "thirdwitch")
        cutAndResume(fixture, h: sent)
        try rooms.answerDisco(fixture, features: ["urn:xmpp:mam:2", "urn:xmpp:sid:0"])
        fixture.harness("main").serverSends(rooms.presence("thirdwitch", codes: [110]))
        #expect(rooms.rooms(fixture).isJoined(try JID(RoomTests.room)))
    }

    @Test func aNewSessionEntersTheRoomAgainBeforeSendingWhatWasTyped() throws {
        let fixture = try entered()
        fixture.harness("main").perform { $0.transportClosed() }
        rooms.rooms(fixture).send("still here?", to: try JID(RoomTests.room))
        fixture.setStreamManagement(.resumeFailed(h: nil), "main")
        fixture.scheduler.advance(by: .seconds(2))
        #expect(fixture.connectionCount("main") == 2)
        #expect(fixture.model.room(try key)?.state != .joined, "the server forgot the session, and us in the room")
        let harness = fixture.harness("main")
        let written = harness.takeWrittenElements()
        #expect(!written.contains { $0.name == "message" }, "not sent to a room we are not in yet")
        // The room is asked again what it keeps (a new session knows nothing), then entered.
        let info = try #require(
            written.first {
                $0[attribute: "to"] == RoomTests.room && $0.child("query", namespace: RoomTests.archived) != nil
            })
        harness.serverSends(
            "<iq type='result' id='\(info.id!)' from='\(RoomTests.room)'><query xmlns='\(RoomTests.archived)'>"
                + "<identity category='conference' type='text'/><feature var='urn:xmpp:mam:2'/></query></iq>")
        let join = try #require(harness.takeWrittenElements().first { $0.name == "presence" })
        #expect(join[attribute: "to"] == "\(RoomTests.room)/thirdwitch")
        harness.serverSends(rooms.presence("thirdwitch", codes: [110]))
        let after = harness.takeWrittenElements()
        #expect(after.contains { $0.child("query", namespace: "urn:xmpp:mam:2")?[attribute: "queryid"] != nil })
        #expect(after.first { $0.name == "message" }?.childText("body") == "still here?")
    }
}

extension RoomResumptionTests {
    /// Without a stream kept to resume, a broken link takes us out of every room at once; with
    /// one, we are out once it is given up (here: the user logs out while Tern reconnects).
    @Test(arguments: [false, true]) func anEndedStreamLeavesTheRoomsToEnterAgain(resumable: Bool) throws {
        let fixture = try RoomSelfPingTests().entered(streamManagement: resumable ? .enabled() : .none)
        fixture.setReachable(false, "main")
        fixture.harness("main").perform { $0.transportClosed() }
        #expect(fixture.model.room(try key)?.state == (resumable ? .joined : .offline))
        #expect(fixture.model.occupants(of: try key).isEmpty == !resumable)
        fixture.account("main").disconnect()
        #expect(fixture.model.room(try key)?.state == .offline, "still one to enter at the next login")
        #expect(fixture.model.occupants(of: try key).isEmpty)
    }
}
