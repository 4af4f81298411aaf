import ChatModel
import ChatStore
import OMEMO
import OMEMOSession
import TestSupport
import Testing
import XMPPCore
import XMPPExtensions

/// OMEMO in a scripted room (XEP-0384 §Group Chats): only in a non-anonymous, members-only room;
/// a message encrypted to every device of every member with the room in its envelope, or not
/// sent; members' messages decrypted with their real JID's session; our reflection matched.
@Suite struct RoomOMEMOTests {
    static let room = "coven@chat.shakespeare.lit"
    static let groupFeatures = ["muc_nonanonymous", "muc_membersonly"]

    /// A member of the room with one OMEMO 2 device whose keys the test holds.
    struct Member {
        let jid: JID
        var device: OwnDevice
        var session: RatchetSession?

        init(_ jid: String) throws {
            self.jid = try JID(jid)
            device = try OwnDevice.generate(now: 1_765_000_000_000)
        }

        /// Decrypts Tern's `<encrypted/>`, keeping the session; the envelope it carried.
        mutating func open(_ stanza: XMLElement, from tern: JID) throws -> SCEEnvelope {
            let encrypted = try OMEMOEncrypted(#require(stanza.child("encrypted", namespace: Namespace.omemo2)))
            let decrypted = try OMEMOEngine.decrypt(
                encrypted, from: tern, ourJID: jid, own: &device, session: session)
            session = decrypted.session
            let plaintext = try #require(decrypted.plaintext)
            return try SCEEnvelope(#require(XMLElement.parse(String(decoding: plaintext, as: UTF8.self))))
        }

        /// `text` as an OMEMO 2 room message from `nick` to Tern's `device` (with `to` in the envelope unless not).
        mutating func write(_ text: String, as nick: String, to tern: JID, device: UInt32, withTo: Bool = true) throws
            -> String
        {
            var random = SystemRandomNumberGenerator()
            let envelope = SCEEnvelope.omemo(
                content: [XMLElement("body", namespace: Namespace.client, [:], text: text)], from: jid,
                to: withTo ? try JID(RoomOMEMOTests.room) : nil, time: nil, random: &random)
            let address = OMEMODeviceAddress(jid: tern, device: device)
            let result = try OMEMOEngine.encrypt(
                Array(envelope.element.serialized().utf8), version: .omemo2, from: self.device,
                to: [OMEMORecipient(address: address, session: session)])
            session = try #require(result.sessions.first).session
            return "<message from='\(RoomOMEMOTests.room)/\(nick)' type='groupchat' id='m\(text.count)'>"
                + result.encrypted.element.serialized(parentNamespace: Namespace.client)
                + "<body>I sent you an OMEMO encrypted message</body></message>"
        }
    }

    /// hag66 (Tern) in the coven as thirdwitch, with firstwitch (crone1, its owner) there; the
    /// room says `features`; its window is the current one.
    static func entered(features: [String] = groupFeatures) throws -> ScriptedAccounts {
        let fixture = try ScriptedAccounts([(name: "main", jid: "hag66@shakespeare.lit")])
        fixture.connect("main")
        let harness = fixture.harness("main")
        _ = harness.takeWritten()
        fixture.account("main").feature(RoomsFeature.self)?.join(try JID(room), nick: "thirdwitch")
        try harness.answerRoomInfo(room, name: "A Dark Cave", features: features)
        harness.serverSends(
            SessionHarness.occupantPresence(
                room: room, nick: "firstwitch", affiliation: "owner", role: "moderator",
                jid: "crone1@shakespeare.lit/desktop"))
        harness.serverSends(
            SessionHarness.occupantPresence(
                room: room, nick: "thirdwitch", affiliation: "member", jid: "hag66@shakespeare.lit/tern", codes: [110]))
        fixture.model.openChat(try fixture.key("main", room), focus: true)
        return fixture
    }

    /// Answers what Tern asks until it asks nothing more: the room's lists (`members` on the
    /// member list, crone1 the owner), each member's OMEMO 2 device list and bundle (none for
    /// anyone else), a result for anything else. Returns the messages Tern wrote meanwhile.
    @discardableResult
    static func serve(_ fixture: ScriptedAccounts, members: [Member], listed: [String]) throws -> [XMLElement] {
        let harness = fixture.harness("main")
        var messages: [XMLElement] = []
        for _ in 0..<20 {
            let written = harness.takeWrittenElements()
            messages += written.filter { $0.name == "message" }
            let iqs = written.filter { $0.name == "iq" && ["get", "set"].contains($0[attribute: "type"]) }
            guard !iqs.isEmpty else { return messages }
            for iq in iqs { harness.serverSends(try answer(iq, members: members, listed: listed)) }
        }
        Issue.record("Tern kept asking")
        return messages
    }

    private static func answer(_ iq: XMLElement, members: [Member], listed: [String]) throws -> String {
        let id = try #require(iq.id)
        let to = iq[attribute: "to"] ?? "hag66@shakespeare.lit"
        let pubsub = "http://jabber.org/protocol/pubsub"
        if let list = iq.child("query", namespace: "http://jabber.org/protocol/muc#admin")?.elements.first {
            let jids =
                switch list[attribute: "affiliation"] {
                case "member": listed
                case "owner": ["crone1@shakespeare.lit"]
                default: []
                }
            let items = jids.map { "<item affiliation='\(list[attribute: "affiliation"]!)' jid='\($0)'/>" }.joined()
            return "<iq type='result' id='\(id)' from='\(room)'>"
                + "<query xmlns='http://jabber.org/protocol/muc#admin'>\(items)</query></iq>"
        }
        guard iq[attribute: "type"] == "get",
            let node = iq.child("pubsub", namespace: pubsub)?.elements.first?[
                attribute: "node"], let member = members.first(where: { $0.jid.description == to })
        else {
            guard iq[attribute: "type"] == "get" else { return "<iq type='result' id='\(id)' from='\(to)'/>" }
            return SessionHarness.iqError(id: id, from: to, condition: .itemNotFound)
        }
        let payload: XMLElement
        switch node {
        case "urn:xmpp:omemo:2:devices":
            payload = OMEMODeviceList(version: .omemo2, devices: [.init(id: member.device.deviceID)]).element
        case "urn:xmpp:omemo:2:bundles": payload = try member.device.bundle(.omemo2).element
        default: return SessionHarness.iqError(id: id, from: to, condition: .itemNotFound)
        }
        let item = node.hasSuffix("devices") ? "current" : "\(member.device.deviceID)"
        return "<iq type='result' id='\(id)' from='\(to)'><pubsub xmlns='\(pubsub)'><items node='\(node)'>"
            + "<item id='\(item)'>\(payload.serialized())</item></items></pubsub></iq>"
    }

    /// Turns OMEMO on in the room's window and sends `text` there, with `members` the lists'
    /// members; the messages written until Tern asked nothing more.
    static func send(
        _ text: String, in fixture: ScriptedAccounts, members: [Member], listed: [String] = []
    ) throws -> [XMLElement] {
        fixture.model.submit("/omemo on")
        fixture.account("main").feature(RoomsFeature.self)?.send(text, to: try JID(room))
        return try serve(fixture, members: members, listed: listed)
    }

    /// The encrypted groupchat message among `written`.
    static func sealed(_ written: [XMLElement]) throws -> XMLElement {
        try #require(written.first { $0[attribute: "type"] == "groupchat" }, "\(written)")
    }

    static func notices(_ fixture: ScriptedAccounts) -> [String] {
        fixture.model.noticesOf(fixture.model.currentWindow).map(\.text)
    }

    static func stored(_ fixture: ScriptedAccounts) throws -> [StoredMessage] {
        try fixture.store.lastMessages(account: fixture.account("main").accountID, conversation: JID(room), limit: 50)
    }

    static func omemo(_ fixture: ScriptedAccounts) throws -> OMEMOFeature {
        try #require(fixture.account("main").feature(OMEMOFeature.self))
    }

    @Test(arguments: [
        ([] as [String], "is not non-anonymous"), (["muc_nonanonymous"], "is not members-only"),
        (["muc_membersonly", "muc_semianonymous"], "is not non-anonymous"),
    ])
    func omemoStaysOffInARoomThatIsNotNonAnonymousAndMembersOnly(_ features: [String], _ reason: String) throws {
        let fixture = try Self.entered(features: features)
        fixture.model.submit("/omemo on")
        #expect(Self.notices(fixture).contains { $0.contains("OMEMO stays off") && $0.contains(reason) })
        #expect(try !Self.omemo(fixture).isOn(for: JID(Self.room)))
    }

    /// The message goes once the lists, device lists and bundles are here, to every member's device.
    @Test func aMessageIsEncryptedToEveryMembersDevicesWithTheRoomAsItsRecipient() throws {
        let fixture = try Self.entered()
        var crone = try Member("crone1@shakespeare.lit")
        var wicca = try Member("wiccarocks@shakespeare.lit")
        fixture.model.submit("/omemo on")
        #expect(try Self.omemo(fixture).isOn(for: JID(Self.room)), "\(Self.notices(fixture))")
        fixture.account("main").feature(RoomsFeature.self)?.send("hello coven", to: try JID(Self.room))
        let written = try Self.serve(fixture, members: [crone, wicca], listed: ["wiccarocks@shakespeare.lit"])
        let sent = try #require(written.first { $0[attribute: "type"] == "groupchat" }, "\(Self.notices(fixture))")
        #expect(!sent.serialized().contains("hello coven"), "never the plaintext")
        #expect(sent.childText("body", namespace: Namespace.client)?.contains("OMEMO") == true)
        let tern = try JID("hag66@shakespeare.lit")
        for index in [0, 1] {
            let envelope = index == 0 ? try crone.open(sent, from: tern) : try wicca.open(sent, from: tern)
            #expect(envelope.to == (try JID(Self.room)), "XEP-0384 §SCE profile: <to/> in a group chat")
            #expect(envelope.content.first?.text == "hello coven")
        }
        let mine = try #require(Self.stored(fixture).last)
        #expect(mine.body == "hello coven" && mine.encryption == "OMEMO 2")
    }

    /// A member whose devices Tern cannot encrypt to stops the message: nothing goes, not in plaintext.
    @Test func aMemberWithoutOMEMOStopsTheMessage() throws {
        let fixture = try Self.entered()
        let crone = try Member("crone1@shakespeare.lit")
        let written = try Self.send("secret", in: fixture, members: [crone], listed: ["wiccarocks@shakespeare.lit"])
        #expect(!written.contains { $0[attribute: "type"] == "groupchat" }, "\(written)")
        #expect(
            Self.notices(fixture).contains { $0.contains("wiccarocks") && $0.contains("not sent") },
            "\(Self.notices(fixture))")
    }

