import ChatStore
import OMEMO
import OMEMOSession
import XMPPCore
import XMPPExtensions

/// End-to-end encryption with OMEMO (XEP-0384), both the 0.3 version every deployed client speaks
/// and OMEMO 2: our device (its keys in the store, its bundle and its place in the account's
/// device lists published at every new session), contacts' devices as their device lists say
/// (pushed through `+notify`, fetched when needed) with the user's trust in each, sessions per
/// device, and which chats are encrypted.
///
/// A chat is encrypted once the user turns OMEMO on for it or the contact writes encrypted, and
/// stays so until the user turns it off: a message that cannot be encrypted to every trusted
/// device is not sent (the user is told why), never sent in plaintext instead. Messaging asks
/// this feature to seal what it sends and open what it receives (`MessageEncryption`).
public final class OMEMOFeature: AccountFeature, MessageEncryption {
    public static let name = "omemo"
    /// Device list notifications are taken before messaging sees a headline.
    public static var ordering: [FeatureOrder] { [.before(MessagingFeature.name)] }
    public static var tables: [StoreMigration] { OMEMOTable.migrations }

    unowned let account: AccountController
    let table: OMEMOTable
    let notifications = DeviceListNotifications()
    /// Our device; nil when its keys could not be read or made (OMEMO is then unavailable, said once).
    var own: OwnDevice?
    /// Why our stored keys could not be read: OMEMO stays unavailable, and they are never replaced.
    var unreadableKeys: String?
    /// Chats the user turned OMEMO on (true) or off (false) for; absent: off, until a contact writes encrypted.
    var chats: [JID: Bool] = [:]
    /// Device lists as the account's PEP service last told them, by bare JID and version.
    var deviceLists: [JID: [OMEMOVersion: [UInt32]]] = [:]
    /// Bundles fetched for devices we have no session with yet.
    var bundles: [OMEMODeviceAddress: OMEMOBundle] = [:]
    /// Sessions read or changed on this run; those changed by decrypting wait for `commitOpened`.
    var sessions: [OMEMODeviceAddress: RatchetSession] = [:]
    var openedSessions: Set<OMEMODeviceAddress> = []
    /// Requests in flight, so that one device list or bundle is asked for once at a time.
    var fetchingLists: Set<JID> = []
    var fetchingBundles: Set<OMEMODeviceAddress> = []
    /// Why a device's bundle could not be had (until its owner's device list changes).
    var bundleFailures: [OMEMODeviceAddress: String] = [:]
    /// Messages waiting for a contact's keys: sent when they are here, refused after `keyWait`.
    var waiting: [WaitingMessage] = []
    /// When a session was last repaired per device (at most once per `repairInterval`).
    var repairedAt: [OMEMODeviceAddress: Int64] = [:]
    /// Devices owed an empty message: a key exchange answered, a heartbeat, a repaired session.
    var pendingHeartbeats: Set<OMEMODeviceAddress> = []
    var pendingRepairs: Set<OMEMODeviceAddress> = []
    /// Our bundles must be published again (a prekey was used, or the signed prekey rotated).
    var bundleChanged = false
    /// The chats' settings could not be read: every chat is treated as encrypted.
    var chatsUnreadable = false
    /// This device's OMEMO id (nil until its keys exist).
    public var ownDeviceID: UInt32? { own?.deviceID }
    /// The versions whose device list names this device on this session (contacts can write to it).
    public private(set) var announced: Set<OMEMOVersion> = []
    /// Only manually verified devices receive messages (`/omemo strict on`).
    var strict = false
    /// The member lists of encrypted rooms (`OMEMOFeature+Rooms`).
    let roomMembers = OMEMORoomMembers()

    static let keyWait: Duration = .seconds(30)
    static let repairInterval: Int64 = 600_000

    public init(account: AccountController) throws(FeatureError) {
        self.account = account
        table = OMEMOTable(store: account.store, account: account.accountID)
        notifications.onList = { [unowned self] notification in deviceListChanged(notification) }
        notifications.onRefused = { [unowned account] stanza, error in
            account.log(.debug, "dropped an OMEMO device list from \(stanza[attribute: "from"] ?? "?"): \(error)")
        }
        do {
            chats = try table.chatSettings()
            strict = try table.isStrict()
        } catch {
            // Every chat is then treated as encrypted: one whose setting is unknown must not go in plaintext.
            chatsUnreadable = true
        }
        do { own = try table.ownDevice() } catch {
            // Never new keys over unreadable ones: the user's contacts trust this device's identity.
            unreadableKeys = "\(error)"
        }
    }

