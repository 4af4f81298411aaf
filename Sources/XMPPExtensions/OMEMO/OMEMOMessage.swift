/// OMEMO 2's (XEP-0384 §Protobuf Schema) Double Ratchet message, authenticated by
/// `OMEMOAuthenticatedMessage`. Public keys are the 32 bytes alone.
///
///     message OMEMOMessage {
///         required uint32 n          = 1;
///         required uint32 pn         = 2;
///         required bytes  dh_pub     = 3;
///         optional bytes  ciphertext = 4;
///     }
public struct OMEMOMessage: Sendable, Hashable {
    /// The message's number in the sending chain.
    public var n: UInt32
    /// The length of the sender's previous sending chain.
    public var pn: UInt32
    /// The sender's current ratchet public key (X25519, 32 bytes).
    public var dhPub: [UInt8]
    /// The AES-256-CBC ciphertext; nil in none (which the XEP allows).
    public var ciphertext: [UInt8]?

    public init(n: UInt32, pn: UInt32, dhPub: [UInt8], ciphertext: [UInt8]?) {
        self.n = n
        self.pn = pn
        self.dhPub = dhPub
        self.ciphertext = ciphertext
    }

    public init(_ bytes: [UInt8]) throws(ProtobufError) {
        let fields = try ProtobufFields(bytes, schema: [1: .varint, 2: .varint, 3: .bytes, 4: .bytes])
        self.init(
            n: try fields.uint32(1, "n"), pn: try fields.uint32(2, "pn"),
            dhPub: try fields.bytes(3, "dh_pub", length: OMEMOKey.length), ciphertext: fields.bytes(4))
    }

    public var bytes: [UInt8] {
        var writer = ProtobufWriter()
        writer.varint(1, UInt64(n))
        writer.varint(2, UInt64(pn))
        writer.bytes(3, dhPub)
        if let ciphertext { writer.bytes(4, ciphertext) }
        return writer.bytes
    }
}

/// OMEMO 2's `OMEMOMessage` with its MAC: the MAC covers the message's bytes exactly as sent,
/// so they are kept as received and never serialised again.
///
///     message OMEMOAuthenticatedMessage {
///         required bytes mac     = 1;
///         required bytes message = 2; // Byte-encoding of an OMEMOMessage
///     }
public struct OMEMOAuthenticatedMessage: Sendable, Hashable {
    /// The HMAC-SHA-256 truncated to 16 bytes.
    public let mac: [UInt8]
    /// The message read from `messageBytes`.
    public let message: OMEMOMessage
    /// The message's bytes, as sent.
    public let messageBytes: [UInt8]

    /// The length of the truncated MAC (XEP-0384 §Message Encryption).
    public static let macLength = 16

    /// `message` with its MAC, computed over `message.bytes`.
    public init(_ message: OMEMOMessage, mac: [UInt8]) {
        self.mac = mac
        self.message = message
        self.messageBytes = message.bytes
    }

    public init(_ bytes: [UInt8]) throws(ProtobufError) {
        let fields = try ProtobufFields(bytes, schema: [1: .bytes, 2: .bytes])
        mac = try fields.bytes(1, "mac", length: Self.macLength)
        messageBytes = try fields.bytes(2, "message")
        message = try OMEMOMessage(messageBytes)
    }

    public var bytes: [UInt8] {
        var writer = ProtobufWriter()
        writer.bytes(1, mac)
        writer.bytes(2, messageBytes)
        return writer.bytes
    }
}
