/// What the TLS layer knows about the channel, handed to the core after the handshake.
public struct TLSInfo: Sendable, Hashable {
    public enum ProtocolVersion: String, Sendable, Hashable {
        case tls12 = "TLSv1.2"
        case tls13 = "TLSv1.3"
    }

    public var protocolVersion: ProtocolVersion
    /// Channel-binding data the TLS layer could compute, by type.
    public var channelBindings: [ChannelBindingType: [UInt8]]
    /// SHA-256 fingerprint of the server's certificate, as colon-separated upper-case hex.
    public var peerCertificateSHA256: String

    public init(
        protocolVersion: ProtocolVersion,
        channelBindings: [ChannelBindingType: [UInt8]],
        peerCertificateSHA256: String
    ) {
        self.protocolVersion = protocolVersion
        self.channelBindings = channelBindings
        self.peerCertificateSHA256 = peerCertificateSHA256
    }
}

/// What authentication used, as the session reports it.
public struct Authentication: Sendable, Hashable {
    public var mechanism: String
    /// The TLS channel binding of a -PLUS mechanism.
    public var channelBinding: ChannelBindingType?
    /// Binding types the server refused before this one worked (a server without XEP-0440 that
    /// does not accept the default type for the TLS version).
    public var refusedChannelBindings: [ChannelBindingType]

    public init(
        mechanism: String, channelBinding: ChannelBindingType? = nil, refusedChannelBindings: [ChannelBindingType] = []
    ) {
        self.mechanism = mechanism
        self.channelBinding = channelBinding
        self.refusedChannelBindings = refusedChannelBindings
    }
}

/// The mechanism `SASLAuthenticator.select` chose, ready to start.
public struct SASLChoice: Sendable {
    public var mechanism: String
    public var authenticator: SASLAuthenticator
    public var channelBinding: ChannelBindingType?
    /// The binding type was picked without the server's list of the types it supports (XEP-0440),
    /// so another type may succeed where this one fails.
    public var channelBindingGuessed: Bool
}

/// A SASL mechanism in progress.
public enum SASLAuthenticator: Sendable {
    case scram(SCRAMClient)
    case plain(username: String, password: String)

    /// Chooses the strongest acceptable mechanism among those offered (RFC 6120 §6.3.3).
    ///
    /// Any SCRAM -PLUS for which both sides agree on a channel-binding type comes before every
    /// SCRAM without it, whatever the hash: without binding, whoever terminates TLS can relay the
    /// exchange. The binding type is one from the server's XEP-0440 list when it sent one; else the
    /// type that worked for this account before (`preferredChannelBinding`), then RFC 9266's
    /// default for TLS 1.3 and RFC 5929's for TLS 1.2, then the others the TLS session allows.
    /// `excludedChannelBindings` are types the server already refused on this stream. Within each
    /// group SHA-512 > SHA-256 > SHA-1. PLAIN only when no SCRAM variant is offered at all; the
    /// session only authenticates over TLS.
    ///
    /// `pinnedMechanism`: the strongest mechanism that worked for this account before. A weaker
    /// choice is refused (`downgradeRefused`) unless `allowDowngrade`.
    public static func select(
        offered: [String],
        serverChannelBindings: [ChannelBindingType]?,
        tls: TLSInfo,
        preferredChannelBinding: ChannelBindingType? = nil,
        excludedChannelBindings: Set<ChannelBindingType> = [],
        pinnedMechanism: String? = nil,
        allowDowngrade: Bool = false,
        maximumIterations: Int = SCRAMClient.defaultMaximumIterations,
        username: String,
        password: String,
        crypto: any CryptoProvider
    ) throws(SASLError) -> SASLChoice {
        let offeredSet = Set(offered.map { $0.uppercased() })
        let binding = agreedChannelBinding(
            serverTypes: serverChannelBindings, tls: tls, preferred: preferredChannelBinding,
            excluded: excludedChannelBindings)
        func scram(_ algorithm: HashAlgorithm, _ flag: SCRAMChannelBinding) -> SASLAuthenticator {
            .scram(
                SCRAMClient(
                    algorithm: algorithm, username: username, password: password, channelBinding: flag, crypto: crypto,
                    maximumIterations: maximumIterations))
        }
        let algorithms = [HashAlgorithm.sha512, .sha256, .sha1]
        var choice: SASLChoice?
        if let binding,
            let algorithm = algorithms.first(where: { offeredSet.contains("SCRAM-\($0.rawValue)-PLUS") })
        {
            choice = SASLChoice(
                mechanism: "SCRAM-\(algorithm.rawValue)-PLUS",
                authenticator: scram(algorithm, .bound(type: binding.type, data: binding.data)),
                channelBinding: binding.type, channelBindingGuessed: serverChannelBindings == nil)
        } else if let algorithm = algorithms.first(where: { offeredSet.contains("SCRAM-\($0.rawValue)") }) {
            // RFC 5802 §6: "y" when we could bind but the server offers no -PLUS (a server that did
            // offer one then sees the downgrade), "n" when we cannot.
            let anyPlusOffered = offeredSet.contains { $0.hasPrefix("SCRAM-") && $0.hasSuffix("-PLUS") }
            let flag: SCRAMChannelBinding =
                anyPlusOffered || tls.channelBindings.isEmpty ? .notSupported : .notOfferedByServer
            choice = SASLChoice(
                mechanism: "SCRAM-\(algorithm.rawValue)", authenticator: scram(algorithm, flag), channelBinding: nil,
                channelBindingGuessed: false)
        } else if !offeredSet.contains(where: { $0.hasPrefix("SCRAM-") }) && offeredSet.contains("PLAIN") {
            choice = SASLChoice(
                mechanism: "PLAIN", authenticator: .plain(username: username, password: password), channelBinding: nil,
                channelBindingGuessed: false)
        }
        guard let choice else { throw .noAcceptableMechanism(offered: offered) }
        if let pinnedMechanism, !allowDowngrade, strength(of: choice.mechanism) < strength(of: pinnedMechanism) {
            throw .downgradeRefused(pinned: pinnedMechanism, offered: offered)
        }
        return choice
    }

