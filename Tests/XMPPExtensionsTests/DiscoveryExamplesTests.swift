import TestSupport
import Testing
import XMPPCore
import XMPPExtensions

/// Service discovery (XEP-0030) with paging (XEP-0059), software version (XEP-0092) and pings
/// from contacts and services (XEP-0199), from the XEPs' examples for Romeo at montague.net.
@Suite struct DiscoveryExamplesTests {
    func parse(_ xml: String) throws -> XMLElement { try #require(XMLElement.parse(xml)) }

    @Test func aServicesIdentitiesAndFeaturesAreRead() throws {
        // XEP-0030 example 2.
        let info = try #require(
            DiscoInfo(
                result: try parse(
                    "<iq type='result' from='plays.shakespeare.lit' to='romeo@montague.net/orchard' id='info1'>"
                        + "<query xmlns='http://jabber.org/protocol/disco#info'>"
                        + "<identity category='conference' type='text' name='Play-Specific Chatrooms'/>"
                        + "<identity category='directory' type='chatroom' name='Play-Specific Chatrooms'/>"
                        + "<feature var='http://jabber.org/protocol/disco#info'/>"
                        + "<feature var='http://jabber.org/protocol/disco#items'/>"
                        + "<feature var='http://jabber.org/protocol/muc'/><feature var='jabber:iq:register'/>"
                        + "<feature var='jabber:iq:search'/><feature var='jabber:iq:time'/>"
                        + "<feature var='jabber:iq:version'/></query></iq>")))
        #expect(info.identities.map { "\($0.category)/\($0.type)" } == ["conference/text", "directory/chatroom"])
        #expect(info.identities.allSatisfy { $0.name == "Play-Specific Chatrooms" && $0.lang == nil })
        #expect(info.features.count == 7 && info.features.contains("http://jabber.org/protocol/muc"))
        #expect(!info.hasDuplicates && info.forms.isEmpty)
        // Example 6: the server answers for an account.
        let account = try #require(
            DiscoInfo(
                result: try parse(
                    "<iq type='result' from='juliet@capulet.com' to='shakespeare.lit' id='info2'>"
                        + "<query xmlns='http://jabber.org/protocol/disco#info'>"
                        + "<identity category='account' type='registered'/>"
                        + "<feature var='http://jabber.org/protocol/disco#info'/></query></iq>")))
        #expect(account.identities.first?.name == nil && account.identities.first?.type == "registered")
        // Example 3: an error is no answer.
        #expect(
            DiscoInfo(
                result: try parse(
                    "<iq type='error' from='plays.shakespeare.lit' id='info1'>"
                        + "<query xmlns='http://jabber.org/protocol/disco#info'/><error type='cancel'>"
                        + "<item-not-found xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></iq>")) == nil)
    }

    @Test func aQueryForANodeIsAskedAndCachedApart() throws {
        let disco = DiscoClient()
        let harness = try SessionHarness.established("romeo@montague.net/orchard", [disco])
        _ = harness.takeWritten()
        let service = try JID("mim.shakespeare.lit")
        var answers: [String] = []
        harness.perform { session in
            disco.info(service, node: "http://jabber.org/protocol/commands", in: session) {
                answers.append((try? $0.get())?.identities.first?.category ?? "failed")
            }
        }
        // XEP-0030 examples 9 and 10.
        let query = try #require(harness.takeWrittenElements().first)
        #expect(
            query.matches(
                "<iq type='get' id='*' to='mim.shakespeare.lit'>"
                    + "<query xmlns='http://jabber.org/protocol/disco#info' node='http://jabber.org/protocol/commands'/></iq>"
            ))
        harness.serverSends(
            "<iq type='result' from='mim.shakespeare.lit' to='romeo@montague.net/orchard' id='\(query.id!)'>"
                + "<query xmlns='http://jabber.org/protocol/disco#info' node='http://jabber.org/protocol/commands'>"
                + "<identity category='automation' type='command-list'/>"
                + "<feature var='http://jabber.org/protocol/disco#info'/></query></iq>")
        #expect(answers == ["automation"])
        #expect(disco.cached(service, node: "http://jabber.org/protocol/commands") != nil)
        #expect(disco.cached(service) == nil, "the entity itself was not asked")
        harness.perform { session in disco.info(service, in: session) { _ in } }
        #expect(harness.takeWrittenElements().first?.child("query")?[attribute: "node"] == nil)
        // A fresh question goes out though the answer is cached.
        harness.perform { session in
            disco.info(service, node: "http://jabber.org/protocol/commands", fresh: true, in: session) { _ in }
        }
        #expect(harness.takeWrittenElements().count == 1)
        disco.sessionClosed(harness.session)
        #expect(disco.cached(service, node: "http://jabber.org/protocol/commands") == nil, "a new session asks again")
    }

    @Test func itemsAreReadWithTheirNamesAndNodes() throws {
        // XEP-0030 example 11.
        #expect(
            DiscoItemsPage.request(to: try JID("shakespeare.lit"), id: "items1").matches(
                "<iq type='get' id='items1' to='shakespeare.lit'><query xmlns='http://jabber.org/protocol/disco#items'/></iq>"
            ))
        // Example 12, shortened.
        let services = try #require(
            DiscoItemsPage(
                try parse(
                    "<iq type='result' from='shakespeare.lit' to='romeo@montague.net/orchard' id='items1'>"
                        + "<query xmlns='http://jabber.org/protocol/disco#items'>"
                        + "<item jid='people.shakespeare.lit' name='Directory of Characters'/>"
                        + "<item jid='plays.shakespeare.lit' name='Play-Specific Chatrooms'/>"
                        + "<item jid='mim.shakespeare.lit' name='Gateway to Marlowe IM'/></query></iq>")))
        #expect(
            services.items.map(\.jid.description) == [
                "people.shakespeare.lit", "plays.shakespeare.lit", "mim.shakespeare.lit",
            ])
        #expect(
            services.items.map(\.name) == [
                "Directory of Characters", "Play-Specific Chatrooms", "Gateway to Marlowe IM",
            ])
        #expect(!services.isPaged && services.count == nil)
        // Example 13: none.
        let empty = try #require(
            DiscoItemsPage(
                try parse(
                    "<iq type='result' from='shakespeare.lit' id='items1'>"
                        + "<query xmlns='http://jabber.org/protocol/disco#items'/></iq>")))
        #expect(empty.items.isEmpty)
        // Examples 18 and 19: a node's items.
        #expect(
            DiscoItemsPage.request(to: try JID("catalog.shakespeare.lit"), node: "music", id: "items3").matches(
                "<iq type='get' id='items3' to='catalog.shakespeare.lit'>"
                    + "<query xmlns='http://jabber.org/protocol/disco#items' node='music'/></iq>"))
        let music = try #require(
            DiscoItemsPage(
                try parse(
                    "<iq type='result' from='catalog.shakespeare.lit' id='items3'>"
                        + "<query xmlns='http://jabber.org/protocol/disco#items' node='music'>"
                        + "<item jid='catalog.shakespeare.lit' node='music/A'/>"
                        + "<item jid='catalog.shakespeare.lit' node='music/B'/></query></iq>")))
        #expect(music.items.map(\.node) == ["music/A", "music/B"])
        #expect(music.items.allSatisfy { $0.name == nil })
    }

    @Test func aLongListIsPagedAsResultSetManagementSays() throws {
        // XEP-0059 example 5's set, on a disco#items query.
        let next = DiscoItemsPage.request(
            to: try JID("chat.shakespeare.lit"), max: 10, after: "peterpan@neverland.lit", id: "page2")
        #expect(
            next.matches(
                "<iq type='get' id='page2' to='chat.shakespeare.lit'><query xmlns='http://jabber.org/protocol/disco#items'>"
                    + "<set xmlns='http://jabber.org/protocol/rsm'><max>10</max><after>peterpan@neverland.lit</after>"
                    + "</set></query></iq>"))
        // Example 6's answer.
        let page = try #require(
            DiscoItemsPage(
                try parse(
                    "<iq type='result' from='chat.shakespeare.lit' id='page2'>"
                        + "<query xmlns='http://jabber.org/protocol/disco#items'>"
                        + "<item jid='peter@pixyland.org'/><item jid='peter@rabbit.lit'/>"
                        + "<set xmlns='http://jabber.org/protocol/rsm'><first index='10'>peter@pixyland.org</first>"
                        + "<last>peter@rabbit.lit</last><count>800</count></set></query></iq>")))
        #expect(page.isPaged && page.firstIndex == 10 && page.count == 800)
        #expect(page.first == "peter@pixyland.org" && page.last == "peter@rabbit.lit")
        // Example 7: an empty page past the end.
        let beyond = try #require(
            DiscoItemsPage(
                try parse(
                    "<iq type='result' id='page80'><query xmlns='http://jabber.org/protocol/disco#items'>"
                        + "<set xmlns='http://jabber.org/protocol/rsm'><count>790</count></set></query></iq>")))
        #expect(beyond.items.isEmpty && !beyond.isPaged && beyond.count == 790)
    }

    @Test func anotherClientsSoftwareIsAskedAndRead() throws {
        let harness = try SessionHarness.established("romeo@montague.net/orchard", [])
        var answers: [String] = []
        let juliet = try JID("juliet@capulet.com/balcony")
        for _ in 0..<3 {
            harness.perform { session in
                SoftwareVersion.query(juliet, in: session) { result in
                    switch result {
                    case .success(let software):
                        answers.append("\(software.name) \(software.version) \(software.os ?? "-")")
                    case .failure: answers.append("failed")
                    }
                }
            }
        }
        let queries = harness.takeWrittenElements()
        // XEP-0092 example 1.
        #expect(
            queries.allSatisfy {
                $0.matches(
                    "<iq type='get' id='*' to='juliet@capulet.com/balcony'><query xmlns='jabber:iq:version'/></iq>")
            })
        // Example 2, then an answer with less in it, then none.
        harness.serverSends(
            "<iq type='result' to='romeo@montague.net/orchard' from='juliet@capulet.com/balcony' id='\(queries[0].id!)'>"
                + "<query xmlns='jabber:iq:version'><name>Exodus</name><version>0.7.0.4</version>"
                + "<os>Windows-XP 5.01.2600</os></query></iq>")
        harness.serverSends(
            "<iq type='result' from='juliet@capulet.com/balcony' id='\(queries[1].id!)'>"
                + "<query xmlns='jabber:iq:version'><name>Psi</name></query></iq>")
        harness.serverSends(
            SessionHarness.iqError(
                id: queries[2].id!, from: "juliet@capulet.com/balcony", condition: .serviceUnavailable))
        #expect(answers == ["Exodus 0.7.0.4 Windows-XP 5.01.2600", "Psi ? -", "failed"])
    }

    @Test func pingsFromAContactOrAServiceAreAnswered() throws {
        let harness = try SessionHarness.established("juliet@capulet.lit/chamber", [PingResponder()])
        // XEP-0199 examples 10 and 13; the answers are examples 11 and 14.
        harness.serverSends(
            "<iq from='romeo@montague.lit/home' to='juliet@capulet.lit/chamber' type='get' id='e2e1'>"
                + "<ping xmlns='urn:xmpp:ping'/></iq>")
        harness.serverSends(
            "<iq from='chat.shakespeare.lit' to='juliet@capulet.lit/chamber' type='get' id='comp1'>"
                + "<ping xmlns='urn:xmpp:ping'/></iq>")
        let answers = harness.takeWrittenElements()
        #expect(answers.count == 2)
        #expect(answers.first?.matches("<iq type='result' id='e2e1' to='romeo@montague.lit/home'/>") == true)
        #expect(answers.last?.matches("<iq type='result' id='comp1' to='chat.shakespeare.lit'/>") == true)
    }
}
