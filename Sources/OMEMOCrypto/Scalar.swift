/// An integer modulo the order of Curve25519's prime subgroup, ℓ = 2^252 + 27742317777372353535851937790883648493,
/// in four little-endian 64-bit limbs, always below ℓ. Constant-time: reduction goes bit by bit with a
/// masked conditional subtraction.
struct Scalar: Sendable, Equatable {
    var limbs: [UInt64]

    /// ℓ in little-endian limbs.
    static let order: [UInt64] = [0x5812_631A_5CF5_D3ED, 0x14DE_F9DE_A2F7_9CD6, 0, 0x1000_0000_0000_0000]

    static let zero = Scalar(limbs: [0, 0, 0, 0])

    private init(limbs: [UInt64]) { self.limbs = limbs }

    /// A little-endian integer of any length (32 bytes of a clamped key, 64 of a hash) reduced mod ℓ.
    init(reducing bytes: [UInt8]) {
        var accumulator = Scalar.zero
        for bit in (0..<bytes.count * 8).reversed() {
            accumulator = accumulator.doubled(adding: UInt64(bytes[bit / 8] >> (bit % 8) & 1))
        }
        self = accumulator
    }

    /// The 32-byte little-endian encoding.
    var bytes: [UInt8] {
        limbs.flatMap { limb in (0..<8).map { UInt8(truncatingIfNeeded: limb >> (8 * UInt64($0))) } }
    }

    /// 2·self + bit, reduced (self < ℓ, so the sum is below 2ℓ < 2^254 and one subtraction is enough).
    private func doubled(adding bit: UInt64) -> Scalar {
        var doubled = [UInt64](repeating: 0, count: 4)
        var carry = bit
        for index in 0..<4 {
            doubled[index] = limbs[index] << 1 | carry
            carry = limbs[index] >> 63
        }
        return Scalar(limbs: doubled).subtractingOrderIfNeeded()
    }

    /// self - ℓ when self ≥ ℓ, else self; chosen with a mask from the borrow.
    private func subtractingOrderIfNeeded() -> Scalar {
        var difference = [UInt64](repeating: 0, count: 4)
        var borrow: UInt64 = 0
        for index in 0..<4 {
            let (partial, overflow1) = limbs[index].subtractingReportingOverflow(Self.order[index])
            let (result, overflow2) = partial.subtractingReportingOverflow(borrow)
            difference[index] = result
            borrow = (overflow1 ? 1 : 0) | (overflow2 ? 1 : 0)
        }
        let keep = 0 &- borrow  // all ones when self < ℓ
        return Scalar(limbs: (0..<4).map { limbs[$0] & keep | difference[$0] & ~keep })
    }

    static func + (a: Scalar, b: Scalar) -> Scalar {
        var sum = [UInt64](repeating: 0, count: 4)
        var carry: UInt64 = 0
        for index in 0..<4 {
            let (partial, overflow1) = a.limbs[index].addingReportingOverflow(b.limbs[index])
            let (result, overflow2) = partial.addingReportingOverflow(carry)
            sum[index] = result
            carry = (overflow1 ? 1 : 0) | (overflow2 ? 1 : 0)
        }
        return Scalar(limbs: sum).subtractingOrderIfNeeded()
    }

    /// a·b mod ℓ: the 512-bit schoolbook product, then reduced bit by bit.
    static func * (a: Scalar, b: Scalar) -> Scalar {
        var product = [UInt64](repeating: 0, count: 8)
        for i in 0..<4 {
            var carry: UInt64 = 0
            for j in 0..<4 {
                let (high, low) = a.limbs[i].multipliedFullWidth(by: b.limbs[j])
                let (sum1, overflow1) = product[i + j].addingReportingOverflow(low)
                let (sum2, overflow2) = sum1.addingReportingOverflow(carry)
                product[i + j] = sum2
                carry = high &+ (overflow1 ? 1 : 0) &+ (overflow2 ? 1 : 0)
            }
            product[i + 4] = carry
        }
        return Scalar(
            reducing: product.flatMap { limb in (0..<8).map { UInt8(truncatingIfNeeded: limb >> (8 * UInt64($0))) } })
    }

    /// ℓ - self (zero stays zero).
    var negated: Scalar {
        var difference = [UInt64](repeating: 0, count: 4)
        var borrow: UInt64 = 0
        for index in 0..<4 {
            let (partial, overflow1) = Self.order[index].subtractingReportingOverflow(limbs[index])
            let (result, overflow2) = partial.subtractingReportingOverflow(borrow)
            difference[index] = result
            borrow = (overflow1 ? 1 : 0) | (overflow2 ? 1 : 0)
        }
        return Scalar(limbs: difference).subtractingOrderIfNeeded()
    }

    /// `b` when `choice` is 1, `a` when 0, without a branch.
    static func select(_ a: Scalar, _ b: Scalar, _ choice: UInt8) -> Scalar {
        let mask = 0 &- UInt64(choice & 1)
        return Scalar(limbs: (0..<4).map { a.limbs[$0] ^ (mask & (a.limbs[$0] ^ b.limbs[$0])) })
    }
}
