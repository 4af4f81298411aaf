import XMPPCore

/// XEP-0352: Client State Indication — tells the server when the user is not looking, so that it
/// may hold back presence updates and other unimportant traffic.
///
///     <inactive xmlns='urn:xmpp:csi:0'/>
public final class ClientStateIndication: SessionExtension {
    public private(set) var isActive = true

    public init() {}

    /// Whether the server offered CSI on this stream.
    public func isSupported(by session: XMPPSession) -> Bool {
        session.serverFeatures?.child("csi", namespace: Namespace.csi) != nil
    }

    public func sessionEstablished(_ session: XMPPSession) {
        if !isActive && isSupported(by: session) { session.send(XMLElement("inactive", namespace: Namespace.csi)) }
    }

    public func setActive(_ active: Bool, in session: XMPPSession?) {
        guard active != isActive else { return }
        isActive = active
        guard let session, isSupported(by: session) else { return }
        session.send(XMLElement(active ? "active" : "inactive", namespace: Namespace.csi))
    }
}
