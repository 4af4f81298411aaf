/// A point of the twisted Edwards curve -x² + y² = 1 + d·x²·y² (edwards25519, RFC 8032 §5.1) in extended
/// coordinates (X:Y:Z:T), x = X/Z, y = Y/Z, x·y = T/Z.
///
/// Addition uses the complete formulas of Hisil, Wong, Carter and Dawson (2008) for a = -1, which have no
/// exceptional cases, so doubling is addition too and scalar multiplication by a secret is a ladder of
/// conditional swaps without branches on the scalar.
struct EdwardsPoint: Sendable {
    var x, y, z, t: FieldElement

    /// d = -121665/121666.
    static let d = -FieldElement(121_665) * FieldElement(121_666).inverted()
    static let twoD = d + d
    /// √-1 = 2^((p-1)/4) (2 is not a square mod p).
    static let squareRootOfMinusOne = FieldElement(2).power(FieldElement.exponent(low: 0xFB, high: 0x1F))

    static let identity = EdwardsPoint(x: .zero, y: .one, z: .one, t: .zero)

    /// The base point B: y = 4/5, x even (RFC 8032 §5.1).
    static let base: EdwardsPoint = {
        let y = FieldElement(4) * FieldElement(5).inverted()
        guard let base = EdwardsPoint(y: y, sign: 0) else { preconditionFailure("4/5 is the base point's y") }
        return base
    }()

    init(x: FieldElement, y: FieldElement, z: FieldElement, t: FieldElement) {
        (self.x, self.y, self.z, self.t) = (x, y, z, t)
    }

    /// The point with this y and the x whose parity is `sign`, or nil when there is none (RFC 8032
    /// §5.1.3). For public data only: it branches on the values.
    init?(y: FieldElement, sign: UInt8) {
        let ySquared = y.squared()
        let u = ySquared - .one
        let v = Self.d * ySquared + .one
        let ratio = u * v.inverted()
        var x = ratio.power(FieldElement.exponent(low: 0xFE, high: 0x0F))  // (p+3)/8
        if !(x.squared() - ratio).isZero {
            guard (x.squared() + ratio).isZero else { return nil }  // not a square: no such point
            x = x * Self.squareRootOfMinusOne
        }
        if x.isZero && sign == 1 { return nil }
        if x.isNegative != sign { x = -x }
        self.init(x: x, y: y, z: .one, t: x * y)
    }

    /// The point of a 32-byte RFC 8032 encoding, or nil when it is not one. For public data only.
    init?(encoded bytes: [UInt8]) {
        guard bytes.count == 32 else { return nil }
        var yBytes = bytes
        yBytes[31] &= 0x7F
        let y = FieldElement(bytes: yBytes)
        guard y.bytes == yBytes else { return nil }  // y ≥ p
        self.init(y: y, sign: bytes[31] >> 7)
    }

    /// The 32-byte encoding: y, with x's parity in the top bit.
    var encoded: [UInt8] {
        let inverse = z.inverted()
        var bytes = (y * inverse).bytes
        bytes[31] |= (x * inverse).isNegative << 7
        return bytes
    }

    static func + (p: EdwardsPoint, q: EdwardsPoint) -> EdwardsPoint {
        let a = (p.y - p.x) * (q.y - q.x)
        let b = (p.y + p.x) * (q.y + q.x)
        let c = p.t * twoD * q.t
        let zz = p.z * q.z
        let dd = zz + zz
        let (e, f, g, h) = (b - a, dd - c, dd + c, b + a)
        return EdwardsPoint(x: e * f, y: g * h, z: f * g, t: e * h)
    }

    static prefix func - (p: EdwardsPoint) -> EdwardsPoint { EdwardsPoint(x: -p.x, y: p.y, z: p.z, t: -p.t) }

    /// scalar · self by a Montgomery ladder over all 256 bits: the same additions whatever the scalar.
    func multiplied(by scalar: Scalar) -> EdwardsPoint {
        let bytes = scalar.bytes
        var r0 = EdwardsPoint.identity
        var r1 = self
        for bit in (0..<256).reversed() {
            let choice = bytes[bit / 8] >> (bit % 8) & 1
            Self.swap(&r0, &r1, choice)
            r1 = r0 + r1
            r0 = r0 + r0
            Self.swap(&r0, &r1, choice)
        }
        return r0
    }

    /// Exchanges p and q when `choice` is 1, without a branch.
    private static func swap(_ p: inout EdwardsPoint, _ q: inout EdwardsPoint, _ choice: UInt8) {
        let (oldP, oldQ) = (p, q)
        p = EdwardsPoint(
            x: .select(oldP.x, oldQ.x, choice), y: .select(oldP.y, oldQ.y, choice),
            z: .select(oldP.z, oldQ.z, choice), t: .select(oldP.t, oldQ.t, choice))
        q = EdwardsPoint(
            x: .select(oldQ.x, oldP.x, choice), y: .select(oldQ.y, oldP.y, choice),
            z: .select(oldQ.z, oldP.z, choice), t: .select(oldQ.t, oldP.t, choice))
    }
}
