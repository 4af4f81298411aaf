/// Namespace URIs used across the core.
public enum Namespace {
    public static let client = "jabber:client"
    public static let streams = "http://etherx.jabber.org/streams"
    public static let streamErrors = "urn:ietf:params:xml:ns:xmpp-streams"
    public static let stanzaErrors = "urn:ietf:params:xml:ns:xmpp-stanzas"
    public static let tls = "urn:ietf:params:xml:ns:xmpp-tls"
    public static let sasl = "urn:ietf:params:xml:ns:xmpp-sasl"
    public static let bind = "urn:ietf:params:xml:ns:xmpp-bind"
    public static let session = "urn:ietf:params:xml:ns:xmpp-session"
    public static let saslChannelBinding = "urn:xmpp:sasl-cb:0"
    public static let ping = "urn:xmpp:ping"
    public static let discoInfo = "http://jabber.org/protocol/disco#info"
    public static let discoItems = "http://jabber.org/protocol/disco#items"
    public static let streamManagement = "urn:xmpp:sm:3"
    public static let stanzaID = "urn:xmpp:sid:0"
}
