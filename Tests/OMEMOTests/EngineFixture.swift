import OMEMO
import OMEMOSession
import TestSupport
import Testing
import XMPPCore
import XMPPExtensions

/// A device of an account in engine tests: its `OwnDevice`, its sessions with other devices, and
/// sending and receiving through `OMEMOEngine` (the `<encrypted/>` element goes through XML both ways).
struct Peer {
    let jid: JID
    var device: OwnDevice
    var sessions: [OMEMODeviceAddress: RatchetSession] = [:]
    let version: OMEMOVersion
    /// The time the device was made (ms).
    static let start: Int64 = 1_765_000_000_000

    init(_ jid: String, _ version: OMEMOVersion) throws {
        self.jid = try JID(jid)
        self.version = version
        device = try OwnDevice.generate(now: Self.start)
    }

    var address: OMEMODeviceAddress { OMEMODeviceAddress(jid: jid, device: device.deviceID) }

    /// Encrypts to `peers` (with their bundles where there is no session yet), keeps the new sessions,
    /// and returns the element as read back from its XML.
    mutating func send(_ text: String?, to peers: [Peer]) throws -> OMEMOEncrypted {
        let recipients = try peers.map { peer in
            OMEMORecipient(
                address: peer.address, session: sessions[peer.address],
                bundle: sessions[peer.address] == nil ? try peer.device.bundle(version) : nil)
        }
        let result = try OMEMOEngine.encrypt(
            text.map { Array($0.utf8) }, version: version, from: device, to: recipients)
        #expect(result.failed.isEmpty)
        for updated in result.sessions { sessions[updated.address] = updated.session }
        return try OMEMOEncrypted(#require(XMLElement.parse(result.encrypted.element.serialized())))
    }

    /// Decrypts a message from `sender`, keeping the session and the device; the text (nil when empty).
    @discardableResult
    mutating func receive(_ encrypted: OMEMOEncrypted, from sender: Peer) throws -> String? {
        try receiveDecryption(encrypted, from: sender).plaintext.map { String(decoding: $0, as: UTF8.self) }
    }

    mutating func receiveDecryption(_ encrypted: OMEMOEncrypted, from sender: Peer) throws -> OMEMODecryption {
        let result = try OMEMOEngine.decrypt(
            encrypted, from: sender.jid, ourJID: jid, own: &device, session: sessions[sender.address])
        sessions[sender.address] = result.session
        return result
    }
}

extension OMEMOVersion: CustomTestStringConvertible {
    public var testDescription: String { self == .omemo2 ? "OMEMO 2" : "OMEMO 0.3" }
}
