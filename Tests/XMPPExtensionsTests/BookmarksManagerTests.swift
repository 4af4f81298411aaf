import TestSupport
import Testing
import XMPPCore
import XMPPExtensions

/// The bookmarks manager over a scripted session: which storage, reading, one edit at a time,
/// notifications only from our own account; and the protocol pieces it adds (XEP-0060's item
/// request and precondition error, XEP-0048's PEP notification).
@Suite struct BookmarksManagerTests {
    static let pubsub = "http://jabber.org/protocol/pubsub"
    let council = try! JID("council@conference.underhill.org")
    let theplay = try! JID("theplay@conference.shakespeare.lit")

    func established() throws -> (SessionHarness, BookmarksManager) {
        let harness = SessionHarness(
            configuration: SessionConfiguration(jid: try JID("juliet@capulet.lit"), password: "pw", resource: "balcony")
        )
        let manager = BookmarksManager()
        harness.session.register(manager)
        try harness.establishScripted()
        _ = harness.takeWritten()
        return (harness, manager)
    }

    /// XEP-0402 §5.3: `#compat` on the account means XEP-0402 alone; anything else, private storage.
    @Test func theStorageFollowsTheAccountsCompatFeature() {
        func info(_ features: [String]) -> DiscoInfo {
            DiscoInfo(
                identities: [.init(category: "pubsub", type: "pep", name: nil, lang: nil)], features: Set(features))
        }
        #expect(BookmarksManager.storage(for: info(["urn:xmpp:bookmarks:1#compat"])) == .pep)
        #expect(
            BookmarksManager.storage(for: info(["\(Self.pubsub)#publish-options", "urn:xmpp:bookmarks-conversion:0"]))
                == .privateStorage, "what ejabberd 23.01 lists")
        #expect(BookmarksManager.storage(for: nil) == .privateStorage, "no answer")
        #expect(BookmarksManager().discoFeatures == ["urn:xmpp:bookmarks:1+notify", "storage:bookmarks+notify"])
    }

    /// XEP-0060 §6.5.8 and §7.1.5 (Example 106's error).
    @Test func oneRoomsItemIsAskedForAndAPreconditionFailureRecognised() throws {
        #expect(
            Bookmarks.requestItem(room: try JID("theplay@conference.shakespeare.lit/JC"), id: "i1").matches(
                "<iq type='get' id='i1'><pubsub xmlns='\(Self.pubsub)'><items node='urn:xmpp:bookmarks:1'>"
                    + "<item id='theplay@conference.shakespeare.lit'/></items></pubsub></iq>"))
        let refused = try #require(
            XMLElement.parse(
                "<iq type='error' id='i2'><error type='cancel'><conflict xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/>"
                    + "<precondition-not-met xmlns='http://jabber.org/protocol/pubsub#errors'/></error></iq>"))
        #expect(Bookmarks.isPreconditionNotMet(try #require(StanzaError(stanza: refused))))
        #expect(!Bookmarks.isPreconditionNotMet(StanzaError(.conflict)), "a plain conflict is something else")
        #expect(
            !Bookmarks.isPreconditionNotMet(
                StanzaError(
                    .conflict,
                    applicationCondition: XMLElement("precondition-not-met", namespace: "urn:example:other"))))
    }

    /// XEP-0048 §3.2 Example 4: the storage as a PEP notification, from our own account only.
    @Test func aPrivateStorageMirrorNotificationIsReadOnlyFromOurAccount() throws {
        func notification(from: String) throws -> XMLElement {
            try #require(
                XMLElement.parse(
                    "<message from='\(from)' to='juliet@capulet.lit/balcony' type='headline' id='rnfoo1'>"
                        + "<event xmlns='http://jabber.org/protocol/pubsub#event'><items node='storage:bookmarks'>"
                        + "<item id='current'><storage xmlns='storage:bookmarks'><conference name='The Play&apos;s the Thing'"
                        + " autojoin='true' jid='theplay@conference.shakespeare.lit'><nick>JC</nick></conference>"
                        + "</storage></item></items></event></message>"))
        }
        let juliet = try JID("juliet@capulet.lit/balcony")
        let stored = try #require(LegacyBookmarks.event(try notification(from: "juliet@capulet.lit"), account: juliet))
        #expect(stored.rooms == [RoomBookmark(room: theplay, name: "The Play's the Thing", autojoin: true, nick: "JC")])
        #expect(LegacyBookmarks.event(try notification(from: "romeo@montague.lit"), account: juliet) == nil)
        #expect(LegacyBookmarks.event(try notification(from: "juliet@capulet.lit/chamber"), account: juliet) == nil)
        #expect(LegacyBookmarks.notifyFeature == "storage:bookmarks+notify")
    }

    @Test func notificationsAreHandedOnAndAStrangersAreDropped() throws {
        let (harness, manager) = try established()
        var notified: [BookmarksManager.Notification] = []
        var spoofed: [String] = []
        manager.onNotification = { notified.append($0) }
        manager.onSpoofedNotification = { spoofed.append($0[attribute: "from"] ?? "") }
        let retract =
            "<event xmlns='http://jabber.org/protocol/pubsub#event'><items node='urn:xmpp:bookmarks:1'>"
            + "<retract id='theplay@conference.shakespeare.lit'/></items></event>"
        harness.serverSends("<message from='juliet@capulet.lit' type='headline'>\(retract)</message>")
        harness.serverSends("<message from='romeo@montague.lit' type='headline'>\(retract)</message>")
        harness.serverSends(
            "<message from='juliet@capulet.lit'><event xmlns='http://jabber.org/protocol/pubsub#event'>"
                + "<items node='urn:xmpp:microblog:0'/></event></message>")
        #expect(notified == [.pep([.retracted(theplay)])])
        #expect(spoofed == ["romeo@montague.lit"])
        #expect(
            harness.takeEvents().filter { if case .stanza = $0 { true } else { false } }.count == 1,
            "only the other node's notification goes on to the rest")
    }

    /// Two edits of private storage at once: the second reads what the first wrote.
    @Test func editsOfPrivateStorageRunOneAfterTheOther() throws {
        let (harness, manager) = try established()
        var outcomes: [BookmarksManager.Edit] = []
        harness.perform { session in
            for room in [council, theplay] {
                manager.edit(room, in: .privateStorage, session: session, { _ in RoomBookmark(room: room) }) {
                    if case .success(let edit) = $0 { outcomes.append(edit) }
                }
            }
        }
        let firstRead = harness.takeWrittenElements()
        #expect(firstRead.count == 1, "one read at a time")
        harness.serverSends("<iq type='result' id='\(firstRead[0].id!)'/>")
        let firstWrite = try #require(harness.takeWrittenElements().first)
        #expect(
            firstWrite.matches(
                "<iq type='set' id='*'><query xmlns='jabber:iq:private'><storage xmlns='storage:bookmarks'>"
                    + "<conference jid='council@conference.underhill.org'/></storage></query></iq>"))
        harness.serverSends("<iq type='result' id='\(firstWrite.id!)'/>")
        #expect(outcomes == [BookmarksManager.Edit(before: nil, after: RoomBookmark(room: council))])
        let secondRead = try #require(harness.takeWrittenElements().first)
        harness.serverSends(
            "<iq type='result' id='\(secondRead.id!)'><query xmlns='jabber:iq:private'><storage xmlns='storage:bookmarks'>"
                + "<conference jid='council@conference.underhill.org'/></storage></query></iq>")
        let secondWrite = try #require(harness.takeWrittenElements().first)
        #expect(
            secondWrite.matches(
                "<iq type='set' id='*'><query xmlns='jabber:iq:private'><storage xmlns='storage:bookmarks'>"
                    + "<conference jid='council@conference.underhill.org'/>"
                    + "<conference jid='theplay@conference.shakespeare.lit'/></storage></query></iq>"))
    }

    /// An edit that changes nothing writes nothing; removing a bookmark that is not there neither.
    @Test func anEditThatChangesNothingWritesNothing() throws {
        let (harness, manager) = try established()
        var outcomes: [Result<BookmarksManager.Edit, IQFailure>] = []
        harness.perform { session in
            manager.edit(theplay, in: .pep, session: session, { $0 }) { outcomes.append($0) }
        }
        let read = try #require(harness.takeWrittenElements().first)
        harness.serverSends(
            "<iq type='result' id='\(read.id!)'><pubsub xmlns='\(Self.pubsub)'><items node='urn:xmpp:bookmarks:1'>"
                + "<item id='theplay@conference.shakespeare.lit'><conference xmlns='urn:xmpp:bookmarks:1' autojoin='1'/>"
                + "</item></items></pubsub></iq>")
        #expect(harness.takeWritten().isEmpty)
        harness.perform { session in
            manager.edit(council, in: .pep, session: session, { _ in nil }) { outcomes.append($0) }
        }
        let missing = try #require(harness.takeWrittenElements().first)
        harness.serverSends(
            "<iq type='error' id='\(missing.id!)'><error type='cancel'>"
                + "<item-not-found xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></iq>")
        #expect(harness.takeWritten().isEmpty)
        let same = BookmarksManager.Edit(
            before: RoomBookmark(room: theplay, autojoin: true), after: RoomBookmark(room: theplay, autojoin: true))
        #expect(outcomes.map { try? $0.get() } == [same, BookmarksManager.Edit(before: nil, after: nil)])
        // Offline: the edit fails at once, and the next one still runs.
        harness.perform { $0.transportClosed() }
        harness.perform { session in
            manager.edit(council, in: .pep, session: session, { _ in nil }) { outcomes.append($0) }
        }
        #expect(outcomes.count == 3)
        if case .failure(.disconnected) = outcomes[2] {} else { Issue.record("\(outcomes[2])") }
    }
}
