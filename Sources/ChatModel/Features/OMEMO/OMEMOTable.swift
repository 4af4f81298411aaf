import ChatStore
import Foundation
import OMEMO
import OMEMOSession
import XMPPCore
import XMPPExtensions

/// How far the user trusts one device of a contact (or of their own account) with their
/// messages. Stored per device with the identity key it was decided for: a device that shows
/// another key later is a new decision.
public enum OMEMOTrust: String, Sendable, Hashable, CaseIterable {
    /// Not decided, in strict mode: nothing is encrypted to it until the user trusts it.
    case undecided
    /// Trusted before verification (blind trust, as Conversations does): the default for a new
    /// device until the user verifies one of the contact's devices.
    case blind
    /// The user compared the fingerprint and trusts it (`/omemo trust`).
    case verified
    /// The user refused it (`/omemo untrust`): never encrypted to, its messages marked.
    case untrusted

    /// Whether messages are encrypted to a device in this state.
    var receivesMessages: Bool { self == .blind || self == .verified }
}

/// One device of a contact (or of our own account) as the store keeps it.
struct OMEMODeviceRecord: Hashable {
    var jid: JID
    var device: UInt32
    /// The versions whose device list names it now.
    var versions: Set<OMEMOVersion>
    /// The identity key it first showed, in the form of the version it came with; nil until a
    /// bundle or a key exchange showed one.
    var identityKey: OMEMOIdentityKey?
    var trust: OMEMOTrust
    var label: String?
    /// When it was first seen in a device list (ms since 1970).
    var firstSeen: Int64

    /// Listed in a device list now (a device that left every list keeps its trust, for its old messages).
    var isActive: Bool { !versions.isEmpty }
}

/// An identity key as a version publishes it: Ed25519 in OMEMO 2, Curve25519 in 0.3 (without its
/// type byte). The two forms of one key are compared through the Curve25519 form.
struct OMEMOIdentityKey: Hashable {
    var version: OMEMOVersion
    var bytes: [UInt8]

    /// `2:BASE64` or `0.3:BASE64`.
    var stored: String { "\(version == .omemo2 ? "2" : "0.3"):\(OMEMOKey.base64(bytes))" }

    init(version: OMEMOVersion, bytes: [UInt8]) {
        self.version = version
        self.bytes = bytes
    }

    init?(stored: String) {
        let parts = stored.split(separator: ":", maxSplits: 1).map(String.init)
        // Our own text: Foundation's strict decoder, not the lenient one for keys in XML.
        guard parts.count == 2, let data = Data(base64Encoded: parts[1]), data.count == 32 else { return nil }
        switch parts[0] {
        case "2": version = .omemo2
        case "0.3": version = .legacy
        default: return nil
        }
        bytes = Array(data)
    }

    /// The fingerprint shown to the user (XEP-0384's, the same for both forms of one key).
    var fingerprint: String { OMEMOFingerprint.of(identityKey: bytes, version: version) ?? "(not a valid key)" }

    /// Whether `other` is the same key, in either form.
    func matches(_ other: OMEMOIdentityKey) -> Bool {
        guard version != other.version else { return bytes == other.bytes }
        return OMEMOFingerprint.of(identityKey: bytes, version: version) != nil && fingerprint == other.fingerprint
    }
}

/// The OMEMO tables of one account: our device (`omemo_own`), everyone's devices with their
/// trust (`omemo_device`), sessions (`omemo_session`) and which chats are encrypted
/// (`omemo_chat`). Secrets are stored as they are: the database is the user's, mode 0600. Our
/// device and the sessions are stored in their compact binary forms (`OwnDevice.stored`,
/// `RatchetSession.stored`) as base64 text: a session is written for every message sent or read.
struct OMEMOTable {
    let store: ChatStore
    let account: AccountID
    /// The device records read so far, by bare JID: every opened or sealed message looks its
    /// devices up. Writes go through `save`/`forget`, which keep it; `forgetCachedDevices` drops it
    /// (when a connection ends: a burst of input rolled back takes its writes with it).
    private let cache = DeviceCache()

    private final class DeviceCache {
        var devices: [JID: [OMEMODeviceRecord]] = [:]
    }

