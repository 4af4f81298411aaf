import ChatStore
import OMEMO
import OMEMOSession
import TestSupport
import Testing
import XMPPCore
import XMPPExtensions

@testable import ChatModel

/// A contact's OMEMO device simulated with the engine: its keys, its sessions with our devices,
/// the messages it writes and reads.
struct ContactDevice {
    let jid: JID
    var device: OwnDevice
    let version: OMEMOVersion
    var sessions: [OMEMODeviceAddress: RatchetSession] = [:]

    init(_ jid: String, _ version: OMEMOVersion, now: Int64) throws {
        self.jid = try JID(jid)
        self.version = version
        device = try OwnDevice.generate(now: now)
    }

    var id: UInt32 { device.deviceID }
    var address: OMEMODeviceAddress { OMEMODeviceAddress(jid: jid, device: id) }

    /// The `<encrypted/>` of `text` (nil: an empty message) to devices, starting sessions from the
    /// bundles given for those without one. In OMEMO 2 the text goes in an SCE envelope from `from`.
    mutating func encrypted(
        _ text: String?, to recipients: [OMEMODeviceAddress: OMEMOBundle], envelopeFrom: JID? = nil, now: Int64
    ) throws -> XMLElement {
        let plaintext: [UInt8]? = text.map { text in
            guard version == .omemo2 else { return Array(text.utf8) }
            var random = SystemRandomNumberGenerator()
            let body = XMLElement("body", namespace: Namespace.client, [:], text: text)
            let envelope = SCEEnvelope.omemo(content: [body], from: envelopeFrom ?? jid, time: now, random: &random)
            return Array(envelope.element.serialized().utf8)
        }
        let targets = recipients.sorted { $0.key.device < $1.key.device }.map { address, bundle in
            OMEMORecipient(
                address: address, session: sessions[address], bundle: sessions[address] == nil ? bundle : nil)
        }
        let result = try OMEMOEngine.encrypt(plaintext, version: version, from: device, to: targets)
        #expect(result.failed.isEmpty)
        for updated in result.sessions { sessions[updated.address] = updated.session }
        return result.encrypted.element
    }

    /// Decrypts what a message Tern wrote carries for this device; the text (nil: empty).
    mutating func read(_ stanza: XMLElement, from sender: JID) throws -> String? {
        let encrypted = try #require(try OMEMOEncrypted.find(in: stanza))
        let address = OMEMODeviceAddress(jid: sender.bare, device: encrypted.sender)
        let result = try OMEMOEngine.decrypt(
            encrypted, from: sender, ourJID: jid, own: &device, session: sessions[address])
        sessions[address] = result.session
        return result.plaintext.map { String(decoding: $0, as: UTF8.self) }
    }
}

/// The account's PEP service as far as OMEMO uses it: device lists and bundles by owner, answers
/// to Tern's item requests, and Tern's publishes recorded (and applied to its own lists and bundles).
final class OMEMOServer {
    var lists: [JID: [OMEMOVersion: [UInt32]]] = [:]
    var bundles: [OMEMOVersion: [OMEMODeviceAddress: OMEMOBundle]] = [:]
    /// Every publish Tern wrote, in order.
    var publishes: [XMLElement] = []
    /// Every item request Tern wrote: whose node, which node.
    var fetches: [(owner: JID, node: String)] = []
    /// Everything else Tern wrote that the server did not answer (messages, other IQs).
    var other: [XMLElement] = []
    /// ejabberd 23.01: an OMEMO 2 bundle publish with `pubsub#max_items` is refused.
    var refusesMaxItems = false
    /// Requests to leave unanswered (by node), to check what waits for them.
    var silentNodes: Set<String> = []
    let account: JID

    init(account: JID) { self.account = account }

    /// Answers what Tern wrote until it writes nothing more (bounded).
    func pump(_ harness: SessionHarness) {
        for _ in 0..<20 {
            let written = harness.takeWrittenElements()
            guard !written.isEmpty else { return }
            for element in written {
                guard let answer = answer(element) else {
                    other.append(element)
                    continue
                }
                harness.serverSends(answer)
            }
        }
        Issue.record("Tern kept writing")
    }

    /// Tern's messages written since the last look (taken).
    func takeMessages() -> [XMLElement] {
        let messages = other.filter { $0.name == "message" }
        other.removeAll { $0.name == "message" }
        return messages
    }

