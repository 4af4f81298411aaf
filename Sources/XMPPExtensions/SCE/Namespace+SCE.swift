import XMPPCore

/// Namespaces of Stanza Content Encryption (XEP-0420) and of the elements it keeps out of an envelope.
extension Namespace {
    /// XEP-0420: `<envelope/>`, `<content/>` and the affix elements.
    public static let sce = "urn:xmpp:sce:1"
    /// XEP-0033 Extended Stanza Addressing: routed by the server, never encrypted.
    public static let addresses = "http://jabber.org/protocol/address"
    /// XEP-0380 Explicit Message Encryption: names the encryption in the clear.
    public static let eme = "urn:xmpp:eme:0"
}
