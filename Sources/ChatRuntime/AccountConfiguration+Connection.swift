import TernConfig
import XMPPClient
import XMPPCore

extension AccountConfiguration {
    /// The settings to connect with, once the password is known.
    public func connectionSettings(password: String) -> ConnectionSettings {
        ConnectionSettings(
            session: SessionConfiguration(
                jid: jid, password: password, resource: resource, pingInterval: .seconds(pingInterval),
                pingTimeout: .seconds(pingTimeout), streamManagement: streamManagement,
                allowMechanismDowngrade: allowMechanismDowngrade, maximumSCRAMIterations: scramMaximumIterations),
            host: host, port: port,
            tlsMode: ConnectionSettings.TLSMode(tls), caFile: caFile, pinnedSHA256: pinSHA256)
    }
}

extension ConnectionSettings.TLSMode {
    init(_ mode: AccountConfiguration.TLSMode) {
        switch mode {
        case .auto: self = .auto
        case .startTLS: self = .startTLS
        case .direct: self = .direct
        }
    }
}
