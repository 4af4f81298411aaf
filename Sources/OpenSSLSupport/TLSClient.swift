internal import COpenSSL
import Glibc
import XMPPCore

/// A TLS client engine over memory BIOs: ciphertext in, plaintext out, and the reverse. It never
/// touches a socket, so the driver decides when to read and write.
///
/// The handshake runs without aborting on verification errors; once it completes, `verifyPeer()`
/// decides (pin, else the system and extra CAs plus the configured name) so that a failure can name
/// the certificate's fingerprint.
public final class TLSClient {
    public let configuration: TLSConfiguration
    private let context: OpaquePointer
    private let ssl: OpaquePointer
    /// Network → OpenSSL (owned by `ssl`).
    private let readBIO: OpaquePointer
    /// OpenSSL → network (owned by `ssl`).
    private let writeBIO: OpaquePointer
    public private(set) var isHandshakeComplete = false
    private var scratch = [UInt8](repeating: 0, count: 64 * 1024)

    /// Loads the trust store for `configuration` in the background, ahead of the first handshake.
    public static func prepare(_ configuration: TLSConfiguration) {
        TLSContextCache.shared.prepare(configuration)
    }

    public init(configuration: TLSConfiguration) throws(TLSError) {
        self.configuration = configuration
        let context = try TLSContextCache.shared.context(for: configuration)
        self.context = context
        guard let ssl = SSL_new(context) else {
            SSL_CTX_free(context)
            throw .invalidConfiguration("OpenSSL could not create a connection: \(TLSClient.errorQueue())")
        }
        self.ssl = ssl
        readBIO = BIO_new(BIO_s_mem())
        writeBIO = BIO_new(BIO_s_mem())
        SSL_set_bio(ssl, readBIO, writeBIO)
        SSL_set_connect_state(ssl)
        // SNI carries a DNS name only (RFC 6066 §3); the name itself is checked in `verifyPeer`.
        if !TLSClient.isIPAddress(configuration.serverName),
            tern_ssl_set_tlsext_host_name(ssl, configuration.serverName) != 1
        {
            throw .invalidConfiguration("OpenSSL refused the server name \(configuration.serverName)")
        }
        if !configuration.alpnProtocols.isEmpty {
            var wire: [UInt8] = []
            for name in configuration.alpnProtocols {
                wire.append(UInt8(name.utf8.count))
                wire += name.utf8
            }
            SSL_set_alpn_protos(ssl, wire, UInt32(wire.count))
        }
    }

    deinit {
        SSL_free(ssl)
        SSL_CTX_free(context)
    }

    /// Advances the handshake; call after creating the client and after each `receive`. Returns
    /// true once the handshake has completed (verification is separate: `verifyPeer()`).
    public func handshake() throws(TLSError) -> Bool {
        if isHandshakeComplete { return true }
        ERR_clear_error()
        let result = SSL_do_handshake(ssl)
        if result == 1 {
            isHandshakeComplete = true
            return true
        }
        switch SSL_get_error(ssl, result) {
        case SSL_ERROR_WANT_READ, SSL_ERROR_WANT_WRITE: return false
        default: throw .handshakeFailed(TLSClient.errorQueue(fallback: "the server closed the connection"))
        }
    }

    /// Accepts ciphertext from the network.
    public func receive(_ bytes: UnsafeRawBufferPointer) {
        guard let base = bytes.baseAddress, !bytes.isEmpty else { return }
        BIO_write(readBIO, base, Int32(bytes.count))
    }

    /// Decrypts whatever complete records have arrived. Returns nil when the peer sent close_notify.
    public func readPlaintext() throws(TLSError) -> [UInt8]? {
        var output: [UInt8] = []
        while true {
            ERR_clear_error()
            let count = scratch.withUnsafeMutableBytes { SSL_read(ssl, $0.baseAddress, Int32($0.count)) }
            if count > 0 {
                output += scratch[0..<Int(count)]
                continue
            }
            switch SSL_get_error(ssl, count) {
            case SSL_ERROR_WANT_READ, SSL_ERROR_WANT_WRITE: return output
            case SSL_ERROR_ZERO_RETURN: return output.isEmpty ? nil : output
            default: throw .connectionFailed(TLSClient.errorQueue(fallback: "unexpected TLS record"))
            }
        }
    }

