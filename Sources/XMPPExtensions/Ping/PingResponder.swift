import XMPPCore

/// XEP-0199: XMPP Ping — answers the server's and contacts' pings.
///
///     <iq from='capulet.lit' to='juliet@capulet.lit/balcony' id='s2c1' type='get'>
///       <ping xmlns='urn:xmpp:ping'/>
///     </iq>
///
/// The session's own keep-alive pings live in `XMPPSession`; this answers the other direction.
public final class PingResponder: SessionExtension {
    public init() {}

    public var discoFeatures: [String] { [Namespace.ping] }

    public func handle(_ stanza: XMLElement, in session: XMPPSession) -> Bool {
        guard stanza.iqType == .get, stanza.child("ping", namespace: Namespace.ping) != nil else { return false }
        session.send(stanza.iqResult())
        return true
    }
}
