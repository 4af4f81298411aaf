import ChatModel
import TestSupport
import Testing
import XMPPCore

/// Moderation commands on a scripted room (XEP-0045 §8-§9): each writes the XEP's example
/// request, each error the room can answer becomes a sentence in the room's window, and role and
/// affiliation changes of occupants are announced.
@Suite struct RoomAdminTests {
    static let room = "coven@chat.shakespeare.lit"

    /// crone1 (owner, moderator) in the coven with thirdwitch (hag66, a participant) and
    /// secondwitch (wiccarocks, an admin); the room's window is the current one.
    static func entered(_ jid: String = "crone1@shakespeare.lit") throws -> ScriptedAccounts {
        let fixture = try ScriptedAccounts([(name: "main", jid: jid)])
        fixture.connect("main")
        let harness = fixture.harness("main")
        _ = harness.takeWritten()
        fixture.account("main").feature(RoomsFeature.self)?.join(try JID(room), nick: "crone1")
        try harness.answerRoomInfo(room, name: "A Dark Cave")
        for presence in [
            SessionHarness.occupantPresence(
                room: room, nick: "thirdwitch", jid: "hag66@shakespeare.lit/pda"),
            SessionHarness.occupantPresence(
                room: room, nick: "secondwitch", affiliation: "admin", role: "moderator",
                jid: "wiccarocks@shakespeare.lit/laptop"),
            SessionHarness.occupantPresence(
                room: room, nick: "crone1", affiliation: "owner", role: "moderator", jid: "\(jid)/tern", codes: [110]),
        ] {
            harness.serverSends(presence)
        }
        _ = harness.takeWritten()
        fixture.model.openChat(try fixture.key("main", room), focus: true)
        return fixture
    }

    /// What the room's window says.
    static func notices(_ fixture: ScriptedAccounts) -> [String] {
        fixture.model.noticesOf(fixture.model.currentWindow).map(\.text)
    }

    /// Runs `command` and returns the one IQ it wrote to the room.
    static func request(_ fixture: ScriptedAccounts, _ command: String) throws -> XMLElement {
        fixture.model.submit(command)
        let written = fixture.harness("main").takeWrittenElements().filter {
            $0.name == "iq" && $0[attribute: "to"] == room
        }
        #expect(written.count == 1, "\(command) wrote \(written)")
        return try #require(written.first, "\(command) wrote nothing; the window says \(notices(fixture))")
    }

    static func admin(_ items: String) -> String {
        "<iq id='*' to='\(room)' type='set'><query xmlns='http://jabber.org/protocol/muc#admin'>\(items)</query></iq>"
    }

    /// XEP-0045 Examples 89, 94, 95, 98, 137, 142 (roles by nick), 110, 111, 120, 124, 172, 186
    /// (affiliations by bare JID), each answered with success.
    @Test func everyCommandWritesTheXEPsRequest() throws {
        let fixture = try Self.entered()
        let cases: [(String, String)] = [
            (
                "/kick thirdwitch Avaunt, you cullion!",
                "<item nick='thirdwitch' role='none'><reason>Avaunt, you cullion!</reason></item>"
            ),
            ("/role thirdwitch participant", "<item nick='thirdwitch' role='participant'/>"),
            (
                "/role thirdwitch participant A worthy witch indeed!",
                "<item nick='thirdwitch' role='participant'><reason>A worthy witch indeed!</reason></item>"
            ),
            ("/role thirdwitch visitor", "<item nick='thirdwitch' role='visitor'/>"),
            ("/role thirdwitch moderator", "<item nick='thirdwitch' role='moderator'/>"),
            ("/role thirdwitch PARTICIPANT", "<item nick='thirdwitch' role='participant'/>"),
            // A nick stands for the occupant's real JID, bare.
            (
                "/ban thirdwitch Treason",
                "<item affiliation='outcast' jid='hag66@shakespeare.lit'><reason>Treason</reason></item>"
            ),
            (
                "/ban earlofcambridge@shakespeare.lit",
                "<item affiliation='outcast' jid='earlofcambridge@shakespeare.lit'/>"
            ),
            ("/affiliation thirdwitch member", "<item affiliation='member' jid='hag66@shakespeare.lit'/>"),
            ("/affiliation hag66@shakespeare.lit none", "<item affiliation='none' jid='hag66@shakespeare.lit'/>"),
            ("/affiliation hecate@shakespeare.lit owner", "<item affiliation='owner' jid='hecate@shakespeare.lit'/>"),
            (
                "/affiliation wiccarocks@shakespeare.lit/laptop admin",
                "<item affiliation='admin' jid='wiccarocks@shakespeare.lit'/>"
            ),
        ]
        let harness = fixture.harness("main")
        for (command, item) in cases {
            let iq = try Self.request(fixture, command)
            #expect(iq.matches(Self.admin(item)), "\(command): \(iq)")
            harness.serverSends("<iq type='result' id='\(iq.id!)' from='\(Self.room)'/>")
        }
        // Someone who is not in the room hears of it from nobody: the window says it was done; an
        // occupant's change shows when the room sends their presence.
        let notices = Self.notices(fixture)
        #expect(notices.contains("hecate@shakespeare.lit is now an owner of \(Self.room)"), "\(notices)")
        #expect(notices.contains("earlofcambridge@shakespeare.lit is now banned from \(Self.room)"), "\(notices)")
        #expect(!notices.contains { $0.contains("hag66") }, "\(notices)")
    }

