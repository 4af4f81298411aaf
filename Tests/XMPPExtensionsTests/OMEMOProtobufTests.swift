import Testing
import XMPPExtensions

/// The protobuf codec and OMEMO's messages: known answers written from the schemas (libsignal's
/// `WhisperTextProtocol` for 0.3, XEP-0384 §Protobuf Schema for OMEMO 2), round trips, and the
/// codec's limits.
@Suite struct OMEMOProtobufTests {
    let ratchetKey = [UInt8](1...32)
    let baseKey = [UInt8](33...64)
    let identityKey = [UInt8](65...96)
    let mac8: [UInt8] = [0xA0, 0xA1, 0xA2, 0xA3, 0xA4, 0xA5, 0xA6, 0xA7]

    func fields(_ bytes: [UInt8]) throws(ProtobufError) -> [(Int, ProtobufReader.Value)] {
        var reader = try ProtobufReader(bytes)
        var fields: [(Int, ProtobufReader.Value)] = []
        while let field = try reader.next() { fields.append(field) }
        return fields
    }

    /// The error of type `E` that `body` throws; nil when it throws none. Another error fails the
    /// test.
    static func thrown<E: Error>(_ type: E.Type, _ body: () throws -> Void) -> E? {
        do {
            try body()
            return nil
        } catch let error as E {
            return error
        } catch {
            Issue.record(error)
            return nil
        }
    }

    func error(_ body: () throws -> Void) -> ProtobufError? { Self.thrown(ProtobufError.self, body) }

    var signalMessage: SignalMessage {
        SignalMessage(ratchetKey: ratchetKey, counter: 3, previousCounter: 300, ciphertext: [0xC0, 0xC1])
    }

    /// The protobuf encoding guide's example: field 1, varint 150.
    @Test func varintsAreWrittenAndReadMinimally() throws {
        var writer = ProtobufWriter()
        writer.varint(1, 150)
        #expect(writer.bytes == [0x08, 0x96, 0x01])
        for value: UInt64 in [0, 1, 127, 128, 16_383, 16_384, UInt64(UInt32.max), UInt64.max] {
            var writer = ProtobufWriter()
            writer.varint(536_870_911, value)
            writer.bytes(2, [7, 8])
            let read = try fields(writer.bytes)
            #expect(read.count == 2)
            #expect(read[0].0 == 536_870_911 && read[0].1 == .varint(value))
            #expect(read[1].0 == 2 && read[1].1 == .bytes([7, 8]))
        }
    }

    @Test func fixedWidthAndUnknownFieldsAreSkipped() throws {
        var writer = ProtobufWriter()
        writer.varint(9, 5)
        writer.bytes(10, [1, 2, 3])
        let fixed64: [UInt8] = [0x59] + [UInt8](repeating: 0xFF, count: 8)
        let fixed32: [UInt8] = [0x65, 1, 2, 3, 4]
        let message = signalMessage.versionedBytes + writer.bytes + fixed64 + fixed32
        let frame = try SignalMessageFrame(message + mac8)
        #expect(frame.message == signalMessage)
        #expect(frame.versionedBytes == message, "the bytes the MAC covers are kept as received")
        #expect(try fields(fixed64 + fixed32).map(\.1) == [.skipped, .skipped])
    }

    @Test func overlongVarintsAreRefused() {
        #expect(error { _ = try fields([0x08, 0x80, 0x00]) } == .overlongVarint, "a trailing zero group")
        #expect(error { _ = try fields([0x88, 0x00, 0x01]) } == .overlongVarint, "an overlong field key")
        let eleven: [UInt8] = [0x08] + [UInt8](repeating: 0xFF, count: 10) + [0x01]
        #expect(error { _ = try fields(eleven) } == .overlongVarint, "more than ten bytes")
        let overflow: [UInt8] = [0x08] + [UInt8](repeating: 0xFF, count: 9) + [0x02]
        #expect(error { _ = try fields(overflow) } == .overlongVarint, "more than 64 bits")
        let largest: [UInt8] = [0x08] + [UInt8](repeating: 0xFF, count: 9) + [0x01]
        #expect((try? fields(largest).first?.1) == .varint(.max))
    }

