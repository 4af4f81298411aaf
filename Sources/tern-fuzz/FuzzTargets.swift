import OpenSSLSupport
import SafeText
import TerminalUI
import TernConfig
import TestSupport
import XMLStream
import XMPPCore
import XMPPExtensions

/// What each fuzz target feeds its input to. A target crashes (and so fails the run) only on a
/// crash, a sanitizer finding or a broken invariant checked here, never on input it refuses.
enum FuzzTargets {
    static let all = ["xml", "session", "routing", "scram", "config", "text", "protobuf", "omemo"]

    static func run(_ target: String, _ data: [UInt8]) {
        switch target {
        case "xml": xml(data)
        case "session": session(data)
        case "routing": routing(data)
        case "scram": scram(data)
        case "config": config(data)
        case "text": text(data)
        case "protobuf": protobuf(data)
        case "omemo": omemo(data)
        default: fatalError("unknown fuzz target \(target); one of \(all.joined(separator: ", "))")
        }
    }

    /// The stream parser and tree builder, fed in two chunks (split where the first byte says),
    /// after a stream header. Every stanza it builds must survive serialising and parsing again.
    static func xml(_ data: [UInt8]) {
        let parser = XMLStreamParser(maximumStanzaSize: 64 * 1024)
        _ = parser.feed(SessionHarness.serverHeader())
        let split = data.isEmpty ? 0 : Int(data[0]) % (data.count + 1)
        for chunk in [Array(data[..<split]), Array(data[split...])] {
            let output = parser.feed(chunk)
            for case .element(let element) in output.events {
                let serialized = element.serialized()
                guard let again = XMLElement.parse(serialized) else {
                    fatalError("a parsed stanza does not parse again: \(serialized)")
                }
                precondition(again.serialized() == serialized, "serialising is not stable: \(serialized)")
            }
            if output.error != nil { return }
        }
    }

    /// The session from the first byte of the server's stream: negotiation fed anything.
    static func session(_ data: [UInt8]) {
        let harness = SessionHarness(
            configuration: SessionConfiguration(jid: try! JID("juliet@example.org"), password: "pw", resource: "r"))
        harness.connect()
        harness.serverSends(String(decoding: data, as: UTF8.self))
        harness.advance(by: .seconds(120))
    }

    /// An established session with every extension, fed stanzas. Reused while it stays up (a
    /// login costs a SCRAM exchange).
    nonisolated(unsafe) static var established: SessionHarness?

    static func routing(_ data: [UInt8]) {
        if established?.session.isEstablished != true {
            let harness = SessionHarness(
                configuration: SessionConfiguration(jid: try! JID("juliet@example.org"), password: "pw", resource: "r"))
            let disco = DiscoClient()
            let extensions: [any SessionExtension] = [
                RosterManager(), PresenceManager(), CarbonsManager(), ArchiveManager(disco: disco), BlockingManager(),
                MessageHandler(), disco, EntityCapabilities(disco: disco, known: [:]), ClientStateIndication(),
                PingResponder(), DiscoInfoResponder(), SoftwareVersion(version: "fuzz"),
            ]
            for ext in extensions { harness.session.register(ext) }
            try! harness.establishScripted(streamManagement: .enabled())
            established = harness
        }
        let harness = established!
        harness.serverSends(String(decoding: data, as: UTF8.self))
        _ = harness.takeWritten()
        _ = harness.takeEvents()
    }

    static let crypto = OpenSSLCrypto()

    /// SCRAM's server messages: the challenge (after a nonce the fuzzer need not guess) and the
    /// final message.
    static func scram(_ data: [UInt8]) {
        var client = SCRAMClient(
            algorithm: .sha256, username: "juliet", password: "pw", channelBinding: .notSupported,
            crypto: crypto, clientNonce: "abc", maximumIterations: 4096)
        _ = client.initialResponse()
        let half = data.count / 2
        guard (try? client.respond(to: Array("r=abc".utf8) + data[..<half])) != nil else { return }
        _ = try? client.complete(withSuccessData: Array(data[half...]))
    }