    /// Members answer; our reflection is matched to what we sent; a stranger's is a notice.
    @Test func membersMessagesAreDecryptedWithTheirRealJIDsSession() throws {
        let fixture = try Self.entered()
        var crone = try Member("crone1@shakespeare.lit")
        let harness = fixture.harness("main")
        let sent = try Self.sealed(Self.send("hello coven", in: fixture, members: [crone]))
        let tern = try JID("hag66@shakespeare.lit")
        _ = try crone.open(sent, from: tern)
        let ternDevice = try OMEMOEncrypted(#require(sent.child("encrypted", namespace: Namespace.omemo2))).sender

        var reflection = sent
        reflection[attribute: "from"] = "\(Self.room)/thirdwitch"
        reflection[attribute: "to"] = "hag66@shakespeare.lit/tern"
        harness.serverSends(reflection.serialized(parentNamespace: Namespace.client))
        harness.serverSends(try crone.write("welcome, sister", as: "firstwitch", to: tern, device: ternDevice))
        harness.serverSends(try crone.write("who goes there?", as: "ghost", to: tern, device: ternDevice))

        let messages = try Self.stored(fixture)
        #expect(messages.map(\.body).filter { $0 == "hello coven" }.count == 1, "\(messages.map(\.body))")
        #expect(messages.first { $0.body == "hello coven" }?.state == .delivered)
        let answer = try #require(messages.first { $0.body == "welcome, sister" }, "\(messages.map(\.body))")
        #expect(answer.encryption == "OMEMO 2; blind" && !answer.outgoing)
        let ghost = try #require(messages.last)
        #expect(ghost.body.contains("ghost") && ghost.body.contains("cannot be decrypted"), "\(ghost.body)")
        #expect(!messages.contains { $0.body.contains("I sent you") }, "never the fallback")
    }

    /// XEP-0384 §SCE profile: a group message's envelope names the room; one without is refused.
    @Test func anEnvelopeWithoutTheRoomIsNotShown() throws {
        let fixture = try Self.entered()
        var crone = try Member("crone1@shakespeare.lit")
        let sent = try Self.sealed(Self.send("hello coven", in: fixture, members: [crone]))
        let tern = try JID("hag66@shakespeare.lit")
        _ = try crone.open(sent, from: tern)
        let ternDevice = try OMEMOEncrypted(#require(sent.child("encrypted", namespace: Namespace.omemo2))).sender
        fixture.harness("main").serverSends(
            try crone.write("a private word", as: "firstwitch", to: tern, device: ternDevice, withTo: false))
        let last = try #require(Self.stored(fixture).last)
        #expect(!last.body.contains("a private word") && last.body.contains("could not be read"), "\(last.body)")
    }

    /// A room that stops being members-only takes no more encrypted messages, nor plaintext ones.
    @Test func aRoomThatIsNoLongerMembersOnlyGetsNothing() throws {
        let fixture = try Self.entered()
        fixture.model.submit("/omemo on")
        let harness = fixture.harness("main")
        _ = try Self.serve(fixture, members: [], listed: [])
        harness.serverSends(
            "<message from='\(Self.room)' type='groupchat'><x xmlns='http://jabber.org/protocol/muc#user'>"
                + "<status code='104'/></x></message>")
        try harness.answerRoomInfo(Self.room, name: "A Dark Cave", features: ["muc_nonanonymous", "muc_open"])
        fixture.account("main").feature(RoomsFeature.self)?.send("secret", to: try JID(Self.room))
        #expect(!harness.takeWrittenElements().contains { $0[attribute: "type"] == "groupchat" })
        #expect(Self.notices(fixture).contains { $0.contains("is not members-only") && $0.contains("not sent") })
    }

    /// A message the room refused because we were not in it goes again only as it was sealed,
    /// never rebuilt from the stored text: in an encrypted room it fails instead.
    @Test func aRefusedEncryptedMessageIsNotSentAgainInPlaintext() throws {
        let fixture = try Self.entered()
        let crone = try Member("crone1@shakespeare.lit")
        let harness = fixture.harness("main")
        let sent = try Self.sealed(Self.send("hello coven", in: fixture, members: [crone]))
        harness.serverSends(
            "<message from='\(Self.room)' type='error' id='\(sent.id!)'><error type='cancel'>"
                + "<not-acceptable xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></message>")
        // Entered again (the room's disco#info is known): the outbox goes once we are in.
        #expect(harness.takeWrittenElements().contains { $0.name == "presence" })
        harness.serverSends(
            SessionHarness.occupantPresence(
                room: Self.room, nick: "thirdwitch", affiliation: "member", jid: "hag66@shakespeare.lit/tern",
                codes: [110]))
        let again = try Self.serve(fixture, members: [crone], listed: [])
        #expect(!again.contains { $0[attribute: "type"] == "groupchat" }, "\(again)")
        #expect(Self.notices(fixture).contains { $0.contains("did not reach") }, "\(Self.notices(fixture))")
    }

    /// A message from the room's archive whose sender is not in the room now cannot be decrypted:
    /// its line says so, never the fallback.
    @Test func anArchivedMessageFromSomeoneGoneSaysItCannotBeDecrypted() throws {
        let fixture = try Self.entered(features: Self.groupFeatures + ["urn:xmpp:mam:2"])
        let harness = fixture.harness("main")
        let query = try #require(
            harness.takeWrittenElements().first { $0.child("query", namespace: "urn:xmpp:mam:2") != nil })
        let queryID = try #require(query.child("query", namespace: "urn:xmpp:mam:2")?[attribute: "queryid"])
        harness.serverSends(
            "<message from='\(Self.room)'><result xmlns='urn:xmpp:mam:2' queryid='\(queryID)' id='a1'>"
                + "<forwarded xmlns='urn:xmpp:forward:0'><delay xmlns='urn:xmpp:delay' stamp='2025-01-01T00:00:01Z'/>"
                + "<message from='\(Self.room)/secondwitch' type='groupchat'><encrypted xmlns='urn:xmpp:omemo:2'>"
                + "<header sid='7'><keys jid='hag66@shakespeare.lit'><key rid='9'>AAAA</key></keys></header>"
                + "<payload>AAAA</payload></encrypted><body>I sent you an OMEMO encrypted message</body></message>"
                + "</forwarded></result></message>")
        harness.serverSends(
            "<iq type='result' id='\(query.id!)' from='\(Self.room)'><fin xmlns='urn:xmpp:mam:2' complete='true'>"
                + "<set xmlns='http://jabber.org/protocol/rsm'><first>a1</first><last>a1</last></set></fin></iq>")
        let line = try #require(Self.stored(fixture).last)
        #expect(line.sender == "secondwitch" && line.body.contains("cannot be decrypted"), "\(line.body)")
    }
}
