import OMEMOCrypto

extension RatchetSession {
    /// Decrypts a received message (RatchetDecrypt): with a kept key of a skipped message, else after a
    /// DH ratchet step when the header's ratchet key is new, keeping the keys of the messages it skips.
    /// Throws `badMAC`, `duplicateMessage`, `tooManySkippedMessages`, `unknownChain` or `crypto`, and
    /// then leaves the session exactly as it was.
    public mutating func decrypt(_ message: RatchetMessage) throws(OMEMOSessionError) -> [UInt8] {
        var next = self
        let plaintext = try next.advance(decrypting: message)
        next.pendingKeyExchange = nil
        self = next
        return plaintext
    }

    private mutating func advance(decrypting message: RatchetMessage) throws(OMEMOSessionError) -> [UInt8] {
        let header = message.header
        let ratchetKey = header.ratchetKey.rawRepresentation
        if let index = skippedKeys.firstIndex(where: { $0.ratchetKey == ratchetKey && $0.counter == header.counter }) {
            let plaintext = try MessageKeyCipher.decrypt(
                message, version: version, messageKey: skippedKeys[index].messageKey,
                associatedData: tagAssociatedData(sending: false))
            skippedKeys.remove(at: index)
            return plaintext
        }
        let counter = Int(header.counter)
        if ratchetKey != receivingRatchetKey {
            try skipMessageKeys(until: Int(header.previousCounter))
            try ratchetStep(header.ratchetKey)
        } else if counter < receivedCount {
            throw .duplicateMessage
        }
        try skipMessageKeys(until: counter)
        guard let chain = receivingChain else { throw .unknownChain }
        let (nextChain, messageKey): (SessionSecret, SessionSecret)
        do { (nextChain, messageKey) = try RatchetKDF.chain(chain) } catch { throw .crypto(error) }
        let plaintext = try MessageKeyCipher.decrypt(
            message, version: version, messageKey: messageKey, associatedData: tagAssociatedData(sending: false))
        receivingChain = nextChain
        receivedCount += 1
        return plaintext
    }

    /// SkipMessageKeys: keeps the keys of the receiving chain's messages before `until`, refusing to
    /// skip more than `maximumSkip`, and drops the oldest kept keys beyond `maximumSkip`.
    private mutating func skipMessageKeys(until: Int) throws(OMEMOSessionError) {
        guard until - receivedCount <= Self.maximumSkip else { throw .tooManySkippedMessages }
        guard var chain = receivingChain, let ratchetKey = receivingRatchetKey else { return }
        while receivedCount < until {
            let messageKey: SessionSecret
            do { (chain, messageKey) = try RatchetKDF.chain(chain) } catch { throw .crypto(error) }
            skippedKeys.append(
                SkippedMessageKey(ratchetKey: ratchetKey, counter: UInt32(receivedCount), messageKey: messageKey))
            receivedCount += 1
        }
        receivingChain = chain
        if skippedKeys.count > Self.maximumSkip { skippedKeys.removeFirst(skippedKeys.count - Self.maximumSkip) }
    }

    /// DHRatchet: a new receiving chain from the peer's new ratchet key, then a new sending key pair and
    /// sending chain.
    private mutating func ratchetStep(_ theirKey: X25519PublicKey) throws(OMEMOSessionError) {
        do {
            previousSentCount = sentCount
            sentCount = 0
            receivedCount = 0
            receivingRatchetKey = theirKey.rawRepresentation
            let receiving = try RatchetKDF.root(version, rootKey, sendingKey.privateKey.sharedSecret(with: theirKey))
            let newKey = try X25519PrivateKey.generate()
            let sending = try RatchetKDF.root(version, receiving.root, newKey.sharedSecret(with: theirKey))
            (rootKey, receivingChain, sendingKey, sendingChain) = (
                sending.root, receiving.chain, RatchetKeyPair(newKey), sending.chain
            )
        } catch { throw .crypto(error) }
    }
}