    /// How strong a mechanism is, for pinning: channel binding first, then the hash; unknown
    /// mechanisms count as nothing.
    public static func strength(of mechanism: String) -> Int {
        let name = mechanism.uppercased()
        let plus = name.hasSuffix("-PLUS")
        let base = plus ? String(name.dropLast(5)) : name
        let hash: Int
        switch base {
        case "SCRAM-SHA-512": hash = 3
        case "SCRAM-SHA-256": hash = 2
        case "SCRAM-SHA-1": hash = 1
        case "PLAIN": return 0
        default: return -1
        }
        return (plus ? 10 : 0) + hash
    }

    static func agreedChannelBinding(
        serverTypes: [ChannelBindingType]?,
        tls: TLSInfo,
        preferred: ChannelBindingType? = nil,
        excluded: Set<ChannelBindingType> = []
    ) -> (type: ChannelBindingType, data: [UInt8])? {
        var candidates: [ChannelBindingType]
        if let serverTypes {
            candidates = ChannelBindingType.allCases.filter(serverTypes.contains)
        } else {
            let standard: ChannelBindingType = tls.protocolVersion == .tls13 ? .tlsExporter : .tlsUnique
            candidates = [preferred, standard].compactMap { $0 } + [.tlsExporter, .tlsUnique, .tlsServerEndPoint]
        }
        for type in candidates where !excluded.contains(type) {
            if let data = tls.channelBindings[type] { return (type, data) }
        }
        return nil
    }

    public mutating func initialResponse() -> [UInt8] {
        switch self {
        case .scram(var client):
            let response = client.initialResponse()
            self = .scram(client)
            return response
        case .plain(let username, let password):
            return [0] + Array(username.utf8) + [0] + Array(SASLprep.prepare(password).utf8)
        }
    }

    public mutating func respond(to challenge: [UInt8]) throws(SASLError) -> [UInt8] {
        switch self {
        case .scram(var client):
            let response = try client.respond(to: challenge)
            self = .scram(client)
            return response
        case .plain:
            throw .malformedChallenge("the server sent a challenge to PLAIN")
        }
    }

    public mutating func complete(withSuccessData data: [UInt8]) throws(SASLError) {
        switch self {
        case .scram(var client):
            try client.complete(withSuccessData: data)
            self = .scram(client)
        case .plain:
            return
        }
    }
}
