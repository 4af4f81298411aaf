import TestSupport
import Testing
import XMPPCore
import XMPPExtensions

/// A contact that floods presences: its resources and the caps queries they cause stay bounded,
/// and caps answers are trusted only when well-formed (XEP-0115 §5.4).
@Suite struct PresenceFloodTests {
    let harness: SessionHarness
    let presence = PresenceManager()
    let disco = DiscoClient()
    let caps: EntityCapabilities

    init() throws {
        harness = SessionHarness(
            configuration: SessionConfiguration(jid: try JID("juliet@capulet.lit"), password: "pw", resource: "balcony")
        )
        caps = EntityCapabilities(disco: disco)
        for ext: any SessionExtension in [presence, disco, caps] { harness.session.register(ext) }
        try harness.establishScripted()
        _ = harness.takeWritten()
        presence.onPresenceChanged = { [presence, caps, harness] jid in
            for resource in presence.presences[jid]?.values ?? [:].values {
                caps.learn(from: resource, of: jid, in: harness.session)
            }
        }
    }

    @Test func twoThousandResourcesAreCappedAndCauseFewQueries() throws {
        var warned: [JID] = []
        presence.onTooManyResources = { warned.append($0) }
        for index in 0..<2_000 {
            harness.serverSends(
                "<presence from='mallory@evil.example/r\(index)'><c xmlns='http://jabber.org/protocol/caps'"
                    + " hash='sha-1' node='https://x' ver='v\(index)='/></presence>")
        }
        let mallory = try JID("mallory@evil.example")
        #expect(presence.presences[mallory]?.count == PresenceManager.maximumResources)
        #expect(warned == [mallory], "told once")
        let queries = harness.takeWrittenElements().filter {
            $0.child("query", namespace: "http://jabber.org/protocol/disco#info") != nil
        }
        #expect(queries.count == EntityCapabilities.maximumQueries, "\(queries.count) queries in flight")
        // One goes offline: a new one is taken.
        harness.serverSends("<presence from='mallory@evil.example/r0' type='unavailable'/>")
        harness.serverSends("<presence from='mallory@evil.example/new'/>")
        #expect(presence.presences[mallory]?["new"] != nil)
        #expect(presence.presences[mallory]?.count == PresenceManager.maximumResources)
    }

    @Test func aCapsAnswerWithADuplicateFeatureIsNotTrusted() throws {
        // XEP-0115 §5.2's example: its features and identity give this verification string.
        let features = [
            "http://jabber.org/protocol/caps", "http://jabber.org/protocol/disco#info",
            "http://jabber.org/protocol/disco#items", "http://jabber.org/protocol/muc",
        ]
        let ver = "QgayPKawpkPSDYmwT/WM94uAlu0="
        func announce(_ resource: String) throws -> XMLElement {
            harness.serverSends(
                "<presence from='romeo@montague.lit/\(resource)'><c xmlns='http://jabber.org/protocol/caps'"
                    + " hash='sha-1' node='http://code.google.com/p/exodus' ver='\(ver)'/></presence>")
            return try #require(harness.takeWrittenElements().first { $0.name == "iq" })
        }
        func answer(_ query: XMLElement, duplicate: Bool) {
            let listed = (duplicate ? features + [features[1]] : features).map { "<feature var='\($0)'/>" }
            harness.serverSends(
                "<iq type='result' id='\(query.id!)' from='\(query[attribute: "to"]!)'>"
                    + "<query xmlns='http://jabber.org/protocol/disco#info' node='http://code.google.com/p/exodus#\(ver)'>"
                    + "<identity category='client' name='Exodus 0.9.1' type='pc'/>\(listed.joined())</query></iq>")
        }
        answer(try announce("orchard"), duplicate: true)
        #expect(caps.known[ver] == nil, "a duplicate feature makes the answer ill-formed")
        harness.serverSends("<presence from='romeo@montague.lit/orchard' type='unavailable'/>")
        answer(try announce("garden"), duplicate: false)
        #expect(caps.known[ver] == Set(features))
    }
}
