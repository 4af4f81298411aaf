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

/// A SASL mechanism in progress.
public enum SASLAuthenticator: Sendable {
    case scram(SCRAMClient)
    case plain(username: String, password: String)

    /// Chooses the strongest acceptable mechanism among those offered (RFC 6120 §6.3.3).
    ///
    /// SCRAM-SHA-512 > -256 > -1, each with -PLUS when the server offers it and both sides can agree
    /// on a channel-binding type (XEP-0440's list when present, else RFC 9266's default for TLS 1.3
    /// and RFC 5929's for TLS 1.2). PLAIN only when no SCRAM variant is offered at all; the session
    /// only authenticates over TLS.
    public static func select(
        offered: [String],
        serverChannelBindings: [ChannelBindingType]?,
        tls: TLSInfo,
        username: String,
        password: String,
        crypto: any CryptoProvider
    ) throws(SASLError) -> (mechanism: String, authenticator: SASLAuthenticator) {
        let offeredSet = Set(offered.map { $0.uppercased() })
        let binding = agreedChannelBinding(serverTypes: serverChannelBindings, tls: tls)
        for algorithm in [HashAlgorithm.sha512, .sha256, .sha1] {
            let base = "SCRAM-\(algorithm.rawValue)"
            if let binding, offeredSet.contains(base + "-PLUS") {
                let client = SCRAMClient(
                    algorithm: algorithm, username: username, password: password,
                    channelBinding: .bound(type: binding.type, data: binding.data), crypto: crypto)
                return (base + "-PLUS", .scram(client))
            }
            if offeredSet.contains(base) {
                let anyPlusOffered = offeredSet.contains { $0.hasPrefix("SCRAM-") && $0.hasSuffix("-PLUS") }
                let flag: SCRAMChannelBinding =
                    anyPlusOffered || tls.channelBindings.isEmpty ? .notSupported : .notOfferedByServer
                let client = SCRAMClient(
                    algorithm: algorithm, username: username, password: password, channelBinding: flag,
                    crypto: crypto)
                return (base, .scram(client))
            }
        }
        let anySCRAM = offeredSet.contains { $0.hasPrefix("SCRAM-") }
        if !anySCRAM && offeredSet.contains("PLAIN") {
            return ("PLAIN", .plain(username: username, password: password))
        }
        throw .noAcceptableMechanism(offered: offered)
    }

    static func agreedChannelBinding(
        serverTypes: [ChannelBindingType]?,
        tls: TLSInfo
    ) -> (type: ChannelBindingType, data: [UInt8])? {
        let candidates: [ChannelBindingType]
        if let serverTypes {
            candidates = ChannelBindingType.allCases.filter(serverTypes.contains)
        } else {
            candidates = tls.protocolVersion == .tls13 ? [.tlsExporter] : [.tlsUnique]
        }
        for type in candidates {
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