    @Test func aBanByNickNeedsTheRealJIDAndAnUnknownNickIsNoAddress() throws {
        let fixture = try Self.entered()
        let harness = fixture.harness("main")
        // A semi-anonymous room shows us no JID for this one.
        harness.serverSends(SessionHarness.occupantPresence(room: Self.room, nick: "hecate"))
        for command in [
            "/ban hecate", "/affiliation hecate member", "/ban nobody", "/kick nobody", "/role thirdwitch owner",
        ] {
            fixture.model.submit(command)
        }
        #expect(harness.takeWrittenElements().filter { $0.name == "iq" }.isEmpty)
        let said = Self.notices(fixture)
        #expect(said.contains("\(Self.room) does not show you hecate's address: give it instead (user@example.org)"))
        #expect(said.contains("nobody called nobody is in \(Self.room), and \"nobody\" is not an address"))
        #expect(said.contains("nobody called nobody is in \(Self.room)"))
        #expect(said.last?.hasPrefix("\"owner\" is no role (moderator, participant, visitor, none)") == true, "\(said)")
    }

    /// XEP-0045 §8.2 (Example 92, kicking up: not-allowed; oneself: conflict), §8.4 (Example 100),
    /// §9.1 (Example 115, banning up; oneself: conflict), §10.6-§10.7, the admin use cases'
    /// forbidden (§9), and a bad-request, a missing occupant and a silent room.
    @Test(arguments: [
        (
            "/kick thirdwitch", StanzaErrorCondition.notAllowed,
            "\(room) does not let you kick thirdwitch: thirdwitch's affiliation is at or above yours"
        ),
        ("/kick crone1", .conflict, "\(room) does not let you kick yourself"),
        ("/kick thirdwitch", .forbidden, "you cannot kick anyone in \(room): only its moderators may"),
        ("/kick thirdwitch", .itemNotFound, "nobody called thirdwitch is in \(room)"),
        (
            "/role thirdwitch visitor", .notAllowed,
            "\(room) does not let you make thirdwitch a visitor, without voice: thirdwitch's affiliation is at or above yours"
        ),
        (
            "/role thirdwitch moderator", .forbidden,
            "you cannot make thirdwitch a moderator: only admins and owners of \(room) may grant or revoke moderator status"
        ),
        (
            "/role thirdwitch participant", .forbidden,
            "you cannot make thirdwitch a participant, with voice: only moderators of \(room) may give or take voice"
        ),
        (
            "/ban secondwitch", .notAllowed,
            "\(room) does not let you ban secondwitch: their affiliation is above yours"
        ),
        ("/ban crone1", .conflict, "you cannot ban yourself from \(room)"),
        ("/ban thirdwitch", .forbidden, "you cannot ban thirdwitch: only admins and owners of \(room) may"),
        (
            "/affiliation hecate@shakespeare.lit owner", .forbidden,
            "you cannot make hecate@shakespeare.lit an owner: only owners of \(room) may make owners and admins"
        ),
        ("/affiliation crone1 none", .conflict, "\(room) refused: a room keeps at least one owner"),
        (
            "/affiliation secondwitch member", .notAuthorized,
            "\(room) does not let one owner take away another's status"
        ),
        (
            "/affiliation hecate@shakespeare.lit member", .badRequest,
            "\(room) did not understand the request to make hecate@shakespeare.lit a member (bad request)"
        ),
        (
            "/affiliation hecate@shakespeare.lit member", .itemNotFound,
            "\(room) knows no user hecate@shakespeare.lit"
        ),
        (
            "/role thirdwitch moderator", .serviceUnavailable,
            "\(room) refused to make thirdwitch a moderator (service-unavailable)"
        ),
    ])
    func everyRefusalIsASentence(_ command: String, _ condition: StanzaErrorCondition, _ sentence: String) throws {
        let fixture = try Self.entered()
        let iq = try Self.request(fixture, command)
        fixture.harness("main").serverSends(
            SessionHarness.iqError(id: iq.id!, from: Self.room, condition: condition))
        #expect(Self.notices(fixture).last == sentence)
    }

