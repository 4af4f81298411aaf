import OpenSSLSupport
import Synchronization
import XMPPCore

/// OpenSSL's primitives with PBKDF2 results remembered: tests that negotiate thousands of
/// sessions with the same password and salt pay for the key derivation once.
public final class MemoizingCrypto: CryptoProvider {
    private struct Key: Hashable {
        var algorithm: HashAlgorithm
        var password: [UInt8]
        var salt: [UInt8]
        var iterations: Int
    }

    public static let shared = MemoizingCrypto()

    private let base = OpenSSLCrypto()
    private let derived = Mutex<[Key: [UInt8]]>([:])

    public init() {}

    public func hash(_ algorithm: HashAlgorithm, _ data: [UInt8]) -> [UInt8] { base.hash(algorithm, data) }

    public func hmac(_ algorithm: HashAlgorithm, key: [UInt8], data: [UInt8]) -> [UInt8] {
        base.hmac(algorithm, key: key, data: data)
    }

    public func pbkdf2(_ algorithm: HashAlgorithm, password: [UInt8], salt: [UInt8], iterations: Int) -> [UInt8] {
        let key = Key(algorithm: algorithm, password: password, salt: salt, iterations: iterations)
        if let known = derived.withLock({ $0[key] }) { return known }
        let value = base.pbkdf2(algorithm, password: password, salt: salt, iterations: iterations)
        derived.withLock { $0[key] = value }
        return value
    }

    public func randomBytes(_ count: Int) -> [UInt8] { base.randomBytes(count) }
}
