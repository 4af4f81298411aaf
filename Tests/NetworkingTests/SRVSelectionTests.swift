import Networking
import TestServers
import Testing

/// RFC 2782's order: the lowest priority first, and within a priority a random choice weighted by
/// `weight`, drawn from a seeded source so that a failure can be replayed.
@Suite struct SRVSelectionTests {
    func record(_ target: String, priority: UInt16 = 10, weight: UInt16) -> SRVRecord {
        SRVRecord(priority: priority, weight: weight, port: 5222, target: target)
    }

    /// How often each target comes first in `runs` orderings.
    func firstCounts(_ records: [SRVRecord], runs: Int = 4000, seed: UInt64 = 2782) -> [String: Int] {
        var generator = SplitMix64(state: seed)
        var counts: [String: Int] = [:]
        for _ in 0..<runs { counts[DNSResolver.ordered(records, using: &generator)[0].target, default: 0] += 1 }
        return counts
    }

    /// Running sums 10, 40, 100 against a number drawn from 0...100: shares of 11, 30 and 60 in 101.
    @Test func withinAPriorityTheChanceFollowsTheWeight() {
        let counts = firstCounts([record("a", weight: 10), record("b", weight: 30), record("c", weight: 60)])
        #expect((300...580).contains(counts["a", default: 0]), "\(counts)")
        #expect((1_040...1_340).contains(counts["b", default: 0]), "\(counts)")
        #expect((2_220...2_530).contains(counts["c", default: 0]), "\(counts)")
    }

    /// RFC 2782: records of weight 0 go to the front of the list before each draw, so they are
    /// chosen when the draw is 0 (one in eleven here), wherever the DNS answer put them.
    @Test func aZeroWeightRecordHasASmallChanceWhereverItIsListed() {
        for records in [
            [record("zero", weight: 0), record("ten", weight: 10)],
            [record("ten", weight: 10), record("zero", weight: 0)],
        ] {
            let counts = firstCounts(records)
            #expect((250...480).contains(counts["zero", default: 0]), "\(records.map(\.target)): \(counts)")
        }
    }

    @Test func everyRecordIsOrderedOnceByPriority() {
        let records = [
            record("c1", priority: 30, weight: 5), record("a1", priority: 10, weight: 0),
            record("b1", priority: 20, weight: 1), record("a2", priority: 10, weight: 7),
            record("b2", priority: 20, weight: 0),
            record("c2", priority: 30, weight: 0),
        ]
        var generator = SplitMix64(state: 7)
        for _ in 0..<200 {
            let ordered = DNSResolver.ordered(records, using: &generator)
            #expect(ordered.map(\.priority) == [10, 10, 20, 20, 30, 30])
            #expect(Set(ordered.map(\.target)) == Set(records.map(\.target)))
        }
        #expect(DNSResolver.ordered([], using: &generator).isEmpty)
    }

    @Test func theSameSeedGivesTheSameOrder() {
        let records = (0..<8).map { record("t\($0)", weight: UInt16($0 * 3)) }
        var first = SplitMix64(state: 99)
        var second = SplitMix64(state: 99)
        for _ in 0..<50 {
            #expect(DNSResolver.ordered(records, using: &first) == DNSResolver.ordered(records, using: &second))
        }
    }
}