    @Test func theRoomsOwnWordsAndSilenceAreShownToo() throws {
        let fixture = try Self.entered()
        let harness = fixture.harness("main")
        let iq = try Self.request(fixture, "/kick thirdwitch")
        harness.serverSends(
            SessionHarness.iqError(id: iq.id!, from: Self.room, condition: .notAllowed, text: "Not today"))
        #expect(
            Self.notices(fixture).last?.hasSuffix(
                ": thirdwitch's affiliation is at or above yours (the room says: Not today)") == true)
        _ = try Self.request(fixture, "/role thirdwitch visitor")
        // The server stays in touch (no keep-alive ping), the room does not answer.
        for _ in 0..<7 {
            harness.advance(by: .seconds(10))
            harness.serverSendsBytes()
        }
        #expect(
            Self.notices(fixture).last
                == "\(Self.room) did not answer the request to make thirdwitch a visitor, without voice")
        // An answer from anyone but the room is not the room's.
        let again = try Self.request(fixture, "/kick thirdwitch")
        harness.serverSends(
            SessionHarness.iqError(id: again.id!, from: "mallory@evil.example", condition: .forbidden))
        #expect(!Self.notices(fixture).last!.contains("only its moderators"))
    }

    /// XEP-0045 Examples 96 (voice, with a reason), 99 (voice revoked), 121 (membership), 138
    /// (moderator), 140 (no longer a moderator), 176 (owner), and our own loss of moderator status.
    @Test func roleAndAffiliationChangesOfOccupantsAreAnnounced() throws {
        let fixture = try Self.entered()
        let harness = fixture.harness("main")
        let presence = { (nick: String, affiliation: String, role: String, reason: String?, codes: [Int]) in
            harness.serverSends(
                SessionHarness.occupantPresence(
                    room: Self.room, nick: nick, affiliation: affiliation, role: role, jid: "x@shakespeare.lit/a",
                    codes: codes, reason: reason))
        }
        presence("thirdwitch", "none", "visitor", nil, [])
        presence("thirdwitch", "none", "participant", "A worthy witch indeed!", [])
        presence("thirdwitch", "member", "participant", nil, [])
        presence("thirdwitch", "member", "moderator", nil, [])
        presence("thirdwitch", "member", "participant", nil, [])
        presence("thirdwitch", "owner", "moderator", nil, [])
        presence("thirdwitch", "none", "participant", nil, [])
        presence("crone1", "owner", "participant", nil, [110])
        let announced = Self.notices(fixture).filter { !$0.hasPrefix("you entered") }
        #expect(
            announced == [
                "thirdwitch has no voice now", "thirdwitch has voice now (A worthy witch indeed!)",
                "thirdwitch is now a member", "thirdwitch is now a moderator", "thirdwitch is no longer a moderator",
                "thirdwitch is now an owner", "thirdwitch is now a moderator", "thirdwitch is no longer an owner",
                "thirdwitch is no longer a moderator", "you are no longer a moderator",
            ])
        let key = try fixture.key("main", Self.room)
        #expect(fixture.model.occupants(of: key).first { $0.nick == "crone1" }?.role == .participant)
        // A presence that changes neither (a status change) says nothing.
        presence("thirdwitch", "none", "participant", nil, [])
        #expect(Self.notices(fixture).count == announced.count + 1)
    }

    @Test func nicksAndRoleWordsComplete() throws {
        let fixture = try Self.entered()
        let registry = fixture.model.commands
        let values = { (kind: ArgumentCompletion, account: String?) in
            fixture.model.completionValues(kind, account: account)
        }
        #expect(registry.completions(for: "/kick th", values: values)?.candidates == ["thirdwitch"])
        #expect(
            registry.completions(for: "/role ", values: values)?.candidates == ["list", "secondwitch", "thirdwitch"])
        #expect(
            registry.completions(for: "/role thirdwitch ", values: values)?.candidates
                == ["moderator", "none", "participant", "visitor"])
        #expect(
            registry.completions(for: "/affiliation thirdwitch o", values: values)?.candidates == ["outcast", "owner"])
        #expect(registry.completions(for: "/ban s", values: values)?.candidates == ["secondwitch"])
    }

    @Test func commandsNeedARoomWindowAndAConnection() throws {
        let fixture = try Self.entered()
        fixture.model.switchTo(0)
        fixture.model.submit("/kick thirdwitch")
        #expect(fixture.model.log.last?.text == "this is not a room window (/join a room first)")
        fixture.model.openChat(try fixture.key("main", Self.room), focus: true)
        fixture.connection("main").disconnect()
        fixture.model.submit("/ban thirdwitch")
        fixture.model.submit("/config")
        #expect(Self.notices(fixture).suffix(2) == ["main is not connected", "main is not connected"])
    }
}
