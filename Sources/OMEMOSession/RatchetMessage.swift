import OMEMOCrypto

/// A Double Ratchet message header without header encryption (XEP-0384 §4.2, the fields of
/// OMEMOMessage): the sender's current ratchet public key, the message's number n in its sending chain,
/// and the length pn of the sender's previous sending chain.
public struct RatchetHeader: Equatable, Sendable {
    public var ratchetKey: X25519PublicKey
    public var counter: UInt32
    public var previousCounter: UInt32

    public init(ratchetKey: X25519PublicKey, counter: UInt32, previousCounter: UInt32) {
        self.ratchetKey = ratchetKey
        self.counter = counter
        self.previousCounter = previousCounter
    }
}

/// One encrypted ratchet message: the header and ciphertext, their serialisation as sent, and the
/// authentication tag over the associated data and that serialisation (OMEMOAuthenticatedMessage's
/// fields).
///
/// The wire format is not this module's: encryption asks its caller to serialise the header and
/// ciphertext (OMEMO 2's OMEMOMessage protobuf), and decryption trusts that `header` and `ciphertext`
/// are what `encoded` holds, as the wire codec parsed them from it. The tag covers `encoded` as
/// received, never a re-serialisation (XEP-0384 §4.2, ENCRYPT step 6).
public struct RatchetMessage: Equatable, Sendable {
    public var header: RatchetHeader
    public var ciphertext: [UInt8]
    public var encoded: [UInt8]
    public var mac: [UInt8]

    public init(header: RatchetHeader, ciphertext: [UInt8], encoded: [UInt8], mac: [UInt8]) {
        self.header = header
        self.ciphertext = ciphertext
        self.encoded = encoded
        self.mac = mac
    }
}

/// Serialises a header and ciphertext into the bytes sent and authenticated (OMEMOMessage for OMEMO 2).
public typealias RatchetMessageEncoder = (RatchetHeader, [UInt8]) -> [UInt8]
