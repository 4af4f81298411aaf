import XMPPCore

/// XEP-0280: Message Carbons — copies of what our other resources send and receive.
///
///     <message from='romeo@montague.example' to='romeo@montague.example/home'>
///       <received xmlns='urn:xmpp:carbons:2'>
///         <forwarded xmlns='urn:xmpp:forward:0'>
///           <message from='juliet@capulet.example/balcony' to='romeo@montague.example/garden'
///                    type='chat'><body>What man art thou...?</body></message>
///         </forwarded>
///       </received>
///     </message>
///
/// Enabled on login. A carbon is accepted only when the outer `from` is the account's own bare
/// JID (CVE-2017-5591, -5592, -5604, CVE-2019-16235): anyone else could otherwise put words in a
/// contact's mouth. The unwrapped message goes on with its direction.
public final class CarbonsManager: SessionExtension {
    public enum Direction: Sendable, Hashable {
        /// A message another resource of ours received.
        case received
        /// A message another resource of ours sent.
        case sent
    }

    /// A carbon from our own account: the forwarded message, and which way it went.
    public var onCarbon: (XMLElement, Direction) -> Void = { _, _ in }
    /// A carbon from someone other than our own account, dropped.
    public var onSpoofedCarbon: (XMLElement) -> Void = { _ in }
    public private(set) var isEnabled = false

    public init() {}

    public var discoFeatures: [String] { [Namespace.carbons] }

    public func sessionEstablished(_ session: XMPPSession) {
        isEnabled = false
        session.sendIQ(.iq(.set, id: session.makeID(), payload: XMLElement("enable", namespace: Namespace.carbons))) {
            [weak self] result in
            if case .success = result { self?.isEnabled = true }
        }
    }

    public func handle(_ stanza: XMLElement, in session: XMPPSession) -> Bool {
        guard stanza.stanzaKind == .message else { return false }
        let direction: Direction
        let wrapper: XMLElement
        if let received = stanza.child("received", namespace: Namespace.carbons) {
            direction = .received
            wrapper = received
        } else if let sent = stanza.child("sent", namespace: Namespace.carbons) {
            direction = .sent
            wrapper = sent
        } else {
            return false
        }
        guard stanza.from == session.boundJID.bare, stanza[attribute: "from"] != nil else {
            onSpoofedCarbon(stanza)
            return true
        }
        guard let inner = wrapper.child("forwarded", namespace: Namespace.forward)?.child("message") else {
            return true
        }
        onCarbon(inner, direction)
        return true
    }
}
