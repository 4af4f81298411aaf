import OMEMO
import OMEMOSession
import XMPPCore
import XMPPExtensions

/// What becomes of a message to a chat: sent as it is, sealed, held until the contact's keys are
/// here, or refused with the reason.
enum SealOutcome {
    case plaintext
    case sealed(XMLElement, encryption: String)
    case wait(String)
    case refused(String)
}

/// A message held until its contact's device list and bundles arrive.
struct WaitingMessage {
    var contact: JID
    var body: String
    var extra: [XMLElement]
    var corrects: String?
    var since: Int64
}

extension OMEMOFeature {
    /// The fallback body of an encrypted message (XEP-0384 §Sending a message).
    static let fallbackBody =
        "I sent you an OMEMO encrypted message but your client doesn’t seem to support that. Find more information on https://conversations.im/omemo"

    /// Whether OMEMO is on for `chat`.
    public func isOn(for chat: JID) -> Bool { chatsUnreadable || chats[chat.bare] == true }

    /// Seals `stanza` (a chat message with a body) to every trusted device of `contact` and of
    /// our own account, when OMEMO is on for the chat. Sessions advanced here are stored before
    /// the caller puts the stanza in the outbox: a key is never used twice.
    func seal(_ stanza: XMLElement, to contact: JID) -> SealOutcome {
        guard isOn(for: contact) else { return .plaintext }
        switch prepare(contact) {
        case .ready(let own, let byVersion): return seal(stanza, own: own, byVersion: byVersion)
        case .wait(let reason): return .wait(reason)
        case .refused(let reason): return .refused(reason)
        }
    }

    /// Whether a message to `contact` can be sealed now: our device and the recipients (with their
    /// session or bundle) by version; else why it must wait (keys being fetched) or cannot go.
    enum Preparation {
        case ready(OwnDevice, [OMEMOVersion: [OMEMORecipient]])
        case wait(String)
        case refused(String)
    }

    func prepare(_ contact: JID) -> Preparation {
        if isRoom(contact) { return prepare(room: contact.bare) }
        let contact = contact.bare
        guard let own = ensureOwnDevice() else {
            return .refused("OMEMO is unavailable (see the log): not sent. /omemo off sends this chat in plaintext")
        }
        guard deviceLists[contact] != nil, deviceLists[account.jid.bare] != nil else {
            guard account.session != nil else {
                return .refused(
                    "offline, and \(account.displayName(contact))'s OMEMO devices are not known yet: not sent")
            }
            fetchDeviceLists(of: contact)
            fetchDeviceLists(of: account.jid)
            return .wait("fetching \(account.displayName(contact))'s OMEMO devices")
        }
        let theirs = addresses(of: contact)
        guard !theirs.isEmpty else {
            return .refused(
                "\(account.displayName(contact)) has no OMEMO device you trust: not sent (/omemo devices shows them;"
                    + " /omemo off sends in plaintext)")
        }
        var missing: [OMEMODeviceAddress] = []
        var byVersion: [OMEMOVersion: [OMEMORecipient]] = [:]
        for address in theirs + addresses(of: account.jid) {
            let stored = try? session(address)
            guard stored != nil || bundles[address] != nil else {
                missing.append(address)
                continue
            }
            byVersion[version(of: address), default: []].append(
                OMEMORecipient(address: address, session: stored ?? nil, bundle: bundles[address]))
        }
        if let failed = missing.first(where: { bundleFailures[$0] != nil }) {
            return .refused(
                "cannot encrypt to \(describe([failed])): \(bundleFailures[failed] ?? ""): not sent"
                    + " (/omemo untrust leaves that device out)")
        }
        guard missing.isEmpty else {
            guard account.session != nil else {
                return .refused("offline, and the keys of \(describe(missing)) are not here yet: not sent")
            }
            for jid in Set(missing.map(\.jid)) { fetchMissingBundles(of: jid) }
            return .wait("fetching the OMEMO keys of \(describe(missing))")
        }
        return .ready(own, byVersion)
    }

