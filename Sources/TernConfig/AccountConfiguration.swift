import Foundation
import XMPPCore

/// One `[accounts.NAME]` table.
public struct AccountConfiguration: Sendable, Hashable {
    /// How TLS is reached (the `tls` key).
    public enum TLSMode: String, Sendable, Hashable, CaseIterable {
        /// Both SRV services (XEP-0368), falling back to STARTTLS on port 5222.
        case auto
        /// STARTTLS only.
        case startTLS = "starttls"
        /// Direct TLS only.
        case direct
    }

    public var name: String
    public var jid: JID
    public var password: PasswordSource
    public var resource: String?
    public var host: String?
    public var port: Int?
    public var tls: TLSMode
    public var caFile: String?
    public var pinSHA256: String?
    /// Seconds without traffic before a keep-alive ping, and how long it may go unanswered: together
    /// the longest a dead link goes unnoticed.
    public var pingInterval: Int
    public var pingTimeout: Int
    /// XEP-0198 stream management (acks and resumption) when the server offers it.
    public var streamManagement: Bool
    /// The most SCRAM iterations a server may ask for.
    public var scramMaximumIterations: Int
    /// Log in even when the server offers only mechanisms weaker than the one that worked before.
    public var allowMechanismDowngrade: Bool
    /// Connect when the interactive client starts (`autoconnect = false`: only on /connect).
    public var autoconnect: Bool

    static let keys: Set<String> = [
        "jid", "password_command", "password_file", "resource", "host", "port", "tls", "ca_file", "pin_sha256",
        "ping_interval", "ping_timeout", "stream_management", "scram_max_iterations", "allow_mechanism_downgrade",
        "autoconnect",
    ]

    public init(
        name: String,
        jid: JID,
        password: PasswordSource,
        resource: String? = nil,
        host: String? = nil,
        port: Int? = nil,
        tls: TLSMode = .auto,
        caFile: String? = nil,
        pinSHA256: String? = nil,
        pingInterval: Int = 20,
        pingTimeout: Int = 10,
        streamManagement: Bool = true,
        scramMaximumIterations: Int = SCRAMClient.defaultMaximumIterations,
        allowMechanismDowngrade: Bool = false,
        autoconnect: Bool = true
    ) {
        self.name = name
        self.jid = jid
        self.password = password
        self.resource = resource
        self.host = host
        self.port = port
        self.tls = tls
        self.caFile = caFile
        self.pinSHA256 = pinSHA256
        self.pingInterval = pingInterval
        self.pingTimeout = pingTimeout
        self.streamManagement = streamManagement
        self.scramMaximumIterations = scramMaximumIterations
        self.allowMechanismDowngrade = allowMechanismDowngrade
        self.autoconnect = autoconnect
    }

    init(name: String, reader: ConfigReader, baseDirectory: String) throws(ConfigError) {
        try reader.rejectUnknownKeys(allowed: AccountConfiguration.keys)
        guard let jidText = try reader.string("jid") else { throw reader.error(nil, "missing key \"jid\"") }
        let jid: JID
        do {
            jid = try JID(jidText)
        } catch {
            throw reader.error("jid", "\"\(jidText)\" is not a valid JID: \(error)")
        }
        guard jid.localpart != nil else { throw reader.error("jid", "\"\(jidText)\" has no user part (user@domain)") }

        let command = try reader.string("password_command")
        let passwordFile = try reader.string("password_file").map {
            AccountConfiguration.resolve($0, against: baseDirectory)
        }
        let password: PasswordSource
        switch (command, passwordFile) {
        case (.some, .some):
            throw reader.error("password_file", "set either password_command or password_file, not both")
        case (.some(let command), nil): password = .command(command)
        case (nil, .some(let file)):
            guard FileManager.default.fileExists(atPath: file) else {
                throw reader.error("password_file", "the file \(file) does not exist")
            }
            password = .file(file)
        case (nil, nil): password = .prompt
        }

        let caFile = try reader.string("ca_file").map { AccountConfiguration.resolve($0, against: baseDirectory) }
        if let caFile, !FileManager.default.isReadableFile(atPath: caFile) {
            throw reader.error("ca_file", "the file \(caFile) does not exist or cannot be read")
        }
        let pin = try reader.string("pin_sha256")
        if let pin, CertificateFingerprint.normalized(pin) == nil {
            throw reader.error("pin_sha256", "expected a SHA-256 fingerprint (64 hex digits, colons allowed)")
        }
        let resource = try reader.string("resource")
        if let resource, resource.isEmpty { throw reader.error("resource", "the resource must not be empty") }
        let host = try reader.string("host")
        if let host, host.isEmpty { throw reader.error("host", "the host must not be empty") }
        let tlsText = try reader.choice("tls", of: TLSMode.allCases.map(\.rawValue))

        self.init(
            name: name, jid: jid.bare, password: password, resource: resource ?? jid.resourcepart, host: host,
            port: try reader.int("port", in: 1...65535),
            tls: tlsText.flatMap(TLSMode.init(rawValue:)) ?? .auto, caFile: caFile,
            pinSHA256: pin.flatMap(CertificateFingerprint.normalized),
            pingInterval: try reader.int("ping_interval", in: 1...3600) ?? 20,
            pingTimeout: try reader.int("ping_timeout", in: 1...600) ?? 10,
            streamManagement: try reader.bool("stream_management") ?? true,
            scramMaximumIterations: try reader.int(
                "scram_max_iterations", in: SCRAMClient.minimumIterations...10_000_000)
                ?? SCRAMClient.defaultMaximumIterations,
            allowMechanismDowngrade: try reader.bool("allow_mechanism_downgrade") ?? false,
            autoconnect: try reader.bool("autoconnect") ?? true)
    }

    private static func resolve(_ path: String, against directory: String) -> String {
        if path.hasPrefix("/") { return path }
        if path == "~" || path.hasPrefix("~/") { return NSHomeDirectory() + path.dropFirst() }
        return directory + "/" + path
    }
}
