import OMEMO
import TestSupport
import Testing
import XMPPCore
import XMPPExtensions

@testable import ChatModel

/// What a new session does for our device (XEP-0384 §Device list, §Bundles) on a scripted PEP
/// service: both versions' lists read and our device added to them, both bundles published with
/// the XEP's node configuration, and our device put back when another client drops it.
@Suite struct OMEMOLoginTests {
    /// The publishes of `node` Tern wrote.
    func publishes(_ fixture: OMEMOFixture, node: String) -> [XMLElement] {
        fixture.server.publishes.filter {
            $0.child("pubsub", namespace: Namespace.pubsub)?.child("publish", namespace: Namespace.pubsub)?[
                attribute: "node"] == node
        }
    }

    /// The publish-options a publish asked for, by field.
    func options(_ publish: XMLElement) -> [String: String] {
        let form = publish.child("pubsub", namespace: Namespace.pubsub)?
            .child("publish-options", namespace: Namespace.pubsub)?.child("x", namespace: Namespace.dataForms)
        var values: [String: String] = [:]
        for field in form?.children("field", namespace: Namespace.dataForms) ?? [] {
            values[field[attribute: "var"] ?? ""] = field.child("value", namespace: Namespace.dataForms)?.text
        }
        return values
    }

    @Test func loginReadsBothListsAndAddsOurDeviceWithoutRemovingOthers() throws {
        let fixture = try OMEMOFixture()
        fixture.server.lists[fixture.account.jid] = [.omemo2: [111], .legacy: [222, 333]]
        fixture.connect()
        let own = fixture.own.deviceID
        for version in OMEMOVersion.allCases {
            #expect(
                fixture.server.fetches.contains { $0.owner == fixture.account.jid && $0.node == version.devicesNode })
        }
        #expect(fixture.server.lists[fixture.account.jid]?[.omemo2] == [111, own])
        #expect(fixture.server.lists[fixture.account.jid]?[.legacy] == [222, 333, own])
        #expect(fixture.feature.announced == Set(OMEMOVersion.allCases))
        for version in OMEMOVersion.allCases {
            let publish = try #require(publishes(fixture, node: version.devicesNode).first)
            #expect(options(publish)["pubsub#access_model"] == "open")
        }
        // Our other devices are known, blindly trusted, and get our messages.
        #expect(try fixture.record(111, of: fixture.account.jid)?.trust == .blind)
        #expect(try fixture.record(333, of: fixture.account.jid)?.versions == [.legacy])
    }

    @Test func aListThatNamesUsAlreadyIsNotPublishedAgain() throws {
        let fixture = try OMEMOFixture()
        fixture.connect()
        let count = fixture.server.publishes.count
        fixture.account.disconnect()
        fixture.connect()
        #expect(
            publishes(fixture, node: OMEMOVersion.omemo2.devicesNode).count == 1,
            "the second login found our device in the list")
        #expect(fixture.server.publishes.count > count, "the bundles are published again")
    }

    @Test func bundlesArePublishedWithTheXEPsOptions() throws {
        let fixture = try OMEMOFixture()
        fixture.connect()
        let own = fixture.own.deviceID
        let legacy = try #require(publishes(fixture, node: OMEMOVersion.legacy.bundlesNode(device: own)).first)
        #expect(options(legacy) == ["FORM_TYPE": Namespace.pubsubPublishOptions, "pubsub#access_model": "open"])
        let omemo2 = try #require(publishes(fixture, node: OMEMOVersion.omemo2.bundlesNode(device: own)).first)
        #expect(options(omemo2)["pubsub#max_items"] == "max")
        #expect(options(omemo2)["pubsub#access_model"] == "open")
        let item = omemo2.child("pubsub", namespace: Namespace.pubsub)?.child("publish", namespace: Namespace.pubsub)?
            .child("item", namespace: Namespace.pubsub)
        #expect(item?[attribute: "id"] == String(own))
        let bundle = try fixture.ownBundle(.omemo2)
        #expect(bundle == (try fixture.own.bundle(.omemo2)))
        #expect(bundle.preKeys.count == OwnDevice.preKeyCount)
    }

    /// ejabberd refuses `pubsub#max_items`: the OMEMO 2 bundle goes again without it, once.
    @Test func aRefusedOMEMO2BundleIsPublishedAgainWithoutMaxItems() throws {
        let fixture = try OMEMOFixture()
        fixture.server.refusesMaxItems = true
        fixture.connect()
        let attempts = publishes(fixture, node: OMEMOVersion.omemo2.bundlesNode(device: 0))
        #expect(attempts.count == 2)
        #expect(options(attempts[0])["pubsub#max_items"] == "max")
        #expect(options(attempts[1])["pubsub#max_items"] == nil)
        #expect(options(attempts[1])["pubsub#access_model"] == "open")
        #expect(try fixture.ownBundle(.omemo2).identityKey == (try fixture.own.bundle(.omemo2)).identityKey)
        #expect(!fixture.model.model.log.contains { $0.text.contains("refused") })
    }

    @Test func ourDeviceRemovedByAnotherClientIsPutBack() throws {
        let fixture = try OMEMOFixture()
        fixture.connect()
        let own = fixture.own.deviceID
        fixture.harness.serverSends(OMEMOFixture.deviceList(from: "alice@example.org", .omemo2, [111]))
        fixture.pump()
        #expect(fixture.server.lists[fixture.account.jid]?[.omemo2] == [111, own])
        #expect(try fixture.record(111, of: fixture.account.jid)?.versions == [.omemo2])
    }

    /// Security: only our account's bare JID speaks for our list; a contact's list naming our
    /// device id, or a full JID's, publishes nothing.
    @Test(arguments: ["alice@example.org/evil", OMEMOFixture.romeo])
    func anotherSendersListPublishesNothingOfOurs(_ from: String) throws {
        let fixture = try OMEMOFixture()
        fixture.connect()
        let count = fixture.server.publishes.count
        fixture.harness.serverSends(OMEMOFixture.deviceList(from: from, .omemo2, [111]))
        fixture.pump()
        #expect(fixture.server.publishes.count == count)
        #expect(try fixture.record(111, of: fixture.account.jid) == nil)
    }
}