    private func seal(_ stanza: XMLElement, own: OwnDevice, byVersion: [OMEMOVersion: [OMEMORecipient]]) -> SealOutcome
    {
        var sealed = stanza
        var newSessions: [OMEMODeviceAddress: RatchetSession] = [:]
        for version in OMEMOVersion.allCases.reversed() {
            guard let recipients = byVersion[version] else { continue }
            let plaintext: [UInt8]
            switch version {
            case .legacy: plaintext = Array((stanza.child("body")?.text ?? "").utf8)
            case .omemo2: plaintext = Array(envelope(of: stanza).serialized().utf8)
            }
            do {
                let result = try OMEMOEngine.encrypt(plaintext, version: version, from: own, to: recipients)
                if let failure = result.failed.first {
                    bundles[failure.address] = nil
                    return .refused("cannot encrypt to \(describe([failure.address])) (\(failure.reason)): not sent")
                }
                for recipient in result.sessions {
                    if let key = recipient.newIdentityKey,
                        let problem = recordIdentityKey(
                            OMEMOIdentityKey(version: version, bytes: key), of: recipient.address)
                    {
                        return .refused(problem)
                    }
                    newSessions[recipient.address] = recipient.session
                }
                sealed.append(result.encrypted.element)
            } catch {
                return .refused("could not encrypt: \(error): not sent")
            }
        }
        do {
            try account.store.transaction {
                for (address, session) in newSessions { try table.save(session, address.jid, device: address.device) }
            }
        } catch {
            return .refused("could not store the OMEMO sessions: \(error): not sent")
        }
        for (address, session) in newSessions {
            sessions[address] = session
            bundles[address] = nil
        }
        // The stanza's own body (and a file's URL, which is its body) leave in the encrypted part only.
        for namespace in [nil, Namespace.client] { sealed.removeChildren("body", namespace: namespace) }
        sealed.removeChildren("x", namespace: Namespace.outOfBandData)
        sealed.append(XMLElement("body", [:], text: Self.fallbackBody))
        let scheme = byVersion[.legacy] == nil ? Namespace.omemo2 : Namespace.omemoLegacy
        sealed.append(XMLElement("encryption", namespace: Namespace.eme, ["namespace": scheme, "name": "OMEMO"]))
        sealed.append(XMLElement("store", namespace: Namespace.hints))
        let versions = OMEMOVersion.allCases.filter { byVersion[$0] != nil }
        return .sealed(sealed, encryption: Self.encryptionName(versions, trust: nil))
    }

    /// XEP-0384's SCE profile (XEP-0420): the body and the elements that say what it is (a
    /// correction, a reply and its fallback, a file) in an envelope with the sender, the
    /// recipient and random padding.
    private func envelope(of stanza: XMLElement) -> XMLElement {
        let sensitive = stanza.elements.filter(Self.isSensitive).map { child in
            // In the envelope a child of the stanza keeps the stanza's namespace explicitly.
            var qualified = child
            qualified.namespace = child.namespace ?? Namespace.client
            return qualified
        }
        var random = SystemRandomNumberGenerator()
        return SCEEnvelope.omemo(
            content: sensitive, from: account.jid.bare, to: stanza[attribute: "type"] == "groupchat" ? stanza.to : nil,
            time: account.scheduler.now, random: &random
        ).element
    }

    /// What goes inside an OMEMO 2 envelope rather than beside it.
    static let sensitiveElements: [(name: String, namespace: String)] = [
        ("body", Namespace.client), ("replace", Namespace.correction), ("reply", Namespace.reply),
        ("fallback", Namespace.fallback), ("x", Namespace.outOfBandData),
    ]

    /// Whether a child of a message (or of an envelope's content) is one of `sensitiveElements`.
    static func isSensitive(_ element: XMLElement) -> Bool {
        sensitiveElements.contains {
            $0.name == element.name && $0.namespace == (element.namespace ?? Namespace.client)
        }
    }

