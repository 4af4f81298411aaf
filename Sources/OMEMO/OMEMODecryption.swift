import OMEMOSession

/// What `OMEMOEngine.decrypt` gives.
public struct OMEMODecryption: Sendable {
    /// The content (for OMEMO 2 an SCE envelope's bytes); nil for an empty message or heartbeat.
    public var plaintext: [UInt8]?
    /// The session after the message: store it in place of the one passed in.
    public var session: RatchetSession
    /// The sender device's identity key as its bundle publishes it (32 bytes: OMEMO 2's Ed25519,
    /// 0.3's Curve25519 without its type byte).
    public var identityKey: [UInt8]
    /// Whether the message built a new session (a key exchange): the caller stores the updated device
    /// and republishes its bundle, and should answer with an empty message (XEP-0384 §Business Rules).
    public var isKeyExchange: Bool
    /// The one-time prekey the key exchange used (already removed from the device).
    public var preKeyID: UInt32?
    /// Whether to answer the sender's device with an empty message (`OMEMOEngine.encrypt(nil, …)`):
    /// after a key exchange, to confirm the session (XEP-0384 §Business Rules: SHOULD), and as a
    /// heartbeat once this message took the receiving chain past `heartbeatThreshold` messages (MUST:
    /// "the first message for a given ratchet key with a counter of 53 or higher").
    public var needsEmptyMessage: Bool

    /// A received message numbered this or higher calls for a heartbeat.
    public static let heartbeatThreshold = 53
}