    private func answer(_ iq: XMLElement) -> String? {
        guard iq.name == "iq", let id = iq.id, let pubsub = iq.child("pubsub", namespace: Namespace.pubsub) else {
            return nil
        }
        let owner = iq[attribute: "to"].flatMap { JID(parsing: $0) } ?? account.bare
        if let items = pubsub.child("items", namespace: Namespace.pubsub), let node = items[attribute: "node"] {
            fetches.append((owner.bare, node))
            guard !silentNodes.contains(node) else { return "" }
            return itemsResult(id: id, owner: owner.bare, node: node, items: items)
        }
        guard let publish = pubsub.child("publish", namespace: Namespace.pubsub), let node = publish[attribute: "node"]
        else { return nil }
        publishes.append(iq)
        let options = pubsub.child("publish-options", namespace: Namespace.pubsub)?.serialized() ?? ""
        if refusesMaxItems, node == OMEMOVersion.omemo2.bundlesNode(device: 0), options.contains("pubsub#max_items") {
            return "<iq type='error' id='\(id)'><error type='wait'>"
                + "<resource-constraint xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></iq>"
        }
        applyPublish(node: node, publish)
        return "<iq type='result' id='\(id)'/>"
    }

    private func applyPublish(node: String, _ publish: XMLElement) {
        guard let item = publish.child("item", namespace: Namespace.pubsub) else { return }
        for version in OMEMOVersion.allCases {
            if node == version.devicesNode, let payload = item.elements.first,
                let list = try? OMEMODeviceList(payload)
            {
                lists[account.bare, default: [:]][version] = list.ids
            }
            if let payload = item.child("bundle", namespace: version.namespace), let bundle = try? OMEMOBundle(payload),
                let device = version == .omemo2
                    ? item[attribute: "id"].flatMap(UInt32.init)
                    : node.split(separator: ":").last.flatMap({ UInt32($0) }),
                node == version.bundlesNode(device: device)
            {
                bundles[version, default: [:]][OMEMODeviceAddress(jid: account.bare, device: device)] = bundle
            }
        }
    }

    private func itemsResult(id: String, owner: JID, node: String, items: XMLElement) -> String {
        let notFound =
            "<iq type='error' id='\(id)' from='\(owner)'><error type='cancel'>"
            + "<item-not-found xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></iq>"
        for version in OMEMOVersion.allCases {
            if node == version.devicesNode {
                guard let ids = lists[owner]?[version] else { return notFound }
                let list = OMEMODeviceList(version: version, devices: ids.map { .init(id: $0) })
                return result(id: id, owner: owner, node: node, item: "current", list.element)
            }
            for (address, bundle) in bundles[version] ?? [:] where address.jid == owner {
                guard node == version.bundlesNode(device: address.device) else { continue }
                let wanted = items.child("item", namespace: Namespace.pubsub)?[attribute: "id"]
                guard version == .legacy || wanted == String(address.device) else { continue }
                return result(
                    id: id, owner: owner, node: node, item: version.bundleItemID(device: address.device),
                    bundle.element)
            }
        }
        return notFound
    }

    private func result(id: String, owner: JID, node: String, item: String, _ payload: XMLElement) -> String {
        "<iq type='result' id='\(id)' from='\(owner)'><pubsub xmlns='\(Namespace.pubsub)'><items node='\(node)'>"
            + "<item id='\(item)'>\(payload.serialized())</item></items></pubsub></iq>"
    }

    /// Publishes a contact device's list and bundle, as its client would have.
    func add(_ contact: ContactDevice) throws {
        lists[contact.jid.bare, default: [:]][contact.version, default: []].append(contact.id)
        bundles[contact.version, default: [:]][contact.address] = try contact.device.bundle(contact.version)
    }
}

/// Juliet (alice@example.org in `ModelFixture`) with romeo in her roster, and romeo's device.
final class OMEMOFixture {
    static let romeo = "romeo@montague.lit"
    static let start: Int64 = 1_765_000_000_000
    /// The fallback body as it goes in a stanza's text (nothing in it needs escaping).
    static let fallbackBodyXML = OMEMOFeature.fallbackBody
    let model: ModelFixture
    let server: OMEMOServer
    var romeo: ContactDevice

