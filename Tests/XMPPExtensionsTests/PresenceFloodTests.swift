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

    @Test func theComplexExampleOfXEP0115WithAnExtendedFormVerifies() throws {
        // XEP-0115 §5.3: two identities, four features and a software-information form.
        let query = XMLElement.parse(
            "<query xmlns='http://jabber.org/protocol/disco#info' node='http://psi-im.org#q07IKJEyjvHSyhy//CH0CxmKi8w='>"
                + "<identity xml:lang='en' category='client' name='Psi 0.11' type='pc'/>"
                + "<identity xml:lang='el' category='client' name='Ψ 0.11' type='pc'/>"
                + "<feature var='http://jabber.org/protocol/caps'/><feature var='http://jabber.org/protocol/disco#info'/>"
                + "<feature var='http://jabber.org/protocol/disco#items'/><feature var='http://jabber.org/protocol/muc'/>"
                + "<x xmlns='jabber:x:data' type='result'>"
                + "<field var='FORM_TYPE' type='hidden'><value>urn:xmpp:dataforms:softwareinfo</value></field>"
                + "<field var='ip_version'><value>ipv4</value><value>ipv6</value></field>"
                + "<field var='os'><value>Mac</value></field><field var='os_version'><value>10.5.1</value></field>"
                + "<field var='software'><value>Psi</value></field>"
                + "<field var='software_version'><value>0.11</value></field></x></query>")!
        let iq = "<iq type='result' id='x' from='benvolio@capulet.lit/230193'>\(query.serialized())</iq>"
        harness.serverSends(
            "<presence from='benvolio@capulet.lit/230193'><c xmlns='http://jabber.org/protocol/caps'"
                + " hash='sha-1' node='http://psi-im.org' ver='q07IKJEyjvHSyhy//CH0CxmKi8w='/></presence>")
        let asked = try #require(harness.takeWrittenElements().first { $0.name == "iq" })
        harness.serverSends(iq.replacingOccurrences(of: "id='x'", with: "id='\(asked.id!)'"))
        #expect(caps.known["q07IKJEyjvHSyhy//CH0CxmKi8w="]?.contains("http://jabber.org/protocol/muc") == true)
    }

    @Test func twoFormsOfOneTypeMakeTheAnswerIllFormed() throws {
        let identity = DiscoInfo.Identity(category: "client", type: "pc", name: nil, lang: nil)
        let form = DiscoInfo.Form(type: "urn:xmpp:dataforms:softwareinfo", fields: [:])
        // The hash over both forms: it would match if the duplicate went unnoticed.
        let ver = EntityCapabilities.verification(
            identities: [identity], features: [], forms: [form, form], crypto: harness.session.crypto)
        harness.serverSends(
            "<presence from='tybalt@capulet.lit/x'><c xmlns='http://jabber.org/protocol/caps'"
                + " hash='sha-1' node='https://x' ver='\(ver)'/></presence>")
        let asked = try #require(harness.takeWrittenElements().first { $0.name == "iq" })
        let xml =
            "<x xmlns='jabber:x:data' type='result'><field var='FORM_TYPE' type='hidden'>"
            + "<value>urn:xmpp:dataforms:softwareinfo</value></field></x>"
        harness.serverSends(
            "<iq type='result' id='\(asked.id!)' from='tybalt@capulet.lit/x'>"
                + "<query xmlns='http://jabber.org/protocol/disco#info'><identity category='client' type='pc'/>"
                + "\(xml)\(xml)</query></iq>")
        #expect(caps.known[ver] == nil, "XEP-0115 §5.4: two forms of one FORM_TYPE")
    }
}
