/// OMEMO 0.3's (libsignal's) `SignalMessage`, the Double Ratchet message inside a `<key/>`:
/// a version byte (high nibble the message version 3, low nibble the newest version the sender
/// speaks), the protobuf, and an 8-byte truncated MAC over both (and the two identity keys).
///
///     message SignalMessage {
///       optional bytes  ratchetKey      = 1;  // required: 0x05 and 32 bytes
///       optional uint32 counter         = 2;  // required
///       optional uint32 previousCounter = 3;
///       optional bytes  ciphertext      = 4;  // required
///     }
public struct SignalMessage: Sendable, Hashable {
    /// The sender's current ratchet public key (X25519, 32 bytes).
    public var ratchetKey: [UInt8]
    /// The message's number in the sending chain.
    public var counter: UInt32
    /// The length of the sender's previous sending chain.
    public var previousCounter: UInt32
    /// The AES-256-CBC ciphertext.
    public var ciphertext: [UInt8]

    /// Version 3 as the message's version and as the newest the sender speaks.
    public static let version: UInt8 = 0x33
    /// The length of the truncated HMAC-SHA-256 at the end.
    public static let macLength = 8

    public init(ratchetKey: [UInt8], counter: UInt32, previousCounter: UInt32, ciphertext: [UInt8]) {
        self.ratchetKey = ratchetKey
        self.counter = counter
        self.previousCounter = previousCounter
        self.ciphertext = ciphertext
    }

    /// The version byte and the protobuf: what the MAC covers after the identity keys.
    public var versionedBytes: [UInt8] {
        var writer = ProtobufWriter()
        writer.bytes(1, OMEMOKey.serialized(ratchetKey))
        writer.varint(2, UInt64(counter))
        writer.varint(3, UInt64(previousCounter))
        writer.bytes(4, ciphertext)
        return [Self.version] + writer.bytes
    }

    /// Reads the protobuf after a version byte.
    init(protobuf: some Collection<UInt8>) throws(ProtobufError) {
        let fields = try ProtobufFields(protobuf, schema: [1: .bytes, 2: .varint, 3: .varint, 4: .bytes])
        self.init(
            ratchetKey: try fields.curveKey(1, "ratchet key"), counter: try fields.uint32(2, "counter"),
            previousCounter: try fields.uint32(3) ?? 0, ciphertext: try fields.bytes(4, "ciphertext"))
    }

    /// Checks an OMEMO 0.3 version byte: libsignal reads the high nibble as the message's version
    /// and refuses any but 3.
    static func checkVersion(_ byte: UInt8) throws(ProtobufError) {
        guard byte >> 4 == 3 else { throw .wrongVersion(byte) }
    }
}

/// A `SignalMessage` as sent: its version byte and protobuf exactly as received (the MAC covers
/// those bytes, so they are never serialised again) and the MAC.
public struct SignalMessageFrame: Sendable, Hashable {
    /// The message read from `versionedBytes`.
    public let message: SignalMessage
    /// The version byte and the protobuf, as sent.
    public let versionedBytes: [UInt8]
    /// The truncated MAC, `SignalMessage.macLength` bytes.
    public let mac: [UInt8]

    /// The frame of `message` with its MAC (computed over `message.versionedBytes`).
    public init(_ message: SignalMessage, mac: [UInt8]) {
        self.message = message
        self.versionedBytes = message.versionedBytes
        self.mac = mac
    }

    /// Reads a frame: a version 3 byte, the protobuf and the MAC.
    public init(_ bytes: [UInt8]) throws(ProtobufError) {
        guard bytes.count <= ProtobufReader.defaultMaximumSize else {
            throw .tooLarge(size: bytes.count, limit: ProtobufReader.defaultMaximumSize)
        }
        guard bytes.count > 1 + SignalMessage.macLength else { throw .truncated }
        try SignalMessage.checkVersion(bytes[0])
        let end = bytes.count - SignalMessage.macLength
        message = try SignalMessage(protobuf: bytes[1..<end])
        versionedBytes = Array(bytes[..<end])
        mac = Array(bytes[end...])
    }

    /// The frame as sent.
    public var bytes: [UInt8] { versionedBytes + mac }
}
