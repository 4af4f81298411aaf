import Foundation
import Networking
import OpenSSLSupport
import TestServers
import TestSupport
import Testing
import XMPPClient
import XMPPCore

/// Logging in to a real Prosody and a real ejabberd on loopback.
@Suite(.serialized, .servers(users: ["alice": "alice-secret", "bob": "bob-secret"]))
struct LoginTests {

    @Test(arguments: ServerKind.allCases) func loginWithSTARTTLS(_ kind: ServerKind) throws {
        let server = try TestServers.server(kind)
        let loop = try EventLoop()
        let client = try TestClient(loop: loop, server: server, user: "alice", resource: "desk")
        #expect(client.connect(), "events: \(client.events)\n\(server.log.suffix(2000))")
        #expect(client.connection.session.boundJID.description == "alice@localhost/desk")
        let secured = client.events.compactMap { if case .secured(let info) = $0 { info } else { nil } }.first
        #expect(secured?.protocolVersion == .tls13)
        #expect(secured?.peerCertificateSHA256 == (try server.certificateFingerprint()))
        client.disconnect()
        #expect(client.disconnection == .some(nil), "a requested disconnect ends without error")
    }

    @Test(arguments: ServerKind.allCases) func loginWithDirectTLS(_ kind: ServerKind) throws {
        let server = try TestServers.server(kind)
        let loop = try EventLoop()
        let client = try TestClient(loop: loop, server: server, user: "bob", tls: .direct)
        #expect(client.connect(), "events: \(client.events)")
        #expect(client.connection.session.boundJID.bare.description == "bob@localhost")
        client.disconnect()
    }

    @Test(arguments: ServerKind.allCases) func wrongPasswordIsAClearNonRetryableError(_ kind: ServerKind) throws {
        let server = try TestServers.server(kind)
        let loop = try EventLoop()
        let client = try TestClient(loop: loop, server: server, user: "alice", password: "not-the-password")
        #expect(!client.connect())
        guard case .some(.some(let error)) = client.disconnection else {
            Issue.record("expected a failure, got \(client.events)")
            return
        }
        #expect(error == .session(.authentication(.failure(condition: .notAuthorized, text: error.saslText))))
        #expect(error.description.hasPrefix("wrong user name or password"))
        #expect(!error.isRetryable)
    }

    @Test(arguments: ServerKind.allCases) func untrustedCertificateIsRefusedNamingItsFingerprint(_ kind: ServerKind)
        throws
    {
        let server = try TestServers.server(kind)
        let loop = try EventLoop()
        let client = try TestClient(loop: loop, server: server, user: "alice", trustCertificate: false)
        #expect(!client.connect())
        let fingerprint = try server.certificateFingerprint()
        #expect(
            client.disconnection
                == .some(.tls(.certificateUntrusted(reason: "self-signed certificate", fingerprintSHA256: fingerprint)))
        )
        #expect(client.disconnection??.description.contains(fingerprint) == true)
    }

    @Test(arguments: ServerKind.allCases) func pinnedCertificateIsAcceptedWithoutCA(_ kind: ServerKind) throws {
        let server = try TestServers.server(kind)
        let loop = try EventLoop()
        let pin = try server.certificateFingerprint().replacingOccurrences(of: ":", with: "").lowercased()
        let client = try TestClient(loop: loop, server: server, user: "alice", trustCertificate: false, pin: pin)
        #expect(client.connect(), "events: \(client.events)")
        client.disconnect()
    }

    @Test(arguments: ServerKind.allCases) func wrongPinIsRefusedEvenWithTheCA(_ kind: ServerKind) throws {
        let server = try TestServers.server(kind)
        let loop = try EventLoop()
        let pin = String(repeating: "AB:", count: 31) + "AB"
        let client = try TestClient(loop: loop, server: server, user: "alice", pin: pin)
        #expect(!client.connect())
        guard case .some(.some(.tls(.pinMismatch))) = client.disconnection else {
            Issue.record("expected a pin mismatch, got \(client.events)")
            return
        }
    }

    /// ejabberd 23.01 takes only tls-unique (also over TLS 1.3) and says nothing of XEP-0440: the
    /// login refused with tls-exporter is retried with tls-unique on the same stream.
    @Test func ejabberdTakesTLSUniqueAfterRefusingTheExporterOverTLS13() throws {
        let server = try TestServers.server(.ejabberd)
        let loop = try EventLoop()
        let client = try TestClient(loop: loop, server: server, user: "alice")
        #expect(client.connect(), "events: \(client.events)")
        let login = client.events.compactMap { if case .authenticated(let login) = $0 { login } else { nil } }.first
        #expect(login?.mechanism.hasSuffix("-PLUS") == true)
        #expect(login?.channelBinding == .tlsUnique)
        #expect(login?.refusedChannelBindings == [.tlsExporter])
        client.disconnect()
        let remembered = try TestClient(loop: loop, server: server, user: "alice", channelBinding: .tlsUnique)
        #expect(remembered.connect())
        let second = remembered.events.compactMap { if case .authenticated(let login) = $0 { login } else { nil } }
        #expect(second.first?.refusedChannelBindings == [], "the remembered type needs no retry")
        remembered.disconnect()
    }

    @Test(arguments: ServerKind.allCases) func tls12WithTLSUniqueChannelBinding(_ kind: ServerKind) throws {
        let server = try TestServers.server(kind)
        let loop = try EventLoop()
        let client = try TestClient(loop: loop, server: server, user: "bob", limitToTLS12: true)
        #expect(client.connect(), "events: \(client.events)")
        let mechanism = client.events.compactMap {
            if case .authenticated(let login) = $0 { login.mechanism } else { nil }
        }.first
        #expect(mechanism?.hasSuffix("-PLUS") == true, "\(kind) binds to tls-unique under TLS 1.2: \(mechanism ?? "-")")
        client.disconnect()
    }

    @Test(arguments: ServerKind.allCases) func serverPingsAndDiscoAreAnswered(_ kind: ServerKind) throws {
        let server = try TestServers.server(kind)
        let loop = try EventLoop()
        let alice = try TestClient(loop: loop, server: server, user: "alice", resource: "a")
        let bob = try TestClient(loop: loop, server: server, user: "bob")
        #expect(alice.connect() && bob.connect())
        let aliceJID = alice.connection.session.boundJID
        let ping = bob.request(
            .iq(.get, id: "p1", to: aliceJID, payload: XMLElement("ping", namespace: Namespace.ping)))
        #expect((try? ping?.get()) != nil, "ping: \(String(describing: ping))")
        let info = bob.request(
            .iq(.get, id: "d1", to: aliceJID, payload: XMLElement("query", namespace: Namespace.discoInfo)))
        let query = try #require(try info?.get().child("query", namespace: Namespace.discoInfo))
        let features = query.children("feature").compactMap { $0[attribute: "var"] }
        #expect(features.contains(Namespace.ping))
        #expect(features.contains(Namespace.discoInfo))
        #expect(query.child("identity")?[attribute: "category"] == "client")
        alice.disconnect()
        bob.disconnect()
    }
}

extension ConnectionError {
    /// The text of a SASL failure, to compare errors whose server text we do not control.
    fileprivate var saslText: String? {
        if case .session(.authentication(.failure(_, let text))) = self { return text }
        return nil
    }
}
