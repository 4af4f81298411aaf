import ChatModel
import ChatStore
import TestSupport
import Testing
import XMPPCore
import XMPPExtensions

/// Room bookmarks on a scripted server, with XEP-0402's and XEP-0048's own examples: read after a
/// new session (never on a resumed stream), autojoin through the rooms' join queue, at most five
/// at a time, our other clients' changes applied live and a stranger's ignored.
@Suite struct BookmarkTests: BookmarkScript {
    // MARK: Reading at login

    @Test func aNewSessionReadsTheBookmarksAndEntersThoseWithAutojoin() throws {
        let fixture = try connected()
        let harness = fixture.harness("main")
        try answerFetch(
            fixture,
            items: Example.example5Items
                + "<item id='\(Example.council)'><conference xmlns='urn:xmpp:bookmarks:1' name='Council of Oberon'/></item>"
        )
        let written = harness.takeWrittenElements()
        #expect(roomsAsked(written) == [Example.orchard, Example.theplay], "the autojoin rooms, not the council")
        #expect(
            answerRoomDiscos(fixture, written) == ["\(Example.orchard)/JC", "\(Example.theplay)/JC"],
            "the bookmarks' nick")
        harness.serverSends(selfPresence(Example.theplay, "JC"))
        #expect(rooms(fixture).isJoined(try JID(Example.theplay)))

