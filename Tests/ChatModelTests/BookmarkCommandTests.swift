import ChatModel
import ChatStore
import TestSupport
import Testing
import XMPPCore
import XMPPExtensions

/// `/bookmark`, `/leave` and `/join` with bookmarks on a scripted server: each change reads the
/// room's bookmark first and writes the right stanzas to either storage, errors are said, and
/// the list survives a restart.
@Suite struct BookmarkCommandTests: BookmarkScript {
    /// XEP-0402 Examples 6, 8 and 10: each change reads the room's item first, then publishes
    /// with the publish-options (keeping another client's extensions) or retracts.
    @Test func bookmarkCommandsPublishAndRetractOneItem() throws {
        let fixture = try connected()
        let harness = fixture.harness("main")
        try answerFetch(fixture, items: "")
        try enter(fixture, Example.orchard, nick: "JC")
        let model = fixture.model

        model.submit("/bookmark add")
        let read = try taken(fixture, "item request") { $0.child("pubsub", namespace: Example.pubsub) != nil }
        #expect(
            read.matches(
                "<iq type='get' id='*'><pubsub xmlns='\(Example.pubsub)'><items node='urn:xmpp:bookmarks:1'>"
                    + "<item id='\(Example.orchard)'/></items></pubsub></iq>"))
        harness.serverSends(
            "<iq type='error' id='\(read.id!)'><error type='cancel'>"
                + "<item-not-found xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></iq>")
        let publish = try taken(fixture, "publish") { $0.child("pubsub", namespace: Example.pubsub) != nil }
        #expect(
            publish.matches(
                "<iq type='set' id='*'><pubsub xmlns='\(Example.pubsub)'><publish node='urn:xmpp:bookmarks:1'>"
                    + "<item id='\(Example.orchard)'><conference xmlns='urn:xmpp:bookmarks:1' autojoin='true'>"
                    + "<nick>JC</nick></conference></item></publish>\(Example.publishOptions)</pubsub></iq>"))
        harness.serverSends("<iq type='result' id='\(publish.id!)'/>")
        #expect(try notices(fixture, Example.orchard).last == "bookmarked \(Example.orchard) (entered at login)")
        #expect(try storedBookmarks(fixture) == ["\(Example.orchard) autojoin"])

        // Another client renamed it and added its state meanwhile: both are kept.
        model.submit("/bookmark autojoin off")
        let reread = try taken(fixture, "item request") { $0.child("pubsub", namespace: Example.pubsub) != nil }
        harness.serverSends(
            "<iq type='result' id='\(reread.id!)'><pubsub xmlns='\(Example.pubsub)'><items node='urn:xmpp:bookmarks:1'>"
                + "<item id='\(Example.orchard)'><conference xmlns='urn:xmpp:bookmarks:1' name='The Orchard' autojoin='1'>"
                + "<nick>JC</nick><extensions><state xmlns='http://myclient.example/bookmark/state' minimized='true'/>"
                + "</extensions></conference></item></items></pubsub></iq>")
        let edited = try taken(fixture, "publish") { $0.child("pubsub", namespace: Example.pubsub) != nil }
        #expect(
            edited.matches(
                "<iq type='set' id='*'><pubsub xmlns='\(Example.pubsub)'><publish node='urn:xmpp:bookmarks:1'>"
                    + "<item id='\(Example.orchard)'><conference xmlns='urn:xmpp:bookmarks:1' name='The Orchard'>"
                    + "<nick>JC</nick><extensions><state xmlns='http://myclient.example/bookmark/state' minimized='true'/>"
                    + "</extensions></conference></item></publish>\(Example.publishOptions)</pubsub></iq>"))
        harness.serverSends("<iq type='result' id='\(edited.id!)'/>")
        let leave = try #require(harness.takeWrittenElements().first { $0.name == "presence" })
        #expect(leave.matches("<presence to='\(Example.orchard)/JC' type='unavailable'/>"), "autojoin off leaves it")
        #expect(fixture.model.rooms(of: "main").map(\.title) == ["The Orchard"])

        model.submit("/bookmark remove \(Example.orchard)")
        let last = try taken(fixture, "item request") { $0.child("pubsub", namespace: Example.pubsub) != nil }
        harness.serverSends(
            "<iq type='result' id='\(last.id!)'><pubsub xmlns='\(Example.pubsub)'><items node='urn:xmpp:bookmarks:1'>"
                + "<item id='\(Example.orchard)'><conference xmlns='urn:xmpp:bookmarks:1' name='The Orchard'/></item>"
                + "</items></pubsub></iq>")
        let retract = try taken(fixture, "retract") { $0.child("pubsub", namespace: Example.pubsub) != nil }
        #expect(
            retract.matches(
                "<iq type='set' id='*'><pubsub xmlns='\(Example.pubsub)'><retract node='urn:xmpp:bookmarks:1' notify='true'>"
                    + "<item id='\(Example.orchard)'/></retract></pubsub></iq>"))
        harness.serverSends("<iq type='result' id='\(retract.id!)'/>")
        #expect(try storedBookmarks(fixture).isEmpty)
        #expect(try notices(fixture, Example.orchard).last == "removed the bookmark of \(Example.orchard)")
    }

    /// XEP-0049: private storage is read, changed and written whole; the other rooms and the URL
    /// bookmarks stay as they were.
    @Test func privateStorageIsWrittenWholeWithEverythingElseKept() throws {
        let fixture = try connected(compat: false)
        let harness = fixture.harness("main")
        let first = try taken(fixture, "storage") { $0.child("query", namespace: "jabber:iq:private") != nil }
        harness.serverSends("<iq type='result' id='\(first.id!)'/>")
        try enter(fixture, Example.theplay, nick: "JC")
        let council =
            "<conference name='Council of Oberon' autojoin='true' jid='\(Example.council)'><nick>Puck</nick></conference>"
        let url = "<url name='Complete Works of Shakespeare' url='http://the-tech.mit.edu/Shakespeare/'/>"
        func storage(_ content: String) -> String {
            "<query xmlns='jabber:iq:private'><storage xmlns='storage:bookmarks'>\(content)</storage></query>"
        }

        fixture.model.submit("/bookmark add")
        let read = try taken(fixture, "storage") { $0.child("query", namespace: "jabber:iq:private") != nil }
        #expect(read.matches("<iq type='get' id='*'>\(storage(""))</iq>"))
        harness.serverSends("<iq type='result' id='\(read.id!)'>\(storage(council + url))</iq>")
        let write = try taken(fixture, "storage") { $0.child("query", namespace: "jabber:iq:private") != nil }
        let added = "<conference autojoin='true' jid='\(Example.theplay)'><nick>JC</nick></conference>"
        #expect(write.matches("<iq type='set' id='*'>\(storage(council + added + url))</iq>"))
        harness.serverSends("<iq type='result' id='\(write.id!)'/>")
        #expect(try storedBookmarks(fixture) == ["\(Example.theplay) autojoin"])

        fixture.model.submit("/bookmark remove \(Example.council)")
        let reread = try taken(fixture, "storage") { $0.child("query", namespace: "jabber:iq:private") != nil }
        harness.serverSends("<iq type='result' id='\(reread.id!)'>\(storage(council + added + url))</iq>")
        let rewrite = try taken(fixture, "storage") { $0.child("query", namespace: "jabber:iq:private") != nil }
        #expect(rewrite.matches("<iq type='set' id='*'>\(storage(added + url))</iq>"))
    }

    /// XEP-0060 §7.1.5: a node configured otherwise refuses the publish; Tern says so and does
    /// not publish without the options.
    @Test func aRefusedPublishIsReportedAndNeverRetriedWithoutOptions() throws {
        let fixture = try connected()
        let harness = fixture.harness("main")
        try answerFetch(fixture, items: "")
        try enter(fixture, Example.orchard, nick: "JC")
        for (condition, expected) in [
            (
                "<conflict xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/>"
                    + "<precondition-not-met xmlns='http://jabber.org/protocol/pubsub#errors'/>",
                "(precondition-not-met): the bookmark of \(Example.orchard) was not saved, so that no one else sees it"
            ),
            (
                "<forbidden xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/>",
                "could not save the bookmark of \(Example.orchard): forbidden"
            ),
        ] {
            fixture.model.submit("/bookmark autojoin on")
            let read = try taken(fixture, "item request") { $0.child("pubsub", namespace: Example.pubsub) != nil }
            harness.serverSends("<iq type='result' id='\(read.id!)'/>")
            let publish = try taken(fixture, "publish") { $0.child("pubsub", namespace: Example.pubsub) != nil }
            harness.serverSends("<iq type='error' id='\(publish.id!)'><error type='cancel'>\(condition)</error></iq>")
            #expect(harness.takeWrittenElements().isEmpty, "no second publish")
            #expect(try notices(fixture, Example.orchard).last?.hasSuffix(expected) == true)
            #expect(try storedBookmarks(fixture).isEmpty)
        }
    }

    // MARK: /join, /leave and the list

    @Test func leavingABookmarkedRoomTurnsItsAutojoinOffEvenWhenOffline() throws {
        let fixture = try connected()
        let harness = fixture.harness("main")
        try answerFetch(
            fixture,
            items: "<item id='\(Example.theplay)'><conference xmlns='urn:xmpp:bookmarks:1' autojoin='true'>"
                + "<nick>JC</nick></conference></item>")
        answerRoomDiscos(fixture, harness.takeWrittenElements())
        harness.serverSends(selfPresence(Example.theplay, "JC"))
        fixture.model.openChat(try fixture.key("main", Example.theplay), focus: true)

        fixture.model.submit("/leave")
        let written = harness.takeWrittenElements()
        #expect(written.contains { $0.matches("<presence to='\(Example.theplay)/JC' type='unavailable'/>") })
        let read = try #require(written.first { $0.child("pubsub", namespace: Example.pubsub) != nil })
        harness.serverSends(
            "<iq type='result' id='\(read.id!)'><pubsub xmlns='\(Example.pubsub)'><items node='urn:xmpp:bookmarks:1'>"
                + "<item id='\(Example.theplay)'><conference xmlns='urn:xmpp:bookmarks:1' autojoin='true'><nick>JC</nick>"
                + "</conference></item></items></pubsub></iq>")
        let publish = try taken(fixture, "publish") { $0.child("pubsub", namespace: Example.pubsub) != nil }
        #expect(
            publish.child("pubsub", namespace: Example.pubsub)?.child("publish", namespace: Example.pubsub)?.child(
                "item", namespace: Example.pubsub)?.child("conference", namespace: "urn:xmpp:bookmarks:1")?[
                    attribute: "autojoin"] == nil, "autojoin off")
        harness.serverSends("<iq type='result' id='\(publish.id!)'/>")
        #expect(try storedBookmarks(fixture) == ["\(Example.theplay) -"])

        // /join does not bookmark.
        fixture.model.submit("/join \(Example.theplay)/JC")
        #expect(try storedBookmarks(fixture) == ["\(Example.theplay) -"])
        answerRoomDiscos(fixture, harness.takeWrittenElements())
        harness.serverSends(selfPresence(Example.theplay, "JC"))
        // Another client turns autojoin on again; then /leave while offline turns it off at the
        // next login instead of entering the room again.
        harness.serverSends(
            event(
                "<item id='\(Example.theplay)'><conference xmlns='urn:xmpp:bookmarks:1' autojoin='true'><nick>JC</nick>"
                    + "</conference></item>"))
        #expect(harness.takeWrittenElements().isEmpty, "in it already")
        fixture.connection("main").disconnect()
        fixture.model.openChat(try fixture.key("main", Example.theplay), focus: true)
        fixture.model.submit("/leave")
        fixture.connect("main")
        try answerAccountDisco(fixture, compat: true)
        try answerFetch(
            fixture,
            items: "<item id='\(Example.theplay)'><conference xmlns='urn:xmpp:bookmarks:1' autojoin='true'>"
                + "<nick>JC</nick></conference></item>")
        let again = fixture.harness("main").takeWrittenElements()
        #expect(roomsAsked(again).isEmpty, "not entered again")
        let reread = try #require(again.first { $0.child("pubsub", namespace: Example.pubsub) != nil })
        fixture.harness("main").serverSends(
            "<iq type='result' id='\(reread.id!)'><pubsub xmlns='\(Example.pubsub)'><items node='urn:xmpp:bookmarks:1'>"
                + "<item id='\(Example.theplay)'><conference xmlns='urn:xmpp:bookmarks:1' autojoin='true'><nick>JC</nick>"
                + "</conference></item></items></pubsub></iq>")
        let off = try taken(fixture, "publish") { $0.child("pubsub", namespace: Example.pubsub) != nil }
        #expect(
            off.matches(
                "<iq type='set' id='*'><pubsub xmlns='\(Example.pubsub)'><publish node='urn:xmpp:bookmarks:1'>"
                    + "<item id='\(Example.theplay)'><conference xmlns='urn:xmpp:bookmarks:1'><nick>JC</nick></conference>"
                    + "</item></publish>\(Example.publishOptions)</pubsub></iq>"), "its autojoin goes off")
    }

    @Test func bookmarkAloneListsThemAndANewStartShowsThemOffline() throws {
        let fixture = try connected()
        try answerFetch(
            fixture,
            items: Example.example5Items
                + "<item id='\(Example.council)'><conference xmlns='urn:xmpp:bookmarks:1'/></item>")
        let model = fixture.model
        model.submit("/bookmark")
        let lines = model.log.suffix(4).map(\.text)
        #expect(
            lines == [
                "bookmarks of main:", "  \(Example.council) (no autojoin)",
                "  The Orcard — \(Example.orchard) (autojoin, as JC)",
                "  The Play's the Thing — \(Example.theplay) (autojoin, as JC)",
            ])
        let completions = model.commands.completions(for: "/bookmark remove ") {
            model.completionValues($0, account: $1)
        }
        #expect(completions?.candidates.contains(Example.council) == true, "bookmarked rooms complete")

        // The same store read by a new start: the bookmarks are there before any connection.
        let restarted = try AccountController(
            name: "main", jid: try JID(Example.juliet), store: fixture.store, scheduler: fixture.scheduler
        ) { _ in fixture.connection("main") }
        let offline = try #require(restarted.feature(BookmarksFeature.self)?.bookmarks)
        #expect(offline.keys.map(\.description).sorted() == [Example.council, Example.orchard, Example.theplay])
        let theplay = try #require(offline[try JID(Example.theplay)])
        #expect(theplay.nick == "JC" && theplay.autojoin && theplay.name == "The Play's the Thing")
    }
}
