import Foundation
import Testing
import XMPPCore
import XMPPExtensions

/// OMEMO bundles (XEP-0384 §Bundles), from the current XEP's examples and those of version 0.3.
@Suite struct OMEMOBundleTests {
    typealias Fixture = OMEMOElementTests
    static let key = Fixture.key
    static let signature = Fixture.signature

    static let legacyAnnounce = """
        <iq type='set' id='announce2'>
          <pubsub xmlns='http://jabber.org/protocol/pubsub'>
            <publish node='eu.siacs.conversations.axolotl.bundles:31415'>
              <item id='current'>
                <bundle xmlns='eu.siacs.conversations.axolotl'>
                  <signedPreKeyPublic signedPreKeyId='1'>
                    BASE64ENCODED...
                  </signedPreKeyPublic>
                  <signedPreKeySignature>
                    BASE64ENCODED...
                  </signedPreKeySignature>
                  <identityKey>
                    BASE64ENCODED...
                  </identityKey>
                  <prekeys>
                    <preKeyPublic preKeyId='1'>
                      BASE64ENCODED...
                    </preKeyPublic>
                    <preKeyPublic preKeyId='2'>
                      BASE64ENCODED...
                    </preKeyPublic>
                    <preKeyPublic preKeyId='3'>
                      BASE64ENCODED...
                    </preKeyPublic>
                  </prekeys>
                </bundle>
              </item>
            </publish>
        """

    static let omemo2Announce = """
        <iq type='set' id='annouce2'>
          <pubsub xmlns='http://jabber.org/protocol/pubsub'>
            <publish node='urn:xmpp:omemo:2:bundles'>
              <item id='31415'>
                <bundle xmlns='urn:xmpp:omemo:2'>
                  <spk id='1'>b64/encoded/data</spk>
                  <spks>b64/encoded/data</spks>
                  <ik>b64/encoded/data</ik>
                  <prekeys>
                    <pk id='1'>b64/encoded/data</pk>
                    <pk id='2'>b64/encoded/data</pk>
                    <pk id='100'>b64/encoded/data</pk>
                  </prekeys>
                </bundle>
              </item>
            </publish>
            <publish-options>
              <x xmlns='jabber:x:data' type='submit'>
                <field var='FORM_TYPE' type='hidden'>
                  <value>http://jabber.org/protocol/pubsub#publish-options</value>
                </field>
                <field var='pubsub#max_items'>
                  <value>max</value>
                </field>
                <field var='pubsub#access_model'>
                  <value>open</value>
                </field>
              </x>
            </publish-options>
          </pubsub>
        </iq>
        """

    func bundle(_ version: OMEMOVersion, preKeyIDs: [UInt32]) -> OMEMOBundle {
        OMEMOBundle(
            version: version, signedPreKeyID: 1, signedPreKey: Self.key(1), signedPreKeySignature: Self.signature,
            identityKey: Self.key(2), preKeys: preKeyIDs.map { .init(id: $0, key: Self.key(UInt8($0 % 200) + 10)) })
    }

    /// The bundle element inside a publish.
    func bundleElement(_ xml: String) throws -> XMLElement {
        let iq = try #require(XMLElement.parse(xml))
        return try #require(iq.elements.first?.elements.first?.elements.first?.elements.first)
    }