    /// config.toml and theme files.
    static func config(_ data: [UInt8]) {
        let text = String(decoding: data, as: UTF8.self)
        _ = try? TernConfiguration.parse(text, file: "/fuzz/config.toml")
        _ = ThemeDefinition.parse(text, name: "fuzz", file: "/fuzz/fuzz.theme")
    }

    /// The terminal sanitiser (nothing dangerous survives it, and it is idempotent), look-alike
    /// addresses, and the key decoder.
    static func text(_ data: [UInt8]) {
        let text = String(decoding: data, as: UTF8.self)
        let safe = TerminalSafe.sanitize(text)
        for scalar in safe.unicodeScalars {
            let value = scalar.value
            precondition(
                !(value < 0x20 || (0x7F...0x9F).contains(value) || (0x202A...0x202E).contains(value)
                    || (0x2066...0x2069).contains(value) || value == 0x200B || value == 0x200E || value == 0x200F),
                "U+\(String(value, radix: 16)) survived the sanitiser")
        }
        precondition(TerminalSafe.sanitize(safe) == safe, "sanitising twice changes the text")
        _ = TerminalSafe.address(text)
        var decoder = KeyDecoder()
        _ = decoder.decode(text.unicodeScalars.map { .character($0) })
    }

    /// OMEMO's protobuf messages, both versions. What one reads must write back to the same
    /// bytes' meaning, and a message kept as received (for its MAC) must be those bytes.
    static func protobuf(_ data: [UInt8]) {
        if let frame = try? SignalMessageFrame(data) {
            precondition(frame.bytes == data, "a SignalMessage frame is not kept as received")
            let written = SignalMessageFrame(frame.message, mac: frame.mac)
            precondition(try! SignalMessageFrame(written.bytes) == written, "a SignalMessage changes")
        }
        if let message = try? PreKeySignalMessage(data) {
            precondition(
                try! PreKeySignalMessage(message.bytes).bytes == message.bytes, "a PreKeySignalMessage changes")
        }
        if let message = try? OMEMOKeyExchange(data) {
            precondition(try! OMEMOKeyExchange(message.bytes) == message, "an OMEMOKeyExchange changes")
        }
        if let message = try? OMEMOAuthenticatedMessage(data) {
            precondition(
                try! OMEMOAuthenticatedMessage(message.bytes) == message, "an OMEMOAuthenticatedMessage changes")
        }
        if let message = try? OMEMOMessage(data) {
            precondition(try! OMEMOMessage(message.bytes) == message, "an OMEMOMessage changes")
        }
    }

    /// OMEMO's elements, both versions, fed as one element: what is read writes back to the
    /// same value.
    static func omemo(_ data: [UInt8]) {
        guard let element = XMLElement.parse(String(decoding: data, as: UTF8.self)) else { return }
        for candidate in [element] + element.elements {
            if let list = try? OMEMODeviceList(candidate) {
                precondition(try! OMEMODeviceList(list.element) == list, "a device list changes")
            }
            if let bundle = try? OMEMOBundle(candidate) {
                precondition(try! OMEMOBundle(bundle.element) == bundle, "a bundle changes")
            }
            if let encrypted = try? OMEMOEncrypted(candidate) {
                precondition(try! OMEMOEncrypted(encrypted.element) == encrypted, "an encrypted element changes")
            }
            if let envelope = try? SCEEnvelope(candidate) {
                precondition(try! SCEEnvelope(envelope.element) == envelope, "an envelope changes")
            }
            if candidate.name == "message" {
                _ = OMEMOPEP.isDeviceListNotification(candidate)
                if let notification = try? OMEMOPEP.deviceList(candidate) {
                    precondition(notification.owner.isBare, "a device list from a full JID")
                }
                _ = try? OMEMOPEP.deviceList(result: candidate, .omemo2)
            }
            if let url = AESGCMURL(body: candidate.text) {
                precondition(AESGCMURL(body: url.text)?.key == url.key, "an aesgcm URL's key changes")
            }
        }
    }
}
