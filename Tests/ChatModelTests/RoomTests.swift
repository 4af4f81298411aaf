import ChatModel
import ChatStore
import TestSupport
import Testing
import XMPPCore

/// Rooms (XEP-0045) on a scripted server: entering, history from the room's archive, our
/// messages confirmed by their reflection, and the rules about who may say what in a room.
@Suite struct RoomTests {
    static let room = "coven@chat.shakespeare.lit"
    static let archived = "http://jabber.org/protocol/disco#info"

    func connected(streamManagement: SessionHarness.StreamManagementScript = .none) throws -> ScriptedAccounts {
        let fixture = try ScriptedAccounts([(name: "main", jid: "hag66@shakespeare.lit")])
        fixture.setStreamManagement(streamManagement, "main")
        fixture.connect("main")
        _ = fixture.harness("main").takeWritten()
        return fixture
    }

    func rooms(_ fixture: ScriptedAccounts) -> RoomsFeature { fixture.account("main").feature(RoomsFeature.self)! }

    /// Answers the room's disco#info query with `features`; returns what was written after it.
    @discardableResult
    func answerDisco(_ fixture: ScriptedAccounts, room: String = RoomTests.room, features: [String]) throws
        -> [XMLElement]
    {
        let harness = fixture.harness("main")
        let query = try #require(
            harness.takeWrittenElements().first {
                $0.name == "iq" && $0[attribute: "to"] == room
                    && $0.child("query", namespace: RoomTests.archived) != nil
            }, "the room is asked what it keeps")
        let items = (["http://jabber.org/protocol/muc"] + features).map { "<feature var='\($0)'/>" }.joined()
        harness.serverSends(
            "<iq type='result' id='\(query.id!)' from='\(room)'><query xmlns='\(RoomTests.archived)'>"
                + "<identity category='conference' type='text' name='A Dark Cave'/>\(items)</query></iq>")
        return harness.takeWrittenElements()
    }

    func presence(
        _ nick: String, role: String = "participant", codes: [Int] = [], occupantID: String? = nil,
        room: String = RoomTests.room
    ) -> String {
        let status = codes.map { "<status code='\($0)'/>" }.joined()
        let id = occupantID.map { "<occupant-id xmlns='urn:xmpp:occupant-id:0' id='\($0)'/>" } ?? ""
        return "<presence from='\(room)/\(nick)'><x xmlns='http://jabber.org/protocol/muc#user'>"
            + "<item affiliation='none' role='\(role)'/>\(status)</x>\(id)</presence>"
    }

    func groupchat(
        _ nick: String?, _ body: String, id: String? = nil, stanzaID: String? = nil, occupantID: String? = nil,
        extra: String = ""
    ) -> String {
        let from = nick.map { "\(RoomTests.room)/\($0)" } ?? RoomTests.room
        let attributes = id.map { " id='\($0)'" } ?? ""
        let sid = stanzaID.map { "<stanza-id xmlns='urn:xmpp:sid:0' id='\($0)' by='\(RoomTests.room)'/>" } ?? ""
        let oid = occupantID.map { "<occupant-id xmlns='urn:xmpp:occupant-id:0' id='\($0)'/>" } ?? ""
        return
            "<message from='\(from)' type='groupchat'\(attributes)><body>\(body)</body>\(sid)\(oid)\(extra)</message>"
    }

    func stored(_ fixture: ScriptedAccounts, _ conversation: String = RoomTests.room) throws -> [StoredMessage] {
        try fixture.store.lastMessages(
            account: fixture.account("main").accountID, conversation: try JID(conversation), limit: 100)
    }

    /// Enters the room as thirdwitch, with firstwitch already there; the room answers disco
    /// with `features`. Returns the join presence.
    @discardableResult
    func enter(_ fixture: ScriptedAccounts, features: [String] = [], selfID: String? = nil) throws -> XMLElement {
        rooms(fixture).join(try JID(RoomTests.room), nick: "thirdwitch")
        let written = try answerDisco(fixture, features: features)
        let join = try #require(written.first { $0.name == "presence" })
        fixture.harness("main").serverSends(presence("firstwitch", role: "moderator", occupantID: "first"))
        fixture.harness("main").serverSends(presence("thirdwitch", codes: [110], occupantID: selfID))
        return join
    }

    @Test func aRoomWithAnArchiveIsEnteredWithoutHistoryAndCaughtUpFromIt() throws {
        let fixture = try connected()
        let join = try enter(fixture, features: ["urn:xmpp:mam:2", "urn:xmpp:sid:0"])
        #expect(join[attribute: "to"] == "\(RoomTests.room)/thirdwitch")
        let history = join.child("x", namespace: "http://jabber.org/protocol/muc")?.child(
            "history", namespace: "http://jabber.org/protocol/muc")
        #expect(history?[attribute: "maxstanzas"] == "0", "the archive fills the gap instead")
        #expect(rooms(fixture).isJoined(try JID(RoomTests.room)))
        // The catch-up asks the room's archive, not ours.
        let harness = fixture.harness("main")
        let query = try #require(
            harness.takeWrittenElements().first { $0.child("query", namespace: "urn:xmpp:mam:2") != nil })
        #expect(query[attribute: "to"] == RoomTests.room)
        let queryID = try #require(query.child("query", namespace: "urn:xmpp:mam:2")?[attribute: "queryid"])
        func result(_ id: String, _ nick: String, _ body: String, from: String = RoomTests.room) -> String {
            "<message from='\(from)'><result xmlns='urn:xmpp:mam:2' queryid='\(queryID)' id='\(id)'>"
                + "<forwarded xmlns='urn:xmpp:forward:0'><delay xmlns='urn:xmpp:delay' stamp='1970-01-01T00:00:0\(id.suffix(1))Z'/>"
                + "<message from='\(RoomTests.room)/\(nick)' type='groupchat'><body>\(body)</body></message>"
                + "</forwarded></result></message>"
        }
        harness.serverSends(result("a1", "firstwitch", "When shall we three meet again"))
        harness.serverSends(result("a2", "secondwitch", "When the hurlyburly's done"))
        // A result for our query from anyone but the room is not the room's archive.
        harness.serverSends(result("a3", "firstwitch", "forged", from: "mallory@evil.example"))
        harness.serverSends(
            "<iq type='result' id='\(query.id!)' from='\(RoomTests.room)'><fin xmlns='urn:xmpp:mam:2' complete='true'>"
                + "<set xmlns='http://jabber.org/protocol/rsm'><first>a1</first><last>a2</last></set></fin></iq>")
        #expect(try stored(fixture).map(\.body) == ["When shall we three meet again", "When the hurlyburly's done"])
        #expect(try stored(fixture).map(\.sender) == ["firstwitch", "secondwitch"])
        // A live message repeating an archived one (same room stanza-id) is stored once.
        harness.serverSends(groupchat("secondwitch", "When the hurlyburly's done", stanzaID: "a2"))
        harness.serverSends(groupchat("firstwitch", "Where the place?", stanzaID: "a4"))
        #expect(try stored(fixture).map(\.body).count == 3)
        let sync = try fixture.store.archiveSync(
            account: fixture.account("main").accountID, archive: JID(RoomTests.room))
        #expect(sync?.lastStanzaID == "a4", "live messages move the room's sync point once caught up")
        // The window reads "nick: text", the title names the room and its subject.
        let model = fixture.model
        let key = try fixture.key("main", RoomTests.room)
        #expect(model.window(of: key)?.messages.last?.body == "Where the place?")
        #expect(model.room(key)?.title == "A Dark Cave")
        #expect(model.occupants(of: key).map(\.nick) == ["firstwitch", "thirdwitch"])
    }

    @Test func aRoomWithoutAnArchiveSendsItsHistoryAndARepeatIsStoredOnce() throws {
        let fixture = try connected()
        let join = try enter(fixture)
        let history = join.child("x", namespace: "http://jabber.org/protocol/muc")?.child(
            "history", namespace: "http://jabber.org/protocol/muc")
        #expect(history?[attribute: "maxstanzas"] == "50")
        let delay = "<delay xmlns='urn:xmpp:delay' stamp='2026-12-01T10:00:00Z'/>"
        fixture.harness("main").serverSends(groupchat("firstwitch", "Thrice the brinded cat", extra: delay))
        fixture.harness("main").serverSends(groupchat("firstwitch", "Thrice the brinded cat", extra: delay))
        #expect(try stored(fixture).map(\.body) == ["Thrice the brinded cat"])
    }

    @Test func onlyAnOccupantOfARoomWeAreInSpeaksInIt() throws {
        let fixture = try connected()
        let harness = fixture.harness("main")
        // Not joined yet: nothing from the room is taken.
        harness.serverSends(groupchat("firstwitch", "before we entered"))
        #expect(try stored(fixture).isEmpty)
        try enter(fixture, features: ["urn:xmpp:sid:0"])
        // From elsewhere pretending to be a room message.
        harness.serverSends(
            "<message from='mallory@evil.example/x' type='groupchat'><body>pretend room</body></message>")
        #expect(try stored(fixture, "mallory@evil.example").isEmpty)
        // The room itself speaks as a notice (no nick).
        harness.serverSends(groupchat(nil, "This room is now non-anonymous"))
        // A stanza-id claimed by someone other than the room is not believed.
        harness.serverSends(
            "<message from='\(RoomTests.room)/firstwitch' type='groupchat'><body>forged id</body>"
                + "<stanza-id xmlns='urn:xmpp:sid:0' id='x1' by='hag66@shakespeare.lit'/></message>")
        let messages = try stored(fixture)
        #expect(messages.map(\.body) == ["This room is now non-anonymous", "forged id"])
        #expect(messages.first?.sender == "")
        #expect(messages.last?.stanzaID == nil)
    }

    @Test func ourMessageWaitsUntilTheRoomIsJoinedAndItsReflectionConfirmsIt() throws {
        let fixture = try connected()
        rooms(fixture).join(try JID(RoomTests.room), nick: "thirdwitch")
        let model = fixture.model
        let key = try fixture.key("main", RoomTests.room)
        model.openChat(key, focus: true)
        model.submit("Fair is foul")
        let harness = fixture.harness("main")
        let early = try answerDisco(fixture, features: ["urn:xmpp:sid:0"])
        #expect(!early.contains { $0.name == "message" }, "a room message waits for the room")
        harness.serverSends(presence("thirdwitch", codes: [110]))
        let sent = try #require(harness.takeWrittenElements().first { $0.name == "message" })
        #expect(sent[attribute: "type"] == "groupchat")
        #expect(sent[attribute: "to"] == RoomTests.room)
        let origin = try #require(sent.child("origin-id", namespace: "urn:xmpp:sid:0")?[attribute: "id"])
        harness.serverSends(
            groupchat(
                "thirdwitch", "Fair is foul", id: origin, stanzaID: "r1",
                extra: "<origin-id xmlns='urn:xmpp:sid:0' id='\(origin)'/>"))
        let messages = try stored(fixture)
        #expect(messages.count == 1, "the reflection is our message, not another")
        #expect(messages.first?.outgoing == true)
        #expect(messages.first?.state == .delivered)
        #expect(messages.first?.stanzaID == "r1")
        #expect(model.window(of: key)?.messages.last?.state == .delivered)
    }

    @Test func aTakenNickIsTriedWithASuffixAndARefusalIsExplained() throws {
        let fixture = try connected()
        rooms(fixture).join(try JID(RoomTests.room), nick: "thirdwitch")
        try answerDisco(fixture, features: [])
        let harness = fixture.harness("main")
        harness.serverSends(
            "<presence from='\(RoomTests.room)/thirdwitch' type='error'><x xmlns='http://jabber.org/protocol/muc'/>"
                + "<error type='cancel'><conflict xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></presence>")
        let retry = try #require(harness.takeWrittenElements().first { $0.name == "presence" })
        #expect(retry[attribute: "to"] == "\(RoomTests.room)/thirdwitch_")
        harness.serverSends(presence("thirdwitch_", codes: [110]))
        let key = try fixture.key("main", RoomTests.room)
        #expect(fixture.model.room(key)?.nick == "thirdwitch_")
        let notices = fixture.model.window(of: key).map { fixture.model.noticesOf($0).map(\.text) } ?? []
        #expect(notices.contains { $0.contains("thirdwitch is taken") }, "\(notices)")
    }

    @Test func kickedWeStayOutButANewSessionEntersTheOthersAgain() throws {
        let fixture = try connected()
        try enter(fixture)
        let harness = fixture.harness("main")
        harness.serverSends(
            "<presence from='\(RoomTests.room)/thirdwitch' type='unavailable'>"
                + "<x xmlns='http://jabber.org/protocol/muc#user'><item affiliation='none' role='none'>"
                + "<reason>Avaunt, you cullion!</reason></item><status code='110'/><status code='307'/></x></presence>")
        let key = try fixture.key("main", RoomTests.room)
        #expect(fixture.model.room(key)?.state == .left("Avaunt, you cullion!"))
        #expect(fixture.model.rooms(of: "main").isEmpty, "a room we were put out of is not one to enter again")
        let notices = fixture.model.window(of: key).map { fixture.model.noticesOf($0).map(\.text) } ?? []
        #expect(notices.contains("you were kicked (Avaunt, you cullion!)"), "\(notices)")
        // Another room, then the connection breaks and a new session starts.
        rooms(fixture).join(try JID("heath@chat.shakespeare.lit"), nick: "thirdwitch")
        fixture.connection("main").disconnect()
        fixture.connect("main")
        let written = fixture.harness("main").takeWrittenElements()
        let asked = written.filter { $0.name == "iq" }.compactMap { $0[attribute: "to"] }
        #expect(asked.contains("heath@chat.shakespeare.lit"), "the room we are still in is entered again")
        #expect(!asked.contains(RoomTests.room), "not the one we were kicked from")
    }

    @Test func loggingOutTakesUsOutOfTheRoomButNotOffTheListToEnterAgain() throws {
        let fixture = try connected()
        try enter(fixture)
        // What the room answers our unavailable presence on logout: our own departure, no reason.
        fixture.harness("main").serverSends(
            "<presence from='\(RoomTests.room)/thirdwitch' type='unavailable'>"
                + "<x xmlns='http://jabber.org/protocol/muc#user'><item affiliation='none' role='none'/>"
                + "<status code='110'/></x></presence>")
        #expect(fixture.model.rooms(of: "main").map(\.key.address) == [RoomTests.room])
        #expect(fixture.model.room(try fixture.key("main", RoomTests.room))?.state == .offline)
    }

    @Test func aPrivateMessageThroughARoomIsItsOwnConversation() throws {
        let fixture = try connected()
        try enter(fixture)
        let harness = fixture.harness("main")
        harness.serverSends(
            "<message from='\(RoomTests.room)/firstwitch' type='chat'><body>a word in private</body>"
                + "<x xmlns='http://jabber.org/protocol/muc#user'/></message>")
        #expect(try stored(fixture, "\(RoomTests.room)/firstwitch").map(\.body) == ["a word in private"])
        #expect(try stored(fixture).isEmpty, "not in the room's history")
        let key = try fixture.key("main", "\(RoomTests.room)/firstwitch")
        #expect(fixture.model.window(of: key) != nil)
        #expect(fixture.model.displayName(of: key) == "firstwitch in A Dark Cave")
        // Our answer goes to the occupant, not to the room or the bare JID.
        fixture.model.openChat(key, focus: true)
        fixture.model.submit("and back")
        let sent = try #require(harness.takeWrittenElements().first { $0.name == "message" })
        #expect(sent[attribute: "to"] == "\(RoomTests.room)/firstwitch")
        #expect(sent[attribute: "type"] == "chat")
        #expect(sent.child("x", namespace: "http://jabber.org/protocol/muc#user") != nil)
    }

    @Test func aCorrectionAppliesOnlyFromTheSameOccupant() throws {
        let fixture = try connected()
        try enter(fixture, features: ["urn:xmpp:occupant-id:0"], selfID: "third")
        let harness = fixture.harness("main")
        harness.serverSends(groupchat("firstwitch", "Double, double", id: "m1", occupantID: "first"))
        let correction = "<replace xmlns='urn:xmpp:message-correct:0' id='m1'/>"
        // Someone else, even under the same nick later, cannot change it.
        harness.serverSends(groupchat("firstwitch", "forged", id: "m2", occupantID: "mallory", extra: correction))
        #expect(try stored(fixture).map(\.body) == ["Double, double"])
        harness.serverSends(
            groupchat("firstwitch", "Double, double toil and trouble", id: "m3", occupantID: "first", extra: correction)
        )
        #expect(try stored(fixture).map(\.body) == ["Double, double toil and trouble"])
    }

    @Test func aRoomHighlightsOnlyWhenOurNickIsAWord() throws {
        let fixture = try connected()
        try enter(fixture)
        var notified: [String] = []
        fixture.model.onNotification = { notified.append($0.text) }
        let harness = fixture.harness("main")
        harness.serverSends(groupchat("firstwitch", "the thirdwitches are late"))
        harness.serverSends(groupchat("firstwitch", "thirdwitch: where hast thou been?"))
        #expect(notified == ["thirdwitch: where hast thou been?"])
        let key = try fixture.key("main", RoomTests.room)
        #expect(fixture.model.window(of: key)?.activity == .highlight)
        #expect(Mentions.mention(["tom"], in: "@Tom, hi"))
        #expect(!Mentions.mention(["tom"], in: "tomato and atom"))
        #expect(Mentions.mention(["tom"], in: "is that you, tom?"))
        #expect(!Mentions.mention([""], in: "anything"))
    }

    /// XEP-0045 §8.1 Example 86: a room that does not let us set the subject says so with an
    /// error; the window says it too (the subject is no stored message to mark failed).
    @Test func aRefusedSubjectIsSaidInTheWindow() throws {
        let fixture = try connected()
        try enter(fixture)
        let key = try fixture.key("main", RoomTests.room)
        fixture.model.openChat(key, focus: true)
        let harness = fixture.harness("main")
        _ = harness.takeWritten()
        fixture.model.submit("/topic Fire Burn and Cauldron Bubble!")
        let request = try #require(harness.takeWrittenElements().first { $0.child("subject") != nil })
        harness.serverSends(
            "<message from='\(RoomTests.room)' id='\(request.id!)' type='error'>"
                + "<subject>Fire Burn and Cauldron Bubble!</subject><error type='auth'>"
                + "<forbidden xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></message>")
        let notices = fixture.model.noticesOf(fixture.model.currentWindow).map(\.text)
        #expect(notices.contains("\(RoomTests.room) does not let you set the subject (forbidden)"), "\(notices)")
        #expect(
            !harness.takeWrittenElements().contains { $0.child("ping", namespace: "urn:xmpp:ping") != nil },
            "a refused subject is no sign of having been dropped")
    }

    @Test func nicksCompleteAtTheStartOfTheLineAsAnAddress() throws {
        let fixture = try connected()
        try enter(fixture)
        let model = fixture.model
        model.openChat(try fixture.key("main", RoomTests.room), focus: true)
        #expect(model.nickCompletions(for: "fir")?.candidates == ["firstwitch:"])
        #expect(model.nickCompletions(for: "ask FIR")?.candidates == ["firstwitch"])
        #expect(model.nickCompletions(for: "thi") == nil, "not our own nick")
        #expect(model.nickCompletions(for: "/join x") == nil)
    }

    /// The occupant list (the pane and /names) is sorted once and kept, and follows every change:
    /// someone entering, a role changing the order, our own nick changing, someone leaving, the
    /// connection ending.
    @Test func theOccupantListFollowsEveryChange() throws {
        let fixture = try connected()
        try enter(fixture)
        let model = fixture.model
        let key = try fixture.key("main", RoomTests.room)
        let harness = fixture.harness("main")
        func listed() -> [String] { model.occupants(of: key).map { "\($0.nick)\($0.isSelf ? "*" : "")" } }
        #expect(listed() == ["firstwitch", "thirdwitch*"])
        #expect(listed() == ["firstwitch", "thirdwitch*"], "asked again, the same")
        harness.serverSends(presence("Secondwitch"))
        #expect(listed() == ["firstwitch", "Secondwitch", "thirdwitch*"], "by role, then nick whatever its case")
        harness.serverSends(presence("Secondwitch", role: "moderator"))
        #expect(listed() == ["firstwitch", "Secondwitch", "thirdwitch*"])
        harness.serverSends(presence("firstwitch", role: "visitor"))
        #expect(listed() == ["Secondwitch", "thirdwitch*", "firstwitch"])
        fixture.account("main").feature(RoomsFeature.self)?.changeNick(in: try JID(RoomTests.room), to: "hecate")
        harness.serverSends(
            "<presence from='\(RoomTests.room)/thirdwitch' type='unavailable'><x xmlns='http://jabber.org/protocol/muc#user'>"
                + "<item affiliation='none' role='participant' nick='hecate'/><status code='303'/><status code='110'/></x></presence>"
        )
        harness.serverSends(presence("hecate", codes: [110]))
        #expect(listed() == ["Secondwitch", "hecate*", "firstwitch"])
        harness.serverSends(
            "<presence from='\(RoomTests.room)/Secondwitch' type='unavailable'><x xmlns='http://jabber.org/protocol/muc#user'>"
                + "<item affiliation='none' role='none'/></x></presence>")
        #expect(listed() == ["hecate*", "firstwitch"])
        fixture.account("main").disconnect()
        #expect(listed() == [])
    }
}
