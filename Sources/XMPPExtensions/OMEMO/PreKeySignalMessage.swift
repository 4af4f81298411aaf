/// OMEMO 0.3's (libsignal's) `PreKeySignalMessage`, which opens a session: a version byte, then
/// the protobuf, with the first `SignalMessage` inside (and no MAC of its own).
///
///     message PreKeySignalMessage {
///       optional uint32 registrationId = 5;
///       optional uint32 preKeyId       = 1;
///       optional uint32 signedPreKeyId = 6;  // required
///       optional bytes  baseKey        = 2;  // required: 0x05 and 32 bytes
///       optional bytes  identityKey    = 3;  // required: 0x05 and 32 bytes
///       optional bytes  message        = 4;  // required: a SignalMessage frame
///     }
public struct PreKeySignalMessage: Sendable, Hashable {
    /// The sender's libsignal registration id (0 when absent).
    public var registrationID: UInt32
    /// The one-time prekey used; nil when the sender used none.
    public var preKeyID: UInt32?
    /// The signed prekey used.
    public var signedPreKeyID: UInt32
    /// The sender's ephemeral base key (X25519, 32 bytes).
    public var baseKey: [UInt8]
    /// The sender's identity key (X25519, 32 bytes).
    public var identityKey: [UInt8]
    /// The first message of the session.
    public var message: SignalMessageFrame

    public init(
        registrationID: UInt32, preKeyID: UInt32?, signedPreKeyID: UInt32, baseKey: [UInt8], identityKey: [UInt8],
        message: SignalMessageFrame
    ) {
        self.registrationID = registrationID
        self.preKeyID = preKeyID
        self.signedPreKeyID = signedPreKeyID
        self.baseKey = baseKey
        self.identityKey = identityKey
        self.message = message
    }

    /// Reads a message: a version 3 byte and the protobuf.
    public init(_ bytes: [UInt8]) throws(ProtobufError) {
        guard let version = bytes.first else { throw .truncated }
        try SignalMessage.checkVersion(version)
        let fields = try ProtobufFields(
            bytes.dropFirst(), schema: [5: .varint, 1: .varint, 6: .varint, 2: .bytes, 3: .bytes, 4: .bytes])
        self.init(
            registrationID: try fields.uint32(5) ?? 0, preKeyID: try fields.uint32(1),
            signedPreKeyID: try fields.uint32(6, "signed prekey id"), baseKey: try fields.curveKey(2, "base key"),
            identityKey: try fields.curveKey(3, "identity key"),
            message: try SignalMessageFrame(try fields.bytes(4, "message")))
    }

    /// The message as sent, its fields in number order (as libsignal writes them).
    public var bytes: [UInt8] {
        var writer = ProtobufWriter()
        if let preKeyID { writer.varint(1, UInt64(preKeyID)) }
        writer.bytes(2, OMEMOKey.serialized(baseKey))
        writer.bytes(3, OMEMOKey.serialized(identityKey))
        writer.bytes(4, message.bytes)
        writer.varint(5, UInt64(registrationID))
        writer.varint(6, UInt64(signedPreKeyID))
        return [SignalMessage.version] + writer.bytes
    }
}
