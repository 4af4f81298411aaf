/// A strict reader of the protobuf wire format (proto2), as much of it as OMEMO's messages use:
/// varints and length-delimited fields are read, 32- and 64-bit fields are skipped, groups are
/// refused. Varints must be minimal (no trailing zero groups, at most ten bytes, no overflow),
/// field numbers 1…2^29 - 1, lengths within the input, and the input at most `maximumSize` bytes.
///
///     08 96 01   field 1, varint 150
///     12 02 AB CD   field 2, two bytes
public struct ProtobufReader: Sendable {
    /// One field's value: a varint or the bytes of a length-delimited field. Fixed-width fields
    /// are `skipped`.
    public enum Value: Sendable, Hashable {
        case varint(UInt64)
        case bytes([UInt8])
        case skipped
    }

    /// OMEMO's messages carry keys, counters and at most a few hundred bytes of ciphertext.
    public static let defaultMaximumSize = 8 * 1024

    private let bytes: [UInt8]
    private var offset: Int

    public init(_ bytes: some Collection<UInt8>, maximumSize: Int = Self.defaultMaximumSize) throws(ProtobufError) {
        guard bytes.count <= maximumSize else { throw .tooLarge(size: bytes.count, limit: maximumSize) }
        self.bytes = Array(bytes)
        self.offset = 0
    }

    /// The next field's number and value; nil at the end of the input.
    public mutating func next() throws(ProtobufError) -> (field: Int, value: Value)? {
        guard offset < bytes.count else { return nil }
        let key = try varint()
        let number = key >> 3
        guard number >= 1, number <= (1 << 29) - 1 else { throw .invalidFieldNumber(number) }
        let field = Int(number)
        switch UInt8(key & 7) {
        case 0: return (field, .varint(try varint()))
        case 1: try skip(8)
        case 2:
            let length = try varint()
            guard length <= UInt64(bytes.count - offset) else { throw .truncated }
            let start = offset
            try skip(Int(length))
            return (field, .bytes(Array(bytes[start..<offset])))
        case 5: try skip(4)
        case let type: throw .unsupportedWireType(type)
        }
        return (field, .skipped)
    }

    private mutating func skip(_ count: Int) throws(ProtobufError) {
        guard count <= bytes.count - offset else { throw .truncated }
        offset += count
    }

    private mutating func varint() throws(ProtobufError) -> UInt64 {
        var value: UInt64 = 0
        for index in 0..<10 {
            guard offset < bytes.count else { throw .truncated }
            let byte = bytes[offset]
            offset += 1
            let group = UInt64(byte & 0x7F)
            if index == 9, group > 1 { throw .overlongVarint }
            value |= group << (7 * UInt64(index))
            if byte & 0x80 == 0 {
                if index > 0, group == 0 { throw .overlongVarint }
                return value
            }
        }
        throw .overlongVarint
    }
}
