import Foundation
import Testing
import XMPPCore
import XMPPExtensions

/// Where each OMEMO version keeps its data in PEP, what each node asks for, how keys are written,
/// and the fuzz targets' seed corpora (each a valid input, so that the fuzzers start from one).
@Suite struct OMEMOVersionTests {
    @Test func eachVersionHasItsNodesAndItems() {
        #expect(OMEMOVersion(namespace: "eu.siacs.conversations.axolotl") == .legacy)
        #expect(OMEMOVersion(namespace: "urn:xmpp:omemo:2") == .omemo2)
        #expect(OMEMOVersion(namespace: "urn:xmpp:omemo:1") == nil)
        #expect(OMEMOVersion.legacy.devicesNode == "eu.siacs.conversations.axolotl.devicelist")
        #expect(OMEMOVersion.legacy.bundlesNode(device: 31415) == "eu.siacs.conversations.axolotl.bundles:31415")
        #expect(OMEMOVersion.legacy.bundleItemID(device: 31415) == "current")
        #expect(OMEMOVersion.omemo2.devicesNode == "urn:xmpp:omemo:2:devices")
        #expect(OMEMOVersion.omemo2.bundlesNode(device: 31415) == "urn:xmpp:omemo:2:bundles")
        #expect(OMEMOVersion.omemo2.bundleItemID(device: 31415) == "31415")
    }