    static let migrations = [
        StoreMigration(
            name: "create-omemo",
            sql: """
                CREATE TABLE omemo_own (
                    account_id INTEGER PRIMARY KEY REFERENCES account(id) ON DELETE CASCADE,
                    device TEXT NOT NULL,
                    strict INTEGER NOT NULL DEFAULT 0
                );
                CREATE TABLE omemo_device (
                    account_id INTEGER NOT NULL REFERENCES account(id) ON DELETE CASCADE,
                    jid TEXT NOT NULL,
                    device_id INTEGER NOT NULL,
                    versions TEXT NOT NULL DEFAULT '',
                    identity_key TEXT,
                    trust TEXT NOT NULL CHECK (trust IN ('undecided', 'blind', 'verified', 'untrusted')),
                    label TEXT,
                    first_seen INTEGER NOT NULL,
                    PRIMARY KEY (account_id, jid, device_id)
                ) WITHOUT ROWID;
                CREATE TABLE omemo_session (
                    account_id INTEGER NOT NULL REFERENCES account(id) ON DELETE CASCADE,
                    jid TEXT NOT NULL,
                    device_id INTEGER NOT NULL,
                    state TEXT NOT NULL,
                    PRIMARY KEY (account_id, jid, device_id)
                ) WITHOUT ROWID;
                CREATE TABLE omemo_chat (
                    account_id INTEGER NOT NULL REFERENCES account(id) ON DELETE CASCADE,
                    conversation TEXT NOT NULL,
                    enabled INTEGER NOT NULL,
                    PRIMARY KEY (account_id, conversation)
                ) WITHOUT ROWID;
                """)
    ]

    // MARK: Our device

    func ownDevice() throws -> OwnDevice? {
        let rows = try store.featureRows(
            "SELECT device FROM omemo_own WHERE account_id = ?", [account.rawValue.sql], { $0.text(0) })
        guard let text = rows.first else { return nil }
        return try OwnDevice(stored: Self.bytes(text))
    }

    func save(_ own: OwnDevice) throws {
        let text = Data(own.stored).base64EncodedString()
        try store.featureWrite(
            "INSERT INTO omemo_own (account_id, device) VALUES (?, ?) ON CONFLICT DO UPDATE SET device = excluded.device",
            [account.rawValue.sql, text.sql])
    }

    /// Strict mode: only verified devices receive messages.
    func isStrict() throws -> Bool {
        try store.featureRows(
            "SELECT strict FROM omemo_own WHERE account_id = ?", [account.rawValue.sql], { $0.int(0) != 0 }
        ).first ?? false
    }

    /// Sets strict mode (our device must be stored already).
    func setStrict(_ strict: Bool) throws {
        try store.featureWrite(
            "UPDATE omemo_own SET strict = ? WHERE account_id = ?", [strict.sql, account.rawValue.sql])
    }

    // MARK: Devices

    func devices(of jid: JID) throws -> [OMEMODeviceRecord] {
        if let cached = cache.devices[jid.bare] { return cached }
        let records = try store.featureRows(
            """
            SELECT jid, device_id, versions, identity_key, trust, label, first_seen FROM omemo_device
            WHERE account_id = ? AND jid = ? ORDER BY first_seen, device_id
            """, [account.rawValue.sql, jid.bare.description.sql], Self.device
        ).compactMap { $0 }
        cache.devices[jid.bare] = records
        return records
    }

    func forgetCachedDevices() { cache.devices.removeAll() }

    func save(_ device: OMEMODeviceRecord) throws {
        try store.featureWrite(
            """
            INSERT INTO omemo_device (account_id, jid, device_id, versions, identity_key, trust, label, first_seen)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT DO UPDATE SET versions = excluded.versions, identity_key = excluded.identity_key,
                trust = excluded.trust, label = excluded.label
            """,
            [
                account.rawValue.sql, device.jid.bare.description.sql, Int64(device.device).sql,
                Self.versionsText(device.versions).sql, device.identityKey?.stored.sql, device.trust.rawValue.sql,
                device.label?.sql, device.firstSeen.sql,
            ])
        guard var records = cache.devices[device.jid.bare] else { return }
        if let index = records.firstIndex(where: { $0.device == device.device }) {
            // As the upsert does: when it was first seen never changes.
            let firstSeen = records[index].firstSeen
            records[index] = device
            records[index].firstSeen = firstSeen
        } else {
            records.append(device)
        }
        cache.devices[device.jid.bare] = records
    }

