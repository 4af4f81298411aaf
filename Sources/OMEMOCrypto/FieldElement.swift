/// An element of GF(2^255 - 19) in five 51-bit limbs, for XEdDSA's curve arithmetic.
///
/// Every operation runs in time independent of the values: no branch or memory index depends on a
/// limb. Limbs stay below 2^52 between operations (each result is carried), so products fit in 128 bits.
struct FieldElement: Sendable {
    var l0, l1, l2, l3, l4: UInt64

    private static let mask51: UInt64 = (1 << 51) - 1

    static let zero = FieldElement(l0: 0, l1: 0, l2: 0, l3: 0, l4: 0)
    static let one = FieldElement(l0: 1, l1: 0, l2: 0, l3: 0, l4: 0)

    /// A small constant.
    init(_ value: UInt64) {
        self = FieldElement(l0: value, l1: 0, l2: 0, l3: 0, l4: 0).carried()
    }

    init(l0: UInt64, l1: UInt64, l2: UInt64, l3: UInt64, l4: UInt64) {
        (self.l0, self.l1, self.l2, self.l3, self.l4) = (l0, l1, l2, l3, l4)
    }

    /// The element of 32 little-endian bytes; bit 255 is ignored, values from p to 2^255 - 1 wrap.
    init(bytes: [UInt8]) {
        precondition(bytes.count == 32, "a field element is 32 bytes")
        func word(_ offset: Int) -> UInt64 {
            (0..<8).reduce(0) { $0 | UInt64(bytes[offset + $1]) << (8 * UInt64($1)) }
        }
        let (w0, w1, w2, w3) = (word(0), word(8), word(16), word(24))
        l0 = w0 & Self.mask51
        l1 = (w0 >> 51 | w1 << 13) & Self.mask51
        l2 = (w1 >> 38 | w2 << 26) & Self.mask51
        l3 = (w2 >> 25 | w3 << 39) & Self.mask51
        l4 = (w3 >> 12) & Self.mask51
    }

    /// The canonical 32-byte little-endian encoding (the value reduced below p; bit 255 clear).
    var bytes: [UInt8] {
        // Two passes leave every limb below 2^51, so h < 2^255 < 2p; q is 1 exactly when h ≥ p,
        // found by adding 19 and watching bit 255.
        var h = carried().carried()
        var q = (h.l0 &+ 19) >> 51
        q = (h.l1 &+ q) >> 51
        q = (h.l2 &+ q) >> 51
        q = (h.l3 &+ q) >> 51
        q = (h.l4 &+ q) >> 51
        h.l0 &+= 19 &* q
        // Dropping the carry out of bit 255 subtracts 2^255: with the 19 added, that is p.
        h = h.propagatingCarries().limbs
        let words = [h.l0 | h.l1 << 51, h.l1 >> 13 | h.l2 << 38, h.l2 >> 26 | h.l3 << 25, h.l3 >> 39 | h.l4 << 12]
        return words.flatMap { word in (0..<8).map { UInt8(truncatingIfNeeded: word >> (8 * UInt64($0))) } }
    }

    /// The same value with every limb below 2^51 (plus at most 19 × 2^13 in the lowest).
    func carried() -> FieldElement {
        var (h, carry) = propagatingCarries()
        h.l0 &+= 19 &* carry  // 2^255 ≡ 19
        return h
    }

    /// Each limb's bits above 51 moved into the next; the carry out of the top limb (units of 2^255).
    private func propagatingCarries() -> (limbs: FieldElement, carry: UInt64) {
        var h = self
        h.l1 &+= h.l0 >> 51
        h.l0 &= Self.mask51
        h.l2 &+= h.l1 >> 51
        h.l1 &= Self.mask51
        h.l3 &+= h.l2 >> 51
        h.l2 &= Self.mask51
        h.l4 &+= h.l3 >> 51
        h.l3 &= Self.mask51
        let carry = h.l4 >> 51
        h.l4 &= Self.mask51
        return (h, carry)
    }

    static func + (a: FieldElement, b: FieldElement) -> FieldElement {
        FieldElement(l0: a.l0 &+ b.l0, l1: a.l1 &+ b.l1, l2: a.l2 &+ b.l2, l3: a.l3 &+ b.l3, l4: a.l4 &+ b.l4)
            .carried()
    }

