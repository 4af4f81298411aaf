import XMPPCore

/// Namespaces of the actions on a message: reactions (XEP-0444), replies (XEP-0461) and the
/// fallback indication that marks what of a body is only for clients without them (XEP-0428).
/// Retraction's (XEP-0424) is with moderation's in `Namespace+MUC.swift`.
extension Namespace {
    /// XEP-0444: message reactions.
    public static let reactions = "urn:xmpp:reactions:0"
    /// XEP-0461: message replies.
    public static let reply = "urn:xmpp:reply:0"
    /// XEP-0428: fallback indication.
    public static let fallback = "urn:xmpp:fallback:0"
}
