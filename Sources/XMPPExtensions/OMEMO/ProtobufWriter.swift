/// Writes the protobuf wire format for OMEMO's messages: varint and length-delimited fields, in
/// the order written, each varint minimal. What it writes `ProtobufReader` reads back.
public struct ProtobufWriter: Sendable {
    public private(set) var bytes: [UInt8] = []

    public init() {}

    /// Field `field` as a varint.
    public mutating func varint(_ field: Int, _ value: UInt64) {
        append(varint: UInt64(field) << 3)
        append(varint: value)
    }

    /// Field `field` as length-delimited bytes.
    public mutating func bytes(_ field: Int, _ value: [UInt8]) {
        append(varint: UInt64(field) << 3 | 2)
        append(varint: UInt64(value.count))
        bytes += value
    }

    private mutating func append(varint value: UInt64) {
        var rest = value
        while rest >= 0x80 {
            bytes.append(UInt8(rest & 0x7F) | 0x80)
            rest >>= 7
        }
        bytes.append(UInt8(rest))
    }
}
