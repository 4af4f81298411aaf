import OMEMO
import OMEMOSession
import XMPPCore
import XMPPExtensions

/// Where a received message came from, which decides what a failure to decrypt may trigger.
enum OpenContext {
    /// Live, or a carbon: a session that fails is repaired, a key exchange answered.
    case live
    /// From the archive: no repair and no heartbeat (the sender may have moved on long ago); only a
    /// key exchange that built our current session is answered.
    case archive
}

extension OMEMOFeature {
    /// The message as its sender wrote it: the decrypted body (and, in OMEMO 2, the elements the
    /// envelope carried) in place of the fallback, with its encryption recorded. A message that
    /// cannot be decrypted gets a body saying so, never its fallback; a repeated one (already
    /// decrypted: a carbon, an archive page) gets none and is not stored again. Sessions changed
    /// here are stored by `commitOpened` once the message is.
    func open(_ message: ChatMessage, context: OpenContext) -> ChatMessage {
        guard let element = message.encryptedElement, let from = message.from else { return message }
        var opened = message
        opened.body = nil
        let encrypted: OMEMOEncrypted
        do { encrypted = try OMEMOEncrypted(element) } catch {
            opened.body = "[an OMEMO message that could not be read: \(error)]"
            return opened
        }
        let sender = OMEMODeviceAddress(jid: from.bare, device: encrypted.sender)
        guard var own = ensureOwnDevice() else {
            opened.body = "[an OMEMO encrypted message: OMEMO is unavailable here (see the log)]"
            return opened
        }
        guard sender.device != own.deviceID || sender.jid != account.jid.bare else { return opened }
        let previous: RatchetSession?
        do { previous = try session(sender) } catch {
            opened.body = "[an OMEMO message from device \(sender.device): its session could not be read (\(error))]"
            return opened
        }
        let decrypted: OMEMODecryption
        do {
            decrypted = try OMEMOEngine.decrypt(
                encrypted, from: from.bare, ourJID: account.jid.bare, own: &own, session: previous)
        } catch .duplicateMessage, .sentByThisDevice {
            return opened
        } catch {
            opened.body = undecryptable(sender, error, context: context, own: own)
            return opened
        }
        let key = OMEMOIdentityKey(version: encrypted.version, bytes: decrypted.identityKey)
        if let problem = recordIdentityKey(key, of: sender) {
            notice(problem, in: sender.jid == account.jid.bare ? nil : sender.jid)
            opened.body = "[an OMEMO message from \(describe([sender])), whose identity key changed: not shown]"
            return opened
        }
        sessions[sender] = decrypted.session
        openedSessions.insert(sender)
        if decrypted.isKeyExchange {
            // The one-time prekey it used is gone: a new one takes its place in the next bundle.
            try? own.refillPreKeys()
            self.own = own
            bundleChanged = true
            do { try table.save(own) } catch {
                account.log(.error, "could not store this device's OMEMO keys: \(error)")
            }
        }
        // A key exchange is answered even from the archive (a contact who started a session while we
        // were offline would otherwise repeat it in every message); heartbeats only live.
        if decrypted.needsEmptyMessage && (context == .live || decrypted.isKeyExchange) {
            pendingHeartbeats.insert(sender)
        }
        guard let plaintext = decrypted.plaintext else { return opened }
        opened = reading(plaintext, of: message, version: encrypted.version, from: from) ?? opened
        if opened.body == nil {
            opened.body = "[an OMEMO message from \(describe([sender])) whose content could not be read]"
        }
        let trust = (try? table.devices(of: sender.jid).first { $0.device == sender.device })??.trust
        opened.encryption = Self.encryptionName([encrypted.version], trust: trust)
        // The chat is the contact's; a copy of what our other device sent encrypted turns it on too.
        let ours = from.bare == account.jid.bare
        if context == .live, message.type != "groupchat", let peer = ours ? message.to?.bare : from.bare,
            peer != account.jid.bare,
            chats[peer] == nil
        {
            turnOn(
                peer,
                because: ours
                    ? "you wrote encrypted on another device" : "\(account.displayName(peer)) writes encrypted")
        }
        return opened
    }

    /// The message with the decrypted content: 0.3's plaintext is the body; OMEMO 2's is an
    /// envelope whose sender must be the message's (XEP-0420 §Security), and whose content
    /// replaces the elements it names.
    private func reading(_ plaintext: [UInt8], of message: ChatMessage, version: OMEMOVersion, from: JID)
        -> ChatMessage?
    {
        var opened = message
        guard version == .omemo2 else {
            opened.body = String(decoding: plaintext, as: UTF8.self)
            return opened
        }
        guard let element = account.connection?.parseElement(Self.withoutDeclaration(plaintext)),
            let envelope = try? SCEEnvelope(element),
            (try? envelope.checkOMEMOProfile(
                sender: from, recipient: message.to ?? account.jid, isGroupChat: message.type == "groupchat"))
                != nil
        else { return nil }
        var rebuilt = XMLElement("message", namespace: Namespace.client, [:])
        for child in envelope.content where Self.isSensitive(child) { rebuilt.append(child) }
        let content = ChatMessage(rebuilt)
        opened.body = content.body
        opened.replaces = content.replaces ?? message.replaces
        opened.reply = content.reply ?? message.reply
        opened.outOfBandURL = content.outOfBandURL ?? message.outOfBandURL
        return opened
    }

    /// An envelope's text without the XML declaration some clients write before it (a stream
    /// parser refuses one in the middle of a stream).
    static func withoutDeclaration(_ plaintext: [UInt8]) -> String {
        let text = String(decoding: plaintext, as: UTF8.self)
        guard text.hasPrefix("<?xml"), let end = text.range(of: "?>") else { return text }
        return String(text[end.upperBound...])
    }

    /// The line shown for a message that could not be decrypted, and the repair it triggers.
    private func undecryptable(_ sender: OMEMODeviceAddress, _ error: OMEMOError, context: OpenContext, own: OwnDevice)
        -> String
    {
        switch error {
        case .noKeyForDevice:
            return "[an OMEMO message from \(describe([sender])) not encrypted for this device (\(own.deviceID))]"
        default:
            let repairing = context == .live && repair(sender)
            return "[encrypted message from a device without a session (id \(sender.device)): \(error)"
                + (repairing ? "; asked it for a new session]" : "]")
        }
    }

    /// Starts a new session with a device whose messages we cannot decrypt, by sending it an
    /// empty key exchange (at most once per `repairInterval`); whether one was started.
    @discardableResult
    func repair(_ address: OMEMODeviceAddress) -> Bool {
        let now = account.scheduler.now
        guard account.session != nil, repairedAt[address].map({ now - $0 >= Self.repairInterval }) ?? true else {
            return false
        }
        repairedAt[address] = now
        sessions[address] = nil
        try? table.deleteSession(address.jid, device: address.device)
        fetchMissingBundles(of: address.jid)
        pendingRepairs.insert(address)
        return true
    }

    /// Stores the sessions advanced by `open` (after the messages they opened were stored), and
    /// sends what they called for: heartbeats, repaired sessions, a republished bundle.
    func commitOpened() {
        let changed = openedSessions
        openedSessions.removeAll()
        do {
            try account.store.transaction {
                for address in changed {
                    guard let session = sessions[address] else { continue }
                    try table.save(session, address.jid, device: address.device)
                }
            }
        } catch {
            account.log(.error, "could not store OMEMO sessions: \(error)")
        }
        if let session = account.session { publishBundlesIfChanged(in: session) }
        sendHeartbeats()
    }
}
