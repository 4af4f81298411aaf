import Networking
import OpenSSLSupport
import XMPPCore

/// Why a connection attempt or an established connection ended.
public enum ConnectionError: Error, Sendable, Hashable {
    case resolve(ResolveError)
    case connect(ConnectError)
    /// SRV records say the service is not offered for this domain.
    case serviceUnavailable(domain: String)
    case tls(TLSError)
    case session(SessionError)
    /// Reading or writing the socket failed, or the peer closed it.
    case transport(String)

    /// Whether reconnecting later may help.
    public var isRetryable: Bool {
        switch self {
        case .resolve, .connect, .transport: true
        case .serviceUnavailable: false
        case .tls(let error):
            switch error {
            case .certificateUntrusted, .pinMismatch, .invalidConfiguration: false
            case .handshakeFailed, .connectionFailed: true
            }
        case .session(let error): error.isRetryable
        }
    }
}

extension ConnectionError: CustomStringConvertible {
    public var description: String {
        switch self {
        case .resolve(let error): error.description
        case .connect(let error): error.description
        case .serviceUnavailable(let domain): "\(domain) does not offer XMPP client connections (SRV target \".\")"
        case .tls(let error): error.description
        case .session(let error): error.description
        case .transport(let detail): "connection lost: \(detail)"
        }
    }
}