    func forget(_ jid: JID, device: UInt32) throws {
        try store.transaction {
            for table in ["omemo_device", "omemo_session"] {
                try store.featureWrite(
                    "DELETE FROM \(table) WHERE account_id = ? AND jid = ? AND device_id = ?",
                    [account.rawValue.sql, jid.bare.description.sql, Int64(device).sql])
            }
        }
        cache.devices[jid.bare]?.removeAll { $0.device == device }
    }

    private static func device(_ row: Statement) -> OMEMODeviceRecord? {
        guard let jid = JID(parsing: row.text(0)), let trust = OMEMOTrust(rawValue: row.text(4)) else { return nil }
        return OMEMODeviceRecord(
            jid: jid, device: UInt32(truncatingIfNeeded: row.int64(1)), versions: versions(row.text(2)),
            identityKey: row.optionalText(3).flatMap(OMEMOIdentityKey.init(stored:)), trust: trust,
            label: row.optionalText(5), firstSeen: row.int64(6))
    }

    private static func versionsText(_ versions: Set<OMEMOVersion>) -> String {
        [versions.contains(.omemo2) ? "2" : nil, versions.contains(.legacy) ? "0.3" : nil].compactMap { $0 }
            .joined(separator: " ")
    }

    private static func versions(_ text: String) -> Set<OMEMOVersion> {
        Set(text.split(separator: " ").compactMap { $0 == "2" ? .omemo2 : $0 == "0.3" ? .legacy : nil })
    }

    // MARK: Sessions

    func session(_ jid: JID, device: UInt32) throws -> RatchetSession? {
        let rows = try store.featureRows(
            "SELECT state FROM omemo_session WHERE account_id = ? AND jid = ? AND device_id = ?",
            [account.rawValue.sql, jid.bare.description.sql, Int64(device).sql], { $0.text(0) })
        guard let text = rows.first else { return nil }
        return try RatchetSession(stored: Self.bytes(text))
    }

    func save(_ session: RatchetSession, _ jid: JID, device: UInt32) throws {
        let text = Data(session.stored).base64EncodedString()
        try store.featureWrite(
            """
            INSERT INTO omemo_session (account_id, jid, device_id, state) VALUES (?, ?, ?, ?)
            ON CONFLICT DO UPDATE SET state = excluded.state
            """, [account.rawValue.sql, jid.bare.description.sql, Int64(device).sql, text.sql])
    }

    func deleteSession(_ jid: JID, device: UInt32) throws {
        try store.featureWrite(
            "DELETE FROM omemo_session WHERE account_id = ? AND jid = ? AND device_id = ?",
            [account.rawValue.sql, jid.bare.description.sql, Int64(device).sql])
    }

    /// The bytes of a stored device or session.
    private static func bytes(_ text: String) throws(StoredState.Error) -> [UInt8] {
        guard let data = Data(base64Encoded: text) else { throw StoredState.Error("not base64") }
        return Array(data)
    }

    // MARK: Chats

    /// The chats with OMEMO turned on (true) or off (false) by the user.
    func chatSettings() throws -> [JID: Bool] {
        let rows = try store.featureRows(
            "SELECT conversation, enabled FROM omemo_chat WHERE account_id = ?", [account.rawValue.sql],
            { (JID(parsing: $0.text(0)), $0.int(1) != 0) })
        return Dictionary(rows.compactMap { jid, on in jid.map { ($0, on) } }) { _, last in last }
    }

    func setChat(_ jid: JID, enabled: Bool) throws {
        try store.featureWrite(
            """
            INSERT INTO omemo_chat (account_id, conversation, enabled) VALUES (?, ?, ?)
            ON CONFLICT DO UPDATE SET enabled = excluded.enabled
            """, [account.rawValue.sql, jid.description.sql, enabled.sql])
    }
}
