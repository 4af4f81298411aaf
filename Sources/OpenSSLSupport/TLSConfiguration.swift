/// How a TLS client connection verifies its peer.
public struct TLSConfiguration: Sendable, Hashable {
    /// The name the certificate must be valid for, also sent as SNI: the account's XMPP domain,
    /// never the host an SRV record or a config override pointed to (CVE-2022-26491).
    public var serverName: String
    /// An extra trust anchor (PEM), in addition to the system's CAs.
    public var extraCAFile: String?
    /// A certificate pin: SHA-256 of the server certificate (hex, colons and case ignored). When
    /// set, a certificate matching it is accepted whatever its chain says, and nothing else is.
    public var pinnedSHA256: String?
    /// ALPN protocols to offer (XEP-0368 direct TLS offers `xmpp-client`).
    public var alpnProtocols: [String]
    /// Highest protocol version, for tests of TLS 1.2 behaviour; nil allows TLS 1.3.
    public var maximumVersion: TLSVersionLimit?

    public enum TLSVersionLimit: Sendable, Hashable {
        case tls12
    }

    public init(
        serverName: String,
        extraCAFile: String? = nil,
        pinnedSHA256: String? = nil,
        alpnProtocols: [String] = [],
        maximumVersion: TLSVersionLimit? = nil
    ) {
        self.serverName = serverName
        self.extraCAFile = extraCAFile
        self.pinnedSHA256 = pinnedSHA256
        self.alpnProtocols = alpnProtocols
        self.maximumVersion = maximumVersion
    }
}

/// Why a TLS connection failed.
public enum TLSError: Error, Sendable, Hashable {
    /// The certificate did not verify; the fingerprint lets the user decide to pin it.
    case certificateUntrusted(reason: String, fingerprintSHA256: String)
    /// A pin was configured and the certificate does not match it.
    case pinMismatch(expected: String, actual: String)
    case handshakeFailed(String)
    case invalidConfiguration(String)
    /// TLS failed after the handshake (a bad record, an alert from the peer).
    case connectionFailed(String)
}

extension TLSError: CustomStringConvertible {
    public var description: String {
        switch self {
        case .certificateUntrusted(let reason, let fingerprint):
            "the server's certificate is not trusted (\(reason)); its SHA-256 fingerprint is \(fingerprint)"
        case .pinMismatch(let expected, let actual):
            "the server's certificate does not match the pinned fingerprint (pinned \(expected), got \(actual))"
        case .handshakeFailed(let detail): "TLS handshake failed: \(detail)"
        case .invalidConfiguration(let detail): "TLS configuration error: \(detail)"
        case .connectionFailed(let detail): "TLS error: \(detail)"
        }
    }
}