    /// XEP-0384 §Device list and §Bundles: open access everywhere; OMEMO 2's shared bundles
    /// node keeps as many items as allowed.
    @Test func eachNodeAsksForOpenAccess() {
        func options(_ form: DataForm) -> [String: [String]] {
            Dictionary(
                uniqueKeysWithValues: form.fields.compactMap { field in field.variable.map { ($0, field.values) } })
        }
        let formType = ["FORM_TYPE": ["http://jabber.org/protocol/pubsub#publish-options"]]
        let open = formType.merging(["pubsub#access_model": ["open"]]) { $1 }
        for version in OMEMOVersion.allCases {
            #expect(options(version.devicesPublishOptions) == open)
            #expect(version.devicesPublishOptions.type == .submit)
        }
        #expect(options(OMEMOVersion.legacy.bundlesPublishOptions) == open, "one bundle per node: one item")
        #expect(
            options(OMEMOVersion.omemo2.bundlesPublishOptions) == open.merging(["pubsub#max_items": ["max"]]) { $1 })
    }

    @Test func base64AllowsWhitespaceAndMissingPaddingOnly() {
        #expect(OMEMOKey.base64("AQID") == [1, 2, 3])
        #expect(OMEMOKey.base64(" AQ\n\tI\r\nD ") == [1, 2, 3], "XML whitespace is dropped")
        #expect(OMEMOKey.base64("AQI") == [1, 2], "missing padding")
        #expect(OMEMOKey.base64("AQ") == [1])
        #expect(OMEMOKey.base64("AQI=") == [1, 2])
        #expect(OMEMOKey.base64("A") == nil)
        #expect(OMEMOKey.base64("AQ=D") == nil, "padding inside")
        #expect(OMEMOKey.base64("AQ\u{A0}ID") == nil, "only XML whitespace is dropped")
        #expect(OMEMOKey.base64("AQ-_") == nil, "base64url is another alphabet")
        #expect(OMEMOKey.base64([1, 2]) == "AQI=")
        #expect(OMEMOKey.serialized([UInt8](repeating: 7, count: 32)).first == 0x05)
        #expect(OMEMOKey.fromSerialized([0x05] + [UInt8](repeating: 7, count: 31)) == nil)
    }

    /// The one-pass decoder agrees with Foundation's encoder for every length and byte value,
    /// padded or not, with XML whitespace anywhere.
    @Test func base64DecodesWhatFoundationEncodes() {
        var generator = SystemRandomNumberGenerator()
        for length in 0..<200 {
            let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
            let encoded = Data(bytes).base64EncodedString()
            #expect(OMEMOKey.base64(encoded) == bytes)
            #expect(OMEMOKey.base64(String(encoded.prefix { $0 != "=" })) == bytes, "unpadded")
            let wrapped = encoded.enumerated().map { index, character in
                index % 7 == 6 ? "\n \(character)" : "\(character)"
            }
            #expect(OMEMOKey.base64(wrapped.joined()) == bytes, "wrapped")
        }
    }

    @Test func labelsAreKeptOnlyWhenSignedShortAndInOMEMO2() throws {
        let signature = OMEMOKey.base64([UInt8](repeating: 1, count: 64))
        func label(_ attributes: String, _ namespace: String = Namespace.omemo2) throws -> String? {
            let name = namespace == Namespace.omemo2 ? "devices" : "list"
            let element = try #require(
                XMLElement.parse("<\(name) xmlns='\(namespace)'><device id='1' \(attributes)/></\(name)>"))
            return try OMEMODeviceList(element).devices.first?.label
        }
        #expect(try label("label='Dino' labelsig='\(signature)'") == "Dino")
        #expect(try label("label='Dino'") == nil, "no signature")
        #expect(try label("label='' labelsig='\(signature)'") == nil)
        #expect(try label("label='\(String(repeating: "x", count: 201))' labelsig='\(signature)'") == nil)
        #expect(try label("label='\(String(repeating: "x", count: 200))' labelsig='\(signature)'")?.count == 200)
        #expect(try label("label='Dino' labelsig='\(signature)'", Namespace.omemoLegacy) == nil, "0.3 has no labels")
        let unsigned = OMEMODeviceList(version: .omemo2, devices: [.init(id: 1, label: "Dino")])
        #expect(unsigned.element.elements.first?[attribute: "label"] == nil, "a label is never written unsigned")
    }

    @Test func aLimitOfTheReaderCanBeSmaller() {
        #expect(throws: ProtobufError.tooLarge(size: 5, limit: 4)) {
            try ProtobufReader([1, 2, 3, 4, 5], maximumSize: 4)
        }
        #expect(throws: Never.self) { try ProtobufReader([1, 2, 3, 4], maximumSize: 4) }
    }

    static let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("FuzzCorpus")

    func seeds(_ target: String) throws -> [String: [UInt8]] {
        let folder = Self.corpus.appendingPathComponent(target)
        var seeds: [String: [UInt8]] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: folder.path) {
            seeds[name] = Array(try Data(contentsOf: folder.appendingPathComponent(name)))
        }
        return seeds
    }

    @Test func theProtobufSeedsAreMessages() throws {
        let seeds = try seeds("protobuf")
        #expect(seeds.count == 4)
        let signal = try SignalMessageFrame(try #require(seeds["signal-message"]))
        #expect(signal.message.counter == 3 && signal.message.previousCounter == 300)
        let preKey = try PreKeySignalMessage(try #require(seeds["prekey-signal-message"]))
        #expect(preKey.message == signal && preKey.preKeyID == 7 && preKey.registrationID == 0x1234)
        let exchange = try OMEMOKeyExchange(try #require(seeds["omemo-key-exchange"]))
        let authenticated = try #require(seeds["omemo-authenticated-message"])
        #expect(exchange.message == (try OMEMOAuthenticatedMessage(authenticated)))
        #expect(exchange.message.message.ciphertext?.count == 48)
    }

    @Test func theOMEMOSeedsAreElements() throws {
        let seeds = try seeds("omemo")
        #expect(seeds.count == 9)
        func element(_ name: String) throws -> XMLElement {
            let bytes = try #require(seeds[name])
            return try #require(XMLElement.parse(String(decoding: bytes, as: UTF8.self)))
        }
        #expect(try OMEMODeviceList(element("device-list-0.3")).ids == [12345, 4223])
        #expect(try OMEMODeviceList(element("device-list-2")).devices.first?.label == "Gajim on Ubuntu Linux")
        #expect(try OMEMOBundle(element("bundle-0.3")).preKeys.map(\.id) == [1, 2])
        #expect(try OMEMOBundle(element("bundle-2")).preKeys.map(\.id) == [1, 100])
        let legacy = try #require(try OMEMOEncrypted.find(in: element("encrypted-0.3")))
        #expect(try PreKeySignalMessage(try #require(legacy.keys.last).data).signedPreKeyID == 2)
        let omemo2 = try #require(try OMEMOEncrypted.find(in: element("encrypted-2")))
        #expect(try OMEMOAuthenticatedMessage(try #require(omemo2.keys.first).data).message.n == 1)
    }
}
