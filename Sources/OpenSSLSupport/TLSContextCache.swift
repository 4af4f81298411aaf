internal import COpenSSL
import Dispatch
import Glibc
import Synchronization

/// Shares one OpenSSL context per trust configuration for the life of the process.
///
/// Building a context loads the trust store, which costs tens of milliseconds when the system
/// bundle is read in full (SSL_CERT_FILE); reconnections reuse it. Contexts are reference-counted
/// and safe to share between connections.
final class TLSContextCache: Sendable {
    static let shared = TLSContextCache()

    private struct Key: Hashable {
        var extraCAFile: String?
        var maximumVersion: TLSConfiguration.TLSVersionLimit?
    }

    /// Context pointers by configuration; never freed (a handful per process at most). The lock
    /// is held while a context is built, so a connection that needs one while `prepare` builds it
    /// waits for that build instead of starting another.
    private let contexts = Mutex<[Key: UInt]>([:])

    /// A context with one reference for the caller (release it with SSL_CTX_free).
    func context(for configuration: TLSConfiguration) throws(TLSError) -> OpaquePointer {
        let key = Key(extraCAFile: configuration.extraCAFile, maximumVersion: configuration.maximumVersion)
        return try contexts.withLock { cache throws(TLSError) -> OpaquePointer in
            if let address = cache[key], let context = OpaquePointer(bitPattern: address) {
                SSL_CTX_up_ref(context)
                return context
            }
            let context = try TLSContextCache.makeContext(key)
            SSL_CTX_up_ref(context)
            cache[key] = UInt(bitPattern: Int(bitPattern: UnsafeRawPointer(context)))
            return context
        }
    }

    /// Builds the context for `configuration` on another thread, so that loading the trust store
    /// overlaps the start-up instead of delaying the TLS handshake.
    func prepare(_ configuration: TLSConfiguration) {
        DispatchQueue.global().async {
            if let context = try? self.context(for: configuration) { SSL_CTX_free(context) }
        }
    }

    private static func makeContext(_ key: Key) throws(TLSError) -> OpaquePointer {
        guard let context = SSL_CTX_new(TLS_client_method()) else {
            throw .invalidConfiguration("OpenSSL could not create a context: \(TLSClient.errorQueue())")
        }
        // A context that failed to take its minimum version would allow TLS 1.0: refuse it.
        guard tern_ssl_ctx_set_min_proto_version(context, tern_tls1_2_version()) == 1,
            key.maximumVersion != .tls12 || tern_ssl_ctx_set_max_proto_version(context, tern_tls1_2_version()) == 1
        else {
            SSL_CTX_free(context)
            throw .invalidConfiguration("OpenSSL refused the TLS version limits: \(TLSClient.errorQueue())")
        }
        // Verification is decided after the handshake (TLSClient.verifyPeer) so that a failure can
        // name the certificate.
        SSL_CTX_set_verify(context, SSL_VERIFY_NONE, nil)
        loadSystemTrustStore(context)
        if let file = key.extraCAFile, SSL_CTX_load_verify_locations(context, file, nil) != 1 {
            SSL_CTX_free(context)
            throw .invalidConfiguration("cannot load the CA file \(file): \(TLSClient.errorQueue())")
        }
        return context
    }

    /// The system's CAs: the hashed certificate directory, read lazily (only the issuers a chain
    /// needs), plus the bundle named by SSL_CERT_FILE when that is set.
    private static func loadSystemTrustStore(_ context: OpaquePointer) {
        if let file = getenv("SSL_CERT_FILE") {
            SSL_CTX_load_verify_locations(context, file, nil)
        }
        let directory =
            getenv("SSL_CERT_DIR").map { String(cString: $0) } ?? String(cString: X509_get_default_cert_dir())
        SSL_CTX_load_verify_dir(context, directory)
    }
}
