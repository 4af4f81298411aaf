import XMPPCore

/// RFC 6121 §5: receives `<message/>` stanzas and hands them on as `ChatMessage`s.
///
/// The other messaging extensions (carbons, archive) unwrap forwarded messages before this sees
/// them; this one handles what arrives directly.
public final class MessageHandler: SessionExtension {
    public var onMessage: (ChatMessage, XMLElement) -> Void = { _, _ in }

    public init() {}

    public var discoFeatures: [String] { [Namespace.chatStates, Namespace.correction] }

    public func handle(_ stanza: XMLElement, in session: XMPPSession) -> Bool {
        guard stanza.stanzaKind == .message else { return false }
        onMessage(ChatMessage(stanza), stanza)
        return true
    }
}
