import OMEMOSession
import XMPPExtensions

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
