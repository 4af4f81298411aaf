import OMEMOSession
import XMPPCore
import XMPPExtensions

/// One OMEMO device of an account: the account's bare JID and the device id. Coded as the JID's text
/// and the id.
public struct OMEMODeviceAddress: Hashable, Sendable, Codable, CustomStringConvertible {
    /// The account (always bare).
    public var jid: JID {
        didSet { jid = jid.bare }
    }
    public var device: UInt32

    public init(jid: JID, device: UInt32) {
        self.jid = jid.bare
        self.device = device
    }

    private enum CodingKeys: String, CodingKey { case jid, device }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let text = try container.decode(String.self, forKey: .jid)
        guard let jid = JID(parsing: text) else {
            throw DecodingError.dataCorruptedError(forKey: .jid, in: container, debugDescription: "not a JID")
        }
        self.init(jid: jid, device: try container.decode(UInt32.self, forKey: .device))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(jid.description, forKey: .jid)
        try container.encode(device, forKey: .device)
    }

    public var description: String { "\(jid)#\(device)" }
}

/// A recipient device for `OMEMOEngine.encrypt`: its session if we have one, else its bundle to start
/// one (X3DH with a random one-time prekey of the bundle).
public struct OMEMORecipient: Sendable {
    public var address: OMEMODeviceAddress
    public var session: RatchetSession?
    public var bundle: OMEMOBundle?

    public init(address: OMEMODeviceAddress, session: RatchetSession? = nil, bundle: OMEMOBundle? = nil) {
        self.address = address
        self.session = session
        self.bundle = bundle
    }
}

/// What `OMEMOEngine.encrypt` gives: the `<encrypted/>` element, each recipient's session after the
/// message (store them), and the recipients it could not encrypt to, with why.
public struct OMEMOEncryption: Sendable {
    /// A recipient's session after encrypting to it.
    public struct RecipientSession: Sendable {
        public var address: OMEMODeviceAddress
        public var session: RatchetSession
        /// For a session built from the bundle by this call: the identity key it was built with (as the
        /// bundle published it), for the caller's trust decision. Nil for an existing session.
        public var newIdentityKey: [UInt8]?
    }

    /// A recipient left out.
    public struct Failure: Sendable, Equatable {
        public var address: OMEMODeviceAddress
        public var reason: OMEMOError

        public init(address: OMEMODeviceAddress, reason: OMEMOError) {
            self.address = address
            self.reason = reason
        }
    }

    public var encrypted: OMEMOEncrypted
    public var sessions: [RecipientSession]
    public var failed: [Failure]
}

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
