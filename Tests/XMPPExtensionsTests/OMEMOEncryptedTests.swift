import Testing
import XMPPCore
import XMPPExtensions

/// OMEMO's `<encrypted/>` element (XEP-0384 §Sending a message), from the current XEP's
/// examples and those of version 0.3 (the XML comments in them left out: XMPP allows none).
@Suite struct OMEMOEncryptedTests {
    typealias Fixture = OMEMOElementTests
    let juliet = try! JID("juliet@capulet.lit")
    let romeo = try! JID("romeo@montague.lit")
    let mercutio = try! JID("mercutio@verona.lit")

    static let legacyMessage = """
        <message to='juliet@capulet.lit' id='send1'>
          <encrypted xmlns='eu.siacs.conversations.axolotl'>
            <header sid='27183'>
              <key rid='31415'>BASE64ENCODED...</key>
              <key prekey="true" rid='12321'>BASE64ENCODED...</key>
              <iv>BASE64ENCODED...</iv>
            </header>
            <payload>BASE64ENCODED</payload>
          </encrypted>
          <store xmlns='urn:xmpp:hints'/>
        </message>
        """

    static let omemo2GroupMessage = """
        <message to='secret-room@conference.capulet.lit' type='groupchat'>
          <encrypted xmlns='urn:xmpp:omemo:2'>
            <header sid='27183'>
              <keys jid='juliet@capulet.lit'>
                <key rid='31415'>b64/encoded/data</key>
              </keys>
              <keys jid='romeo@montague.lit'>
                <key kex='true' rid='123'>b64/encoded/data</key>
              </keys>
              <keys jid='mercutio@verona.lit'>
                <key kex='true' rid='456'>b64/encoded/data</key>
              </keys>
            </header>
            <payload>
              base64/encoded/message/key/encrypted/envelope/element
            </payload>
          </encrypted>
          <store xmlns='urn:xmpp:hints'/>
        </message>
        """