    /// A new account (or, with `store` and `scheduler`, the same one after a restart); romeo's
    /// device speaks `version` and is published on the server.
    init(
        _ version: OMEMOVersion = .omemo2, store: ChatStore? = nil, scheduler: ManualScheduler? = nil,
        romeo: ContactDevice? = nil
    ) throws {
        let scheduler = scheduler ?? ManualScheduler(now: Self.start)
        model = ModelFixture(
            roster: [RosterItem(jid: try JID(Self.romeo), subscription: .both)], store: store, scheduler: scheduler)
        server = OMEMOServer(account: model.account.jid)
        self.romeo = try romeo ?? ContactDevice(Self.romeo, version, now: Self.start)
        try server.add(self.romeo)
    }

    /// A new account connected, its login answered; romeo's device speaks `version`.
    static func connected(_ version: OMEMOVersion = .omemo2) throws -> OMEMOFixture {
        let fixture = try OMEMOFixture(version)
        fixture.connect()
        return fixture
    }

    var account: AccountController { model.account }
    var feature: OMEMOFeature { account.feature(OMEMOFeature.self)! }
    var harness: SessionHarness { model.harness }
    var romeoJID: JID { try! JID(Self.romeo) }
    var romeoAddress: OMEMODeviceAddress { romeo.address }

    /// Connects and answers what the login asks of PEP.
    func connect() {
        model.connect(rosterItems: "<item jid='\(Self.romeo)' subscription='both'/>")
        pump()
    }

    func pump() { server.pump(harness) }

    /// Our device as stored.
    var own: OwnDevice { feature.own! }
    /// Our device's address.
    var ownAddress: OMEMODeviceAddress { OMEMODeviceAddress(jid: account.jid, device: own.deviceID) }
    /// Our bundle of `version` as we published it.
    func ownBundle(_ version: OMEMOVersion) throws -> OMEMOBundle {
        try #require(server.bundles[version]?[ownAddress])
    }

    /// Every notice shown, in the console (the log) or any chat's window.
    var notices: [String] {
        (model.model.log + model.model.windows.flatMap { model.model.noticesOf($0) }).map(\.text)
    }

    /// The last `count` lines of the console, where commands typed there answer.
    func console(_ count: Int = 1) -> [String] { model.model.log.suffix(count).map(\.text) }

    /// The messages stored in the chat with romeo, oldest first.
    func stored() throws -> [StoredMessage] {
        try model.store.lastMessages(account: account.accountID, conversation: romeoJID, limit: 50)
    }

    /// Romeo writes `text` (nil: an empty message) from his device to ours, as the server relays it.
    func romeoWrites(_ text: String?, id: String = "m1", envelopeFrom: JID? = nil) throws {
        harness.serverSends(try romeoMessage(text, id: id, envelopeFrom: envelopeFrom))
    }

    /// A message from romeo's device to ours (the stanza's text).
    func romeoMessage(_ text: String?, id: String = "m1", envelopeFrom: JID? = nil) throws -> String {
        let version = romeo.version
        let encrypted = try romeo.encrypted(
            text, to: [ownAddress: try ownBundle(version)], envelopeFrom: envelopeFrom, now: model.scheduler.now)
        let body = text == nil ? "" : "<body>\(Self.fallbackBodyXML)</body>"
        return "<message from='\(Self.romeo)/orchard' to='alice@example.org/tern' type='chat' id='\(id)'>"
            + encrypted.serialized() + body + "</message>"
    }

    /// A PEP notification of `from`'s device list of `version`.
    static func deviceList(from: String, _ version: OMEMOVersion, _ ids: [UInt32]) -> String {
        let list = OMEMODeviceList(version: version, devices: ids.map { .init(id: $0) })
        return "<message from='\(from)' to='alice@example.org/tern' type='headline' id='n\(ids.count)'>"
            + "<event xmlns='\(Namespace.pubsubEvent)'><items node='\(version.devicesNode)'><item id='current'>"
            + list.element.serialized() + "</item></items></event></message>"
    }

    /// Turns OMEMO on for romeo's chat and answers the fetches it makes.
    func turnOn() {
        model.model.submit("/omemo on \(Self.romeo)")
        pump()
    }

    /// Sends `text` to romeo and answers what it fetches; the messages Tern wrote.
    func send(_ text: String) -> [XMLElement] {
        account.feature(MessagingFeature.self)!.send(text, to: romeoJID)
        pump()
        return server.takeMessages()
    }

    /// The record of romeo's device `id`.
    func record(_ id: UInt32, of jid: JID? = nil) throws -> OMEMODeviceRecord? {
        try feature.table.devices(of: jid ?? romeoJID).first { $0.device == id }
    }
}
