/// Why bytes are not an OMEMO protobuf message: the codec's limits (`ProtobufReader`) and each
/// message's own rules (required fields, version byte, key and MAC lengths).
public enum ProtobufError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The input is longer than the reader accepts.
    case tooLarge(size: Int, limit: Int)
    /// The input ends inside a field.
    case truncated
    /// A varint is longer than its value needs, or than ten bytes, or overflows 64 bits.
    case overlongVarint
    /// A field number of 0 or above 2^29 - 1.
    case invalidFieldNumber(UInt64)
    /// A wire type that is not varint, 64-bit, length-delimited or 32-bit (groups included).
    case unsupportedWireType(UInt8)
    /// A known field sent with another wire type than its schema's.
    case wrongWireType(field: Int)
    /// A known field sent twice.
    case duplicateField(Int)
    /// A `uint32` field whose value does not fit.
    case outOfRange(field: Int)
    /// A field the message requires is absent.
    case missingField(String)
    /// The version byte in front of an OMEMO 0.3 message is not version 3's.
    case wrongVersion(UInt8)
    /// A key, MAC or signature of the wrong length.
    case wrongLength(String, Int)
    /// An OMEMO 0.3 public key without the Curve25519 type byte (0x05).
    case wrongKeyType(UInt8)

    public var description: String {
        switch self {
        case .tooLarge(let size, let limit): "the message is \(size) bytes, more than \(limit)"
        case .truncated: "the message ends inside a field"
        case .overlongVarint: "the message has an overlong number"
        case .invalidFieldNumber(let number): "the message has an invalid field number \(number)"
        case .unsupportedWireType(let type): "the message has an unsupported wire type \(type)"
        case .wrongWireType(let field): "field \(field) of the message has the wrong type"
        case .duplicateField(let field): "field \(field) of the message appears twice"
        case .outOfRange(let field): "field \(field) of the message is out of range"
        case .missingField(let name): "the message has no \(name)"
        case .wrongVersion(let byte): "the message has version byte \(byte), not OMEMO 0.3's"
        case .wrongLength(let name, let length): "the message's \(name) is \(length) bytes long"
        case .wrongKeyType(let byte): "the message's key has type \(byte), not Curve25519's"
        }
    }
}
