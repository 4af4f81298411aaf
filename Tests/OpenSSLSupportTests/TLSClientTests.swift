import COpenSSL
import Foundation
import OpenSSLSupport
import Subprocess
import Testing
import XMPPCore

/// A minimal TLS server over memory BIOs, to exercise `TLSClient` without a network.
final class MemoryTLSServer {
    let context: OpaquePointer
    let ssl: OpaquePointer
    let readBIO: OpaquePointer
    let writeBIO: OpaquePointer

    /// A server for `certificate`, at most TLS 1.2 when asked, or only TLS 1.0-1.1 (at security
    /// level 0, where they are still allowed) for `legacy`.
    init(certificate: String, key: String, maximumTLS12: Bool = false, legacy: Bool = false) {
        context = SSL_CTX_new(TLS_server_method())
        SSL_CTX_use_certificate_chain_file(context, certificate)
        SSL_CTX_use_PrivateKey_file(context, key, SSL_FILETYPE_PEM)
        if maximumTLS12 { tern_ssl_ctx_set_max_proto_version(context, tern_tls1_2_version()) }
        if legacy { MemoryTLSServer.allowOnlyLegacyVersions(context) }
        ssl = SSL_new(context)
        readBIO = BIO_new(BIO_s_mem())
        writeBIO = BIO_new(BIO_s_mem())
        SSL_set_bio(ssl, readBIO, writeBIO)
        SSL_set_accept_state(ssl)
    }

    deinit {
        SSL_free(ssl)
        SSL_CTX_free(context)
    }

    func receive(_ bytes: [UInt8]) {
        if !bytes.isEmpty { BIO_write(readBIO, bytes, Int32(bytes.count)) }
        SSL_do_handshake(ssl)
    }

    func takeCiphertext() -> [UInt8] {
        let pending = Int(BIO_ctrl_pending(writeBIO))
        var output = [UInt8](repeating: 0, count: pending)
        if pending > 0 { BIO_read(writeBIO, &output, Int32(pending)) }
        return output
    }

    /// RFC 9266's tls-exporter as the server computes it: with a zero-length context, or (the
    /// mistake to avoid, different under TLS 1.2) with no context at all.
    func exporter(withContext: Bool = true) -> [UInt8] {
        var output = [UInt8](repeating: 0, count: 32)
        let label = "EXPORTER-Channel-Binding"
        let empty: [UInt8] = []
        SSL_export_keying_material(ssl, &output, 32, label, label.utf8.count, empty, 0, withContext ? 1 : 0)
        return output
    }

    static func allowOnlyLegacyVersions(_ context: OpaquePointer) {
        SSL_CTX_set_security_level(context, 0)
        tern_ssl_ctx_set_min_proto_version(context, TLS1_VERSION)
        tern_ssl_ctx_set_max_proto_version(context, TLS1_1_VERSION)
    }

    func peerFinished() -> [UInt8] {
        var output = [UInt8](repeating: 0, count: 64)
        let length = SSL_get_peer_finished(ssl, &output, output.count)
        return Array(output.prefix(length))
    }
}

/// A self-signed certificate for `name`, made once per process.
struct TestCertificate {
    let certificate: String
    let key: String
    let fingerprint: String

    static let localhost = try! TestCertificate(name: "localhost")

    /// A certificate with this subject and these extensions (`-addext` values; none for a CN-only
    /// one), signed with `digest` (`-sha384`) or OpenSSL's default.
    init(subject: String, extensions: [String], digest: String? = nil) throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tern-tls-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        certificate = directory.appendingPathComponent("cert.pem").path
        key = directory.appendingPathComponent("key.pem").path
        let output = try Subprocess.run(
            "openssl",
            [
                "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2",
                "-subj", subject, "-keyout", key, "-out", certificate,
            ] + extensions.flatMap { ["-addext", $0] } + (digest.map { [$0] } ?? []))
        guard output.status == 0 else { throw TLSError.invalidConfiguration(output.standardErrorText) }
        let print = try Subprocess.run("openssl", ["x509", "-in", certificate, "-noout", "-fingerprint", "-sha256"])
        fingerprint = String(print.standardOutputText.split(separator: "=").last ?? "")
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }

    init(name: String) throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tern-tls-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        certificate = directory.appendingPathComponent("cert.pem").path
        key = directory.appendingPathComponent("key.pem").path
        _ = try Subprocess.run(
            "openssl",
            [
                "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2",
                "-subj", "/CN=\(name)", "-addext", "subjectAltName=DNS:\(name)", "-keyout", key, "-out", certificate,
            ])
        let output = try Subprocess.run("openssl", ["x509", "-in", certificate, "-noout", "-fingerprint", "-sha256"])
        fingerprint = String(output.standardOutputText.split(separator: "=").last ?? "")
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