    /// Encrypts plaintext; the ciphertext is then available from `takeCiphertext()`.
    public func write(_ bytes: [UInt8]) throws(TLSError) {
        var offset = 0
        while offset < bytes.count {
            ERR_clear_error()
            let written = bytes.withUnsafeBytes { buffer in
                SSL_write(ssl, buffer.baseAddress!.advanced(by: offset), Int32(buffer.count - offset))
            }
            guard written > 0 else {
                throw .connectionFailed(TLSClient.errorQueue(fallback: "cannot encrypt"))
            }
            offset += Int(written)
        }
    }

    /// Ciphertext waiting to go to the network (handshake messages, records, alerts).
    public func takeCiphertext() -> [UInt8] {
        let pending = Int(BIO_ctrl_pending(writeBIO))
        guard pending > 0 else { return [] }
        var output = [UInt8](repeating: 0, count: pending)
        let read = output.withUnsafeMutableBytes { BIO_read(writeBIO, $0.baseAddress, Int32(pending)) }
        return Array(output.prefix(Int(max(read, 0))))
    }

    /// Queues a close_notify alert.
    public func shutdown() {
        ERR_clear_error()
        SSL_shutdown(ssl)
    }

    /// Decides whether to trust the peer, after the handshake.
    public func verifyPeer() throws(TLSError) {
        guard let certificate = SSL_get1_peer_certificate(ssl) else {
            throw .handshakeFailed("the server sent no certificate")
        }
        defer { X509_free(certificate) }
        let fingerprint = TLSClient.fingerprint(certificate)
        if let pin = configuration.pinnedSHA256 {
            guard let expected = CertificateFingerprint.normalized(pin) else {
                throw .invalidConfiguration("the pinned fingerprint \(pin) is not a SHA-256 fingerprint")
            }
            guard expected == fingerprint else { throw .pinMismatch(expected: expected, actual: fingerprint) }
            return
        }
        let result = SSL_get_verify_result(ssl)
        guard result == X509_V_OK else {
            let reason = String(cString: X509_verify_cert_error_string(result))
            throw .certificateUntrusted(reason: reason, fingerprintSHA256: fingerprint)
        }
        guard TLSClient.certificate(certificate, isFor: configuration.serverName) else {
            throw .certificateUntrusted(reason: "hostname mismatch", fingerprintSHA256: fingerprint)
        }
    }

    /// RFC 6125 as RFC 7590 and RFC 6120 §13.7.1.2 apply it to XMPP: the certificate names
    /// `domain` as a DNS name in subjectAltName (a wildcard only as the whole leftmost label), as
    /// an XmppAddr, or as the SRV-ID `_xmpp-client.domain`; an IP address as an IP SAN. The
    /// subject's common name is never consulted.
    static func certificate(_ certificate: OpaquePointer, isFor domain: String) -> Bool {
        if isIPAddress(domain) { return X509_check_ip_asc(certificate, unbracketed(domain), 0) == 1 }
        let flags = UInt32(X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS | X509_CHECK_FLAG_NEVER_CHECK_SUBJECT)
        return X509_check_host(certificate, domain, domain.utf8.count, flags, nil) == 1
            || tern_x509_has_othername(certificate, "1.3.6.1.5.5.7.8.5", domain) == 1
            || tern_x509_has_othername(certificate, "1.3.6.1.5.5.7.8.7", "_xmpp-client." + domain) == 1
    }

    /// An IPv4 address, or an IPv6 address with or without the brackets a JID puts around it.
    static func isIPAddress(_ name: String) -> Bool {
        var v4 = in_addr()
        var v6 = in6_addr()
        return inet_pton(AF_INET, name, &v4) == 1 || inet_pton(AF_INET6, unbracketed(name), &v6) == 1
    }

