import Foundation
import Testing
import XMPPCore
import XMPPExtensions

/// OMEMO's device lists and bundles (XEP-0384), from the examples of the current XEP and of its
/// version 0.3 (xsf/xeps 387cf768). The examples' placeholders (`BASE64ENCODED...`,
/// `b64/encoded/data`) are no keys; `filled` puts real ones in their place, in order.
@Suite struct OMEMOElementTests {
    static let publishOptionsOpen =
        "<publish-options><x xmlns='jabber:x:data' type='submit'>"
        + "<field var='FORM_TYPE' type='hidden'><value>http://jabber.org/protocol/pubsub#publish-options</value></field>"
        + "<field var='pubsub#access_model'><value>open</value></field></x></publish-options>"

    /// A key numbered `n`: 32 bytes, each `n`.
    static func key(_ n: UInt8) -> [UInt8] { [UInt8](repeating: n, count: 32) }
    static let signature = [UInt8](repeating: 0x5A, count: 64)

    /// `xml` without the whitespace between elements, and with each `placeholder` replaced by the
    /// next of `values`.
    static func filled(_ xml: String, _ placeholder: String = "", with values: [String] = []) -> String {
        var text = xml.replacingOccurrences(of: ">\\s+<", with: "><", options: .regularExpression)
        for value in values {
            guard let range = text.range(of: placeholder) else { break }
            text.replaceSubrange(range, with: value)
        }
        return text
    }

