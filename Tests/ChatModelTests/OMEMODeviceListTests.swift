import OMEMO
import TestSupport
import Testing
import XMPPCore
import XMPPExtensions

@testable import ChatModel

/// Contacts' device lists as PEP pushes them (XEP-0384 §Device list): new devices recorded with
/// the trust the user's choices give them, and only from the list's owner.
@Suite struct OMEMODeviceListTests {
    @Test func aContactsListRecordsItsDevicesTrustedBlindly() throws {
        let fixture = try OMEMOFixture.connected()
        fixture.harness.serverSends(OMEMOFixture.deviceList(from: OMEMOFixture.romeo, .omemo2, [11, 12]))
        fixture.harness.serverSends(OMEMOFixture.deviceList(from: OMEMOFixture.romeo, .legacy, [12]))
        let first = try #require(try fixture.record(11))
        #expect(first.trust == .blind)
        #expect(first.versions == [.omemo2])
        #expect(try fixture.record(12)?.versions == [.omemo2, .legacy])
        #expect(fixture.feature.addresses(of: fixture.romeoJID).map(\.device) == [11, 12])
        // A device that leaves every list stays known, and no longer gets messages.
        fixture.harness.serverSends(OMEMOFixture.deviceList(from: OMEMOFixture.romeo, .omemo2, [12]))
        #expect(try fixture.record(11)?.isActive == false)
        #expect(fixture.feature.addresses(of: fixture.romeoJID).map(\.device) == [12])
    }

    @Test func inStrictModeNewDevicesAreUndecided() throws {
        let fixture = try OMEMOFixture.connected()
        fixture.model.model.submit("/omemo strict on")
        fixture.harness.serverSends(OMEMOFixture.deviceList(from: OMEMOFixture.romeo, .omemo2, [11]))
        #expect(try fixture.record(11)?.trust == .undecided)
        #expect(fixture.feature.addresses(of: fixture.romeoJID).isEmpty)
    }

    @Test func afterOneVerifiedDeviceNewOnesAreUndecided() throws {
        let fixture = try OMEMOFixture.connected()
        fixture.turnOn()
        #expect(fixture.send("hi").count == 1, "a session: romeo's fingerprint is known")
        let romeo = fixture.romeo.id
        fixture.model.model.submit("/omemo trust \(romeo) \(OMEMOFixture.romeo)")
        #expect(try fixture.record(romeo)?.trust == .verified)
        fixture.harness.serverSends(OMEMOFixture.deviceList(from: OMEMOFixture.romeo, .omemo2, [romeo, 12]))
        #expect(try fixture.record(12)?.trust == .undecided)
        #expect(fixture.feature.addresses(of: fixture.romeoJID).map(\.device) == [romeo])
        #expect(
            fixture.notices.contains(
                "romeo@montague.lit has a new OMEMO device 12, not verified: not encrypted to until you trust it"))
    }

    /// Security: a verification is of a fingerprint; a device whose key is not known yet cannot be
    /// verified (its first key would be taken as the one the user compared).
    @Test func aDeviceWithoutAKnownKeyCannotBeVerified() throws {
        let fixture = try OMEMOFixture.connected()
        fixture.harness.serverSends(OMEMOFixture.deviceList(from: OMEMOFixture.romeo, .omemo2, [11]))
        fixture.model.model.submit("/omemo trust 11 \(OMEMOFixture.romeo)")
        #expect(try fixture.record(11)?.trust == .blind)
        #expect(
            fixture.console() == [
                "the fingerprint of romeo@montague.lit's OMEMO device 11 is not known until a session with it:"
                    + " write to it first, then compare and trust"
            ])
    }

    /// Security: a device list counts only from its owner's bare JID.
    @Test func aListFromAFullJIDChangesNothing() throws {
        let fixture = try OMEMOFixture.connected()
        fixture.harness.serverSends(OMEMOFixture.deviceList(from: OMEMOFixture.romeo + "/orchard", .omemo2, [66]))
        #expect(try fixture.record(66) == nil)
        #expect(fixture.feature.deviceLists[fixture.romeoJID] == nil)
    }

    /// Security: a third party's message with a device list is that party's list, never romeo's,
    /// whatever it carries (here inside a forwarded copy claiming to be romeo's).
    @Test func aListInAThirdPartysMessageChangesNothingOfTheContacts() throws {
        let fixture = try OMEMOFixture.connected()
        let forged = OMEMOFixture.deviceList(from: OMEMOFixture.romeo, .omemo2, [66])
        fixture.harness.serverSends(
            "<message from='mallory@evil.example' to='alice@example.org/tern' type='chat'>"
                + "<received xmlns='urn:xmpp:carbons:2'><forwarded xmlns='urn:xmpp:forward:0'>\(forged)"
                + "</forwarded></received></message>")
        fixture.harness.serverSends(
            OMEMOFixture.deviceList(from: "mallory@evil.example", .omemo2, [66]))
        #expect(try fixture.record(66) == nil)
        #expect(fixture.feature.deviceLists[fixture.romeoJID] == nil)
    }

    @Test func aNewDeviceIsAnnouncedInAnEncryptedChatsWindow() throws {
        let fixture = try OMEMOFixture.connected()
        fixture.turnOn()
        let romeo = fixture.romeo.id
        fixture.harness.serverSends(OMEMOFixture.deviceList(from: OMEMOFixture.romeo, .omemo2, [romeo, 77]))
        let window = fixture.model.open(fixture.romeoJID, focus: false)
        let notices = fixture.model.model.noticesOf(window).map(\.text)
        #expect(
            notices.contains(
                "romeo@montague.lit has a new OMEMO device 77, not verified: trusted until you verify one (/omemo devices)"
            ))
        #expect(!notices.contains { $0.contains("device \(romeo),") }, "the device fetched on /omemo on is not new")
    }

    @Test func aNewDeviceInAPlaintextChatIsNotAnnounced() throws {
        let fixture = try OMEMOFixture.connected()
        fixture.harness.serverSends(OMEMOFixture.deviceList(from: OMEMOFixture.romeo, .omemo2, [77]))
        #expect(!fixture.notices.contains { $0.contains("new OMEMO device") })
    }
}