@Suite struct TLSClientTests {
    let certificate = TestCertificate.localhost

    /// Runs a handshake between a client and the in-memory server; returns the client.
    func handshake(_ configuration: TLSConfiguration, server: MemoryTLSServer) throws -> TLSClient {
        let client = try TLSClient(configuration: configuration)
        for _ in 0..<10 {
            if try client.handshake() { break }
            server.receive(client.takeCiphertext())
            let reply = server.takeCiphertext()
            reply.withUnsafeBytes { client.receive($0) }
        }
        #expect(client.isHandshakeComplete)
        server.receive(client.takeCiphertext())
        return client
    }

    @Test func trustsTheExtraCAAndTheRightName() throws {
        let server = MemoryTLSServer(certificate: certificate.certificate, key: certificate.key)
        let client = try handshake(
            TLSConfiguration(serverName: "localhost", extraCAFile: certificate.certificate), server: server)
        try client.verifyPeer()
        let info = client.info()
        #expect(info.protocolVersion == .tls13)
        #expect(info.peerCertificateSHA256 == certificate.fingerprint)
        #expect(info.channelBindings[.tlsExporter] == server.exporter(), "both ends derive the same tls-exporter")
        #expect(
            info.channelBindings[.tlsUnique] == server.peerFinished(),
            "TLS 1.3's tls-unique (not in RFC 9266; what ejabberd takes) is the client's Finished, as the server sees it"
        )
        #expect(info.channelBindings[.tlsServerEndPoint]?.count == 32)
    }

    @Test func refusesAnUntrustedCertificateNamingItsFingerprint() throws {
        let server = MemoryTLSServer(certificate: certificate.certificate, key: certificate.key)
        let client = try handshake(TLSConfiguration(serverName: "localhost"), server: server)
        #expect(
            throws: TLSError.certificateUntrusted(
                reason: "self-signed certificate", fingerprintSHA256: certificate.fingerprint)
        ) { try client.verifyPeer() }
    }

    @Test func refusesTheRightCertificateForAnotherName() throws {
        let server = MemoryTLSServer(certificate: certificate.certificate, key: certificate.key)
        let client = try handshake(
            TLSConfiguration(serverName: "example.org", extraCAFile: certificate.certificate), server: server)
        #expect(
            throws: TLSError.certificateUntrusted(
                reason: "hostname mismatch", fingerprintSHA256: certificate.fingerprint)
        ) { try client.verifyPeer() }
    }

    @Test func pinOverridesTheChainButOnlyForThatCertificate() throws {
        let server = MemoryTLSServer(certificate: certificate.certificate, key: certificate.key)
        let pinned = try handshake(
            TLSConfiguration(serverName: "localhost", pinnedSHA256: certificate.fingerprint.lowercased()),
            server: server)
        try pinned.verifyPeer()
        let other = MemoryTLSServer(certificate: certificate.certificate, key: certificate.key)
        let wrong = String(repeating: "00:", count: 31) + "00"
        let mismatched = try handshake(TLSConfiguration(serverName: "localhost", pinnedSHA256: wrong), server: other)
        #expect(throws: TLSError.pinMismatch(expected: wrong, actual: certificate.fingerprint)) {
            try mismatched.verifyPeer()
        }
    }

    @Test func tls12OffersTLSUniqueMatchingTheServer() throws {
        let server = MemoryTLSServer(certificate: certificate.certificate, key: certificate.key, maximumTLS12: true)
        let client = try handshake(
            TLSConfiguration(serverName: "localhost", extraCAFile: certificate.certificate), server: server)
        let info = client.info()
        #expect(info.protocolVersion == .tls12)
        #expect(info.channelBindings[.tlsUnique] == server.peerFinished())
        #expect(info.channelBindings[.tlsExporter] == server.exporter(), "with extended master secret")
        #expect(
            info.channelBindings[.tlsExporter] != server.exporter(withContext: false),
            "RFC 9266: a zero-length context, which TLS 1.2 tells apart from none")
    }

    @Test func applicationDataRoundTrips() throws {
        let server = MemoryTLSServer(certificate: certificate.certificate, key: certificate.key)
        let client = try handshake(
            TLSConfiguration(serverName: "localhost", extraCAFile: certificate.certificate), server: server)
        try client.write(Array("<presence/>".utf8))
        server.receive(client.takeCiphertext())
        var buffer = [UInt8](repeating: 0, count: 100)
        let count = SSL_read(server.ssl, &buffer, 100)
        #expect(String(decoding: buffer.prefix(Int(max(count, 0))), as: UTF8.self) == "<presence/>")
        let reply = Array("<message/>".utf8)
        SSL_write(server.ssl, reply, Int32(reply.count))
        server.takeCiphertext().withUnsafeBytes { client.receive($0) }
        #expect(try client.readPlaintext() == reply)
    }

    @Test func missingCAFileIsAConfigurationError() {
        #expect(throws: TLSError.self) {
            try TLSClient(configuration: TLSConfiguration(serverName: "x", extraCAFile: "/nonexistent.pem"))
        }
    }

    @Test func fingerprintsAreNormalised() {
        let hex = String(repeating: "ab", count: 32)
        #expect(CertificateFingerprint.normalized(hex) == String(repeating: "AB:", count: 31) + "AB")
        #expect(CertificateFingerprint.normalized("ab:cd") == nil)
        #expect(CertificateFingerprint.normalized(String(repeating: "zz", count: 32)) == nil)
    }
}

