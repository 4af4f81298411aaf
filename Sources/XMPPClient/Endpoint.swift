import Networking
import XMPPCore

/// One place to try: a host, a port, and whether TLS starts with the first byte.
public struct Endpoint: Sendable, Hashable, CustomStringConvertible {
    public var host: String
    public var port: Int
    public var directTLS: Bool

    public init(host: String, port: Int, directTLS: Bool) {
        self.host = host
        self.port = port
        self.directTLS = directTLS
    }

    public var description: String { "\(host):\(port)" + (directTLS ? " (direct TLS)" : "") }

    /// The endpoints to try for `domain`, in order (RFC 6120 §3.2, XEP-0368 §3).
    ///
    /// With an explicit host, only that host. Otherwise both SRV services merged by priority
    /// (direct TLS first at equal priority, weights randomised within a priority), and when neither
    /// has records, the domain itself on the default port. A target of "." means the service is
    /// decidedly not available there.
    public static func plan(
        domain: String,
        settings: ConnectionSettings,
        directTLSRecords: [SRVRecord],
        startTLSRecords: [SRVRecord],
        using generator: inout some RandomNumberGenerator
    ) -> [Endpoint] {
        if let host = settings.host {
            let direct = settings.tlsMode == .direct
            return [Endpoint(host: host, port: settings.port ?? (direct ? 5223 : 5222), directTLS: direct)]
        }
        let useDirect = settings.tlsMode != .startTLS
        let useStartTLS = settings.tlsMode != .direct
        var candidates: [(record: SRVRecord, direct: Bool)] = []
        if useDirect {
            candidates += DNSResolver.ordered(directTLSRecords, using: &generator).map { ($0, true) }
        }
        if useStartTLS {
            candidates += DNSResolver.ordered(startTLSRecords, using: &generator).map { ($0, false) }
        }
        let sorted = candidates.enumerated().sorted { lhs, rhs in
            if lhs.element.record.priority != rhs.element.record.priority {
                return lhs.element.record.priority < rhs.element.record.priority
            }
            if lhs.element.direct != rhs.element.direct { return lhs.element.direct }
            return lhs.offset < rhs.offset
        }
        let endpoints = sorted.compactMap { item -> Endpoint? in
            let target = item.element.record.target
            guard target != "." && !target.isEmpty else { return nil }
            return Endpoint(host: target, port: Int(item.element.record.port), directTLS: item.element.direct)
        }
        if !endpoints.isEmpty { return endpoints }
        let hadRecords = !directTLSRecords.isEmpty || !startTLSRecords.isEmpty
        if hadRecords { return [] }
        let direct = settings.tlsMode == .direct
        return [Endpoint(host: domain, port: settings.port ?? (direct ? 5223 : 5222), directTLS: direct)]
    }
}
