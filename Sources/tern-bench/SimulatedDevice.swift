import OMEMO
import OMEMOSession
import TestServers
import XMPPCore
import XMPPExtensions

/// An OMEMO device driven with the engine alone (no account, no store), as a contact's client or
/// the benchmark's own devices: its `OwnDevice` and its sessions with other devices.
struct SimulatedDevice {
    let jid: JID
    var own: OwnDevice
    var sessions: [OMEMODeviceAddress: RatchetSession] = [:]
    /// The device's creation time (ms); the engine needs no clock after it.
    static let start: Int64 = 1_765_000_000_000

    init(_ jid: JID) throws {
        self.jid = jid.bare
        own = try OwnDevice.generate(now: Self.start)
    }

    var address: OMEMODeviceAddress { OMEMODeviceAddress(jid: jid, device: own.deviceID) }

    /// Encrypts to the devices at `recipients`, starting a session from the bundle where there is
    /// none yet, and keeps the sessions after.
    mutating func encrypt(
        _ plaintext: [UInt8]?, version: OMEMOVersion, to recipients: [(OMEMODeviceAddress, OMEMOBundle?)]
    ) throws -> OMEMOEncrypted {
        let result = try OMEMOEngine.encrypt(
            plaintext, version: version, from: own,
            to: recipients.map { address, bundle in
                OMEMORecipient(
                    address: address, session: sessions[address], bundle: sessions[address] == nil ? bundle : nil)
            })
        if let failure = result.failed.first {
            throw FixtureError("cannot encrypt to \(failure.address): \(failure.reason)")
        }
        for recipient in result.sessions { sessions[recipient.address] = recipient.session }
        return result.encrypted
    }

    /// Decrypts a message from `sender` and keeps the session; the plaintext (nil for an empty message).
    @discardableResult
    mutating func decrypt(_ encrypted: OMEMOEncrypted, from sender: OMEMODeviceAddress) throws -> [UInt8]? {
        let result = try OMEMOEngine.decrypt(
            encrypted, from: sender.jid, ourJID: jid, own: &own, session: sessions[sender])
        sessions[sender] = result.session
        return result.plaintext
    }

    /// Sessions between `sender` and each of `devices`, confirmed both ways: a key exchange to
    /// them all, and an empty message back from each (so no message after carries a key exchange).
    static func establish(
        _ sender: inout SimulatedDevice, _ devices: inout [SimulatedDevice], version: OMEMOVersion
    ) throws {
        let bundles = try devices.map { ($0.address, Optional(try $0.own.bundle(version))) }
        let first = try sender.encrypt(nil, version: version, to: bundles)
        for index in devices.indices {
            try devices[index].decrypt(first, from: sender.address)
            let answer = try devices[index].encrypt(nil, version: version, to: [(sender.address, nil)])
            try sender.decrypt(answer, from: devices[index].address)
        }
    }
}
