/// OMEMO 2's key exchange (XEP-0384 §Protobuf Schema), which opens a session: the keys X3DH
/// used and the first authenticated message. Public keys are the 32 bytes alone; `ik` is the
/// Ed25519 form of the identity key.
///
///     message OMEMOKeyExchange {
///         required uint32 pk_id  = 1;
///         required uint32 spk_id = 2;
///         required bytes  ik     = 3;
///         required bytes  ek     = 4;
///         required OMEMOAuthenticatedMessage message = 5;
///     }
public struct OMEMOKeyExchange: Sendable, Hashable {
    /// The one-time prekey used.
    public var pkID: UInt32
    /// The signed prekey used.
    public var spkID: UInt32
    /// The sender's identity key (Ed25519, 32 bytes).
    public var ik: [UInt8]
    /// The sender's ephemeral key (X25519, 32 bytes).
    public var ek: [UInt8]
    /// The first message of the session.
    public var message: OMEMOAuthenticatedMessage

    public init(pkID: UInt32, spkID: UInt32, ik: [UInt8], ek: [UInt8], message: OMEMOAuthenticatedMessage) {
        self.pkID = pkID
        self.spkID = spkID
        self.ik = ik
        self.ek = ek
        self.message = message
    }

    public init(_ bytes: [UInt8]) throws(ProtobufError) {
        let fields = try ProtobufFields(bytes, schema: [1: .varint, 2: .varint, 3: .bytes, 4: .bytes, 5: .bytes])
        self.init(
            pkID: try fields.uint32(1, "pk_id"), spkID: try fields.uint32(2, "spk_id"),
            ik: try fields.bytes(3, "ik", length: OMEMOKey.length),
            ek: try fields.bytes(4, "ek", length: OMEMOKey.length),
            message: try OMEMOAuthenticatedMessage(try fields.bytes(5, "message")))
    }

    public var bytes: [UInt8] {
        var writer = ProtobufWriter()
        writer.varint(1, UInt64(pkID))
        writer.varint(2, UInt64(spkID))
        writer.bytes(3, ik)
        writer.bytes(4, ek)
        writer.bytes(5, message.bytes)
        return writer.bytes
    }
}
