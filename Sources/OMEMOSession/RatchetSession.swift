import OMEMOCrypto

/// One Double Ratchet session with one peer device (Perrin and Marlinspike, "The Double Ratchet
/// Algorithm", revision 1, §3, without header encryption) with its `SessionVersion`'s parameters:
/// KDF_RK is HKDF-SHA-256 with info "OMEMO Root Chain" (OMEMO 2, XEP-0384 §4.2) or "WhisperRatchet"
/// (0.3, libsignal), KDF_CK is HMAC-SHA-256 of 0x01 (message key) and 0x02 (next chain key), and
/// messages are AES-256-CBC with a 16-byte (OMEMO 2) or 8-byte (0.3) HMAC-SHA-256 tag
/// (`MessageKeyCipher`).
///
/// A value type: a state machine without I/O that the caller stores (it is `Codable`) after each
/// step. A step that throws leaves the value as it was. Fresh ratchet key pairs come from OpenSSL's
/// random generator.
public struct RatchetSession: Sendable, Codable {
    /// The most message keys one message may make the session skip, and the most it keeps: the
    /// XEP's recommended 1,000. Beyond the store's bound the oldest kept keys are dropped first.
    public static let maximumSkip = 1000

    /// The version whose parameters the session uses.
    public let version: SessionVersion
    /// AD from X3DH: the initiator's then the responder's identity key, in the version's encoding.
    public let associatedData: [UInt8]
    /// Whether this side started the session (X3DH's Alice).
    public let isInitiator: Bool
    /// The key exchange the initiator sends with each message until the first answer arrives
    /// (XEP-0384: a device keeps sending OMEMOKeyExchanges until the session is confirmed); nil for a
    /// responder and once a message was decrypted.
    public internal(set) var pendingKeyExchange: X3DH.KeyExchangeHeader?
    /// The X3DH ephemeral public key the session was built from, kept to recognise a repeated key
    /// exchange (XEP-0384 §4.2).
    public let ephemeralKey: [UInt8]

    var rootKey: SessionSecret
    var sendingKey: RatchetKeyPair
    var receivingRatchetKey: [UInt8]?
    var sendingChain: SessionSecret?
    var receivingChain: SessionSecret?
    var sentCount = 0
    var receivedCount = 0
    var previousSentCount = 0
    var skippedKeys: [SkippedMessageKey] = []

    /// The initiator's session (RatchetInitAlice): the first sending chain from SK and a DH with the
    /// responder's signed prekey.
    public static func initiating(
        version: SessionVersion, sharedSecret: SecretBytes, associatedData: [UInt8], ephemeralKey: X25519PublicKey,
        theirSignedPreKey: X25519PublicKey, keyExchange: X3DH.KeyExchangeHeader? = nil
    ) throws(OMEMOSessionError) -> RatchetSession {
        do {
            let ratchetKey = try X25519PrivateKey.generate()
            let (root, chain) = try RatchetKDF.root(
                version, sharedSecret, ratchetKey.sharedSecret(with: theirSignedPreKey))
            var session = RatchetSession(
                version: version, associatedData: associatedData, isInitiator: true,
                ephemeralKey: ephemeralKey.rawRepresentation, rootKey: root, sendingKey: RatchetKeyPair(ratchetKey))
            session.pendingKeyExchange = keyExchange
            session.receivingRatchetKey = theirSignedPreKey.rawRepresentation
            session.sendingChain = chain
            return session
        } catch { throw .crypto(error) }
    }

    /// The responder's session (RatchetInitBob): SK as the root key and the signed prekey pair as the
    /// first ratchet key. It can send only after decrypting the initiator's first message.
    public static func responding(
        version: SessionVersion, sharedSecret: SecretBytes, associatedData: [UInt8], ephemeralKey: X25519PublicKey,
        ourSignedPreKey: X25519PrivateKey
    ) -> RatchetSession {
        RatchetSession(
            version: version, associatedData: associatedData, isInitiator: false,
            ephemeralKey: ephemeralKey.rawRepresentation, rootKey: SessionSecret(sharedSecret),
            sendingKey: RatchetKeyPair(ourSignedPreKey))
    }

    private init(
        version: SessionVersion, associatedData: [UInt8], isInitiator: Bool, ephemeralKey: [UInt8],
        rootKey: SessionSecret, sendingKey: RatchetKeyPair
    ) {
        self.version = version
        self.associatedData = associatedData
        self.isInitiator = isInitiator
        self.ephemeralKey = ephemeralKey
        self.rootKey = rootKey
        self.sendingKey = sendingKey
    }

    /// The number of message keys kept for skipped messages.
    public var skippedKeyCount: Int { skippedKeys.count }

    /// The peer's current ratchet public key (the receiving chain's), nil before its first message
    /// reached us (for an initiator, its signed prekey until the first answer).
    public var peerRatchetKey: [UInt8]? { receivingRatchetKey }

    /// How many messages of the current receiving chain were received or skipped (python-omemo's
    /// `receiving_chain_length`); nil without a receiving chain.
    public var receivingChainLength: Int? { receivingChain == nil ? nil : receivedCount }

    /// The peer's identity key in the version's encoding (0.3: with its type byte), from AD.
    public var peerIdentityKey: [UInt8] {
        let half = associatedData.count / 2
        return Array(isInitiator ? associatedData[half...] : associatedData[..<half])
    }

    /// The AD a message's tag covers. OMEMO 2 uses X3DH's AD both ways; libsignal (0.3) puts the
    /// sender's identity key first whoever initiated, so a 0.3 responder sends, and a 0.3 initiator
    /// receives, with the halves swapped (as python-oldmemo does to match it).
    func tagAssociatedData(sending: Bool) -> [UInt8] {
        guard version == .omemo03, sending != isInitiator else { return associatedData }
        let half = associatedData.count / 2
        return Array(associatedData[half...] + associatedData[..<half])
    }

    /// Encrypts `plaintext` with the next message key of the sending chain (RatchetEncrypt); `encode`
    /// serialises the header and ciphertext into the bytes the tag covers.
    public mutating func encrypt(_ plaintext: [UInt8], encode: RatchetMessageEncoder) throws(OMEMOSessionError)
        -> RatchetMessage
    {
        guard let chain = sendingChain, sentCount < Int(UInt32.max) else { throw .noSendingChain }
        do {
            let (nextChain, messageKey) = try RatchetKDF.chain(chain)
            let header = RatchetHeader(
                ratchetKey: sendingKey.privateKey.publicKey, counter: UInt32(sentCount),
                previousCounter: UInt32(previousSentCount))
            let message = try MessageKeyCipher.encrypt(
                plaintext, version: version, messageKey: messageKey, associatedData: tagAssociatedData(sending: true),
                header: header,
                encode: encode)
            sendingChain = nextChain
            sentCount += 1
            return message
        } catch { throw .crypto(error) }
    }
}