    func stanza(_ xml: String) throws -> XMLElement { try #require(XMLElement.parse(xml)) }

    func elementError(_ body: () throws -> Void) -> OMEMOElementError? {
        OMEMOProtobufTests.thrown(OMEMOElementError.self, body)
    }

    /// XEP-0384 0.3, "Devicelist update received by subscribed clients" and "Adding the own
    /// device ID to the list" (with the publish-options a publish now asks for).
    @Test func legacyDeviceListsAreReadAndPublished() throws {
        let update = try stanza(
            Self.filled(
                """
                <message from='juliet@capulet.lit' to='romeo@montague.lit' type='headline' id='update_01'>
                  <event xmlns='http://jabber.org/protocol/pubsub#event'>
                    <items node='eu.siacs.conversations.axolotl.devicelist'>
                      <item id='current'>
                        <list xmlns='eu.siacs.conversations.axolotl'>
                          <device id='12345' />
                          <device id='4223' />
                        </list>
                      </item>
                    </items>
                  </event>
                </message>
                """))
        let items = try #require(update.child("event", namespace: Namespace.pubsubEvent)?.child("items"))
        #expect(items[attribute: "node"] == OMEMOVersion.legacy.devicesNode)
        let list = try OMEMODeviceList(try #require(items.elements.first?.elements.first))
        #expect(list == OMEMODeviceList(version: .legacy, devices: [.init(id: 12345), .init(id: 4223)]))
        let announced = OMEMODeviceList(
            version: .legacy, devices: [.init(id: 12345), .init(id: 4223), .init(id: 31415)])
        #expect(
            announced.publish(id: "announce1").matches(
                Self.filled(
                    """
                    <iq type='set' id='announce1'>
                      <pubsub xmlns='http://jabber.org/protocol/pubsub'>
                        <publish node='eu.siacs.conversations.axolotl.devicelist'>
                          <item id='current'>
                            <list xmlns='eu.siacs.conversations.axolotl'>
                              <device id='12345' />
                              <device id='4223' />
                              <device id='31415' />
                            </list>
                          </item>
                        </publish>
                    """) + Self.publishOptionsOpen + "</pubsub></iq>"))
        #expect(try OMEMODeviceList(announced.element) == announced)
    }

    static let omemo2Announce = """
        <iq type='set' id='announce1'>
          <pubsub xmlns='http://jabber.org/protocol/pubsub'>
            <publish node='urn:xmpp:omemo:2:devices'>
              <item id='current'>
                <devices xmlns='urn:xmpp:omemo:2'>
                  <device id='12345' label='Dino on Lenovo Thinkpad T495' labelsig='b64/encoded/data' />
                  <device id='4223' />
                  <device id='31415' label='Conversations on Pixel 3' labelsig='b64/encoded/data' />
                </devices>
              </item>
            </publish>
            <publish-options>
              <x xmlns='jabber:x:data' type='submit'>
                <field var='FORM_TYPE' type='hidden'>
                  <value>http://jabber.org/protocol/pubsub#publish-options</value>
                </field>
                <field var='pubsub#access_model'>
                  <value>open</value>
                </field>
              </x>
            </publish-options>
          </pubsub>
        </iq>
        """

    /// XEP-0384 Example "Adding the own device id to the list": labels come with signatures of
    /// 64 bytes; the example's placeholder signature is too short, so its labels are dropped.
    @Test func omemo2DeviceListsKeepOnlySignedLabels() throws {
        let signature = OMEMOKey.base64(Self.signature)
        let filled = Self.filled(Self.omemo2Announce, "b64/encoded/data", with: [signature, signature])
        let element = try stanza(filled)
        let item = try #require(element.elements.first?.elements.first?.elements.first?.elements.first)
        let list = try OMEMODeviceList(item)
        let expected = OMEMODeviceList(
            version: .omemo2,
            devices: [
                .init(id: 12345, label: "Dino on Lenovo Thinkpad T495", labelSignature: Self.signature),
                .init(id: 4223),
                .init(id: 31415, label: "Conversations on Pixel 3", labelSignature: Self.signature),
            ])
        #expect(list == expected)
        #expect(expected.publish(id: "announce1").matches(filled))
        let placeholders = try stanza(Self.filled(Self.omemo2Announce))
        let unsigned = try OMEMODeviceList(
            try #require(placeholders.elements.first?.elements.first?.elements.first?.elements.first))
        #expect(unsigned.ids == [12345, 4223, 31415])
        #expect(unsigned.devices.allSatisfy { $0.label == nil }, "a label whose signature is no signature is ignored")
    }

    /// XEP-0384 "Devicelist update received by subscribed clients" and the group chat fetches.
    @Test func omemo2DeviceListsAreRequested() throws {
        let list = try OMEMODeviceList(
            stanza(
                "<devices xmlns='urn:xmpp:omemo:2'><device id='12345' />"
                    + "<device id='4223' label='Gajim on Ubuntu Linux' labelsig='b64/encoded/data' /></devices>"))
        #expect(list.ids == [12345, 4223])
        #expect(
            OMEMODeviceList.request(.omemo2, from: try JID("romeo@montague.lit/orchard"), id: "gfetch0").matches(
                "<iq type='get' to='romeo@montague.lit' id='gfetch0'><pubsub xmlns='http://jabber.org/protocol/pubsub'>"
                    + "<items node='urn:xmpp:omemo:2:devices'/></pubsub></iq>"))
    }

    @Test func deviceListsWithBadIDsOrTooManyDevicesAreRefused() throws {
        func read(_ devices: String, _ namespace: String = Namespace.omemoLegacy) -> OMEMOElementError? {
            elementError { _ = try OMEMODeviceList(XMLElement.parse("<list xmlns='\(namespace)'>\(devices)</list>")!) }
        }
        #expect(read("<device id='7'/><device id='7'/>") == .duplicateID(7))
        for id in ["0", "2147483648", "-1", "+5", "12a", "", "99999999999", "٣"] {
            #expect(read("<device id='\(id)'/>") == .invalidID("device id"), "id \(id)")
        }
        #expect(read("<device/>") == .missing("device id"))
        #expect(read("<device id='2147483647'/>") == nil, "2^31 - 1 is the largest id")
        let many = (1...1_001).map { "<device id='\($0)'/>" }.joined()
        #expect(read(many) == .tooMany("devices", limit: 1_000))
        #expect(read(String(many.dropLast("<device id='1001'/>".count))) == nil)
        #expect(read("<device id='1'/>", Namespace.omemo2) == .missing("device list"), "OMEMO 2's list is <devices/>")
        #expect(read("<device id='1'/><unknown xmlns='urn:example'/>") == nil, "unknown children are ignored")
    }
}
