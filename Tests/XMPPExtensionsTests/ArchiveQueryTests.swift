import TestSupport
import Testing
import XMPPCore
import XMPPExtensions

/// XEP-0313 queries as sent (with XEP-0059 paging) and a room's archive answering, from the XEPs'
/// examples for Juliet at capulet.lit.
@Suite struct ArchiveQueryTests {
    let harness: SessionHarness
    let archive = ArchiveManager(disco: DiscoClient())

    init() throws {
        harness = try SessionHarness.established("juliet@capulet.lit/balcony", [archive])
        _ = harness.takeWritten()
    }

    /// The query `parameters` make, with its query id and the archive it went to.
    func sent(
        _ parameters: ArchiveQuery, to room: JID? = nil,
        completion: @escaping (Result<ArchivePage, IQFailure>) -> Void = { _ in }
    ) throws -> (iq: XMLElement, queryID: String) {
        harness.perform { archive.query(parameters, in: $0, archive: room, completion: completion) }
        let iq = try #require(harness.takeWrittenElements().first)
        return (iq, try #require(iq.child("query", namespace: "urn:xmpp:mam:2")?[attribute: "queryid"]))
    }

    func form(_ fields: String) -> String {
        "<x xmlns='jabber:x:data' type='submit'><field var='FORM_TYPE' type='hidden'><value>urn:xmpp:mam:2</value>"
            + "</field>\(fields)</x>"
    }

    @Test func messagesWithOneJIDPageByPage() throws {
        // XEP-0313 example 6 with the page size of example 18.
        let (iq, queryID) = try sent(ArchiveQuery(with: try JID("romeo@montague.lit"), max: 10))
        #expect(
            iq.matches(
                "<iq type='set' id='*'><query xmlns='urn:xmpp:mam:2' queryid='\(queryID)'>"
                    + form("<field var='with'><value>romeo@montague.lit</value></field>")
                    + "<set xmlns='http://jabber.org/protocol/rsm'><max>10</max></set></query></iq>"))
    }

    @Test func theNextPageAfterTheLastOneSeen() throws {
        // Example 20.
        let (iq, queryID) = try sent(
            ArchiveQuery(after: "09af3-cc343-b409f", start: 1_281_139_200_000, max: 10))
        #expect(
            iq.matches(
                "<iq type='set' id='*'><query xmlns='urn:xmpp:mam:2' queryid='\(queryID)'>"
                    + form("<field var='start'><value>2010-08-07T00:00:00.000Z</value></field>")
                    + "<set xmlns='http://jabber.org/protocol/rsm'><max>10</max><after>09af3-cc343-b409f</after></set>"
                    + "</query></iq>"))
    }

    @Test func theLastPageAndThePageBefore() throws {
        // Example 23 (without a start) and XEP-0059 example 8.
        let (last, lastID) = try sent(ArchiveQuery(before: "", max: 10))
        #expect(
            last.matches(
                "<iq type='set' id='*'><query xmlns='urn:xmpp:mam:2' queryid='\(lastID)'>" + form("")
                    + "<set xmlns='http://jabber.org/protocol/rsm'><max>10</max><before/></set></query></iq>"))
        let (previous, _) = try sent(ArchiveQuery(before: "peter@pixyland.org", max: 10))
        #expect(previous.child("query")?.child("set")?.childText("before") == "peter@pixyland.org")
    }

    @Test func aRoomsArchiveIsAskedAndAnswersFromItsOwnJID() throws {
        let room = try JID("coven@chat.shakespeare.lit")
        var page: ArchivePage?
        let (iq, queryID) = try sent(ArchiveQuery(max: 10), to: room) { page = try? $0.get() }
        #expect(iq[attribute: "to"] == "coven@chat.shakespeare.lit", "example 5: the archive's JID")
        var dropped: [String] = []
        archive.onSpoofedResult = { dropped.append($0[attribute: "from"] ?? "") }
        // Example 27, then the same from an occupant and from our own server.
        for from in ["coven@chat.shakespeare.lit", "coven@chat.shakespeare.lit/firstwitch", "capulet.lit"] {
            harness.serverSends(
                "<message id='iasd207' from='\(from)' to='juliet@capulet.lit/balcony'>"
                    + "<result xmlns='urn:xmpp:mam:2' queryid='\(queryID)' id='78527-06716-51603'>"
                    + "<forwarded xmlns='urn:xmpp:forward:0'><delay xmlns='urn:xmpp:delay' stamp='2002-10-13T23:58:37Z'/>"
                    + "<message xmlns='jabber:client' from='coven@chat.shakespeare.lit/firstwitch'"
                    + " id='162BEBB1-F6DB-4D9A-9BD8-CFDCC801A0B2' type='groupchat'>"
                    + "<body>Thrice the brinded cat hath mew'd.</body></message></forwarded></result></message>")
        }
        // Example 22's end.
        harness.serverSends(
            "<iq type='result' id='\(iq.id!)' from='coven@chat.shakespeare.lit'><fin xmlns='urn:xmpp:mam:2' complete='true'>"
                + "<set xmlns='http://jabber.org/protocol/rsm'><first index='0'>78527-06716-51603</first>"
                + "<last>78527-06716-51603</last><count>1</count></set></fin></iq>")
        let got = try #require(page)
        #expect(got.messages.map(\.message.body) == ["Thrice the brinded cat hath mew'd."])
        #expect(got.messages.first?.message.type == "groupchat")
        #expect(got.messages.first?.timestamp == 1_034_553_517_000)
        #expect(got.complete && got.first == "78527-06716-51603")
        #expect(dropped == ["coven@chat.shakespeare.lit/firstwitch", "capulet.lit"])
    }

    @Test func anArchiveThatDoesNotKnowTheIDSaysSo() throws {
        var outcome: Result<ArchivePage, IQFailure>?
        let (iq, _) = try sent(ArchiveQuery(after: "09af3-cc343-b409f", max: 10)) { outcome = $0 }
        // Example 21.
        harness.serverSends(
            "<iq type='error' id='\(iq.id!)'><error type='cancel'>"
                + "<item-not-found xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></iq>")
        guard case .failure(.error(let error)) = outcome else {
            Issue.record("expected the archive's error, got \(String(describing: outcome))")
            return
        }
        #expect(error.condition == .itemNotFound)
    }

}