    /// The version a device is written to: its session's, else OMEMO 2 when its owner lists it
    /// there, else 0.3.
    func version(of address: OMEMODeviceAddress) -> OMEMOVersion {
        if let session = (try? session(address)) ?? nil {
            return session.version == OMEMOVersion.omemo2.sessionVersion ? .omemo2 : .legacy
        }
        return deviceLists[address.jid]?[.omemo2]?.contains(address.device) == true ? .omemo2 : .legacy
    }

    /// "bob's device 1234, your device 99".
    func describe(_ addresses: [OMEMODeviceAddress]) -> String {
        addresses.map { address in
            address.jid == account.jid.bare
                ? "your device \(address.device)" : "\(account.displayName(address.jid))'s device \(address.device)"
        }.joined(separator: ", ")
    }

    /// Records `key` for a device; a description of the problem when it differs from the one
    /// recorded (the caller tells the user: sealing through messaging's refusal, others in a notice).
    func recordIdentityKey(_ key: OMEMOIdentityKey, of address: OMEMODeviceAddress) -> String? {
        do {
            let known = try table.devices(of: address.jid)
            var record =
                known.first { $0.device == address.device }
                ?? OMEMODeviceRecord(
                    jid: address.jid, device: address.device, versions: [], identityKey: nil,
                    trust: Self.newDeviceTrust(strict: strict, known: known), label: nil,
                    firstSeen: account.scheduler.now)
            if let known = record.identityKey {
                guard known.matches(key) else {
                    record.trust = .untrusted
                    try table.save(record)
                    try table.deleteSession(address.jid, device: address.device)
                    sessions[address] = nil
                    return "\(describe([address])) shows another identity key than before (\(key.fingerprint)):"
                        + " it is untrusted until you compare fingerprints and /omemo trust it"
                }
                return nil
            }
            record.identityKey = key
            try table.save(record)
            return nil
        } catch {
            return "could not store \(describe([address]))'s identity key: \(error)"
        }
    }

    /// How a message's encryption is recorded with it: the versions, and the sender device's trust.
    static func encryptionName(_ versions: [OMEMOVersion], trust: OMEMOTrust?) -> String {
        let names = versions.map { $0 == .omemo2 ? "OMEMO 2" : "OMEMO 0.3" }.joined(separator: " + ")
        return trust.map { "\(names); \($0.rawValue)" } ?? names
    }

    // MARK: Waiting

    /// Holds a message until its contact's keys are here (`retryWaiting`), at most `keyWait`.
    func hold(_ message: WaitingMessage, reason: String) {
        waiting.append(message)
        notice("\(reason): your message goes as soon as they are here", in: message.contact)
        account.scheduler.schedule(after: Self.keyWait) { [weak self] in self?.expireWaiting() }
    }

    /// Sends the held messages whose keys are here, in the order they were typed; tells why of
    /// those that cannot go.
    func retryWaiting() {
        guard !waiting.isEmpty, let messaging = account.feature(MessagingFeature.self) else { return }
        let held = waiting
        waiting.removeAll()
        for message in held {
            switch prepare(message.contact) {
            case .ready:
                messaging.send(message.body, to: message.contact, extra: message.extra, corrects: message.corrects)
            case .wait: waiting.append(message)
            case .refused(let reason): refuseWaiting(message, reason)
            }
        }
    }

    private func expireWaiting() {
        let now = account.scheduler.now
        let limit = Int64(Self.keyWait.components.seconds) * 1000
        let expired = waiting.filter { now - $0.since >= limit }
        waiting.removeAll { now - $0.since >= limit }
        for message in expired {
            refuseWaiting(message, "\(account.displayName(message.contact))'s OMEMO keys did not come: not sent")
        }
    }

    private func refuseWaiting(_ message: WaitingMessage, _ reason: String) {
        notice(
            "\(reason) (“\(message.body.prefix(40))” is in your input history: press Up)", in: message.contact,
            refusal: true)
    }
}
