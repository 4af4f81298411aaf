import Testing

@testable import OMEMOCrypto

/// The field and scalar arithmetic XEdDSA runs on, checked against `ReferenceInteger`.
@Suite struct FieldArithmeticTests {
    static let p = ReferenceInteger.p
    static let edges: [[UInt8]] = [
        [UInt8](repeating: 0, count: 32), [1] + [UInt8](repeating: 0, count: 31),
        (p - ReferenceInteger(words: [1])).bytes(32),
        p.bytes(32), (p + ReferenceInteger(words: [1])).bytes(32),
        [0xFF] + [UInt8](repeating: 0xFF, count: 30) + [0x7F],
        [UInt8](repeating: 0xFF, count: 32),
    ]

    /// The field element of 32 bytes as the reference sees it: bit 255 dropped, reduced mod p.
    static func reference(_ bytes: [UInt8]) -> ReferenceInteger {
        var masked = bytes
        masked[31] &= 0x7F
        return ReferenceInteger(littleEndian: masked) % p
    }

    static func samples() throws -> [[UInt8]] {
        try edges + (0..<40).map { _ in try SecureRandom.bytes(32) }
    }

    @Test func decodingReducesAndEncodingIsCanonical() throws {
        for a in try Self.samples() {
            #expect(FieldElement(bytes: a).bytes == Self.reference(a).bytes(32))
        }
    }

    @Test func sumsDifferencesAndProductsMatchTheReference() throws {
        let samples = try Self.samples()
        for (a, b) in zip(samples, samples.reversed()) {
            let (x, y) = (FieldElement(bytes: a), FieldElement(bytes: b))
            let (rx, ry) = (Self.reference(a), Self.reference(b))
            #expect((x + y).bytes == ((rx + ry) % Self.p).bytes(32))
            #expect((x - y).bytes == ((rx + Self.p - ry) % Self.p).bytes(32))
            #expect((x * y).bytes == ((rx * ry) % Self.p).bytes(32))
            #expect(x.squared().bytes == ((rx * rx) % Self.p).bytes(32))
        }
    }

    /// Long chains keep limbs in range: 200 rounds of products and sums agree with the reference.
    @Test func chainsOfOperationsStayReduced() throws {
        var x = FieldElement(bytes: try SecureRandom.bytes(32))
        var reference = ReferenceInteger(littleEndian: x.bytes)
        let step = try SecureRandom.bytes(32)
        let (y, ry) = (FieldElement(bytes: step), Self.reference(step))
        for _ in 0..<200 {
            x = x * x + y - x
            reference = (reference * reference + ry + Self.p - reference) % Self.p
        }
        #expect(x.bytes == reference.bytes(32))
    }

    @Test func inverseTimesValueIsOne() throws {
        for a in try Self.samples() where !Self.reference(a).words.isEmpty {
            let x = FieldElement(bytes: a)
            #expect((x * x.inverted()).bytes == FieldElement.one.bytes)
        }
        #expect(FieldElement.zero.inverted().isZero)
    }

    @Test func squareRootOfMinusOneSquaresToMinusOne() {
        #expect(EdwardsPoint.squareRootOfMinusOne.squared().bytes == (-FieldElement.one).bytes)
    }

    @Test func selectPicksWithoutBranching() throws {
        let (a, b) = (FieldElement(bytes: try SecureRandom.bytes(32)), FieldElement(bytes: try SecureRandom.bytes(32)))
        #expect(FieldElement.select(a, b, 0).bytes == a.bytes)
        #expect(FieldElement.select(a, b, 1).bytes == b.bytes)
    }

    @Test func scalarsReduceModuloTheGroupOrder() throws {
        let order = ReferenceInteger.order
        for wide in try (0..<30).map({ _ in try SecureRandom.bytes(64) }) + [
            [UInt8](repeating: 0xFF, count: 64), order.bytes(32),
        ] {
            #expect(Scalar(reducing: wide).bytes == (ReferenceInteger(littleEndian: wide) % order).bytes(32))
        }
        #expect(Scalar(reducing: order.bytes(32)) == .zero)
    }

    @Test func scalarSumsProductsAndNegationsMatchTheReference() throws {
        let order = ReferenceInteger.order
        for _ in 0..<30 {
            let (a, b) = (try SecureRandom.bytes(64), try SecureRandom.bytes(64))
            let (x, y) = (Scalar(reducing: a), Scalar(reducing: b))
            let (rx, ry) = (ReferenceInteger(littleEndian: a) % order, ReferenceInteger(littleEndian: b) % order)
            #expect((x + y).bytes == ((rx + ry) % order).bytes(32))
            #expect((x * y).bytes == ((rx * ry) % order).bytes(32))
            #expect(x.negated.bytes == ((order - rx) % order).bytes(32))
            #expect(x + x.negated == .zero)
        }
        #expect(Scalar.zero.negated == .zero)
    }
}
