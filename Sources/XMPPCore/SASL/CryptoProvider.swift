/// Hash algorithms SCRAM uses (RFC 5802, RFC 7677, and SHA-512 from the SCRAM-SHA-512 draft).
public enum HashAlgorithm: String, Sendable, Hashable, CaseIterable {
    case sha1 = "SHA-1"
    case sha256 = "SHA-256"
    case sha512 = "SHA-512"

    public var digestLength: Int {
        switch self {
        case .sha1: 20
        case .sha256: 32
        case .sha512: 64
        }
    }
}

/// The cryptographic primitives the core needs, supplied from outside so that the core stays free
/// of C libraries. `OpenSSLSupport.OpenSSLCrypto` is the production implementation.
public protocol CryptoProvider: Sendable {
    func hash(_ algorithm: HashAlgorithm, _ data: [UInt8]) -> [UInt8]
    func hmac(_ algorithm: HashAlgorithm, key: [UInt8], data: [UInt8]) -> [UInt8]
    func pbkdf2(_ algorithm: HashAlgorithm, password: [UInt8], salt: [UInt8], iterations: Int) -> [UInt8]
    func randomBytes(_ count: Int) -> [UInt8]
}

extension CryptoProvider {
    /// A random identifier of `length` URL-safe characters (for stanza ids, nonces).
    public func randomIdentifier(length: Int = 16) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
        return String(randomBytes(length).map { alphabet[Int($0) & 63] })
    }
}