    static func unbracketed(_ name: String) -> String {
        name.hasPrefix("[") && name.hasSuffix("]") ? String(name.dropFirst().dropLast()) : name
    }

    /// What the core needs to know about the channel (version, channel bindings, fingerprint).
    public func info() -> TLSInfo {
        let version: TLSInfo.ProtocolVersion = SSL_version(ssl) == tern_tls1_3_version() ? .tls13 : .tls12
        var bindings: [ChannelBindingType: [UInt8]] = [:]
        // RFC 9266: only where the exporter is secure (TLS 1.3, or 1.2 with extended master secret),
        // with a zero-length context: under TLS 1.2 (RFC 5705) that differs from no context.
        if version == .tls13 || tern_ssl_get_extms_support(ssl) == 1 {
            var exporter = [UInt8](repeating: 0, count: 32)
            let label = "EXPORTER-Channel-Binding"
            let context: [UInt8] = []
            if SSL_export_keying_material(ssl, &exporter, 32, label, label.utf8.count, context, 0, 1) == 1 {
                bindings[.tlsExporter] = exporter
            }
        }
        // RFC 5929 `tls-unique`: the first Finished message of the handshake, which in a full TLS
        // 1.2 handshake is the client's. RFC 9266 leaves it undefined for TLS 1.3, but servers
        // without XEP-0440 accept only this type there (ejabberd 23.01), computed the same way from
        // the client's Finished; it is offered only as a retry, never as TLS 1.3's first choice.
        var finished = [UInt8](repeating: 0, count: 64)
        let length = SSL_get_finished(ssl, &finished, finished.count)
        if length > 0 && SSL_session_reused(ssl) == 0 { bindings[.tlsUnique] = Array(finished.prefix(length)) }
        var fingerprint = ""
        if let certificate = SSL_get1_peer_certificate(ssl) {
            fingerprint = TLSClient.fingerprint(certificate)
            if let endPoint = TLSClient.serverEndPoint(certificate) { bindings[.tlsServerEndPoint] = endPoint }
            X509_free(certificate)
        }
        return TLSInfo(protocolVersion: version, channelBindings: bindings, peerCertificateSHA256: fingerprint)
    }

    /// RFC 5929 §4.1: the certificate's hash with its signature's hash function (SHA-256 for MD5
    /// and SHA-1).
    private static func serverEndPoint(_ certificate: OpaquePointer) -> [UInt8]? {
        var digestNID: Int32 = 0
        guard X509_get_signature_info(certificate, &digestNID, nil, nil, nil) == 1 else { return nil }
        let digest: OpaquePointer?
        if digestNID == NID_md5 || digestNID == NID_sha1 || digestNID == NID_undef {
            digest = EVP_sha256()
        } else {
            digest = EVP_get_digestbyname(OBJ_nid2sn(digestNID))
        }
        guard let digest else { return nil }
        var output = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        guard X509_digest(certificate, digest, &output, &length) == 1 else { return nil }
        return Array(output.prefix(Int(length)))
    }

    static func fingerprint(_ certificate: OpaquePointer) -> String {
        var output = [UInt8](repeating: 0, count: 32)
        var length: UInt32 = 0
        X509_digest(certificate, EVP_sha256(), &output, &length)
        return output.prefix(Int(length)).map { byte in
            let hex = String(byte, radix: 16, uppercase: true)
            return hex.count == 1 ? "0" + hex : hex
        }.joined(separator: ":")
    }

    static func errorQueue(fallback: String = "unknown error") -> String {
        var messages: [String] = []
        while case let code = ERR_get_error(), code != 0 {
            var buffer = [CChar](repeating: 0, count: 256)
            ERR_error_string_n(code, &buffer, buffer.count)
            messages.append(String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
        }
        return messages.isEmpty ? fallback : messages.joined(separator: "; ")
    }
}