    public var extensions: [any SessionExtension] { [notifications] }

    /// Takes device list notifications of both versions.
    final class DeviceListNotifications: SessionExtension {
        var onList: (OMEMOPEP.DeviceListNotification) -> Void = { _ in }
        var onRefused: (XMLElement, OMEMOElementError) -> Void = { _, _ in }

        var discoFeatures: [String] { OMEMOPEP.notifyFeatures }

        func handle(_ stanza: XMLElement, in session: XMPPSession) -> Bool {
            guard OMEMOPEP.isDeviceListNotification(stanza) else { return false }
            do { onList(try OMEMOPEP.deviceList(stanza)) } catch { onRefused(stanza, error) }
            return true
        }
    }

    // MARK: Session

    public func sessionReady(_ session: XMPPSession, _ start: SessionStart) {
        if chatsUnreadable { account.log(.error, "could not read which chats are encrypted: each one is, until fixed") }
        guard start == .new else {
            publishBundlesIfChanged(in: session)
            return
        }
        if let unreadableKeys {
            // Said here, not when the account is made: the model listens only from now.
            account.log(.error, "could not read your OMEMO keys: \(unreadableKeys); encryption is unavailable")
            return
        }
        guard let own = ensureOwnDevice() else { return }
        for version in OMEMOVersion.allCases {
            announceOwnDevice(own, version: version, in: session)
            publishBundle(own, version: version, in: session)
        }
        bundleChanged = false
        for (chat, on) in chats where on && !isRoom(chat) { fetchDeviceLists(of: chat) }
    }

    public func connectionEnded() {
        table.forgetCachedDevices()
        announced.removeAll()
        fetchingLists.removeAll()
        fetchingBundles.removeAll()
    }

    /// Our device, made (keys generated and stored) the first time; the signed prekey rotated when due.
    func ensureOwnDevice() -> OwnDevice? {
        guard unreadableKeys == nil else { return nil }
        // Keys are used only once stored: a device (or signed prekey) lost at the next start would
        // leave contacts' sessions with it broken.
        do {
            guard var device = own else {
                let made = try OwnDevice.generate(now: account.scheduler.now)
                try table.save(made)
                own = made
                account.log(.info, "made this device's OMEMO keys (device \(made.deviceID))")
                return made
            }
            if try device.rotateSignedPreKeyIfDue(now: account.scheduler.now) {
                try table.save(device)
                own = device
                bundleChanged = true
            }
            return device
        } catch {
            account.log(.error, "could not make or store this device's OMEMO keys: \(error)")
            return nil
        }
    }

    /// Reads our account's device list of `version` and publishes it with our device added when
    /// it is not there (XEP-0384 §Device list: never removing another device).
    private func announceOwnDevice(_ own: OwnDevice, version: OMEMOVersion, in session: XMPPSession) {
        let request = OMEMODeviceList.request(version, from: account.jid, id: session.makeID())
        session.sendIQ(request) { [weak self] result in
            guard let self, account.session === session else { return }
            var list = OMEMODeviceList(version: version, devices: [])
            switch result {
            case .success(let response):
                do { list = try OMEMOPEP.deviceList(result: response, version) } catch {
                    account.log(
                        .warning, "your account's OMEMO device list is unreadable (\(error)); publishing a new one")
                }
            case .failure(.error(let error)) where error.condition == .itemNotFound: break
            case .failure(let failure):
                account.log(.warning, "could not read your account's OMEMO device list: \(failure)")
                return
            }
            updateDevices(of: account.jid, version: version, ids: list.ids)
            guard !list.ids.contains(own.deviceID) else {
                announced.insert(version)
                return
            }
            list.devices.append(OMEMODeviceList.Device(id: own.deviceID))
            session.sendIQ(list.publish(id: session.makeID())) { [weak self] result in
                guard let self else { return }
                switch result {
                case .success: announced.insert(version)
                case .failure(let failure): refused(failure, what: "device list")
                }
            }
        }
    }

