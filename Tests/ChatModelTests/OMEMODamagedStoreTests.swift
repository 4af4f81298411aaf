import ChatModel
import ChatStore
import TestSupport
import Testing
import XMPPCore

/// A database whose OMEMO keys cannot be read (damaged, or written by something else): Tern says
/// so, keeps the keys as they are rather than make new ones over them (contacts trust this
/// device's identity), and an encrypted chat sends nothing rather than plaintext.
@Suite struct OMEMODamagedStoreTests {
    @Test func unreadableKeysAreNeverReplacedAndNothingIsSentInPlaintext() throws {
        let first = ModelFixture.connected()
        let omemo = try #require(first.account.feature(OMEMOFeature.self))
        let device = try #require(omemo.ownDeviceID)
        omemo.set(try JID("bob@example.org"), on: true)
        try first.store.featureWrite("UPDATE omemo_own SET device = '{\"deviceID\": \"not a number\"}'")

        let restarted = ModelFixture(store: first.store)
        restarted.connect()
        let log = restarted.model.log.map(\.text).joined(separator: "\n")
        #expect(log.contains("could not read your OMEMO keys"), "\(log)")
        let stored = try restarted.store.featureRows("SELECT device FROM omemo_own", [], { $0.text(0) })
        #expect(stored == ["{\"deviceID\": \"not a number\"}"], "the damaged keys are left as they were")
        #expect(restarted.account.feature(OMEMOFeature.self)?.ownDeviceID == nil)
        #expect(device != 0)

        restarted.open(try JID("bob@example.org"), focus: true)
        restarted.model.submit("a secret")
        let written = restarted.harness.takeWritten().joined()
        #expect(!written.contains("a secret"), "never in plaintext")
        let notices = restarted.model.noticesOf(restarted.model.currentWindow).map(\.text).joined(separator: "\n")
        #expect(notices.contains("OMEMO is unavailable"), "\(notices)")
    }
}
