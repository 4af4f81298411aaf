import Foundation
import OpenSSLSupport
import TestSupport
import Testing
import XMPPCore

/// SCRAM -PLUS against servers that do not list their channel-binding types (no XEP-0440), like
/// ejabberd 23.01, which accepts only `tls-unique`, also over TLS 1.3.
@Suite struct ChannelBindingTests {
    static let tls = TLSInfo(
        protocolVersion: .tls13,
        channelBindings: [.tlsExporter: [1, 1, 1], .tlsUnique: [2, 2, 2], .tlsServerEndPoint: [3, 3, 3]],
        peerCertificateSHA256: "AA")

    func harness(preferred: ChannelBindingType? = nil, password: String = "r0m30") -> SessionHarness {
        SessionHarness(
            configuration: SessionConfiguration(
                jid: try! JID("juliet@example.org"), password: password, resource: "tern", channelBinding: preferred),
            crypto: MemoizingCrypto.shared)
    }

    func throughTLS(_ harness: SessionHarness) {
        harness.connect()
        harness.serverSends(SessionHarness.serverHeader())
        harness.serverSends(SessionNegotiationTests.startTLSFeatures)
        harness.serverSends("<proceed xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>")
        harness.completeTLS(Self.tls)
        harness.serverSends(SessionHarness.serverHeader(id: "stream-2"))
        _ = harness.takeWritten()
    }

    /// Plays a server that takes only `accepted` binding types (and the password "r0m30"); returns
    /// the binding type of every `<auth/>` the client sent.
    @discardableResult
    func serve(
        _ harness: SessionHarness,
        accepting accepted: Set<ChannelBindingType>,
        mechanisms: [String] = ["SCRAM-SHA-1", "SCRAM-SHA-1-PLUS"],
        list: String = "",
        failureText: String = "Invalid channel binding"
    ) -> [String] {
        harness.serverSends(SessionNegotiationTests.saslFeatures(mechanisms, extra: list))
        var headers: [String] = []
        for _ in 0..<5 {
            guard let auth = harness.takeWrittenElements().first(where: { $0.name == "auth" }) else { break }
            var server = SCRAMServer(algorithm: .sha1, password: "r0m30", crypto: MemoizingCrypto.shared)
            let challenge = server.challenge(forInitialResponse: auth.text)
            let header = String(server.clientGS2Header.dropLast(2))
            headers.append(header)
            let type = header.hasPrefix("p=") ? ChannelBindingType(rawValue: String(header.dropFirst(2))) : nil
            server = SCRAMServer(
                algorithm: .sha1, password: "r0m30", channelBindingData: type.flatMap { Self.tls.channelBindings[$0] },
                crypto: MemoizingCrypto.shared)
            _ = server.challenge(forInitialResponse: auth.text)
            harness.serverSends("<challenge xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>\(challenge)</challenge>")
            guard let response = harness.takeWrittenElements().first else { break }
            if let type, accepted.contains(type), let final = server.verify(finalResponse: response.text) {
                harness.serverSends("<success xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>\(final)</success>")
                break
            }
            let text = type == nil || accepted.contains(type!) ? "Bad password" : failureText
            harness.serverSends(
                "<failure xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><not-authorized/><text>\(text)</text></failure>")
        }
        return headers
    }

    @Test func aRefusedBindingIsRetriedWithTheNextOnTheSameStream() {
        let harness = harness()
        throughTLS(harness)
        let headers = serve(harness, accepting: [.tlsUnique])
        #expect(headers == ["p=tls-exporter", "p=tls-unique"])
        #expect(
            harness.takeEvents().contains(
                .authenticated(
                    Authentication(
                        mechanism: "SCRAM-SHA-1-PLUS", channelBinding: .tlsUnique,
                        refusedChannelBindings: [.tlsExporter]))))
        #expect(harness.session.phase == .awaitingStreamHeader, "authenticated: the stream restarts")
    }

    @Test func theRememberedBindingIsTriedFirst() {
        let harness = harness(preferred: .tlsUnique)
        throughTLS(harness)
        #expect(serve(harness, accepting: [.tlsUnique]) == ["p=tls-unique"])
    }

    @Test func whenEveryBindingIsRefusedTheLoginFailsWithoutDowngrading() {
        let harness = harness()
        throughTLS(harness)
        let headers = serve(harness, accepting: [])
        #expect(headers == ["p=tls-exporter", "p=tls-unique", "p=tls-server-end-point"], "never n or y")
        guard case .closed(.authentication(let error))? = harness.takeEvents().last else {
            Issue.record("the login should fail")
            return
        }
        #expect(
            error
                == .channelBindingRefused(
                    types: [.tlsExporter, .tlsUnique, .tlsServerEndPoint], text: "Invalid channel binding"))
        #expect(
            error.description.hasPrefix(
                "the server refused every TLS channel binding this connection allows (tls-exporter, tls-unique,"
                    + " tls-server-end-point): Invalid channel binding"))
        #expect(harness.transportClosed)
    }

    @Test func aWrongPasswordIsNotRetried() {
        let harness = harness(password: "wrong")
        throughTLS(harness)
        #expect(serve(harness, accepting: [.tlsExporter]) == ["p=tls-exporter"])
        #expect(
            harness.takeEvents().last
                == .closed(.authentication(.failure(condition: .notAuthorized, text: "Bad password"))))
    }

    @Test func aServerThatListsItsTypesIsNotSecondGuessed() {
        let harness = harness()
        throughTLS(harness)
        let list =
            "<sasl-channel-binding xmlns='urn:xmpp:sasl-cb:0'><channel-binding type='tls-exporter'/></sasl-channel-binding>"
        #expect(serve(harness, accepting: [], list: list) == ["p=tls-exporter"])
        #expect(
            harness.takeEvents().last
                == .closed(.authentication(.failure(condition: .notAuthorized, text: "Invalid channel binding"))))
    }
}
