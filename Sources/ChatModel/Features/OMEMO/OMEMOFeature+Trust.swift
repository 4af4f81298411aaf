import OMEMO
import XMPPCore
import XMPPExtensions

/// What `/omemo` shows and changes: chats' state, devices with their fingerprints and trust.
extension OMEMOFeature {
    /// `/omemo status`: whether `chat` is encrypted, and to which of its devices.
    func status(of chat: JID) -> [String] {
        guard isOn(for: chat) else {
            return ["OMEMO is off for \(chat): messages go in plaintext (/omemo on encrypts them)"]
        }
        if isRoom(chat) { return roomStatus(chat) }
        let devices = addresses(of: chat)
        guard !devices.isEmpty else {
            return ["OMEMO is on for \(chat), but none of its devices is trusted: nothing can be sent (/omemo devices)"]
        }
        let ids = devices.map { "\($0.device)" }.joined(separator: ", ")
        return ["OMEMO is on for \(chat): encrypted to its devices \(ids)\(strict ? " (strict mode)" : "")"]
    }

    /// `/omemo fingerprint`: this device's id and fingerprints (both versions' forms).
    func ownFingerprints() -> [String] {
        guard let own = ensureOwnDevice() else { return ["OMEMO is unavailable on \(account.name) (see the log)"] }
        return [
            "this device of \(account.jid): OMEMO device \(own.deviceID)",
            "  fingerprint (OMEMO 2): \(own.fingerprint(.omemo2))",
            "  fingerprint (OMEMO 0.3, as Conversations shows it): \(own.fingerprint(.legacy))",
        ]
    }

    /// `/omemo devices`: each device of `jid` with its versions, trust and fingerprint.
    func deviceLines(of jid: JID) -> [String] {
        let records = ((try? table.devices(of: jid.bare)) ?? []).filter {
            $0.device != own?.deviceID || jid.bare != account.jid.bare
        }
        guard !records.isEmpty else { return ["no OMEMO device of \(jid) is known yet (asked its server)"] }
        return ["OMEMO devices of \(jid):"]
            + records.flatMap { record in
                let versions = [
                    record.versions.contains(.omemo2) ? "2" : nil, record.versions.contains(.legacy) ? "0.3" : nil,
                ]
                .compactMap { $0 }
                let listed = versions.isEmpty ? "no longer listed" : "OMEMO " + versions.joined(separator: ", ")
                let label = record.label.map { " “\($0)”" } ?? ""
                let fingerprint = record.identityKey?.fingerprint ?? "(fingerprint not known until a session)"
                return [
                    "  \(record.device)\(label): \(Self.trustWords(record.trust)), \(listed)", "    \(fingerprint)",
                ]
            }
    }

    static func trustWords(_ trust: OMEMOTrust) -> String {
        switch trust {
        case .verified: "verified"
        case .blind: "trusted, not verified"
        case .undecided: "not trusted yet (strict mode)"
        case .untrusted: "untrusted"
        }
    }

    /// The device of `jid` a command names: its id, or the start of its fingerprint (spaces ignored).
    func device(_ text: String, of jid: JID) throws(CommandError) -> UInt32 {
        let records = (try? table.devices(of: jid.bare)) ?? []
        if let id = UInt32(text), records.contains(where: { $0.device == id }) { return id }
        let wanted = text.lowercased().filter { !$0.isWhitespace }
        let matching = records.filter { record in
            guard wanted.count >= 8, let key = record.identityKey else { return false }
            return key.fingerprint.filter { !$0.isWhitespace }.hasPrefix(wanted)
        }
        guard matching.count == 1 else {
            throw .usage(
                matching.isEmpty
                    ? "\(jid) has no OMEMO device \(text) (/omemo devices \(jid) lists them)"
                    : "several devices of \(jid) have fingerprints starting \(text): give more of it")
        }
        return matching[0].device
    }

    /// Stores the user's trust in a device (a decision kept until they change it).
    func setTrust(_ trust: OMEMOTrust, of jid: JID, device: UInt32) throws(CommandError) {
        do {
            guard var record = try table.devices(of: jid.bare).first(where: { $0.device == device }) else {
                throw CommandError.failed("\(jid) has no OMEMO device \(device)")
            }
            // A verification is of a fingerprint: one not known yet (no session) cannot be compared.
            guard trust != .verified || record.identityKey != nil else {
                throw CommandError.failed(
                    "the fingerprint of \(jid)'s OMEMO device \(device) is not known until a session with it:"
                        + " write to it first, then compare and trust")
            }
            record.trust = trust
            try table.save(record)
        } catch let error as CommandError {
            throw error
        } catch {
            throw .failed("could not store the trust: \(error)")
        }
        account.emit(OMEMOChanged())
    }

    /// Forgets a device and our session with it.
    func forget(_ device: UInt32, of jid: JID) throws(CommandError) {
        do { try table.forget(jid.bare, device: device) } catch {
            throw .failed("could not forget the device: \(error)")
        }
        let address = OMEMODeviceAddress(jid: jid.bare, device: device)
        sessions[address] = nil
        bundles[address] = nil
    }

    func setStrict(_ on: Bool) throws(CommandError) {
        guard ensureOwnDevice() != nil else { throw .failed("OMEMO is unavailable (see the log)") }
        do { try table.setStrict(on) } catch { throw .failed("could not store strict mode: \(error)") }
        strict = on
    }
}
