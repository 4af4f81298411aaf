import XMPPCore

/// Namespaces of group chat and what it leans on: room administration (XEP-0045), invitations
/// (XEP-0249), bookmarks (XEP-0402, XEP-0048 over XEP-0049), publish-subscribe (XEP-0060) and
/// moderation (XEP-0425, XEP-0424). The tests read each one out of its XEP's own examples.
extension Namespace {
    /// XEP-0045 §9-§10: role and affiliation changes and lists (moderators, admins, owners).
    public static let mucAdmin = "http://jabber.org/protocol/muc#admin"
    /// XEP-0045 §10: room configuration and destruction.
    public static let mucOwner = "http://jabber.org/protocol/muc#owner"
    /// XEP-0045 §15.5.4: the FORM_TYPE of a room's extended disco#info.
    public static let mucRoomInfo = "http://jabber.org/protocol/muc#roominfo"
    /// XEP-0045 §15.5.3: the FORM_TYPE of the room configuration form.
    public static let mucRoomConfig = "http://jabber.org/protocol/muc#roomconfig"
    /// XEP-0249: direct invitations (also the legacy payload some rooms add to mediated ones).
    public static let directInvitation = "jabber:x:conference"
    /// XEP-0402: PEP native bookmarks, the node and the payload namespace.
    public static let bookmarks2 = "urn:xmpp:bookmarks:1"
    /// XEP-0049: private XML storage.
    public static let privateStorage = "jabber:iq:private"
    /// XEP-0048: the bookmarks payload kept in private storage.
    public static let storageBookmarks = "storage:bookmarks"
    /// XEP-0060: publish-subscribe requests, events and node configuration.
    public static let pubsub = "http://jabber.org/protocol/pubsub"
    public static let pubsubEvent = "http://jabber.org/protocol/pubsub#event"
    public static let pubsubOwner = "http://jabber.org/protocol/pubsub#owner"
    /// XEP-0060 §7.1.5: pubsub-specific error conditions (`precondition-not-met`).
    public static let pubsubErrors = "http://jabber.org/protocol/pubsub#errors"
    /// XEP-0060 §7.1.5: the FORM_TYPE of publish-options.
    public static let pubsubPublishOptions = "http://jabber.org/protocol/pubsub#publish-options"
    /// XEP-0425 0.3: moderated message retraction.
    public static let messageModerate = "urn:xmpp:message-moderate:1"
    /// XEP-0425 0.2 (inside XEP-0422 `<apply-to/>`), which deployed servers still send.
    public static let messageModerate0 = "urn:xmpp:message-moderate:0"
    /// XEP-0424 1.x: message retraction.
    public static let messageRetract = "urn:xmpp:message-retract:1"
    /// XEP-0424 0.x, used by XEP-0425 0.2.
    public static let messageRetract0 = "urn:xmpp:message-retract:0"
    /// XEP-0422: message fastening (`<apply-to/>`).
    public static let fasten = "urn:xmpp:fasten:0"
    /// XEP-0410: a room that answers self-pings itself.
    public static let mucSelfPingOptimization = "http://jabber.org/protocol/muc#self-ping-optimization"
}
