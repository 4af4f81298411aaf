import Foundation
import OpenSSLSupport
import TestServers
import XMPPCore

extension SessionHarness {
    /// How a scripted server answers stream management (XEP-0198).
    public enum StreamManagementScript: Sendable {
        /// Not offered.
        case none
        /// Offered; `<enable/>` is answered with `<enabled/>` (resumable with `id`).
        case enabled(id: String = "sm-1", max: Int = 300)
        /// Offered; `<resume/>` is answered with `<resumed h/>` (or `<failed h/>`, then bind and
        /// enable as `.enabled(id:)`).
        case resumed(h: UInt32)
        case resumeFailed(h: UInt32?, newID: String = "sm-2")
    }

    /// Runs a complete scripted negotiation (STARTTLS, SCRAM-SHA-256, bind or resume) so that the
    /// session is established; the negotiation's writes and events are discarded, what the
    /// session's owner sends once it is established is kept. `features` go into the last stream
    /// features beside bind (`<csi xmlns='urn:xmpp:csi:0'/>`, roster versioning's `<ver/>`).
    public func establishScripted(
        password: String? = nil, streamManagement: StreamManagementScript = .none, features: String = ""
    ) throws {
        connect()
        serverSends(SessionHarness.serverHeader(from: session.configuration.jid.domainpart))
        serverSends(
            "<stream:features><starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/></stream:features>")
        serverSends("<proceed xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>")
        completeTLS()
        serverSends(SessionHarness.serverHeader(id: "s2", from: session.configuration.jid.domainpart))
        _ = takeWritten()
        serverSends(
            "<stream:features><mechanisms xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>"
                + "<mechanism>SCRAM-SHA-256</mechanism></mechanisms></stream:features>")
        guard let auth = takeWrittenElements().first else { throw FixtureError("no <auth/>") }
        var server = SCRAMServer(
            algorithm: .sha256, password: password ?? session.configuration.password, crypto: session.crypto)
        serverSends(
            "<challenge xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>\(server.challenge(forInitialResponse: auth.text))"
                + "</challenge>")
        guard let response = takeWrittenElements().first, let final = server.verify(finalResponse: response.text)
        else { throw FixtureError("SCRAM failed") }
        serverSends("<success xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>\(final)</success>")
        serverSends(SessionHarness.serverHeader(id: "s3", from: session.configuration.jid.domainpart))
        let sm = if case .none = streamManagement { "" } else { "<sm xmlns='urn:xmpp:sm:3'/>" }
        serverSends(
            "<stream:features><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'/>\(features)\(sm)</stream:features>")
        switch streamManagement {
        case .none:
            try answerBind()
        case .enabled(let id, let max):
            try answerBind()
            try answerEnable(id: id, max: max)
        case .resumed(let h):
            guard takeWrittenElements().first?.name == "resume" else { throw FixtureError("no <resume/>") }
            serverSends(
                "<resumed xmlns='urn:xmpp:sm:3' h='\(h)' previd='\(session.configuration.resumption?.id ?? "")'/>")
        case .resumeFailed(let h, let newID):
            guard takeWrittenElements().first?.name == "resume" else { throw FixtureError("no <resume/>") }
            serverSends(
                "<failed xmlns='urn:xmpp:sm:3'\(h.map { " h='\($0)'" } ?? "")>"
                    + "<item-not-found xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></failed>")
            try answerBind()
            try answerEnable(id: newID, max: 300)
        }
        guard session.isEstablished else { throw FixtureError("not established: \(takeEvents())") }
        _ = takeEvents()
    }

    private func answerBind() throws {
        guard let bind = takeWrittenElements().first(where: { $0.name == "iq" }), let id = bind.id else {
            throw FixtureError("no bind")
        }
        let resource = session.configuration.resource ?? "tern"
        serverSends(
            "<iq type='result' id='\(id)'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'>"
                + "<jid>\(session.configuration.jid.bare)/\(resource)</jid></bind></iq>")
    }

    private func answerEnable(id: String, max: Int) throws {
        // What the owner sent after bind stays for the test to read.
        guard written.contains(where: { $0.hasPrefix("<enable ") }) else { throw FixtureError("no <enable/>") }
        serverSends("<enabled xmlns='urn:xmpp:sm:3' id='\(id)' resume='true' max='\(max)'/>")
    }
}
