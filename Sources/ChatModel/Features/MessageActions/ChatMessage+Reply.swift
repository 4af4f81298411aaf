import ChatStore
import XMPPExtensions

extension ChatMessage {
    /// The reply (XEP-0461) as stored with the message; a fallback indication that does not fit
    /// the body is dropped (the whole body is then shown).
    var storedReply: ReplyReference? {
        reply.map { ReplyReference(id: $0.id, to: $0.to?.description, fallback: $0.fallback ?? []) }
    }
}
