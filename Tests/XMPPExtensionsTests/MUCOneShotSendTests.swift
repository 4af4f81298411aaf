import Testing
import XMPPCore
import XMPPExtensions

/// One message to a room as a short-lived occupant (`tern send --groupchat`), with XEP-0045's
/// stanzas: disco#info first, a join without history, the message, its reflection as the
/// confirmation, and leaving; every way a room says no; and nothing taken from anyone but the room.
@Suite struct MUCOneShotSendTests {
    static let room = "coven@chat.shakespeare.lit"

    func stanza(_ xml: String) throws -> XMLElement { try #require(XMLElement.parse(xml)) }

    /// XEP-0045 Example 10: the room's disco#info, with what it stamps.
    func info(_ features: [String] = [Namespace.stanzaID, Namespace.occupantID]) throws -> XMLElement {
        let items = ([Namespace.muc, "muc_public", "muc_open"] + features).map { "<feature var='\($0)'/>" }.joined()
        return try stanza(
            "<iq from='\(Self.room)' id='ik3vs715' to='hag66@shakespeare.lit/pda' type='result'>"
                + "<query xmlns='http://jabber.org/protocol/disco#info'>"
                + "<identity category='conference' name='A Dark Cave' type='text'/>\(items)</query></iq>")
    }

    /// XEP-0045 Example 24 with an occupant id: our own presence.
    func ownPresence(_ nick: String = "thirdwitch", codes: [Int] = [110], occupantID: String? = "own-id") throws
        -> XMLElement
    {
        let status = codes.map { "<status code='\($0)'/>" }.joined()
        let id = occupantID.map { "<occupant-id xmlns='urn:xmpp:occupant-id:0' id='\($0)'/>" } ?? ""
        return try stanza(
            "<presence from='\(Self.room)/\(nick)' to='hag66@shakespeare.lit/pda'>"
                + "<x xmlns='http://jabber.org/protocol/muc#user'><item affiliation='member' role='participant'/>"
                + "\(status)</x>\(id)</presence>")
    }

    /// XEP-0045 Example 48: the room passes a message on.
    func reflection(_ nick: String = "thirdwitch", id: String = "b7", extra: String = "") throws -> XMLElement {
        try stanza(
            "<message from='\(Self.room)/\(nick)' id='\(id)' to='hag66@shakespeare.lit/pda' type='groupchat'>"
                + "<body>Harpier cries</body><origin-id xmlns='urn:xmpp:sid:0' id='\(id)'/>\(extra)</message>")
    }

    func sent(_ actions: [MUCOneShotSend.Action]) -> [XMLElement] {
        actions.compactMap { if case .send(let stanza) = $0 { stanza } else { nil } }
    }

    func outcome(_ actions: [MUCOneShotSend.Action]) -> MUCOneShotSend.Outcome? {
        actions.lazy.compactMap { if case .finished(let outcome) = $0 { outcome } else { nil } }.first
    }

    /// A visit that has asked, been answered with `features`, and entered.
    func entered(features: [String] = [Namespace.stanzaID, Namespace.occupantID]) throws -> MUCOneShotSend {
        var visit = MUCOneShotSend(
            room: try JID(Self.room), nick: "thirdwitch", password: nil, body: "Harpier cries", messageID: "b7")
        _ = visit.start(queryID: "ik3vs715")
        _ = visit.answered(.success(try info(features)))
        let message = sent(visit.receive(try ownPresence()))
        #expect(message.map(\.name) == ["message"])
        return visit
    }

    @Test func asksEntersWithoutHistorySendsAndLeavesOnTheReflection() throws {
        var visit = MUCOneShotSend(
            room: try JID(Self.room), nick: "thirdwitch", password: "cauldronburn", body: "Harpier cries",
            messageID: "b7")
        let asked = visit.start(queryID: "ik3vs715")
        guard case .query(let query)? = asked.first else { throw TestFailure("no disco#info query: \(asked)") }
        #expect(query[attribute: "to"] == Self.room)
        #expect(query[attribute: "type"] == "get")
        #expect(query.child("query", namespace: Namespace.discoInfo) != nil)

        let join = try #require(sent(visit.answered(.success(try info()))).first)
        #expect(join[attribute: "to"] == "\(Self.room)/thirdwitch")
        let x = try #require(join.child("x", namespace: Namespace.muc))
        #expect(x.child("history", namespace: Namespace.muc)?[attribute: "maxstanzas"] == "0")
        #expect(x.childText("password", namespace: Namespace.muc) == "cauldronburn")
        #expect(!visit.messageSent)

        // Others' presences come first; only ours (110) lets the message go.
        #expect(
            visit.receive(
                try stanza(
                    "<presence from='\(Self.room)/firstwitch'><x xmlns='http://jabber.org/protocol/muc#user'><item affiliation='owner' role='moderator'/></x></presence>"
                )
            ).isEmpty)
        let message = try #require(sent(visit.receive(try ownPresence())).first)
        #expect(message[attribute: "type"] == "groupchat")
        #expect(message[attribute: "to"] == Self.room)
        #expect(message[attribute: "id"] == "b7")
        #expect(message.child("origin-id", namespace: Namespace.stanzaID)?[attribute: "id"] == "b7")
        #expect(message.childText("body") == "Harpier cries")
        #expect(visit.messageSent)
        #expect(visit.occupantID == "own-id", "the room stamps occupant ids")

        // The subject and another occupant's message are not the confirmation.
        #expect(
            visit.receive(
                try stanza(
                    "<message from='\(Self.room)/firstwitch' type='groupchat'><subject>Fire Burn</subject></message>")
            ).isEmpty)
        #expect(visit.receive(try reflection("firstwitch", id: "x1")).isEmpty)
        let done = visit.receive(
            try reflection(extra: "<stanza-id xmlns='urn:xmpp:sid:0' id='5f3d' by='\(Self.room)'/>"))
        let leave = try #require(sent(done).first)
        #expect(leave[attribute: "type"] == "unavailable")
        #expect(leave[attribute: "to"] == "\(Self.room)/thirdwitch")
        #expect(outcome(done) == .delivered(stanzaID: "5f3d"))
        #expect(visit.outcome == .delivered(stanzaID: "5f3d"))
        #expect(visit.receive(try reflection()).isEmpty, "once")
    }

    @Test func aRoomThatDoesNotExistOrIsNoRoomIsNotEntered() throws {
        var missing = MUCOneShotSend(
            room: try JID(Self.room), nick: "thirdwitch", password: nil, body: "x", messageID: "b7")
        _ = missing.start(queryID: "q1")
        let gone = missing.answered(.failure(.error(StanzaError(.itemNotFound))))
        #expect(gone == [.finished(.failed(.roomNotFound))])
        #expect(!missing.messageSent)

        var user = MUCOneShotSend(
            room: try JID("crone1@shakespeare.lit"), nick: "thirdwitch", password: nil, body: "x", messageID: "b7")
        _ = user.start(queryID: "q1")
        let account = try stanza(
            "<iq from='crone1@shakespeare.lit' id='q1' type='result'><query xmlns='http://jabber.org/protocol/disco#info'>"
                + "<identity category='account' type='registered'/></query></iq>")
        #expect(user.answered(.success(account)) == [.finished(.failed(.notARoom))])

        var silent = MUCOneShotSend(
            room: try JID(Self.room), nick: "thirdwitch", password: nil, body: "x", messageID: "b7")
        _ = silent.start(queryID: "q1")
        #expect(silent.answered(.failure(.timeout)) == [.finished(.failed(.infoFailed(.timeout)))])
    }

    /// XEP-0045 §7.2.6-§7.2.11: the room refuses us; we were never in, so nothing is left.
    @Test(arguments: [
        ("not-authorized", MUCJoinError.passwordRequired), ("conflict", .nickInUse), ("forbidden", .banned),
        ("item-not-found", .roomNotFound), ("registration-required", .membersOnly),
    ])
    func aRefusalEndsTheVisit(condition: String, error: MUCJoinError) throws {
        var visit = MUCOneShotSend(
            room: try JID(Self.room), nick: "thirdwitch", password: nil, body: "x", messageID: "b7")
        _ = visit.start(queryID: "q1")
        _ = visit.answered(.success(try info()))
        let refusal = try stanza(
            "<presence from='\(Self.room)/thirdwitch' type='error'><x xmlns='http://jabber.org/protocol/muc'/>"
                + "<error type='auth'><\(condition) xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></presence>")
        #expect(visit.receive(refusal) == [.finished(.failed(.refused(error)))])
        #expect(!visit.messageSent)
    }

    @Test func aMessageTheRoomRefusesIsReportedAndWeLeave() throws {
        var visit = try entered()
        // A visitor in a moderated room (XEP-0045 Example 52).
        let actions = visit.receive(
            try stanza(
                "<message from='\(Self.room)' id='b7' type='error'><body>Harpier cries</body>"
                    + "<error type='modify'><forbidden xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></message>")
        )
        #expect(sent(actions).first?[attribute: "type"] == "unavailable")
        guard case .failed(.messageRefused(let error))? = outcome(actions) else {
            throw TestFailure("not a refused message: \(actions)")
        }
        #expect(error.condition == .forbidden)
        #expect(visit.messageSent)
    }

    @Test func onlyTheRoomIsListenedTo() throws {
        var visit = MUCOneShotSend(
            room: try JID(Self.room), nick: "thirdwitch", password: nil, body: "x", messageID: "b7")
        _ = visit.start(queryID: "q1")
        _ = visit.answered(.success(try info()))
        // Our presence in another room, and a refusal from elsewhere, are not this room's.
        #expect(
            visit.receive(
                try stanza(
                    "<presence from='other@chat.shakespeare.lit/thirdwitch'><x xmlns='http://jabber.org/protocol/muc#user'>"
                        + "<item affiliation='none' role='participant'/><status code='110'/></x></presence>")
            ).isEmpty)
        #expect(
            visit.receive(
                try stanza(
                    "<presence from='mallory@evil.example/x' type='error'><error type='cancel'>"
                        + "<conflict xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></presence>")
            ).isEmpty)
        _ = visit.receive(try ownPresence())
        // A forged reflection (same origin-id, not from the room) confirms nothing.
        #expect(
            visit.receive(
                try stanza(
                    "<message from='mallory@evil.example/thirdwitch' type='groupchat' id='b7'><body>x</body>"
                        + "<origin-id xmlns='urn:xmpp:sid:0' id='b7'/></message>")
            ).isEmpty)
        #expect(
            visit.receive(
                try stanza(
                    "<message from='mallory@evil.example' id='b7' type='error'><error type='cancel'>"
                        + "<forbidden xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></message>")
            ).isEmpty)
        #expect(visit.outcome == nil)
    }

    /// XEP-0359 §5: the room's stanza-id only from a room that says it assigns them, and only
    /// when one element alone claims to be the room's.
    @Test func theStanzaIDIsTheRoomsOnlyWhenItVouchesAndNoneIsForged() throws {
        let byRoom = "<stanza-id xmlns='urn:xmpp:sid:0' id='r1' by='\(Self.room)'/>"
        let forged = "<stanza-id xmlns='urn:xmpp:sid:0' id='f1' by='\(Self.room)'/>"
        let otherArchive = "<stanza-id xmlns='urn:xmpp:sid:0' id='o1' by='hag66@shakespeare.lit'/>"
        var vouching = try entered()
        #expect(outcome(vouching.receive(try reflection(extra: otherArchive + byRoom))) == .delivered(stanzaID: "r1"))
        var twice = try entered()
        #expect(outcome(twice.receive(try reflection(extra: forged + byRoom))) == .delivered(stanzaID: nil))
        var silent = try entered(features: [])
        #expect(outcome(silent.receive(try reflection(extra: byRoom))) == .delivered(stanzaID: nil))
        #expect(silent.occupantID == nil, "an occupant id from a room that does not say it stamps them")
        var archived = try entered(features: [Namespace.mam])
        #expect(outcome(archived.receive(try reflection(extra: byRoom))) == .delivered(stanzaID: "r1"))
    }

    /// XEP-0045 §7.2.10: the room gives us another nick (210); the reflection comes from it.
    @Test func aNickTheRoomChoseIsTheOneItReflectsFrom() throws {
        var visit = MUCOneShotSend(
            room: try JID(Self.room), nick: "thirdwitch", password: nil, body: "x", messageID: "b7")
        _ = visit.start(queryID: "q1")
        _ = visit.answered(.success(try info()))
        #expect(sent(visit.receive(try ownPresence("oldhag", codes: [110, 210]))).map(\.name) == ["message"])
        #expect(visit.nick == "oldhag")
        #expect(visit.receive(try reflection()).isEmpty, "not from our nick")
        let done = visit.receive(try reflection("oldhag"))
        #expect(sent(done).first?[attribute: "to"] == "\(Self.room)/oldhag")
        #expect(outcome(done) == .delivered(stanzaID: nil))
    }

    /// Entering created the room after all (it went away after disco said it was there): we
    /// leave at once, and the message never goes.
    @Test func aRoomOurJoinCreatedIsLeftUnused() throws {
        var visit = MUCOneShotSend(
            room: try JID(Self.room), nick: "thirdwitch", password: nil, body: "x", messageID: "b7")
        _ = visit.start(queryID: "q1")
        _ = visit.answered(.success(try info()))
        let actions = visit.receive(try ownPresence(codes: [110, 201]))
        #expect(sent(actions).map { $0[attribute: "type"] } == ["unavailable"])
        #expect(outcome(actions) == .failed(.roomNotFound))
        #expect(!visit.messageSent)
    }

    struct TestFailure: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }
}