    func read(_ xml: String) throws -> OMEMOEncrypted? {
        try OMEMOEncrypted.find(in: try #require(XMLElement.parse(xml)))
    }

    func readError(_ xml: String) -> OMEMOElementError? {
        OMEMOProtobufTests.thrown(OMEMOElementError.self) { _ = try OMEMOEncrypted.find(in: XMLElement.parse(xml)!) }
    }

    /// XEP-0384 0.3 "Sending a message" and "Sending a key" (no payload).
    @Test func legacyMessagesAndKeyTransportsAreReadAndWritten() throws {
        let values = ["AQID", "BAUG", OMEMOKey.base64([UInt8](repeating: 9, count: 12)), "BwgJ"]
        let xml = Fixture.filled(Self.legacyMessage, "BASE64ENCODED", with: values.map { $0 + "..." })
            .replacingOccurrences(of: "...", with: "")
        let expected = OMEMOEncrypted(
            version: .legacy, sender: 27183,
            keys: [
                .init(device: 31415, isKeyExchange: false, data: [1, 2, 3]),
                .init(device: 12321, isKeyExchange: true, data: [4, 5, 6]),
            ], iv: [UInt8](repeating: 9, count: 12), payload: [7, 8, 9])
        let message = try #require(try read(xml))
        #expect(message == expected)
        let encrypted = try #require(XMLElement.parse(xml)?.elements.first)
        #expect(expected.element.matches(encrypted))
        #expect(message.key(for: 12321, of: juliet)?.data == [4, 5, 6], "0.3 names no account")
        var transport = expected
        transport.payload = nil
        #expect(try OMEMOEncrypted(transport.element) == transport)
        #expect(transport.element.child("payload", namespace: Namespace.omemoLegacy) == nil)
        #expect(readError(Self.legacyMessage) == .invalidBase64("key"), "the example's placeholders are not base64")
    }

    /// XEP-0384 "Juliet sends a message to a group chat with Romeo and Mercutio", and "Sending
    /// a message" (keys for one's own other devices in a second group).
    @Test func omemo2MessagesAreReadAndWrittenByAccount() throws {
        let values = ["AQID", "BAUG", "BwgJ"]
        let xml = Fixture.filled(Self.omemo2GroupMessage, "b64/encoded/data", with: values)
            .replacingOccurrences(of: "base64/encoded/message/key/encrypted/envelope/element", with: "\n  CgsM\n")
        let expected = OMEMOEncrypted(
            version: .omemo2, sender: 27183,
            keys: [
                .init(account: juliet, device: 31415, isKeyExchange: false, data: [1, 2, 3]),
                .init(account: romeo, device: 123, isKeyExchange: true, data: [4, 5, 6]),
                .init(account: mercutio, device: 456, isKeyExchange: true, data: [7, 8, 9]),
            ], payload: [10, 11, 12])
        let message = try #require(try read(xml))
        #expect(message == expected)
        #expect(message.key(for: 123, of: try JID("romeo@montague.lit/orchard"))?.isKeyExchange == true)
        #expect(message.key(for: 123, of: juliet) == nil, "a key is for a device of one account")
        #expect(try OMEMOEncrypted(expected.element) == expected)
        let grouped = try #require(
            try read(
                "<message><encrypted xmlns='urn:xmpp:omemo:2'><header sid='27183'>"
                    + "<keys jid='juliet@capulet.lit'><key rid='31415'>AQID</key></keys>"
                    + "<keys jid='romeo@montague.lit'><key rid='1337'>BAUG</key><key kex='true' rid='12321'>BwgJ</key></keys>"
                    + "</header></encrypted></message>"))
        #expect(grouped.keys.map(\.device) == [31415, 1337, 12321])
        #expect(grouped.payload == nil, "an empty OMEMO message has no payload")
        #expect(
            grouped.element.matches(
                "<encrypted xmlns='urn:xmpp:omemo:2'><header sid='27183'>"
                    + "<keys jid='juliet@capulet.lit'><key rid='31415'>AQID</key></keys>"
                    + "<keys jid='romeo@montague.lit'><key rid='1337'>BAUG</key><key kex='true' rid='12321'>BwgJ</key></keys>"
                    + "</header></encrypted>"))
        #expect(try read("<message><body>hi</body></message>") == nil)
    }

    @Test func malformedEncryptedElementsAreRefused() {
        let legacy = { (header: String) in
            "<message><encrypted xmlns='eu.siacs.conversations.axolotl'><header sid='1'>\(header)</header>"
                + "<payload>AQID</payload></encrypted></message>"
        }
        let iv = "<iv>AAAAAAAAAAAAAAAA</iv>"
        #expect(readError(legacy("<key rid='2'>AQID</key>" + iv)) == nil)
        #expect(readError(legacy("<key rid='2'>AQID</key><key rid='2'>AQID</key>" + iv)) == .duplicateID(2))
        #expect(readError(legacy("<key rid='2'>A*ID</key>" + iv)) == .invalidBase64("key"))
        #expect(readError(legacy("<key rid='2'></key>" + iv)) == .invalidKey("key"), "an empty key")
        #expect(readError(legacy("<key rid='2147483648'>AQID</key>" + iv)) == .invalidID("recipient device id"))
        #expect(readError(legacy("<key rid='2'>AQID</key>")) == .missing("iv"))
        #expect(readError(legacy("<key rid='2'>AQID</key><iv>AQID</iv>")) == .invalidKey("iv"))
        #expect(
            readError("<message><encrypted xmlns='eu.siacs.conversations.axolotl'/></message>") == .missing("header"))
        let keys = (1...2_001).map { "<key rid='\($0)'>AQID</key>" }.joined()
        #expect(readError(legacy(keys + iv)) == .tooMany("keys", limit: 2_000))
        let omemo2 = { (header: String) in
            "<message><encrypted xmlns='urn:xmpp:omemo:2'><header sid='1'>\(header)</header></encrypted></message>"
        }
        #expect(
            readError(omemo2("<keys jid='romeo@montague.lit/orchard'><key rid='2'>AQID</key></keys>"))
                == .invalidJID("recipient address"))
        #expect(readError(omemo2("<keys><key rid='2'>AQID</key></keys>")) == .missing("recipient address"))
        #expect(
            readError(
                omemo2("<keys jid='a@b'><key rid='2'>AQID</key></keys><keys jid='a@b'><key rid='3'>AQID</key></keys>"))
                == .duplicateAccount)
        #expect(
            readError(
                omemo2("<keys jid='a@b'><key rid='2'>AQID</key></keys><keys jid='c@b'><key rid='2'>AQID</key></keys>"))
                == nil, "one device id may be in use by two accounts")
        #expect(
            readError("<message><encrypted xmlns='urn:xmpp:omemo:2'><header sid='0'/></encrypted></message>")
                == .invalidID("sender device id"))
    }
}
