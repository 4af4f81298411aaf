import TestSupport
import Testing
import XMPPCore
import XMPPExtensions

/// XEP-0359 (stanza-ids, which of them to believe) and XEP-0313 (results only from our archive,
/// only for our queries), on a session established over the fake transport.
@Suite struct ArchiveManagerTests {
    let harness: SessionHarness
    let disco = DiscoClient()
    let archive: ArchiveManager

    init() throws {
        harness = SessionHarness(
            configuration: SessionConfiguration(jid: try JID("juliet@capulet.lit"), password: "pw", resource: "balcony")
        )
        archive = ArchiveManager(disco: disco)
        harness.session.register(archive)
        harness.session.register(disco)
        try harness.establishScripted()
    }

    /// Answers the disco#info query the manager sent on login with `features`.
    func answerDisco(_ features: [String]) throws {
        let query = try #require(
            harness.takeWrittenElements().first {
                $0.child("query", namespace: "http://jabber.org/protocol/disco#info") != nil
            })
        #expect(query[attribute: "to"] == "juliet@capulet.lit", "our own account, by its bare JID")
        #expect(query[attribute: "type"] == "get")
        harness.serverSends(
            "<iq type='result' id='\(query.id!)' from='juliet@capulet.lit'>"
                + "<query xmlns='http://jabber.org/protocol/disco#info'><identity category='account' type='registered'/>"
                + features.map { "<feature var='\($0)'/>" }.joined() + "</query></iq>")
    }

    func message(_ xml: String) -> ChatMessage { ChatMessage(XMLElement.parse(xml)!) }

    var me: JID { try! JID("juliet@capulet.lit") }

    /// XEP-0359 example 1, as a server stamps it on a message to us.
    let stamped =
        "<message from='romeo@montague.lit/orchard' to='juliet@capulet.lit/balcony' type='chat'><body>hi</body>"
        + "<stanza-id xmlns='urn:xmpp:sid:0' id='de305d54-75b4-431b-adb2-eb6b9e546013' by='juliet@capulet.lit'/>"
        + "</message>"

    @Test func theArchivesIDIsBelievedOnceItAnnouncesStanzaIDs() throws {
        #expect(archive.stanzaID(of: message(stamped), assignedBy: me) == .unvouched, "not before the answer")
        try answerDisco(["urn:xmpp:sid:0"])
        #expect(archive.stampingArchives == [me])
        #expect(
            archive.stanzaID(of: message(stamped), assignedBy: me) == .trusted("de305d54-75b4-431b-adb2-eb6b9e546013"))
    }

    @Test func mamImpliesStanzaIDs() throws {
        try answerDisco(["urn:xmpp:mam:2"])
        #expect(
            archive.stanzaID(of: message(stamped), assignedBy: me) == .trusted("de305d54-75b4-431b-adb2-eb6b9e546013"))
    }

    @Test func aServerWithoutThemIsNotBelieved() throws {
        try answerDisco(["urn:xmpp:carbons:2"])
        #expect(archive.stampingArchives.isEmpty)
        #expect(archive.stanzaID(of: message(stamped), assignedBy: me) == .unvouched)
    }

    @Test func aSecondClaimMeansOneIsForged() throws {
        try answerDisco(["urn:xmpp:sid:0"])
        let forged =
            "<message from='mallory@evil.example/x' type='chat'><body>hi</body>"
            + "<stanza-id xmlns='urn:xmpp:sid:0' id='forged' by='juliet@capulet.lit'/>"
            + "<stanza-id xmlns='urn:xmpp:sid:0' id='real' by='Juliet@Capulet.lit'/></message>"
        #expect(archive.stanzaID(of: message(forged), assignedBy: me) == .conflicting(2), "by compared as JIDs")
    }

    @Test func onlyTheArchivesOwnJIDCounts() throws {
        try answerDisco(["urn:xmpp:sid:0"])
        let others =
            "<message from='romeo@montague.lit/orchard' type='chat'><body>hi</body>"
            + "<stanza-id xmlns='urn:xmpp:sid:0' id='r1' by='romeo@montague.lit'/>"
            + "<stanza-id xmlns='urn:xmpp:sid:0' id='r2' by='juliet@capulet.lit/balcony'/>"
            + "<stanza-id xmlns='urn:xmpp:sid:1' id='r3' by='juliet@capulet.lit'/>"
            + "<stanza-id xmlns='urn:xmpp:sid:0' id='r4'/>"
            + "<stanza-id xmlns='urn:xmpp:sid:0' id='mine' by='juliet@capulet.lit'/></message>"
        #expect(message(others).stanzaIDs(claimingToBe: me) == ["mine"])
        #expect(archive.stanzaID(of: message(others), assignedBy: me) == .trusted("mine"))
        #expect(archive.stanzaID(of: message("<message><body>x</body></message>"), assignedBy: me) == .none)
    }

    @Test func aFailedAnswerKeepsWhatWasKnown() throws {
        try answerDisco(["urn:xmpp:sid:0"])
        var answered = 0
        archive.learnWhetherStamps(me, in: harness.session) { answered += 1 }
        #expect(answered == 1 && harness.takeWrittenElements().isEmpty, "answered from the session's cache")
        disco.sessionClosed(harness.session)
        archive.learnWhetherStamps(me, in: harness.session) { answered += 1 }
        let query = try #require(harness.takeWrittenElements().first)
        harness.serverSends(
            "<iq type='error' id='\(query.id!)' from='juliet@capulet.lit'><error type='cancel'>"
                + "<service-unavailable xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></iq>")
        #expect(answered == 2)
        #expect(archive.stampingArchives == [me], "an error proves nothing either way")
        disco.sessionClosed(harness.session)
        archive.learnWhetherStamps(me, in: harness.session)
        try answerDisco([])
        #expect(archive.stampingArchives.isEmpty, "an answer without them does")
    }

    @Test func resultsComeOnlyFromOurArchiveForOurQuery() throws {
        try answerDisco(["urn:xmpp:mam:2"])
        var spoofed: [String] = []
        archive.onSpoofedResult = { spoofed.append($0[attribute: "from"] ?? "") }
        var page: ArchivePage?
        archive.query(ArchiveQuery(after: "09af3-cc343-b409f", max: 10), in: harness.session) {
            page = try? $0.get()
        }
        let iq = try #require(harness.takeWrittenElements().first)
        let query = try #require(iq.child("query", namespace: "urn:xmpp:mam:2"))
        #expect(
            query.child("set", namespace: "http://jabber.org/protocol/rsm")?.childText("after") == "09af3-cc343-b409f")
        let queryID = try #require(query[attribute: "queryid"])
        func result(from: String?, queryID: String, id: String, body: String) -> String {
            "<message to='juliet@capulet.lit/balcony'\(from.map { " from='\($0)'" } ?? "")>"
                + "<result xmlns='urn:xmpp:mam:2' queryid='\(queryID)' id='\(id)'><forwarded xmlns='urn:xmpp:forward:0'>"
                + "<delay xmlns='urn:xmpp:delay' stamp='2010-07-10T23:08:25Z'/>"
                + "<message xmlns='jabber:client' from='romeo@montague.lit/orchard' to='juliet@capulet.lit/balcony'"
                + " type='chat'><body>\(body)</body></message></forwarded></result></message>"
        }
        harness.serverSends(result(from: nil, queryID: queryID, id: "28482-98726-73623", body: "Call me but love"))
        harness.serverSends(result(from: "juliet@capulet.lit", queryID: queryID, id: "28483", body: "and I'll be"))
        harness.serverSends(result(from: "mallory@evil.example", queryID: queryID, id: "x", body: "forged"))
        harness.serverSends(result(from: "juliet@capulet.lit/balcony", queryID: queryID, id: "y", body: "a resource"))
        harness.serverSends(result(from: nil, queryID: "other", id: "z", body: "another query"))
        harness.serverSends(
            "<iq type='result' id='\(iq.id!)'><fin xmlns='urn:xmpp:mam:2' complete='true'>"
                + "<set xmlns='http://jabber.org/protocol/rsm'><first>28482-98726-73623</first><last>28483</last></set>"
                + "</fin></iq>")
        let got = try #require(page)
        #expect(got.messages.map(\.message.body) == ["Call me but love", "and I'll be"])
        #expect(got.messages.first?.timestamp == 1_278_803_305_000)
        #expect(got.complete && got.first == "28482-98726-73623" && got.last == "28483")
        #expect(spoofed == ["mallory@evil.example", "juliet@capulet.lit/balcony", ""])
    }

    @Test func noMoreResultsThanThePageSizeAreKept() throws {
        var dropped = 0
        archive.onSpoofedResult = { _ in dropped += 1 }
        var page: ArchivePage?
        archive.query(ArchiveQuery(max: 2), in: harness.session) { page = try? $0.get() }
        let iq = try #require(harness.takeWrittenElements().last)
        let queryID = try #require(iq.child("query")?[attribute: "queryid"])
        for index in 0..<5 {
            harness.serverSends(
                "<message><result xmlns='urn:xmpp:mam:2' queryid='\(queryID)' id='r\(index)'>"
                    + "<forwarded xmlns='urn:xmpp:forward:0'><message xmlns='jabber:client' from='romeo@montague.lit/o'"
                    + " type='chat'><body>\(index)</body></message></forwarded></result></message>")
        }
        harness.serverSends("<iq type='result' id='\(iq.id!)'><fin xmlns='urn:xmpp:mam:2'/></iq>")
        #expect(page?.messages.map(\.archiveID) == ["r0", "r1"])
        #expect(dropped == 3)
    }

    @Test func aQueryFromATimeCarriesTheStartField() throws {
        archive.query(ArchiveQuery(start: 1_278_803_305_000, max: 5), in: harness.session) { _ in }
        let iq = try #require(harness.takeWrittenElements().last)
        let form = try #require(iq.child("query", namespace: "urn:xmpp:mam:2")?.child("x", namespace: "jabber:x:data"))
        let start = form.children("field").first { $0[attribute: "var"] == "start" }
        #expect(start?.childText("value") == "2010-07-10T23:08:25.000Z", "XEP-0082, with milliseconds")
        #expect(iq.child("query")?.child("set")?.child("after") == nil)
    }
}