    /// XEP-0384 0.3 "Announcing bundle information": keys with libsignal's type byte 0x05, base64
    /// across indented lines as in the example.
    @Test func legacyBundlesAreReadAndPublished() throws {
        let serialized = { (key: [UInt8]) in OMEMOKey.base64([0x05] + key) }
        let values = [
            serialized(Self.key(1)), OMEMOKey.base64(Self.signature), serialized(Self.key(2)), serialized(Self.key(11)),
            serialized(Self.key(12)), serialized(Self.key(13)),
        ]
        let xml = Fixture.filled(Self.legacyAnnounce, "BASE64ENCODED...", with: values)
        let expected = bundle(.legacy, preKeyIDs: [1, 2, 3])
        let indented = Self.legacyAnnounce.replacingOccurrences(of: "BASE64ENCODED...", with: "\n  AAAA\n")
        #expect(try OMEMOBundle(bundleElement(xml + "</pubsub></iq>")) == expected)
        let trimmed = xml.replacingOccurrences(of: ">\\s+", with: ">", options: .regularExpression)
            .replacingOccurrences(of: "\\s+<", with: "<", options: .regularExpression)
        #expect(
            expected.publish(device: 31415, id: "announce2").matches(
                trimmed + Fixture.publishOptionsOpen + "</pubsub></iq>"))
        #expect(try OMEMOBundle(expected.element) == expected)
        #expect(
            elementError { _ = try OMEMOBundle(try bundleElement(Fixture.filled(indented) + "</pubsub></iq>")) }
                == .invalidKey("signature"), "whitespace inside base64 is read, and three bytes are no signature")
    }

    /// XEP-0384 "Publishing bundle information with an open access model", and the fetches.
    @Test func omemo2BundlesAreReadAndPublished() throws {
        let b64 = { (key: [UInt8]) in OMEMOKey.base64(key) }
        let values = [
            b64(Self.key(1)), b64(Self.signature), b64(Self.key(2)), b64(Self.key(11)), b64(Self.key(12)),
            b64(Self.key(110)),
        ]
        let xml = Fixture.filled(Self.omemo2Announce, "b64/encoded/data", with: values)
        let expected = bundle(.omemo2, preKeyIDs: [1, 2, 100])
        #expect(try OMEMOBundle(bundleElement(xml)) == expected)
        #expect(expected.publish(device: 31415, id: "annouce2").matches(xml))
        #expect(
            elementError { _ = try OMEMOBundle(try bundleElement(Fixture.filled(Self.omemo2Announce))) }
                == .invalidKey("signature"), "the example's placeholders are no keys")
        let juliet = try JID("juliet@capulet.lit")
        #expect(
            OMEMOBundle.request(.omemo2, device: 31415, from: juliet, id: "fetch1").matches(
                "<iq type='get' to='juliet@capulet.lit' id='fetch1'><pubsub xmlns='http://jabber.org/protocol/pubsub'>"
                    + "<items node='urn:xmpp:omemo:2:bundles'><item id='31415'/></items></pubsub></iq>"),
            "the XEP's example leaves <items> unclosed")
        #expect(
            OMEMOBundle.request(.legacy, device: 31415, from: juliet, id: "fetch1").matches(
                "<iq type='get' to='juliet@capulet.lit' id='fetch1'><pubsub xmlns='http://jabber.org/protocol/pubsub'>"
                    + "<items node='eu.siacs.conversations.axolotl.bundles:31415'/></pubsub></iq>"))
    }

    func elementError(_ body: () throws -> Void) -> OMEMOElementError? {
        OMEMOProtobufTests.thrown(OMEMOElementError.self, body)
    }

    func read(_ version: OMEMOVersion, _ edit: (String) -> String) -> OMEMOElementError? {
        elementError {
            _ = try OMEMOBundle(XMLElement.parse(edit(bundle(version, preKeyIDs: [1, 2]).element.serialized()))!)
        }
    }

    @Test func bundlesWithBadKeysOrIDsAreRefused() {
        let legacyKey = OMEMOKey.base64([0x05] + Self.key(11))
        let rawKey = OMEMOKey.base64(Self.key(11))
        #expect(read(.legacy) { $0 } == nil)
        #expect(read(.legacy) { $0.replacingOccurrences(of: legacyKey, with: rawKey) } == .invalidKey("prekey"))
        #expect(read(.omemo2) { $0.replacingOccurrences(of: rawKey, with: legacyKey) } == .invalidKey("prekey"))
        #expect(read(.legacy) { $0.replacingOccurrences(of: legacyKey, with: "BQsL!wsL") } == .invalidBase64("prekey"))
        #expect(read(.omemo2) { $0.replacingOccurrences(of: "id='2'", with: "id='1'") } == .duplicateID(1))
        #expect(read(.omemo2) { $0.replacingOccurrences(of: "id='2'", with: "id='0'") } == .invalidID("prekey id"))
        #expect(
            read(.legacy) { $0.replacingOccurrences(of: "signedPreKeyId='1'", with: "signedPreKeyId='2147483648'") }
                == .invalidID("signed prekey id"))
        #expect(read(.omemo2) { $0.replacingOccurrences(of: "ik>", with: "other>") } == .missing("identity key"))
        #expect(
            read(.omemo2) {
                $0.replacingOccurrences(of: "<pk", with: "<other").replacingOccurrences(of: "/pk>", with: "/other>")
            }
                == .missing("prekeys"))
    }

    @Test func bundlesWithTooManyPreKeysAreRefused() {
        let many = bundle(.omemo2, preKeyIDs: Array(1...201))
        #expect(elementError { _ = try OMEMOBundle(many.element) } == .tooMany("prekeys", limit: 200))
        let most = bundle(.omemo2, preKeyIDs: Array(1...200))
        #expect(elementError { _ = try OMEMOBundle(most.element) } == nil)
    }
}
