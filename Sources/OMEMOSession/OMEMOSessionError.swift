import OMEMOCrypto

/// Why a key agreement or a ratchet step failed. None of the cases carries key material. A failed
/// decryption leaves the session as it was.
public enum OMEMOSessionError: Error, Equatable, Sendable {
    /// The bundle's signed prekey signature does not verify under its identity key.
    case badSignedPreKeySignature
    /// The message's authentication tag does not match: it was altered, or is not for this session.
    case badMAC
    /// Decrypting would need more than `RatchetSession.maximumSkip` message keys skipped in one chain.
    case tooManySkippedMessages
    /// The message was decrypted before (its key is used up), or is older than every kept key.
    case duplicateMessage
    /// The message names a chain this session cannot derive (the initiator's own first ratchet key).
    case unknownChain
    /// The session has no sending chain yet (the responder sends only after its first decryption), or
    /// its chain has used every counter a header can hold.
    case noSendingChain
    /// A primitive failed (a key that is no point, bad padding under a matching tag, OpenSSL).
    case crypto(OMEMOCryptoError)
}