    @Test func malformedInputIsRefusedWithItsReason() {
        #expect(error { _ = try fields([0x00, 0x01]) } == .invalidFieldNumber(0))
        #expect(error { _ = try fields([0x80, 0x80, 0x80, 0x80, 0x10]) } == .invalidFieldNumber(1 << 29))
        #expect(error { _ = try fields([0x0B]) } == .unsupportedWireType(3), "groups are refused")
        #expect(error { _ = try fields([0x0E]) } == .unsupportedWireType(6))
        #expect(error { _ = try fields([0x12, 0x05, 1, 2]) } == .truncated, "a length past the end")
        #expect(error { _ = try fields([0x09, 1, 2, 3]) } == .truncated, "a cut fixed64")
        #expect(error { _ = try fields([0x08]) } == .truncated, "a key without its value")
        #expect(
            error { _ = try ProtobufReader([UInt8](repeating: 0, count: ProtobufReader.defaultMaximumSize + 1)) }
                == .tooLarge(size: ProtobufReader.defaultMaximumSize + 1, limit: ProtobufReader.defaultMaximumSize))
    }

    /// libsignal's framing: version byte 0x33, the fields, the 8-byte MAC; keys with type 0x05.
    @Test func aSignalMessageIsFramedAsLibsignalFramesIt() throws {
        let frame = SignalMessageFrame(signalMessage, mac: mac8)
        let expected: [UInt8] =
            [0x33, 0x0A, 0x21, 0x05] + ratchetKey + [0x10, 0x03, 0x18, 0xAC, 0x02, 0x22, 0x02, 0xC0, 0xC1] + mac8
        #expect(frame.bytes == expected)
        let read = try SignalMessageFrame(expected)
        #expect(read == frame)
        #expect(read.mac == mac8)
        #expect(read.versionedBytes == Array(expected.dropLast(8)))
    }

    /// The error reading a frame of `fields` (in order) gives.
    func frameError(_ fields: [(Int, ProtobufReader.Value)]) -> ProtobufError? {
        var writer = ProtobufWriter()
        for (field, value) in fields {
            switch value {
            case .varint(let number): writer.varint(field, number)
            case .bytes(let bytes): writer.bytes(field, bytes)
            case .skipped: break
            }
        }
        return error { _ = try SignalMessageFrame([0x33] + writer.bytes + mac8) }
    }

    @Test func aSignalMessageWithoutItsRequiredFieldsOrWithAWrongKeyIsRefused() {
        let key = ProtobufReader.Value.bytes([0x05] + ratchetKey)
        let one = ProtobufReader.Value.varint(1)
        let ciphertext = ProtobufReader.Value.bytes([1])
        #expect(frameError([(1, key), (2, one), (4, ciphertext)]) == nil)
        #expect(frameError([(2, one), (4, ciphertext)]) == .missingField("ratchet key"))
        #expect(frameError([(1, key), (4, ciphertext)]) == .missingField("counter"))
        #expect(frameError([(1, key), (2, one)]) == .missingField("ciphertext"))
        #expect(frameError([(1, .bytes([0x06] + ratchetKey)), (2, one), (4, ciphertext)]) == .wrongKeyType(0x06))
        #expect(
            frameError([(1, .bytes(ratchetKey)), (2, one), (4, ciphertext)]) == .wrongLength("ratchet key", 32),
            "OMEMO 2's raw key in a 0.3 message")
        #expect(frameError([(1, key), (2, .varint(1 << 32)), (4, ciphertext)]) == .outOfRange(field: 2))
        #expect(frameError([(1, key), (2, .bytes([1])), (4, ciphertext)]) == .wrongWireType(field: 2))
        #expect(frameError([(1, key), (2, one), (2, one), (4, ciphertext)]) == .duplicateField(2))
        #expect(error { _ = try SignalMessageFrame([0x33] + mac8) } == .truncated)
    }

    @Test func aWrongVersionByteIsRefused() {
        var bytes = SignalMessageFrame(signalMessage, mac: mac8).bytes
        bytes[0] = 0x23
        #expect(error { _ = try SignalMessageFrame(bytes) } == .wrongVersion(0x23), "libsignal's legacy version 2")
        bytes[0] = 0x44
        #expect(error { _ = try SignalMessageFrame(bytes) } == .wrongVersion(0x44))
        let preKey = preKeyMessage(preKeyID: 7)
        #expect(error { _ = try PreKeySignalMessage([0x43] + preKey.bytes.dropFirst()) } == .wrongVersion(0x43))
        #expect(error { _ = try PreKeySignalMessage([]) } == .truncated)
    }

    func preKeyMessage(preKeyID: UInt32?) -> PreKeySignalMessage {
        PreKeySignalMessage(
            registrationID: 0x1234, preKeyID: preKeyID, signedPreKeyID: 2, baseKey: baseKey, identityKey: identityKey,
            message: SignalMessageFrame(signalMessage, mac: mac8))
    }

    @Test func aPreKeySignalMessageIsWrittenInFieldOrderAndReadBack() throws {
        let inner = SignalMessageFrame(signalMessage, mac: mac8).bytes
        let expected: [UInt8] =
            [0x33, 0x08, 0x07, 0x12, 0x21, 0x05] + baseKey + [0x1A, 0x21, 0x05] + identityKey
            + [0x22, UInt8(inner.count)] + inner + [0x28, 0xB4, 0x24, 0x30, 0x02]
        #expect(preKeyMessage(preKeyID: 7).bytes == expected)
        #expect(try PreKeySignalMessage(expected) == preKeyMessage(preKeyID: 7))
        let withoutPreKey = preKeyMessage(preKeyID: nil)
        #expect(try PreKeySignalMessage(withoutPreKey.bytes) == withoutPreKey, "the one-time prekey is optional")
    }

    @Test func everyTruncationOfAPreKeySignalMessageIsRefused() {
        let bytes = preKeyMessage(preKeyID: 7).bytes
        for length in 0..<bytes.count {
            #expect(error { _ = try PreKeySignalMessage(Array(bytes[..<length])) } != nil, "cut at \(length)")
        }
    }

    @Test func omemo2MessagesAreWrittenAsTheSchemaSaysAndReadBack() throws {
        let message = OMEMOMessage(n: 1, pn: 0, dhPub: ratchetKey, ciphertext: [0xC0])
        let messageBytes: [UInt8] = [0x08, 0x01, 0x10, 0x00, 0x1A, 0x20] + ratchetKey + [0x22, 0x01, 0xC0]
        #expect(message.bytes == messageBytes)
        let mac = [UInt8](repeating: 0xAA, count: 16)
        let authenticated = OMEMOAuthenticatedMessage(message, mac: mac)
        #expect(authenticated.bytes == [0x0A, 0x10] + mac + [0x12, UInt8(messageBytes.count)] + messageBytes)
        let exchange = OMEMOKeyExchange(pkID: 5, spkID: 6, ik: identityKey, ek: baseKey, message: authenticated)
        let read = try OMEMOKeyExchange(exchange.bytes)
        #expect(read == exchange)
        #expect(read.message.message.ciphertext == [0xC0])
        let empty = OMEMOMessage(n: 0, pn: 0, dhPub: ratchetKey, ciphertext: nil)
        #expect(try OMEMOMessage(empty.bytes) == empty, "the ciphertext is optional")
    }

    /// The MAC covers the message's bytes: a message written in another field order is kept as sent.
    @Test func anAuthenticatedMessageKeepsTheMessageBytesItWasSent() throws {
        var writer = ProtobufWriter()
        writer.bytes(3, ratchetKey)
        writer.varint(2, 4)
        writer.varint(1, 9)
        var outer = ProtobufWriter()
        outer.bytes(2, writer.bytes)
        outer.bytes(1, [UInt8](repeating: 1, count: 16))
        let read = try OMEMOAuthenticatedMessage(outer.bytes)
        #expect(read.messageBytes == writer.bytes)
        #expect(read.message == OMEMOMessage(n: 9, pn: 4, dhPub: ratchetKey, ciphertext: nil))
    }

    @Test func omemo2MessagesWithWrongLengthsOrMissingFieldsAreRefused() {
        let message = OMEMOMessage(n: 1, pn: 0, dhPub: ratchetKey, ciphertext: nil)
        let withPrefix = OMEMOMessage(n: 1, pn: 0, dhPub: [0x05] + ratchetKey, ciphertext: nil)
        #expect(error { _ = try OMEMOMessage(withPrefix.bytes) } == .wrongLength("dh_pub", 33), "0.3's key form")
        #expect(error { _ = try OMEMOMessage(Array(message.bytes.dropFirst(2))) } == .missingField("n"))
        let shortMAC = OMEMOAuthenticatedMessage(message, mac: [1, 2, 3, 4, 5, 6, 7, 8])
        #expect(error { _ = try OMEMOAuthenticatedMessage(shortMAC.bytes) } == .wrongLength("mac", 8))
        let authenticated = OMEMOAuthenticatedMessage(message, mac: [UInt8](repeating: 0, count: 16))
        let exchange = OMEMOKeyExchange(pkID: 5, spkID: 6, ik: identityKey, ek: [1], message: authenticated)
        #expect(error { _ = try OMEMOKeyExchange(exchange.bytes) } == .wrongLength("ek", 1))
        let bytes = OMEMOKeyExchange(pkID: 5, spkID: 6, ik: identityKey, ek: baseKey, message: authenticated).bytes
        #expect(error { _ = try OMEMOKeyExchange(Array(bytes.dropLast())) } == .truncated)
        #expect(error { _ = try OMEMOKeyExchange(Array(bytes[2...])) } == .missingField("pk_id"))
    }
}
