internal import CResolv
import Glibc

/// One DNS SRV record (RFC 2782).
public struct SRVRecord: Sendable, Hashable {
    public var priority: UInt16
    public var weight: UInt16
    public var port: UInt16
    public var target: String

    public init(priority: UInt16, weight: UInt16, port: UInt16, target: String) {
        self.priority = priority
        self.weight = weight
        self.port = port
        self.target = target
    }
}

/// DNS queries through the system resolver (blocking: run them off the loop thread).
public enum DNSResolver {
    /// The SRV records for `name`, e.g. `_xmpp-client._tcp.example.org`; empty when there are none.
    public static func srv(_ name: String) -> Result<[SRVRecord], ResolveError> {
        var state: __res_state = .init()
        guard tern_res_ninit(&state) == 0 else {
            return .failure(ResolveError(host: name, message: "the resolver could not be initialised"))
        }
        defer { tern_res_nclose(&state) }
        var answer = [UInt8](repeating: 0, count: 8192)
        let length = res_nquery(&state, name, tern_ns_c_in(), tern_ns_t_srv(), &answer, Int32(answer.count))
        guard length > 0 else {
            // NXDOMAIN or no data: no SRV records (not an error for the caller).
            return .success([])
        }
        var message = ns_msg()
        guard ns_initparse(answer, length, &message) == 0 else {
            return .failure(ResolveError(host: name, message: "malformed DNS answer"))
        }
        var records: [SRVRecord] = []
        let count = Int(message._counts.1)
        for index in 0..<count {
            var record = ns_rr()
            guard ns_parserr(&message, ns_s_an, Int32(index), &record) == 0,
                Int32(record.type) == tern_ns_t_srv(), record.rdlength >= 7, let data = record.rdata
            else { continue }
            let priority = UInt16(data[0]) << 8 | UInt16(data[1])
            let weight = UInt16(data[2]) << 8 | UInt16(data[3])
            let port = UInt16(data[4]) << 8 | UInt16(data[5])
            var target = [CChar](repeating: 0, count: Int(NS_MAXDNAME))
            guard
                dn_expand(
                    answer, answer.withUnsafeBufferPointer { $0.baseAddress! + Int(length) }, data + 6, &target,
                    Int32(target.count)) >= 0
            else { continue }
            let targetName = String(decoding: target.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            records.append(SRVRecord(priority: priority, weight: weight, port: port, target: targetName))
        }
        return .success(records)
    }

    /// Orders records by priority, and by weighted random choice within a priority (RFC 2782):
    /// a number drawn from 0 to the group's total weight picks the first record whose running sum
    /// of weights reaches it, with the records of weight 0 first, so that they are picked (rarely)
    /// when 0 is drawn.
    public static func ordered(_ records: [SRVRecord], using generator: inout some RandomNumberGenerator) -> [SRVRecord]
    {
        var result: [SRVRecord] = []
        for priority in Set(records.map(\.priority)).sorted() {
            let members = records.filter { $0.priority == priority }
            var group = members.filter { $0.weight == 0 } + members.filter { $0.weight != 0 }
            while !group.isEmpty {
                let total = group.reduce(0) { $0 + Int($1.weight) }
                var pick = total == 0 ? 0 : Int.random(in: 0...total, using: &generator)
                var chosen = 0
                for (index, record) in group.enumerated() {
                    pick -= Int(record.weight)
                    chosen = index
                    if pick <= 0 { break }
                }
                result.append(group.remove(at: chosen))
            }
        }
        return result
    }
}
