import XMPPCore

/// XEP-0384 §Sending a message: an encrypted message's `<encrypted/>` element — the sending
/// device, the message key encrypted to each recipient device, and the encrypted payload (absent
/// in a key transport or empty message). Version 0.3 (example from version 0.3 of the XEP), with
/// the payload's IV in the header:
///
///     <encrypted xmlns='eu.siacs.conversations.axolotl'>
///       <header sid='27183'>
///         <key rid='31415'>BASE64ENCODED...</key>
///         <key prekey="true" rid='12321'>BASE64ENCODED...</key>
///         <iv>BASE64ENCODED...</iv>
///       </header>
///       <payload>BASE64ENCODED</payload>
///     </encrypted>
///
/// OMEMO 2, keys grouped by recipient account:
///
///     <encrypted xmlns='urn:xmpp:omemo:2'>
///       <header sid='27183'>
///         <keys jid='juliet@capulet.lit'>
///           <key rid='31415'>b64/encoded/data</key>
///         </keys>
///         <keys jid='romeo@montague.lit'>
///           <key kex='true' rid='12321'>b64/encoded/data</key>
///         </keys>
///       </header>
///       <payload>base64/encoded/message/key/encrypted/envelope/element</payload>
///     </encrypted>
public struct OMEMOEncrypted: Sendable, Hashable {
    /// The message key encrypted to one device.
    public struct Key: Sendable, Hashable {
        /// The recipient's account (OMEMO 2; nil in 0.3, which does not say).
        public var account: JID?
        public var device: UInt32
        /// Whether `data` opens a session: a `PreKeySignalMessage` (0.3, `prekey`) or an
        /// `OMEMOKeyExchange` (OMEMO 2, `kex`).
        public var isKeyExchange: Bool
        /// The `SignalMessage` / `PreKeySignalMessage` (0.3) or `OMEMOAuthenticatedMessage` /
        /// `OMEMOKeyExchange` (OMEMO 2).
        public var data: [UInt8]

        public init(account: JID? = nil, device: UInt32, isKeyExchange: Bool, data: [UInt8]) {
            self.account = account
            self.device = device
            self.isKeyExchange = isKeyExchange
            self.data = data
        }
    }

    public var version: OMEMOVersion
    /// The sending device.
    public var sender: UInt32
    public var keys: [Key]
    /// The payload's AES-GCM IV (0.3 only: 12 or 16 bytes).
    public var iv: [UInt8]?
    /// The encrypted payload; nil in a key transport (0.3) or empty (OMEMO 2) message.
    public var payload: [UInt8]?

    /// At most this many keys are read (a room of a few hundred members' devices).
    public static let maximumKeys = 2_000

    public init(version: OMEMOVersion, sender: UInt32, keys: [Key], iv: [UInt8]? = nil, payload: [UInt8]? = nil) {
        self.version = version
        self.sender = sender
        self.keys = keys
        self.iv = iv
        self.payload = payload
    }

    /// The `<encrypted/>` of either version in `message`; nil when it has none.
    public static func find(in message: XMLElement) throws(OMEMOElementError) -> OMEMOEncrypted? {
        for version in OMEMOVersion.allCases {
            if let element = message.child("encrypted", namespace: version.namespace) { return try Self(element) }
        }
        return nil
    }

    /// The key for `device` (of `account`, in OMEMO 2); nil when the message was not encrypted
    /// to it.
    public func key(for device: UInt32, of account: JID) -> Key? {
        keys.first { $0.device == device && ($0.account == nil || $0.account == account.bare) }
    }
}
