/// The known fields of one protobuf message, read with `ProtobufReader`: each at most once and
/// with its schema's wire type; fields the schema does not name are skipped, as proto2 requires.
struct ProtobufFields {
    enum Kind {
        case varint, bytes
    }

    private var values: [Int: ProtobufReader.Value] = [:]

    init(_ bytes: some Collection<UInt8>, schema: [Int: Kind]) throws(ProtobufError) {
        var reader = try ProtobufReader(bytes)
        while let (field, value) = try reader.next() {
            guard let kind = schema[field] else { continue }
            switch (kind, value) {
            case (.varint, .varint), (.bytes, .bytes): break
            default: throw .wrongWireType(field: field)
            }
            guard values.updateValue(value, forKey: field) == nil else { throw .duplicateField(field) }
        }
    }

    /// A `uint32` field; nil when absent.
    func uint32(_ field: Int) throws(ProtobufError) -> UInt32? {
        guard case .varint(let value) = values[field] else { return nil }
        guard let small = UInt32(exactly: value) else { throw .outOfRange(field: field) }
        return small
    }

    /// A required `uint32` field, called `name` in errors.
    func uint32(_ field: Int, _ name: String) throws(ProtobufError) -> UInt32 {
        guard let value = try uint32(field) else { throw .missingField(name) }
        return value
    }

    /// A `bytes` field; nil when absent.
    func bytes(_ field: Int) -> [UInt8]? {
        guard case .bytes(let value) = values[field] else { return nil }
        return value
    }

    /// A required `bytes` field, called `name` in errors.
    func bytes(_ field: Int, _ name: String) throws(ProtobufError) -> [UInt8] {
        guard let value = bytes(field) else { throw .missingField(name) }
        return value
    }

    /// A required `bytes` field of exactly `length` bytes.
    func bytes(_ field: Int, _ name: String, length: Int) throws(ProtobufError) -> [UInt8] {
        let value = try bytes(field, name)
        guard value.count == length else { throw .wrongLength(name, value.count) }
        return value
    }

    /// A required OMEMO 0.3 public key: the type byte 0x05 and 32 bytes (libsignal's
    /// serialisation), returned without the type byte.
    func curveKey(_ field: Int, _ name: String) throws(ProtobufError) -> [UInt8] {
        let value = try bytes(field, name)
        guard value.count == OMEMOKey.serializedLength else { throw .wrongLength(name, value.count) }
        guard let key = OMEMOKey.fromSerialized(value) else { throw .wrongKeyType(value[0]) }
        return key
    }
}
