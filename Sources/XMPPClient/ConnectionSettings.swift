import XMPPCore

/// How an account connects: where, with which TLS mode and trust, and protocol limits.
public struct ConnectionSettings: Sendable {
    public enum TLSMode: String, Sendable, Hashable, CaseIterable {
        /// Both SRV services (XEP-0368), falling back to STARTTLS on port 5222.
        case auto
        /// STARTTLS only (`_xmpp-client._tcp`, then port 5222).
        case startTLS = "starttls"
        /// Direct TLS only (`_xmpps-client._tcp`, then port 5223).
        case direct
    }

    public var session: SessionConfiguration
    /// Connect to this host instead of looking up SRV records.
    public var host: String?
    public var port: Int?
    public var tlsMode: TLSMode
    public var caFile: String?
    public var pinnedSHA256: String?
    public var maximumStanzaSize: Int
    public var connectTimeout: Duration
    /// Tests only: cap TLS at 1.2 to exercise tls-unique and tls-server-end-point.
    public var limitToTLS12: Bool

    public init(
        session: SessionConfiguration,
        host: String? = nil,
        port: Int? = nil,
        tlsMode: TLSMode = .auto,
        caFile: String? = nil,
        pinnedSHA256: String? = nil,
        maximumStanzaSize: Int = 1 << 20,
        connectTimeout: Duration = .seconds(10),
        limitToTLS12: Bool = false
    ) {
        self.session = session
        self.host = host
        self.port = port
        self.tlsMode = tlsMode
        self.caFile = caFile
        self.pinnedSHA256 = pinnedSHA256
        self.maximumStanzaSize = maximumStanzaSize
        self.connectTimeout = connectTimeout
        self.limitToTLS12 = limitToTLS12
    }
}