    /// Publishes our bundle of `version`; a server that refuses OMEMO 2's `max_items` option gets
    /// the bundle again without it.
    private func publishBundle(_ own: OwnDevice, version: OMEMOVersion, in session: XMPPSession) {
        let bundle: OMEMOBundle
        do { bundle = try own.bundle(version) } catch {
            account.log(.error, "could not make this device's OMEMO bundle: \(error)")
            return
        }
        session.sendIQ(bundle.publish(device: own.deviceID, id: session.makeID())) { [weak self] result in
            guard let self, case .failure(.error) = result, version == .omemo2, account.session === session else {
                if case .failure(let failure) = result { self?.refused(failure, what: "keys") }
                return
            }
            publish(
                bundle.publish(device: own.deviceID, id: session.makeID(), maxItems: false), what: "keys", in: session)
        }
    }

    /// Publishes our bundles again when a prekey was used or the signed prekey rotated.
    func publishBundlesIfChanged(in session: XMPPSession) {
        guard bundleChanged, let own else { return }
        bundleChanged = false
        for version in OMEMOVersion.allCases { publishBundle(own, version: version, in: session) }
    }

    private func publish(_ iq: XMLElement, what: String, in session: XMPPSession) {
        session.sendIQ(iq) { [weak self] result in
            guard case .failure(let failure) = result else { return }
            self?.refused(failure, what: what)
        }
    }

    private func refused(_ failure: IQFailure, what: String) {
        if case .disconnected = failure { return }
        account.log(.warning, "your server refused this device's OMEMO \(what): \(failure)")
    }

    // MARK: Device lists

    /// A device list pushed by PEP: a contact's devices, or our account's (ours is put back if
    /// another client removed it).
    func deviceListChanged(_ notification: OMEMOPEP.DeviceListNotification) {
        let owner = notification.owner.bare
        let list = notification.list
        updateDevices(of: owner, version: list.version, ids: list.ids, labels: list.devices)
        guard owner == account.jid.bare, let own, let session = account.session, !list.ids.contains(own.deviceID)
        else { return }
        var restored = list
        restored.devices.append(OMEMODeviceList.Device(id: own.deviceID))
        publish(restored.publish(id: session.makeID()), what: "device list", in: session)
    }

    /// Asks for `jid`'s device lists of both versions (once at a time), then for the bundles of
    /// devices without a session when its chat is encrypted.
    func fetchDeviceLists(of jid: JID, then done: (() -> Void)? = nil) {
        let jid = jid.bare
        guard let session = account.session, fetchingLists.insert(jid).inserted else { return }
        var remaining = OMEMOVersion.allCases.count
        for version in OMEMOVersion.allCases {
            session.sendIQ(OMEMODeviceList.request(version, from: jid, id: session.makeID())) { [weak self] result in
                guard let self else { return }
                switch result {
                case .success(let response):
                    if let list = try? OMEMOPEP.deviceList(result: response, version) {
                        updateDevices(of: jid, version: version, ids: list.ids, labels: list.devices)
                    }
                case .failure(.error):
                    updateDevices(of: jid, version: version, ids: [])
                case .failure: break
                }
                remaining -= 1
                guard remaining == 0 else { return }
                fetchingLists.remove(jid)
                fetchMissingBundles(of: jid)
                done?()
                retryWaiting()
            }
        }
    }

    /// Asks for the bundle of every trusted device of `jid` we have no session with.
    func fetchMissingBundles(of jid: JID) {
        guard let xmpp = account.session else { return }
        for address in addresses(of: jid) where bundles[address] == nil {
            guard ((try? session(address)) ?? nil) == nil, fetchingBundles.insert(address).inserted else { continue }
            let version = version(of: address)
            let request = OMEMOBundle.request(version, device: address.device, from: address.jid, id: xmpp.makeID())
            xmpp.sendIQ(request) { [weak self] result in
                guard let self else { return }
                fetchingBundles.remove(address)
                switch result {
                case .success(let response):
                    do {
                        bundles[address] = try OMEMOPEP.bundle(result: response, version, device: address.device)
                    } catch {
                        bundleFailures[address] = "its published keys are unusable (\(error))"
                    }
                case .failure(.disconnected): break
                case .failure(let failure):
                    bundleFailures[address] = "its keys could not be fetched (\(failure))"
                }
                retryWaiting()
                // A session being repaired starts as soon as its device's bundle is here.
                if pendingRepairs.contains(address) { sendHeartbeats() }
            }
        }
    }

