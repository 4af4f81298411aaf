import ChatModel
import ChatStore
import Testing
import XMPPCore

/// A catch-up against an archive that pages badly: the same pages again and again, empty pages
/// without end, or simply more pages than one catch-up reads.
extension ArchiveTests {
    /// Answers each archive query the account sends with `page(n)` (n counts from 0), at most
    /// `limit` times; returns how many queries were answered.
    func serve(
        _ fixture: ModelFixture,
        limit: Int,
        page: (Int) -> (results: [(id: String, xml: String)], last: String?)
    ) throws -> Int {
        var answered = 0
        while answered < limit,
            let query = fixture.harness.takeWrittenElements().last(where: {
                $0.child("query", namespace: "urn:xmpp:mam:2") != nil
            })
        {
            let queryID = try #require(query.child("query")?[attribute: "queryid"])
            let (results, last) = page(answered)
            for (id, xml) in results {
                fixture.harness.serverSends(
                    "<message to='alice@example.org/tern'><result xmlns='urn:xmpp:mam:2' queryid='\(queryID)' id='\(id)'>"
                        + "<forwarded xmlns='urn:xmpp:forward:0'><delay xmlns='urn:xmpp:delay' stamp='2010-07-10T23:08:25Z'/>"
                        + "\(xml)</forwarded></result></message>")
            }
            fixture.harness.serverSends(
                "<iq type='result' id='\(query.id!)'><fin xmlns='urn:xmpp:mam:2'>"
                    + "<set xmlns='http://jabber.org/protocol/rsm'>\(last.map { "<last>\($0)</last>" } ?? "")</set>"
                    + "</fin></iq>")
            answered += 1
        }
        return answered
    }

    func reconnected() throws -> ModelFixture {
        let fixture = try caughtUp()
        fixture.account.disconnect()
        fixture.connect()
        return fixture
    }

    @Test func pagesThatComeBackEndTheCatchUp() throws {
        let fixture = try reconnected()
        // B, C, B, C, ...: never complete, never the id asked after.
        let answered = try serve(fixture, limit: 50) { n in
            let id = n % 2 == 0 ? "B" : "C"
            return ([(id, romeo("page \(id)", id: "o-\(id)"))], id)
        }
        #expect(answered == 3, "B, C, then B again: stop")
        #expect(!fixture.account.isCatchingUp)
        #expect(fixture.model.log.contains { $0.text.contains("a page it had sent before") })
        #expect(try stored(fixture, try JID("romeo@montague.lit")).map(\.body) == ["one", "page B", "page C"])
        #expect(try syncPoint(fixture) == "C", "a repeated id is never the sync point")
    }

    @Test func endlessEmptyPagesEndTheCatchUp() throws {
        let fixture = try reconnected()
        let answered = try serve(fixture, limit: 50) { n in ([], "fresh-\(n)") }
        #expect(answered == 1)
        #expect(!fixture.account.isCatchingUp)
        #expect(fixture.model.log.contains { $0.text.contains("an empty page that is not the last") })
        #expect(try syncPoint(fixture) == "A1")
    }

    @Test func aCatchUpReadsAtMostAThousandPagesAndGoesOnNextTime() throws {
        let fixture = try reconnected()
        let answered = try serve(fixture, limit: 1_100) { n in ([("P\(n)", romeo("m\(n)", id: "o\(n)"))], "P\(n)") }
        #expect(answered == 1_000)
        #expect(!fixture.account.isCatchingUp)
        #expect(fixture.model.log.contains { $0.text.contains("the rest comes with the next connection") })
        #expect(try syncPoint(fixture) == "P999", "stored as far as it got")
        // Not caught up: live messages do not move the sync point past the rest.
        fixture.harness.serverSends(
            "<message from='romeo@montague.lit/orchard' type='chat' id='live'><body>live</body>"
                + "<stanza-id xmlns='urn:xmpp:sid:0' by='alice@example.org' id='L1'/></message>")
        #expect(try syncPoint(fixture) == "P999")
        fixture.account.disconnect()
        fixture.connect()
        let next = try #require(
            fixture.harness.takeWrittenElements().last { $0.child("query", namespace: "urn:xmpp:mam:2") != nil })
        #expect(next.child("query")?.child("set")?.childText("after") == "P999")
    }

    @Test func theNewestPagesStopWhenAPageComesBack() throws {
        let fixture = ModelFixture()
        fixture.connect()
        let answered = try serve(fixture, limit: 50) { _ in ([("Z", romeo("same", id: "z"))], "Z") }
        #expect(answered <= 2, "\(answered) queries")
        #expect(!fixture.account.isCatchingUp)
    }
}