@Suite struct OpenSSLCryptoTests {
    let crypto = OpenSSLCrypto()

    func hex(_ bytes: [UInt8]) -> String { bytes.map { String(format: "%02x", $0) }.joined() }

    @Test func hashesMatchKnownVectors() {
        #expect(hex(crypto.hash(.sha1, Array("abc".utf8))) == "a9993e364706816aba3e25717850c26c9cd0d89d")
        #expect(
            hex(crypto.hash(.sha256, Array("abc".utf8)))
                == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(crypto.hash(.sha512, []).count == 64)
    }

    @Test func hmacMatchesRFC4231Case2() {
        let mac = crypto.hmac(.sha256, key: Array("Jefe".utf8), data: Array("what do ya want for nothing?".utf8))
        #expect(hex(mac) == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
    }

    @Test func pbkdf2MatchesRFC6070() {
        let derived = crypto.pbkdf2(.sha1, password: Array("password".utf8), salt: Array("salt".utf8), iterations: 4096)
        #expect(hex(derived) == "4b007901b765489abead49d926f721d065a429c1")
    }

    /// FIPS 180-2's examples ("abc", the 448-bit message) and the empty message.
    @Test func hashesMatchFIPS180() {
        let long = Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8)
        #expect(hex(crypto.hash(.sha256, long)) == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        #expect(
            hex(crypto.hash(.sha512, Array("abc".utf8)))
                == "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
                + "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f")
        #expect(hex(crypto.hash(.sha1, [])) == "da39a3ee5e6b4b0d3255bfef95601890afd80709")
        #expect(hex(crypto.hash(.sha256, [])) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        for algorithm in HashAlgorithm.allCases { #expect(crypto.hash(algorithm, []).count == algorithm.digestLength) }
    }

    /// RFC 2202 §3 case 1 and RFC 4231 §4.2 (case 1) and §4.7 (case 6: a key longer than a block).
    @Test func hmacMatchesRFC2202AndRFC4231() {
        let key = [UInt8](repeating: 0x0b, count: 20)
        let data = Array("Hi There".utf8)
        #expect(hex(crypto.hmac(.sha1, key: key, data: data)) == "b617318655057264e28bc0b6fb378c8ef146be00")
        #expect(
            hex(crypto.hmac(.sha256, key: key, data: data))
                == "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7")
        #expect(
            hex(crypto.hmac(.sha512, key: key, data: data))
                == "87aa7cdea5ef619d4ff0b4241a1d6cb02379f4e2ce4ec2787ad0b30545e17cde"
                + "daa833b7d6b8a702038b274eaea3f4e4be9d914eeb61f1702e696c203a126854")
        let longKey = [UInt8](repeating: 0xaa, count: 131)
        let longKeyData = Array("Test Using Larger Than Block-Size Key - Hash Key First".utf8)
        #expect(
            hex(crypto.hmac(.sha256, key: longKey, data: longKeyData))
                == "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54")
        #expect(
            hex(crypto.hmac(.sha512, key: longKey, data: longKeyData))
                == "80b24263c7c1a3ebb71493c1dd7be8b49b46d1f41b4aeec1121b013783f8f352"
                + "6b56d037e05f2598bd0fd2215d6a1e5295e64f73f63f0aec8b915a985d786598")
    }

    /// RFC 6070's other vectors (the first block of the longer ones; SCRAM takes one block), and
    /// RFC 7914 §11's PBKDF2-HMAC-SHA256.
    @Test func pbkdf2MatchesTheRFCsOtherVectors() {
        func derive(_ algorithm: HashAlgorithm, _ password: [UInt8], _ salt: [UInt8], _ iterations: Int) -> String {
            hex(crypto.pbkdf2(algorithm, password: password, salt: salt, iterations: iterations))
        }
        let (password, salt) = (Array("password".utf8), Array("salt".utf8))
        #expect(derive(.sha1, password, salt, 1) == "0c60c80f961f0e71f3a9b524af6012062fe037a6")
        #expect(derive(.sha1, password, salt, 2) == "ea6c014dc72d6f8ccd1ed92ace1d41f0d8de8957")
        let long = derive(
            .sha1, Array("passwordPASSWORDpassword".utf8), Array("saltSALTsaltSALTsaltSALTsaltSALTsalt".utf8), 4096)
        #expect(long == "3d2eec4fe41c849b80c8d83662c0e44a8b291a96")
        #expect(
            derive(.sha1, Array("pass\0word".utf8), Array("sa\0lt".utf8), 4096).hasPrefix(
                "56fa6aa75548099dcc37d7f03425e0c3"))
        #expect(
            derive(.sha256, Array("passwd".utf8), salt, 1)
                == "55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc")
        #expect(crypto.pbkdf2(.sha512, password: password, salt: salt, iterations: 1).count == 64)
    }

    @Test func randomIdentifiersDiffer() {
        #expect(crypto.randomIdentifier() != crypto.randomIdentifier())
        #expect(crypto.randomIdentifier(length: 10).count == 10)
        #expect(crypto.randomBytes(0).isEmpty && crypto.randomBytes(64).count == 64)
        let alphabet = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
        #expect(crypto.randomIdentifier(length: 4096).allSatisfy(alphabet.contains), "safe in XML and URLs")
    }
}