        // The roster lists all three, by their bookmarks' names; the council as one we are not in.
        let rows = fixture.model.rooms(of: "main")
        #expect(rows.map(\.title) == ["Council of Oberon", "The Orcard", "The Play's the Thing"], "by JID")
        let council = try #require(rows.first { $0.key.address == Example.council })
        #expect(council.isBookmarked && !council.isIn && council.title == "Council of Oberon")
        #expect(rows.first { $0.key.address == Example.theplay }?.isIn == true)
        #expect(
            try storedBookmarks(fixture) == [
                "\(Example.council) -", "\(Example.orchard) autojoin", "\(Example.theplay) autojoin",
            ])
        #expect(feature(fixture).bookmarks[try JID(Example.orchard)]?.extensions.count == 1)

        // XEP-0402 §3.1: our disco#info (and so our caps) asks for the notifications.
        harness.serverSends(
            "<iq type='get' from='capulet.lit' to='\(Example.juliet)/tern' id='disco1'><query xmlns='\(Example.disco)'/></iq>"
        )
        let answer = try #require(harness.takeWrittenElements().first { $0.id == "disco1" })
        let features = answer.child("query", namespace: Example.disco)?.children("feature").compactMap {
            $0[attribute: "var"]
        }
        #expect(features?.contains("urn:xmpp:bookmarks:1+notify") == true)
        #expect(features?.contains("storage:bookmarks+notify") == true)
    }

    @Test func aMissingNodeIsNoBookmarksAndTheListKeptFromBeforeGoes() throws {
        let fixture = try connected()
        try answerFetch(
            fixture, items: "<item id='\(Example.council)'><conference xmlns='urn:xmpp:bookmarks:1'/></item>")
        #expect(try storedBookmarks(fixture) == ["\(Example.council) -"])
        // The next session: the node is gone (the other client removed every bookmark).
        fixture.connection("main").disconnect()
        fixture.connect("main")
        try answerAccountDisco(fixture, compat: true)
        let request = try fetchRequest(fixture)
        fixture.harness("main").serverSends(
            "<iq type='error' id='\(request.id!)' from='\(Example.juliet)'><error type='cancel'>"
                + "<item-not-found xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></iq>")
        #expect(try storedBookmarks(fixture).isEmpty)
        #expect(fixture.model.rooms(of: "main").isEmpty)
        #expect(!fixture.model.log.contains { $0.text.contains("could not read your bookmarks") }, "not an error")
    }

    @Test func aFailedReadKeepsTheListAndSaysSo() throws {
        let fixture = try connected()
        try answerFetch(
            fixture, items: "<item id='\(Example.council)'><conference xmlns='urn:xmpp:bookmarks:1'/></item>")
        fixture.connection("main").disconnect()
        fixture.connect("main")
        try answerAccountDisco(fixture, compat: true)
        let request = try fetchRequest(fixture)
        fixture.harness("main").serverSends(
            "<iq type='error' id='\(request.id!)' from='\(Example.juliet)'><error type='wait'>"
                + "<internal-server-error xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></iq>")
        #expect(try storedBookmarks(fixture) == ["\(Example.council) -"])
        #expect(fixture.model.rooms(of: "main").map(\.key.address) == [Example.council])
        #expect(
            fixture.model.log.contains {
                $0.text == "could not read your bookmarks: internal-server-error; the list is the one from before"
            })
    }

    @Test func aResumedStreamReadsNothingAgainAndANewSessionDoes() throws {
        let fixture = try connected(streamManagement: .enabled())
        let harness = fixture.harness("main")
        try answerFetch(fixture, items: "")
        let sent = try #require(harness.session.nextOutboundSequence) - 1
        harness.serverSends("<a xmlns='urn:xmpp:sm:3' h='\(sent)'/>")
        harness.perform { $0.transportClosed() }
        fixture.setStreamManagement(.resumed(h: sent), "main")
        fixture.scheduler.advance(by: .milliseconds(1))
        #expect(fixture.connectionCount("main") == 2)
        let afterResume = fixture.harness("main").takeWrittenElements()
        #expect(!afterResume.contains { $0.child("pubsub", namespace: Example.pubsub) != nil }, "no second read")
        #expect(!afterResume.contains { $0.child("query", namespace: Example.disco) != nil })
        // A notification still arrives on the resumed stream.
        fixture.harness("main").serverSends(
            event("<item id='\(Example.council)'><conference xmlns='urn:xmpp:bookmarks:1'/></item>"))
        #expect(try storedBookmarks(fixture) == ["\(Example.council) -"])

        fixture.harness("main").perform { $0.transportClosed() }
        fixture.setStreamManagement(.resumeFailed(h: nil), "main")
        fixture.scheduler.advance(by: .seconds(2))
        #expect(fixture.connectionCount("main") == 3)
        try answerAccountDisco(fixture, compat: true)
        _ = try fetchRequest(fixture)
    }

    /// XEP-0048 Example 1 in XEP-0049 private storage, on a server without `#compat`.
    @Test func withoutCompatTheBookmarksComeFromPrivateStorage() throws {
        let fixture = try connected(compat: false)
        let harness = fixture.harness("main")
        let request = try taken(fixture, "private storage request") {
            $0.child("query", namespace: "jabber:iq:private") != nil
        }
        #expect(
            request.matches(
                "<iq type='get' id='*'><query xmlns='jabber:iq:private'><storage xmlns='storage:bookmarks'/></query></iq>"
            ))
        harness.serverSends(
            "<iq type='result' id='\(request.id!)'><query xmlns='jabber:iq:private'><storage xmlns='storage:bookmarks'>"
                + "<conference name='Council of Oberon' autojoin='true' jid='\(Example.council)'><nick>Puck</nick>"
                + "</conference><url name='Complete Works of Shakespeare' url='http://the-tech.mit.edu/Shakespeare/'/>"
                + "</storage></query></iq>")
        #expect(answerRoomDiscos(fixture, harness.takeWrittenElements()) == ["\(Example.council)/Puck"])
        #expect(fixture.model.rooms(of: "main").map(\.title) == ["Council of Oberon"])
        // XEP-0402 notifications are the other storage's mirror here: not applied.
        harness.serverSends(event("<retract id='\(Example.council)'/>"))
        #expect(try storedBookmarks(fixture) == ["\(Example.council) autojoin"])
        // XEP-0048 §3.2: the server's mirror of private storage in PEP is.
        harness.serverSends(
            "<message from='\(Example.juliet)' to='\(Example.juliet)' type='headline'>"
                + "<event xmlns='http://jabber.org/protocol/pubsub#event'><items node='storage:bookmarks'>"
                + "<item id='current'><storage xmlns='storage:bookmarks'><conference name='The Play&apos;s the Thing'"
                + " autojoin='true' jid='\(Example.theplay)'><nick>JC</nick></conference></storage></item></items></event>"
                + "</message>")
        #expect(try storedBookmarks(fixture) == ["\(Example.theplay) autojoin"])
        #expect(roomsAsked(harness.takeWrittenElements()) == [Example.theplay])
    }

    // MARK: Live changes

    /// XEP-0402 Examples 12, 13 and 14, from our own account.
    @Test func ourOtherClientsChangesJoinAndLeaveRooms() throws {
        let fixture = try connected()
        let harness = fixture.harness("main")
        try answerFetch(fixture, items: "")
        let published =
            "<item id='\(Example.theplay)'><conference xmlns='urn:xmpp:bookmarks:1' name='The Play&apos;s the Thing'"
            + " autojoin='1'><nick>JC</nick></conference></item>"
        harness.serverSends(event(published))
        #expect(answerRoomDiscos(fixture, harness.takeWrittenElements()) == ["\(Example.theplay)/JC"])
        harness.serverSends(selfPresence(Example.theplay, "JC"))
        #expect(rooms(fixture).isJoined(try JID(Example.theplay)))
        // Published again unchanged (our own echo, say): nothing more.
        harness.serverSends(event(published))
        #expect(harness.takeWrittenElements().isEmpty)

        harness.serverSends(
            event(
                "<item id='\(Example.theplay)'><conference xmlns='urn:xmpp:bookmarks:1' name='The Play&apos;s the Thing'>"
                    + "<nick>JC</nick></conference></item>"))
        let left = try #require(harness.takeWrittenElements().first { $0.name == "presence" })
        #expect(left.matches("<presence to='\(Example.theplay)/JC' type='unavailable'/>"))
        #expect(!rooms(fixture).isJoined(try JID(Example.theplay)))
        #expect(try notices(fixture, Example.theplay).contains("its bookmark no longer joins it: leaving"))
        #expect(
            !harness.takeWrittenElements().contains { $0.child("pubsub", namespace: Example.pubsub) != nil },
            "the leave does not publish back")
        #expect(fixture.model.rooms(of: "main").map(\.isIn) == [false], "still bookmarked, not in it")

        harness.serverSends(event(published))
        answerRoomDiscos(fixture, harness.takeWrittenElements())
        harness.serverSends(selfPresence(Example.theplay, "JC"))
        harness.serverSends(event("<retract id='\(Example.theplay)'/>"))
        #expect(
            harness.takeWrittenElements().first { $0.name == "presence" }?.matches(
                "<presence to='\(Example.theplay)/JC' type='unavailable'/>") == true)
        #expect(try storedBookmarks(fixture).isEmpty)
        #expect(fixture.model.rooms(of: "main").isEmpty)
    }

    /// Security rule 4 (CVE-2023-28686): bookmarks pushed by anyone but our own account make
    /// Tern join nothing, leave nothing and store nothing.
    @Test func aStrangersBookmarkNotificationIsIgnored() throws {
        let fixture = try connected()
        let harness = fixture.harness("main")
        try answerFetch(fixture, items: "")
        try enter(fixture, Example.orchard, nick: "JC")
        let evil = "evil@conference.evil.example"
        for stranger in ["romeo@montague.lit", "capulet.lit", "\(Example.juliet)/balcony", evil] {
            harness.serverSends(
                event(
                    "<item id='\(evil)'><conference xmlns='urn:xmpp:bookmarks:1' autojoin='true'/></item>"
                        + "<retract id='\(Example.orchard)'/>", from: stranger))
            harness.serverSends(
                "<message from='\(stranger)' type='headline'><event xmlns='http://jabber.org/protocol/pubsub#event'>"
                    + "<items node='storage:bookmarks'><item id='current'><storage xmlns='storage:bookmarks'>"
                    + "<conference jid='\(evil)' autojoin='true'/></storage></item></items></event></message>")
        }
        #expect(harness.takeWrittenElements().isEmpty, "no join, no leave")
        #expect(rooms(fixture).isJoined(try JID(Example.orchard)))
        #expect(!rooms(fixture).knows(try JID(evil)))
        #expect(try storedBookmarks(fixture).isEmpty)
        #expect(fixture.model.window(of: try fixture.key("main", "romeo@montague.lit")) == nil)
    }

    /// 50 bookmarked rooms at login go out through the join queue, at most five at a time.
    @Test func fiftyAutojoinBookmarksAreEnteredFiveAtATime() throws {
        let fixture = try connected()
        let harness = fixture.harness("main")
        let names = (1...50).map { String(format: "room%02d@conference.shakespeare.lit", $0) }
        try answerFetch(
            fixture,
            items: names.map { "<item id='\($0)'><conference xmlns='urn:xmpp:bookmarks:1' autojoin='true'/></item>" }
                .joined())
        // Each round: the rooms asked answer, their joins go out, and they let us in.
        var joined: [String] = []
        var pending = harness.takeWrittenElements()
        for _ in 0..<50 where joined.count < 50 {
            #expect(roomsAsked(pending).count <= 5, "at most five joins at a time")
            let presences = answerRoomDiscos(fixture, pending)
            guard !presences.isEmpty else { break }
            for presence in presences {
                #expect(presence.hasSuffix("/juliet"), "the account's name without a nick in the bookmark")
                let room = String(presence.split(separator: "/")[0])
                harness.serverSends(selfPresence(room, "juliet"))
                joined.append(room)
            }
            pending = harness.takeWrittenElements()
        }
        #expect(joined.sorted() == names, "every room entered once")
        #expect(names.allSatisfy { rooms(fixture).isJoined(try! JID($0)) })
    }

    @Test func theJoinQueueNeverHasMoreThanFiveJoinsOut() throws {
        let fixture = try connected()
        let harness = fixture.harness("main")
        let names = (1...12).map { "hall\($0)@conference.shakespeare.lit" }
        try answerFetch(
            fixture,
            items: names.map { "<item id='\($0)'><conference xmlns='urn:xmpp:bookmarks:1' autojoin='1'/></item>" }
                .joined())
        let first = harness.takeWrittenElements()
        #expect(roomsAsked(first).count == 5)
        let presences = answerRoomDiscos(fixture, first)
        #expect(presences.count == 5)
        #expect(harness.takeWrittenElements().isEmpty, "nothing more until a room answers")
        harness.serverSends(selfPresence(String(presences[0].split(separator: "/")[0]), "juliet"))
        #expect(roomsAsked(harness.takeWrittenElements()).count == 1, "one answer, one more join")
    }
}
