import ChatStore
import OMEMO
import TestSupport
import Testing
import XMPPCore
import XMPPExtensions

@testable import ChatModel

/// `/omemo` and its subcommands as the user types them, and the decisions they store.
@Suite struct OMEMOCommandTests {
    /// Connected, with romeo's device known (its list fetched) and a session with it (its identity
    /// key and so its fingerprint known).
    func withSession() throws -> OMEMOFixture {
        let fixture = try OMEMOFixture()
        fixture.connect()
        fixture.turnOn()
        #expect(fixture.send("hi").count == 1)
        return fixture
    }

    var romeoFingerprint: (OMEMOFixture) throws -> String {
        { fixture in try #require(try fixture.record(fixture.romeo.id)?.identityKey?.fingerprint) }
    }

    @Test func onAndOffAreStoredAndShownInStatus() throws {
        let fixture = try withSession()
        fixture.model.model.submit("/omemo status \(OMEMOFixture.romeo)")
        #expect(
            fixture.console() == ["OMEMO is on for romeo@montague.lit: encrypted to its devices \(fixture.romeo.id)"])
        fixture.model.model.submit("/omemo off \(OMEMOFixture.romeo)")
        #expect(fixture.console() == ["OMEMO is off for romeo@montague.lit: messages go in plaintext from now on"])
        #expect(try fixture.feature.table.chatSettings()[fixture.romeoJID] == false)
        let stanza = try #require(fixture.send("in the clear").first)
        #expect(stanza.child("encrypted", namespace: Namespace.omemo2) == nil)
        #expect(stanza.child("body", namespace: nil)?.text == "in the clear")
        fixture.model.model.submit("/omemo status \(OMEMOFixture.romeo)")
        #expect(
            fixture.console() == [
                "OMEMO is off for romeo@montague.lit: messages go in plaintext (/omemo on encrypts them)"
            ])
    }

    /// `/omemo` alone in a chat's window is the status of that chat.
    @Test func aloneInAChatItIsTheStatus() throws {
        let fixture = try withSession()
        let window = fixture.model.open(fixture.romeoJID, focus: true)
        fixture.model.model.submit("/omemo")
        #expect(
            fixture.model.model.noticesOf(window).last?.text.hasPrefix("OMEMO is on for romeo@montague.lit") == true)
    }

    @Test func statusWithoutATrustedDeviceSaysNothingCanBeSent() throws {
        let fixture = try withSession()
        fixture.model.model.submit("/omemo untrust \(fixture.romeo.id) \(OMEMOFixture.romeo)")
        #expect(fixture.console() == ["romeo@montague.lit's OMEMO device \(fixture.romeo.id) is now untrusted"])
        fixture.model.model.submit("/omemo status \(OMEMOFixture.romeo)")
        #expect(
            fixture.console() == [
                "OMEMO is on for romeo@montague.lit, but none of its devices is trusted: nothing can be sent (/omemo devices)"
            ])
    }

    @Test func fingerprintShowsThisDevicesInBothForms() throws {
        let fixture = try OMEMOFixture()
        fixture.connect()
        fixture.model.model.submit("/omemo fingerprint")
        let own = fixture.own
        #expect(
            fixture.console(3) == [
                "this device of alice@example.org: OMEMO device \(own.deviceID)",
                "  fingerprint (OMEMO 2): \(own.fingerprint(.omemo2))",
                "  fingerprint (OMEMO 0.3, as Conversations shows it): \(own.fingerprint(.legacy))",
            ])
    }

    @Test func devicesAndAContactsFingerprintListTrustAndKeys() throws {
        let fixture = try withSession()
        fixture.model.scheduler.advance(by: .seconds(1))
        fixture.server.lists[fixture.romeoJID]?[.legacy] = [77]
        fixture.harness.serverSends(OMEMOFixture.deviceList(from: OMEMOFixture.romeo, .legacy, [77]))
        fixture.model.model.submit("/omemo devices \(OMEMOFixture.romeo)")
        fixture.pump()
        let fingerprint = try romeoFingerprint(fixture)
        let lines = [
            "OMEMO devices of romeo@montague.lit:",
            "  \(fixture.romeo.id): trusted, not verified, OMEMO 2", "    \(fingerprint)",
            "  77: trusted, not verified, OMEMO 0.3", "    (fingerprint not known until a session)",
        ]
        #expect(fixture.console(5) == lines)
        fixture.model.model.submit("/omemo fingerprint \(OMEMOFixture.romeo)")
        #expect(fixture.console(5) == lines)
        #expect(fingerprint == fixture.romeo.device.fingerprint(.omemo2))
    }

    @Test func trustByFingerprintPrefix() throws {
        let fixture = try withSession()
        let prefix = String(try romeoFingerprint(fixture).filter { !$0.isWhitespace }.prefix(12)).uppercased()
        fixture.model.model.submit("/omemo trust \(prefix) \(OMEMOFixture.romeo)")
        #expect(fixture.console() == ["romeo@montague.lit's OMEMO device \(fixture.romeo.id) is now verified"])
        #expect(try fixture.record(fixture.romeo.id)?.trust == .verified)
    }

    /// A prefix too short to name one key, or an unknown id, names no device.
    @Test(arguments: ["12345", "abcd", "999"])
    func anUnknownDeviceIsAUsageError(_ text: String) throws {
        let fixture = try withSession()
        fixture.model.model.submit("/omemo trust \(text) \(OMEMOFixture.romeo)")
        #expect(try fixture.record(fixture.romeo.id)?.trust == .blind)
        #expect(
            (fixture.notices + fixture.model.model.log.map(\.text)).contains {
                $0.contains("romeo@montague.lit has no OMEMO device \(text)")
            })
    }

    @Test func clearDeviceForgetsItAndItsSession() throws {
        let fixture = try withSession()
        #expect(try fixture.feature.table.session(fixture.romeoJID, device: fixture.romeo.id) != nil)
        fixture.model.model.submit("/omemo clear-device \(fixture.romeo.id) \(OMEMOFixture.romeo)")
        #expect(fixture.console() == ["forgot romeo@montague.lit's OMEMO device \(fixture.romeo.id)"])
        #expect(try fixture.record(fixture.romeo.id) == nil)
        #expect(try fixture.feature.table.session(fixture.romeoJID, device: fixture.romeo.id) == nil)
        #expect(fixture.feature.sessions[fixture.romeoAddress] == nil)
    }

    @Test func strictModeOnAndOff() throws {
        let fixture = try withSession()
        fixture.model.model.submit("/omemo strict on")
        #expect(fixture.console() == ["OMEMO strict mode: only devices you verified get your messages"])
        #expect(fixture.send("strictly").isEmpty, "romeo's device is not verified")
        #expect(fixture.notices.contains { $0.hasPrefix("romeo@montague.lit has no OMEMO device you trust") })
        fixture.model.model.submit("/omemo strict off")
        #expect(
            fixture.console() == [
                "OMEMO strict mode off: new devices are trusted until you verify one of a contact's"
            ])
        fixture.model.model.submit("/omemo strict maybe")
        #expect(try fixture.feature.table.isStrict() == false)
    }

    /// Trust decisions, strict mode and chats' settings are the user's: a restart keeps them.
    @Test func decisionsSurviveARestart() throws {
        let fixture = try withSession()
        fixture.model.model.submit("/omemo trust \(fixture.romeo.id) \(OMEMOFixture.romeo)")
        fixture.model.model.submit("/omemo strict on")
        let own = fixture.own.deviceID
        fixture.account.disconnect()
        let restarted = try OMEMOFixture(
            store: fixture.model.store, scheduler: fixture.model.scheduler, romeo: fixture.romeo)
        #expect(restarted.feature.own?.deviceID == own)
        #expect(restarted.feature.strict)
        #expect(restarted.feature.isOn(for: fixture.romeoJID))
        #expect(try restarted.record(fixture.romeo.id)?.trust == .verified)
        restarted.connect()
        // "hi" again from the outbox (never acknowledged), then the new message, in one session.
        let stanzas = restarted.send("after the restart")
        var romeo = fixture.romeo
        let texts = try stanzas.map { try romeo.read($0, from: restarted.account.jid) ?? "" }
        #expect(texts.count == 2)
        #expect(texts.last?.contains("after the restart") == true)
    }
}
