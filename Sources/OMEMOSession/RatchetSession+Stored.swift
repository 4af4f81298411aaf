import OMEMOCrypto

/// A session's stored form (`StoredState`): about 320 bytes, plus 80 or so per kept message
/// key. Format 1: the version, AD, role, pending key exchange, X3DH ephemeral key, root key,
/// sending ratchet private key, receiving ratchet key, both chain keys, the three counters and the
/// kept message keys.
extension RatchetSession {
    static let storedFormat: UInt8 = 1

    /// The session as bytes to store (its private keys inside).
    public var stored: [UInt8] {
        var writer = StoredState.Writer()
        writer.byte(Self.storedFormat)
        writer.byte(version == .omemo2 ? 0 : 1)
        writer.data(associatedData)
        writer.bool(isInitiator)
        writer.optional(pendingKeyExchange) { writer, header in
            writer.data(header.identityKey)
            writer.data(header.ephemeralKey)
            writer.uint32(header.signedPreKeyID)
            writer.uint32(header.preKeyID)
        }
        writer.data(ephemeralKey)
        writer.secret(rootKey.value)
        writer.secret(sendingKey.privateKey.secret)
        writer.optional(receivingRatchetKey) { $0.data($1) }
        writer.optional(sendingChain) { $0.secret($1.value) }
        writer.optional(receivingChain) { $0.secret($1.value) }
        for count in [sentCount, receivedCount, previousSentCount] { writer.int64(Int64(count)) }
        writer.uint32(UInt32(skippedKeys.count))
        for key in skippedKeys {
            writer.data(key.ratchetKey)
            writer.uint32(key.counter)
            writer.secret(key.messageKey.value)
        }
        return writer.bytes
    }

    /// A session from its stored bytes.
    public init(stored bytes: [UInt8]) throws(StoredState.Error) {
        var reader = StoredState.Reader(bytes)
        guard try reader.byte() == Self.storedFormat else { throw StoredState.Error("an unknown session format") }
        switch try reader.byte() {
        case 0: version = .omemo2
        case 1: version = .omemo03
        default: throw StoredState.Error("an unknown session version")
        }
        associatedData = try reader.data()
        isInitiator = try reader.bool()
        pendingKeyExchange = try reader.optional { (reader) throws(StoredState.Error) in
            X3DH.KeyExchangeHeader(
                identityKey: try reader.data(), ephemeralKey: try reader.data(), signedPreKeyID: try reader.uint32(),
                preKeyID: try reader.uint32())
        }
        ephemeralKey = try reader.data()
        rootKey = SessionSecret(try reader.secret())
        let sendingSecret = try reader.secret()
        do { sendingKey = RatchetKeyPair(try X25519PrivateKey(rawRepresentation: sendingSecret)) } catch {
            throw StoredState.Error("a ratchet key that is no key")
        }
        receivingRatchetKey = try reader.optional { (reader) throws(StoredState.Error) in try reader.data() }
        sendingChain = try reader.optional { (reader) throws(StoredState.Error) in SessionSecret(try reader.secret()) }
        receivingChain = try reader.optional { (reader) throws(StoredState.Error) in SessionSecret(try reader.secret())
        }
        sentCount = Int(try reader.int64())
        receivedCount = Int(try reader.int64())
        previousSentCount = Int(try reader.int64())
        let skipped = Int(try reader.uint32())
        guard skipped <= Self.maximumSkip else { throw StoredState.Error("too many kept keys") }
        skippedKeys = try (0..<skipped).map { _ throws(StoredState.Error) in
            SkippedMessageKey(
                ratchetKey: try reader.data(), counter: try reader.uint32(),
                messageKey: SessionSecret(try reader.secret()))
        }
        try reader.finish()
    }
}
