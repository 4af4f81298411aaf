import ChatModel
import ChatRuntime
import Foundation
import Networking
import OpenSSLSupport
import TernConfig
import Testing
import XMPPClient
import XMPPCore

/// The wiring between the model and the edge: what the model hears of a real connection, and
/// an account's configuration as connection settings.
@Suite struct ChatRuntimeTests {
    @Test func edgeFailuresKeepWhetherToRetryAndTheStreamError() {
        let redirect = StreamError(condition: .seeOtherHost, otherHost: "other.example:5222")
        let failure = ConnectionFailure(ConnectionError.session(.streamError(redirect)))
        #expect(failure.streamError == redirect)
        #expect(failure.isRetryable)
        let untrusted = ConnectionFailure(
            ConnectionError.tls(.certificateUntrusted(reason: "self-signed", fingerprintSHA256: "AB")))
        #expect(!untrusted.isRetryable, "a certificate that does not verify is not tried again")
        #expect(untrusted.streamError == nil)
        #expect(
            untrusted.description
                == ConnectionError.tls(.certificateUntrusted(reason: "self-signed", fingerprintSHA256: "AB"))
                .description)
        let refused = ConnectionFailure(ConnectionError.session(.streamError(StreamError(condition: .notAuthorized))))
        #expect(!refused.isRetryable)
        #expect(ConnectionFailure(ConnectionError.transport("reset")).isRetryable)
        #expect(!ConnectionFailure(ConnectionError.serviceUnavailable(domain: "example.org")).isRetryable)
    }

    @Test func connectionEventsReachTheModelInItsTerms() throws {
        let jid = try JID("alice@example.org/tern")
        #expect(LiveConnection.translate(.established(jid: jid)) == .established(jid: jid))
        #expect(LiveConnection.translate(.resumed(jid: jid)) == .resumed(jid: jid))
        #expect(LiveConnection.translate(.discarded("deep")) == .discarded("deep"))
        #expect(LiveConnection.translate(.disconnected(nil)) == .disconnected(nil))
        #expect(
            LiveConnection.translate(.disconnected(.transport("reset")))
                == .disconnected(ConnectionFailure(description: "connection lost: reset", isRetryable: true)))
        #expect(LiveConnection.translate(.stanza(XMLElement("message", namespace: Namespace.client))) == nil)
        guard
            case .progress(let text)? = LiveConnection.translate(
                .secured(TLSInfo(protocolVersion: .tls13, channelBindings: [:], peerCertificateSHA256: "AA")))
        else {
            Issue.record("TLS should be a progress line")
            return
        }
        #expect(text == "secured with TLSv1.3")
    }

    @Test func anAccountsConfigurationBecomesItsConnectionSettings() throws {
        let account = AccountConfiguration(
            name: "work", jid: try JID("alice@example.org"), password: .prompt, resource: "laptop",
            host: "xmpp.example.org", port: 5223, tls: .direct, caFile: "/ca.pem", pinSHA256: "AB:CD",
            pingInterval: 30, pingTimeout: 5, streamManagement: false, scramMaximumIterations: 50_000,
            allowMechanismDowngrade: true)
        let settings = account.connectionSettings(password: "secret")
        #expect(settings.session.password == "secret")
        #expect(settings.session.resource == "laptop")
        #expect(settings.session.pingInterval == .seconds(30))
        #expect(settings.session.pingTimeout == .seconds(5))
        #expect(!settings.session.streamManagement)
        #expect(settings.session.allowMechanismDowngrade)
        #expect(settings.session.maximumSCRAMIterations == 50_000)
        #expect(settings.host == "xmpp.example.org")
        #expect(settings.port == 5223)
        #expect(settings.tlsMode == .direct)
        #expect(settings.caFile == "/ca.pem")
        #expect(settings.pinnedSHA256 == "AB:CD")
        for mode in AccountConfiguration.TLSMode.allCases {
            var each = account
            each.tls = mode
            #expect(each.connectionSettings(password: "").tlsMode.rawValue == mode.rawValue)
        }
    }

    @Test func theSchedulerRunsAndCancelsTimersOnTheLoop() throws {
        let loop = try EventLoop()
        let scheduler = EventLoopScheduler(loop: loop)
        var fired: [String] = []
        scheduler.schedule(after: .milliseconds(20)) { fired.append("later") }
        let cancelled = scheduler.schedule(after: .milliseconds(10)) { fired.append("cancelled") }
        scheduler.schedule(after: .milliseconds(5)) { fired.append("sooner") }
        cancelled.cancel()
        #expect(loop.run(for: .seconds(2)) { fired.count == 2 })
        #expect(fired == ["sooner", "later"])
        let before = scheduler.now
        #expect(abs(before - Int64((Date().timeIntervalSince1970 * 1000).rounded())) < 5_000, "wall-clock time")
    }
}
