import ChatStore
import OMEMO
import OMEMOSession
import XMPPCore
import XMPPExtensions

extension OMEMOFeature {
    /// Sends an empty OMEMO message (no payload: nothing to show) to each device owed one, a
    /// repaired session's as soon as its bundle is here. Not stored and not in the outbox: a lost
    /// heartbeat is only sent again by the next trigger.
    func sendHeartbeats() {
        guard let session = account.session, let own else { return }
        let ready = pendingRepairs.filter { bundles[$0] != nil }
        pendingRepairs.subtract(ready)
        let due = pendingHeartbeats.union(ready).sorted {
            ($0.jid.description, $0.device) < ($1.jid.description, $1.device)
        }
        pendingHeartbeats.removeAll()
        for address in due {
            let stored = (try? self.session(address)) ?? nil
            guard stored != nil || bundles[address] != nil else { continue }
            let version = version(of: address)
            let recipient = OMEMORecipient(
                address: address, session: stored, bundle: stored == nil ? bundles[address] : nil)
            do {
                let result = try OMEMOEngine.encrypt(nil, version: version, from: own, to: [recipient])
                guard result.failed.isEmpty, let sent = result.sessions.first(where: { $0.address == address })
                else { continue }
                // A session started from a bundle is bound to the identity key the device showed before.
                if let key = sent.newIdentityKey,
                    let problem = recordIdentityKey(OMEMOIdentityKey(version: version, bytes: key), of: address)
                {
                    bundles[address] = nil
                    notice(problem, in: address.jid == account.jid.bare ? nil : address.jid)
                    continue
                }
                let new = sent.session
                try table.save(new, address.jid, device: address.device)
                sessions[address] = new
                bundles[address] = nil
                var stanza = XMLElement(
                    "message", namespace: Namespace.client,
                    ["to": address.jid.description, "type": "chat", "id": session.makeID()])
                stanza.append(result.encrypted.element)
                stanza.append(XMLElement("store", namespace: Namespace.hints))
                _ = session.send(stanza)
            } catch {
                account.log(.warning, "could not send an OMEMO heartbeat to \(describe([address])): \(error)")
            }
        }
    }

    /// Turns OMEMO on for `chat` (stored, and its devices' keys fetched), telling why in its window.
    func turnOn(_ chat: JID, because reason: String) {
        set(chat, on: true)
        notice("OMEMO is on for this chat (\(reason)); /omemo off turns it off", in: chat)
    }

    /// Stores the user's choice for `chat`; turning on fetches its devices' keys at once.
    public func set(_ chat: JID, on: Bool) {
        let chat = chat.bare
        chats[chat] = on
        do { try table.setChat(chat, enabled: on) } catch {
            account.log(.error, "could not store whether \(chat) is encrypted: \(error)")
        }
        account.emit(OMEMOChanged())
        guard on else { return }
        if isRoom(chat) { return fetchMembers(of: chat) }
        fetchDeviceLists(of: chat)
        fetchDeviceLists(of: account.jid)
    }
}

extension OMEMOFeature {
    /// Whether the user's database has OMEMO on for `chat` (for `tern send`, which must not send
    /// in plaintext what the interactive client would encrypt); false when it cannot be read.
    public static func isStoredOn(_ chat: JID, account: AccountID, in store: ChatStore) -> Bool {
        (try? OMEMOTable(store: store, account: account).chatSettings())?[chat.bare] == true
    }
}

/// A chat's encryption changed: its title line shows the lock state.
struct OMEMOChanged: FeatureEvent {
    func apply(to model: AppModel, from account: AccountController) { model.onChange([.status, .title]) }
}
