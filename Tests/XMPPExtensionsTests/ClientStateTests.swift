import TestSupport
import Testing
import XMPPCore
import XMPPExtensions

/// XEP-0352 client state indication from its examples: sent only to a server that offers it,
/// only on a change, and again on a new stream while the user is away.
@Suite struct ClientStateTests {
    /// Example 1's feature.
    static let offered = "<csi xmlns='urn:xmpp:csi:0'/>"

    /// What the session wrote since the last look, as element names and namespaces.
    func sent(_ harness: SessionHarness) -> [String] {
        harness.takeWrittenElements().map { "\($0.name) \($0.namespace ?? "")" }
    }

    @Test func aServerThatOffersItIsToldEachChange() throws {
        let indication = ClientStateIndication()
        let harness = try SessionHarness.established("juliet@capulet.lit/balcony", [indication], features: Self.offered)
        #expect(indication.isSupported(by: harness.session))
        #expect(harness.takeWritten().isEmpty, "active is where a stream starts")
        harness.perform { indication.setActive(false, in: $0) }
        harness.perform { indication.setActive(false, in: $0) }
        // Example 2, once.
        #expect(sent(harness) == ["inactive urn:xmpp:csi:0"])
        harness.perform { indication.setActive(true, in: $0) }
        // Example 3.
        #expect(sent(harness) == ["active urn:xmpp:csi:0"])
        #expect(indication.isActive)
    }

    @Test func aServerThatDoesNotOfferItIsToldNothing() throws {
        let indication = ClientStateIndication()
        let harness = try SessionHarness.established("juliet@capulet.lit/balcony", [indication])
        #expect(!indication.isSupported(by: harness.session))
        harness.perform { indication.setActive(false, in: $0) }
        #expect(harness.takeWritten().isEmpty, "an unknown top-level element would end the stream")
        #expect(!indication.isActive, "the state is kept all the same")
    }

    @Test func aNewStreamWhileAwayStartsInactive() throws {
        let indication = ClientStateIndication()
        indication.setActive(false, in: nil)
        let harness = try SessionHarness.established("juliet@capulet.lit/balcony", [indication], features: Self.offered)
        #expect(sent(harness) == ["inactive urn:xmpp:csi:0"])
        let without = try SessionHarness.established("juliet@capulet.lit/chamber", [indication])
        #expect(without.takeWritten().isEmpty)
    }
}
