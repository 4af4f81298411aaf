import TestSupport
import Testing
import XMPPCore
import XMPPExtensions

/// A session and its extensions are freed when their connection is: an account reconnects many
/// times over months, and a cycle would keep every old session alive.
@Suite struct SessionLifetimeTests {
    @Test(arguments: [
        "</stream:stream>",
        "<stream:error><conflict xmlns='urn:ietf:params:xml:ns:xmpp-streams'/></stream:error>",
        "<message><body>x</body></mess",
        "<a xmlns='urn:xmpp:sm:3' h='99'/>",
        "<iq type='get' id='p' from='example.org'><ping xmlns='urn:xmpp:ping'/></iq>",
    ])
    func aClosedSessionAndItsExtensionsAreFreed(ending: String) throws {
        weak var session: XMPPSession?
        weak var archive: ArchiveManager?
        weak var disco: DiscoClient?
        do {
            let harness = SessionHarness(
                configuration: SessionConfiguration(jid: try JID("juliet@example.org"), password: "pw", resource: "r"))
            let discoClient = DiscoClient()
            let archiveManager = ArchiveManager(disco: discoClient)
            let extensions: [any SessionExtension] = [
                RosterManager(), PresenceManager(), CarbonsManager(), archiveManager, BlockingManager(),
                MessageHandler(), discoClient, EntityCapabilities(disco: discoClient), ClientStateIndication(),
                PingResponder(), DiscoInfoResponder(), SoftwareVersion(version: "test"),
            ]
            for ext in extensions { harness.session.register(ext) }
            try harness.establishScripted(streamManagement: .enabled())
            // Requests are in flight (roster, disco, block list) when the stream ends.
            harness.serverSends(ending)
            session = harness.session
            archive = archiveManager
            disco = discoClient
        }
        #expect(session == nil, "the session outlives its harness")
        #expect(archive == nil && disco == nil, "an extension outlives its session")
    }
}
