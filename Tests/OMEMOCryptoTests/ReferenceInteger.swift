/// A slow, obviously correct unsigned big integer (32-bit little-endian words) to check the field and
/// scalar arithmetic against: schoolbook products and bit-by-bit remainders.
struct ReferenceInteger: Equatable {
    private(set) var words: [UInt32]

    init(words: [UInt32]) {
        var trimmed = words
        while trimmed.last == 0 { trimmed.removeLast() }
        self.words = trimmed
    }

    init(littleEndian bytes: [UInt8]) {
        self.init(
            words: stride(from: 0, to: bytes.count, by: 4).map { start in
                (start..<min(start + 4, bytes.count)).reduce(0) { $0 | UInt32(bytes[$1]) << (8 * UInt32($1 - start)) }
            })
    }

    /// 2^255 - 19.
    static let p = ReferenceInteger(littleEndian: [0xED] + [UInt8](repeating: 0xFF, count: 30) + [0x7F])
    /// 2^252 + 27742317777372353535851937790883648493.
    static let order = ReferenceInteger(
        littleEndian: [
            0xED, 0xD3, 0xF5, 0x5C, 0x1A, 0x63, 0x12, 0x58, 0xD6, 0x9C, 0xF7, 0xA2, 0xDE, 0xF9, 0xDE, 0x14,
        ] + [UInt8](repeating: 0, count: 15) + [0x10])

    /// The value in `count` little-endian bytes.
    func bytes(_ count: Int) -> [UInt8] {
        (0..<count).map { index in
            index / 4 < words.count ? UInt8(truncatingIfNeeded: words[index / 4] >> (8 * UInt32(index % 4))) : 0
        }
    }

    static func < (a: ReferenceInteger, b: ReferenceInteger) -> Bool {
        if a.words.count != b.words.count { return a.words.count < b.words.count }
        for index in a.words.indices.reversed() where a.words[index] != b.words[index] {
            return a.words[index] < b.words[index]
        }
        return false
    }

    static func + (a: ReferenceInteger, b: ReferenceInteger) -> ReferenceInteger {
        var result: [UInt32] = []
        var carry: UInt64 = 0
        for index in 0..<max(a.words.count, b.words.count) {
            let sum = UInt64(a.word(index)) + UInt64(b.word(index)) + carry
            result.append(UInt32(truncatingIfNeeded: sum))
            carry = sum >> 32
        }
        return ReferenceInteger(words: result + [UInt32(carry)])
    }

    /// a - b for a ≥ b.
    static func - (a: ReferenceInteger, b: ReferenceInteger) -> ReferenceInteger {
        precondition(!(a < b), "negative difference")
        var result: [UInt32] = []
        var borrow: Int64 = 0
        for index in a.words.indices {
            var difference = Int64(a.words[index]) - Int64(b.word(index)) - borrow
            borrow = difference < 0 ? 1 : 0
            if difference < 0 { difference += 1 << 32 }
            result.append(UInt32(difference))
        }
        return ReferenceInteger(words: result)
    }

    static func * (a: ReferenceInteger, b: ReferenceInteger) -> ReferenceInteger {
        var result = [UInt64](repeating: 0, count: a.words.count + b.words.count + 1)
        for i in a.words.indices {
            var carry: UInt64 = 0
            for j in b.words.indices {
                let value = result[i + j] + UInt64(a.words[i]) * UInt64(b.words[j]) + carry
                result[i + j] = value & 0xFFFF_FFFF
                carry = value >> 32
            }
            result[i + b.words.count] += carry
        }
        return ReferenceInteger(words: result.map { UInt32($0) })
    }

    static func % (a: ReferenceInteger, m: ReferenceInteger) -> ReferenceInteger {
        var remainder = ReferenceInteger(words: [])
        for bit in (0..<a.words.count * 32).reversed() {
            remainder = remainder + remainder + ReferenceInteger(words: [a.words[bit / 32] >> (bit % 32) & 1])
            if !(remainder < m) { remainder = remainder - m }
        }
        return remainder
    }

    private func word(_ index: Int) -> UInt32 { index < words.count ? words[index] : 0 }
}
