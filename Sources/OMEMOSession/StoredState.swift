import OMEMOCrypto

/// The compact binary form in which sessions and devices are stored: big-endian fixed-width
/// integers, byte strings after their 32-bit length, optional values after a 0/1 byte. Reading
/// it is `StoredState.Reader`; a value opens with its own format byte.
public enum StoredState {
    /// Why stored bytes could not be read back: cut short, an unknown format or value, bytes left
    /// over, or a key that is no key. Never carries the bytes.
    public struct Error: Swift.Error, Equatable, CustomStringConvertible {
        public let description: String

        public init(_ description: String) { self.description = description }
    }

    /// Appends values.
    public struct Writer {
        public private(set) var bytes: [UInt8] = []

        public init() {}

        public mutating func byte(_ value: UInt8) { bytes.append(value) }

        public mutating func bool(_ value: Bool) { bytes.append(value ? 1 : 0) }

        public mutating func uint32(_ value: UInt32) {
            for shift in stride(from: 24, through: 0, by: -8) {
                bytes.append(UInt8(truncatingIfNeeded: value >> shift))
            }
        }

        public mutating func int64(_ value: Int64) {
            for shift in stride(from: 56, through: 0, by: -8) {
                bytes.append(UInt8(truncatingIfNeeded: value >> shift))
            }
        }

        public mutating func data(_ value: [UInt8]) {
            uint32(UInt32(value.count))
            bytes += value
        }

        public mutating func secret(_ value: SecretBytes) { data(value.bytes) }

        /// A 0 byte for nil, else 1 and the value as `write` puts it.
        public mutating func optional<T>(_ value: T?, _ write: (inout Writer, T) -> Void) {
            bool(value != nil)
            if let value { write(&self, value) }
        }
    }

    /// Reads values in the order a `Writer` put them.
    public struct Reader {
        private let bytes: [UInt8]
        private var offset = 0

        public init(_ bytes: [UInt8]) { self.bytes = bytes }

        private mutating func take(_ count: Int) throws(Error) -> ArraySlice<UInt8> {
            guard count >= 0, bytes.count - offset >= count else { throw Error("cut short") }
            defer { offset += count }
            return bytes[offset..<(offset + count)]
        }

        public mutating func byte() throws(Error) -> UInt8 { try take(1).first! }

        public mutating func bool() throws(Error) -> Bool {
            switch try byte() {
            case 0: return false
            case 1: return true
            default: throw Error("not a flag")
            }
        }

        public mutating func uint32() throws(Error) -> UInt32 { try take(4).reduce(0) { $0 << 8 | UInt32($1) } }

        public mutating func int64() throws(Error) -> Int64 { try take(8).reduce(0) { $0 << 8 | Int64($1) } }

        public mutating func data() throws(Error) -> [UInt8] { Array(try take(Int(uint32()))) }

        /// A secret of `count` bytes (a key), without a copy left behind.
        public mutating func secret(count: Int = 32) throws(Error) -> SecretBytes {
            var bytes = try data()
            defer { wipe(&bytes) }
            guard bytes.count == count else { throw Error("a key of \(bytes.count) bytes") }
            return SecretBytes(bytes)
        }

        public mutating func optional<T>(_ read: (inout Reader) throws(Error) -> T) throws(Error) -> T? {
            try bool() ? try read(&self) : nil
        }

        /// Fails unless every byte was read.
        public func finish() throws(Error) {
            guard offset == bytes.count else { throw Error("\(bytes.count - offset) bytes left over") }
        }
    }
}