    /// a - b, computed as a + 4p - b so no limb goes below zero.
    static func - (a: FieldElement, b: FieldElement) -> FieldElement {
        let low: UInt64 = 0x1F_FFFF_FFFF_FFB4  // 4 × (2^51 - 19)
        let high: UInt64 = 0x1F_FFFF_FFFF_FFFC  // 4 × (2^51 - 1)
        return FieldElement(
            l0: a.l0 &+ low &- b.l0, l1: a.l1 &+ high &- b.l1, l2: a.l2 &+ high &- b.l2, l3: a.l3 &+ high &- b.l3,
            l4: a.l4 &+ high &- b.l4
        ).carried()
    }

    static prefix func - (a: FieldElement) -> FieldElement { .zero - a }

    static func * (a: FieldElement, b: FieldElement) -> FieldElement {
        func m(_ x: UInt64, _ y: UInt64) -> UInt128 { UInt128(x) * UInt128(y) }
        let (b1, b2, b3, b4) = (b.l1 &* 19, b.l2 &* 19, b.l3 &* 19, b.l4 &* 19)
        let r0 = m(a.l0, b.l0) + m(a.l1, b4) + m(a.l2, b3) + m(a.l3, b2) + m(a.l4, b1)
        var r1 = m(a.l0, b.l1) + m(a.l1, b.l0) + m(a.l2, b4) + m(a.l3, b3) + m(a.l4, b2)
        var r2 = m(a.l0, b.l2) + m(a.l1, b.l1) + m(a.l2, b.l0) + m(a.l3, b4) + m(a.l4, b3)
        var r3 = m(a.l0, b.l3) + m(a.l1, b.l2) + m(a.l2, b.l1) + m(a.l3, b.l0) + m(a.l4, b4)
        var r4 = m(a.l0, b.l4) + m(a.l1, b.l3) + m(a.l2, b.l2) + m(a.l3, b.l1) + m(a.l4, b.l0)
        let mask = UInt128(mask51)
        r1 += r0 >> 51
        r2 += r1 >> 51
        r3 += r2 >> 51
        r4 += r3 >> 51
        let c0 = UInt64(r0 & mask) &+ 19 &* UInt64(truncatingIfNeeded: r4 >> 51)
        return FieldElement(
            l0: c0, l1: UInt64(r1 & mask), l2: UInt64(r2 & mask), l3: UInt64(r3 & mask), l4: UInt64(r4 & mask)
        ).carried()
    }

    func squared() -> FieldElement { self * self }

    /// self^e for a public exponent (32 little-endian bytes): the branches depend on e only.
    func power(_ exponent: [UInt8]) -> FieldElement {
        var result = FieldElement.one
        for bit in (0..<256).reversed() {
            result = result.squared()
            if exponent[bit / 8] >> (bit % 8) & 1 == 1 { result = result * self }
        }
        return result
    }

    /// 1/self by Fermat (self^(p-2)); zero for zero.
    func inverted() -> FieldElement { power(Self.exponent(low: 0xEB, high: 0x7F)) }

    /// 2^255 - 19 - 2 and similar exponents: `low`, thirty 0xff bytes, `high`.
    static func exponent(low: UInt8, high: UInt8) -> [UInt8] {
        [low] + [UInt8](repeating: 0xFF, count: 30) + [high]
    }

    /// Whether the canonical value is odd: the "sign" of an x-coordinate in RFC 8032.
    var isNegative: UInt8 { bytes[0] & 1 }

    var isZero: Bool { bytes == [UInt8](repeating: 0, count: 32) }

    /// `b` when `choice` is 1, `a` when 0, without a branch.
    static func select(_ a: FieldElement, _ b: FieldElement, _ choice: UInt8) -> FieldElement {
        let mask = 0 &- UInt64(choice & 1)
        return FieldElement(
            l0: a.l0 ^ (mask & (a.l0 ^ b.l0)), l1: a.l1 ^ (mask & (a.l1 ^ b.l1)), l2: a.l2 ^ (mask & (a.l2 ^ b.l2)),
            l3: a.l3 ^ (mask & (a.l3 ^ b.l3)), l4: a.l4 ^ (mask & (a.l4 ^ b.l4)))
    }
}