/// RFC 6125 as RFC 7590 applies it: which certificates are for `chat.example.org`.
@Suite struct CertificateNameTests {
    func verify(_ certificate: TestCertificate, for domain: String) throws {
        let server = MemoryTLSServer(certificate: certificate.certificate, key: certificate.key)
        let client = try TLSClientTests().handshake(
            TLSConfiguration(serverName: domain, extraCAFile: certificate.certificate), server: server)
        try client.verifyPeer()
    }

    func refused(_ certificate: TestCertificate, for domain: String) -> Bool {
        do {
            try verify(certificate, for: domain)
            return false
        } catch let error as TLSError {
            return error
                == .certificateUntrusted(reason: "hostname mismatch", fingerprintSHA256: certificate.fingerprint)
        } catch {
            return false
        }
    }

    @Test func aCommonNameWithoutSubjectAltNameIsRefused() throws {
        let cnOnly = try TestCertificate(subject: "/CN=chat.example.org", extensions: [])
        #expect(refused(cnOnly, for: "chat.example.org"))
    }

    @Test func onlyAWholeLeftmostLabelWildcardMatches() throws {
        let partial = try TestCertificate(subject: "/CN=x", extensions: ["subjectAltName=DNS:c*.example.org"])
        #expect(refused(partial, for: "chat.example.org"))
        let whole = try TestCertificate(subject: "/CN=x", extensions: ["subjectAltName=DNS:*.example.org"])
        try verify(whole, for: "chat.example.org")
        #expect(refused(whole, for: "example.org"), "a wildcard is one label, never none")
        #expect(refused(whole, for: "a.chat.example.org"), "and never two")
    }

    @Test func anXmppAddrNamesTheDomain() throws {
        let xmpp = try TestCertificate(
            subject: "/CN=x", extensions: ["subjectAltName=otherName:1.3.6.1.5.5.7.8.5;UTF8:chat.example.org"])
        try verify(xmpp, for: "chat.example.org")
        #expect(refused(xmpp, for: "example.org"))
    }

    @Test func anSRVIDForTheClientServiceNamesTheDomain() throws {
        let srv = try TestCertificate(
            subject: "/CN=x",
            extensions: ["subjectAltName=otherName:1.3.6.1.5.5.7.8.7;IA5:_xmpp-client.chat.example.org"])
        try verify(srv, for: "chat.example.org")
        let server = try TestCertificate(
            subject: "/CN=x",
            extensions: ["subjectAltName=otherName:1.3.6.1.5.5.7.8.7;IA5:_xmpp-server.chat.example.org"])
        #expect(refused(server, for: "chat.example.org"), "a server-to-server identity is not a client service")
    }

    @Test func anIPAddressNeedsAnIPSubjectAltName() throws {
        let ip = try TestCertificate(subject: "/CN=127.0.0.1", extensions: ["subjectAltName=IP:127.0.0.1"])
        try verify(ip, for: "127.0.0.1")
        let dns = try TestCertificate(subject: "/CN=127.0.0.1", extensions: ["subjectAltName=DNS:127.0.0.1"])
        #expect(refused(dns, for: "127.0.0.1"))
    }
}
