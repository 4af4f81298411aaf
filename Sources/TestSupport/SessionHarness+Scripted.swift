import Foundation
import OpenSSLSupport
import ProsodyFixture
import XMPPCore

extension SessionHarness {
    /// Runs a complete scripted negotiation (STARTTLS, SCRAM-SHA-256, bind) so that the session is
    /// established; the negotiation's writes and events are discarded, what the session's owner
    /// sends once it is established is kept.
    public func establishScripted(password: String? = nil) throws {
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
            algorithm: .sha256, password: password ?? session.configuration.password, crypto: OpenSSLCrypto())
        serverSends(
            "<challenge xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>\(server.challenge(forInitialResponse: auth.text))"
                + "</challenge>")
        guard let response = takeWrittenElements().first, let final = server.verify(finalResponse: response.text)
        else { throw FixtureError("SCRAM failed") }
        serverSends("<success xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>\(final)</success>")
        serverSends(SessionHarness.serverHeader(id: "s3", from: session.configuration.jid.domainpart))
        serverSends("<stream:features><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'/></stream:features>")
        guard let bind = takeWrittenElements().first, let id = bind.id else { throw FixtureError("no bind") }
        let resource = session.configuration.resource ?? "tern"
        _ = takeWritten()
        serverSends(
            "<iq type='result' id='\(id)'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'>"
                + "<jid>\(session.configuration.jid.bare)/\(resource)</jid></bind></iq>")
        guard session.isEstablished else { throw FixtureError("not established: \(takeEvents())") }
        _ = takeEvents()
    }
}
