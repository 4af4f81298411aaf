import COpenSSL
import Foundation
import OpenSSLSupport
import Subprocess
import Testing
import XMPPCore

/// What the TLS client negotiates and hands the core: versions, names, channel bindings.
@Suite struct TLSChannelTests {
    let certificate = TestCertificate.localhost

    func trusted(_ serverName: String = "localhost", server: MemoryTLSServer) throws -> TLSClient {
        try TLSClientTests().handshake(
            TLSConfiguration(serverName: serverName, extraCAFile: certificate.certificate), server: server)
    }

    func hex(_ bytes: [UInt8]?) -> String? {
        bytes?.map { String(format: "%02X", $0) }.joined(separator: ":")
    }

    /// RFC 7590 §3.1: TLS 1.2 at least. The server here speaks TLS 1.1 to a client that allows it
    /// (so the refusal is Tern's), and Tern refuses it.
    @Test func aServerThatOnlySpeaksTLS11IsRefused() throws {
        let legacyContext = try #require(SSL_CTX_new(TLS_client_method()))
        defer { SSL_CTX_free(legacyContext) }
        MemoryTLSServer.allowOnlyLegacyVersions(legacyContext)
        let legacy = try #require(SSL_new(legacyContext))
        defer { SSL_free(legacy) }
        let (readBIO, writeBIO) = (BIO_new(BIO_s_mem()), BIO_new(BIO_s_mem()))
        SSL_set_bio(legacy, readBIO, writeBIO)
        SSL_set_connect_state(legacy)
        let server = MemoryTLSServer(certificate: certificate.certificate, key: certificate.key, legacy: true)
        for _ in 0..<10 where SSL_do_handshake(legacy) != 1 {
            var buffer = [UInt8](repeating: 0, count: 16_384)
            let count = BIO_read(writeBIO, &buffer, Int32(buffer.count))
            server.receive(Array(buffer.prefix(Int(max(count, 0)))))
            let reply = server.takeCiphertext()
            if !reply.isEmpty { BIO_write(readBIO, reply, Int32(reply.count)) }
        }
        #expect(SSL_version(legacy) == TLS1_1_VERSION, "the server does speak TLS 1.1")

        let tern = try TLSClient(configuration: TLSConfiguration(serverName: "localhost"))
        let refused = MemoryTLSServer(certificate: certificate.certificate, key: certificate.key, legacy: true)
        #expect(throws: TLSError.self) {
            for _ in 0..<10 where try !tern.handshake() {
                refused.receive(tern.takeCiphertext())
                refused.takeCiphertext().withUnsafeBytes { tern.receive($0) }
            }
        }
        #expect(!tern.isHandshakeComplete)
    }

    @Test func aTLS12CeilingIsKeptByBothEnds() throws {
        let server = MemoryTLSServer(certificate: certificate.certificate, key: certificate.key)
        let client = try TLSClientTests().handshake(
            TLSConfiguration(serverName: "localhost", extraCAFile: certificate.certificate, maximumVersion: .tls12),
            server: server)
        #expect(client.info().protocolVersion == .tls12)
        #expect(SSL_version(server.ssl) == tern_tls1_2_version())
    }

    /// SNI carries the XMPP domain (RFC 6066 §3: never an IP address).
    @Test func theServerNameIsSentButNeverAnAddress() throws {
        let named = MemoryTLSServer(certificate: certificate.certificate, key: certificate.key)
        _ = try trusted(server: named)
        #expect(SSL_get_servername(named.ssl, TLSEXT_NAMETYPE_host_name).map { String(cString: $0) } == "localhost")
        let addressed = MemoryTLSServer(certificate: certificate.certificate, key: certificate.key)
        _ = try trusted("127.0.0.1", server: addressed)
        #expect(SSL_get_servername(addressed.ssl, TLSEXT_NAMETYPE_host_name) == nil)
    }

    @Test func namesMatchWhateverTheirCase() throws {
        let server = MemoryTLSServer(certificate: certificate.certificate, key: certificate.key)
        try trusted("LocalHost", server: server).verifyPeer()
    }

    @Test func anIPv6LiteralIsCheckedAgainstAnIPSubjectAltName() throws {
        let ip = try TestCertificate(subject: "/CN=x", extensions: ["subjectAltName=IP:::1"])
        for name in ["[::1]", "::1"] {
            let server = MemoryTLSServer(certificate: ip.certificate, key: ip.key)
            try TLSClientTests().handshake(
                TLSConfiguration(serverName: name, extraCAFile: ip.certificate), server: server
            )
            .verifyPeer()
        }
        let other = MemoryTLSServer(certificate: ip.certificate, key: ip.key)
        let client = try TLSClientTests().handshake(
            TLSConfiguration(serverName: "[::2]", extraCAFile: ip.certificate), server: other)
        #expect(throws: TLSError.certificateUntrusted(reason: "hostname mismatch", fingerprintSHA256: ip.fingerprint)) {
            try client.verifyPeer()
        }
    }

    /// A pin is the user's own decision about this certificate: it holds for whatever name.
    @Test func aPinStandsForTheChainAndTheName() throws {
        let server = MemoryTLSServer(certificate: certificate.certificate, key: certificate.key)
        let client = try TLSClientTests().handshake(
            TLSConfiguration(serverName: "example.org", pinnedSHA256: certificate.fingerprint), server: server)
        try client.verifyPeer()
        let broken = MemoryTLSServer(certificate: certificate.certificate, key: certificate.key)
        let misconfigured = try TLSClientTests().handshake(
            TLSConfiguration(serverName: "localhost", pinnedSHA256: "AB:CD"), server: broken)
        #expect(throws: TLSError.invalidConfiguration("the pinned fingerprint AB:CD is not a SHA-256 fingerprint")) {
            try misconfigured.verifyPeer()
        }
    }

    @Test func anUntrustedCertificateIsExplainedWithItsFingerprint() {
        let error = TLSError.certificateUntrusted(reason: "self-signed certificate", fingerprintSHA256: "AB:CD")
        #expect(
            error.description
                == "the server's certificate is not trusted (self-signed certificate); its SHA-256 fingerprint is AB:CD"
        )
    }

    /// RFC 5929 §4.1: the certificate's hash with the hash of its signature algorithm.
    @Test func tlsServerEndPointHashesTheCertificateAsItIsSigned() throws {
        let server = MemoryTLSServer(certificate: certificate.certificate, key: certificate.key)
        let sha256 = try trusted(server: server).info().channelBindings[.tlsServerEndPoint]
        #expect(hex(sha256) == certificate.fingerprint, "ecdsa-with-SHA256: the SHA-256 fingerprint")

        let sha384 = try TestCertificate(
            subject: "/CN=localhost", extensions: ["subjectAltName=DNS:localhost"], digest: "-sha384")
        let print = try Subprocess.run(
            "openssl", ["x509", "-in", sha384.certificate, "-noout", "-fingerprint", "-sha384"])
        let expected = String(print.standardOutputText.split(separator: "=").last ?? "")
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let other = MemoryTLSServer(certificate: sha384.certificate, key: sha384.key)
        let client = try TLSClientTests().handshake(
            TLSConfiguration(serverName: "localhost", extraCAFile: sha384.certificate), server: other)
        #expect(hex(client.info().channelBindings[.tlsServerEndPoint]) == expected)
        #expect(client.info().channelBindings[.tlsServerEndPoint]?.count == 48)
    }

    @Test func tlsExporterIsFreshForEachConnection() throws {
        let first = try trusted(server: MemoryTLSServer(certificate: certificate.certificate, key: certificate.key))
        let second = try trusted(server: MemoryTLSServer(certificate: certificate.certificate, key: certificate.key))
        let exporters = [first, second].compactMap { $0.info().channelBindings[.tlsExporter] }
        #expect(exporters.count == 2 && exporters[0] != exporters[1])
        #expect(exporters.allSatisfy { $0.count == 32 })
    }

    @Test func closeNotifyEndsTheStreamOfPlaintext() throws {
        let server = MemoryTLSServer(certificate: certificate.certificate, key: certificate.key)
        let client = try trusted(server: server)
        SSL_shutdown(server.ssl)
        server.takeCiphertext().withUnsafeBytes { client.receive($0) }
        #expect(try client.readPlaintext() == nil)
    }

    @Test func somethingOtherThanTLSFailsTheHandshake() throws {
        let client = try TLSClient(configuration: TLSConfiguration(serverName: "localhost"))
        #expect(try !client.handshake())
        #expect(!client.takeCiphertext().isEmpty, "the ClientHello")
        Array("HTTP/1.1 400 Bad Request\r\n\r\n".utf8).withUnsafeBytes { client.receive($0) }
        #expect(throws: TLSError.self) { try client.handshake() }
    }
}
