import OMEMOSession
import XMPPExtensions

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