    /// `jid`'s device list of `version` is now `ids`: new devices are recorded (trusted blindly
    /// unless in strict mode, or when the user verified another of its devices) and announced in
    /// an encrypted chat; devices no longer listed stay known, inactive.
    func updateDevices(of jid: JID, version: OMEMOVersion, ids: [UInt32], labels: [OMEMODeviceList.Device] = []) {
        deviceLists[jid, default: [:]][version] = ids
        for address in bundleFailures.keys where address.jid == jid { bundleFailures[address] = nil }
        do {
            var known = Dictionary(try table.devices(of: jid).map { ($0.device, $0) }) { first, _ in first }
            let trust = Self.newDeviceTrust(strict: strict, known: Array(known.values))
            // A contact's first list names no new device: only those added later are announced.
            let hadDevices = !known.isEmpty
            for id in ids where id != own?.deviceID {
                var record =
                    known[id]
                    ?? OMEMODeviceRecord(
                        jid: jid, device: id, versions: [], identityKey: nil,
                        trust: trust, label: nil, firstSeen: account.scheduler.now
                    )
                let isNew = known[id] == nil
                record.versions.insert(version)
                record.label = labels.first { $0.id == id }?.label ?? record.label
                if record != known[id] { try table.save(record) }
                known[id] = record
                if isNew && hadDevices && chats[jid] == true {
                    let owner = jid == account.jid.bare ? "your account" : account.displayName(jid)
                    notice(
                        "\(owner) has a new OMEMO device \(id)\(record.label.map { " (\($0))" } ?? ""), not verified"
                            + (record.trust == .blind
                                ? ": trusted until you verify one (/omemo devices)"
                                : ": not encrypted to until you trust it"),
                        in: jid == account.jid.bare ? nil : jid)
                }
            }
            for (id, var record) in known where !ids.contains(id) && record.versions.contains(version) {
                record.versions.remove(version)
                try table.save(record)
            }
        } catch {
            account.log(.error, "could not store \(jid)'s OMEMO devices: \(error)")
        }
    }

    /// The trust of a device seen for the first time, beside `known` devices of its owner:
    /// undecided in strict mode or once the user verified one of them, else blind.
    static func newDeviceTrust(strict: Bool, known: [OMEMODeviceRecord]) -> OMEMOTrust {
        strict || known.contains { $0.trust == .verified } ? .undecided : .blind
    }

    /// The devices of `jid` messages are encrypted to: listed now, trusted (verified only in strict mode).
    func addresses(of jid: JID) -> [OMEMODeviceAddress] {
        let records = (try? table.devices(of: jid)) ?? []
        return records.filter { record in
            record.isActive && record.device != own?.deviceID
                && (strict ? record.trust == .verified : record.trust.receivesMessages)
        }.map { OMEMODeviceAddress(jid: jid.bare, device: $0.device) }
    }

    /// The session with a device: this run's, else the stored one.
    func session(_ address: OMEMODeviceAddress) throws -> RatchetSession? {
        if let session = sessions[address] { return session }
        let stored = try table.session(address.jid, device: address.device)
        sessions[address] = stored
        return stored
    }

    // MARK: Events

    /// A line in `conversation`'s window (the console when nil); `refusal`: it says why a message
    /// was not sent.
    func notice(_ text: String, in conversation: JID?, refusal: Bool = false) {
        account.emit(OMEMONotice(conversation: conversation, text: text, isRefusal: refusal))
    }
}

/// A line about encryption for a chat's window (or the console).
public struct OMEMONotice: FeatureEvent {
    public var conversation: JID?
    public var text: String
    /// It tells why a message was not sent (what `tern send --omemo` fails with).
    public var isRefusal: Bool

    public func apply(to model: AppModel, from account: AccountController) {
        guard let conversation else { return model.addNotice(text, window: model.windows.first) }
        model.addNotice(text, window: model.openChat(model.conversation(conversation, on: account), focus: false))
    }
}
