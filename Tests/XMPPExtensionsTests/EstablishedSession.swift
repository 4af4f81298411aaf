import TestSupport
import XMPPCore

extension SessionHarness {
    /// A session of `jid` (a full JID) established over the fake transport, with `extensions`
    /// registered in this order and `features` offered beside bind; what it wrote on login stays
    /// for the test to read.
    static func established(
        _ jid: String, _ extensions: [any SessionExtension], features: String = ""
    ) throws -> SessionHarness {
        let full = try JID(jid)
        let harness = SessionHarness(
            configuration: SessionConfiguration(jid: full.bare, password: "pw", resource: full.resourcepart))
        for ext in extensions { harness.session.register(ext) }
        try harness.establishScripted(features: features)
        return harness
    }
}
