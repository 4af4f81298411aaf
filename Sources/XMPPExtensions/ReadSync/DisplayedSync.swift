import XMPPCore

/// XEP-0490: Message Displayed Synchronization. Where the user has read up to in each chat, kept
/// in the private PEP node `urn:xmpp:mds:displayed:0`, one item per chat (its JID as item
/// id), holding the stanza-id of the newest message displayed: the one our server gave it in a
/// one-to-one chat, the room's in a group chat.
///
///     <item id='romeo@montegue.lit'>
///       <displayed xmlns='urn:xmpp:mds:displayed:0'>
///         <stanza-id xmlns='urn:xmpp:sid:0' by='juliet@capulet.lit' id='0f710f2b-52ed-4d52-b928-784dad74a52b'/>
///       </displayed>
///     </item>
///
/// Publishing requires the account to list publish-options (§9: the node must be whitelist), and
/// a notification counts only from our own account (security rule 4).
public enum DisplayedSync {
    /// The PEP node and the payload namespace.
    public static let node = "urn:xmpp:mds:displayed:0"
    /// §4.3: the caps feature that subscribes us to our other devices' publishes.
    public static let notifyFeature = node + "+notify"
    /// §9: the account feature that must be there before we publish.
    public static let publishOptionsFeature = Namespace.pubsubPublishOptions

    /// One chat's displayed state.
    public struct State: Sendable, Hashable {
        /// The chat (the item id): the contact's or the room's bare JID, an occupant's full JID
        /// for private messages through a room (§4.1).
        public var chat: JID
        /// The stanza-id of the newest message displayed.
        public var stanzaID: String
        /// Who gave that stanza-id: our account in a one-to-one chat, the room in a group chat.
        public var by: JID

        public init(chat: JID, stanzaID: String, by: JID) {
            self.chat = chat
            self.stanzaID = stanzaID
            self.by = by
        }

        /// Reads `<item id='chat'><displayed><stanza-id/></displayed></item>` in `namespace` (pubsub
        /// or pubsub#event); nil without a JID as id or exactly one stanza-id with `id` and `by`.
        public init?(item: XMLElement) {
            guard item.name == "item", let chat = JID(parsing: item[attribute: "id"]),
                let displayed = item.child("displayed", namespace: DisplayedSync.node)
            else { return nil }
            let ids = displayed.children("stanza-id", namespace: Namespace.stanzaID)
            guard ids.count == 1, let id = ids[0][attribute: "id"], !id.isEmpty,
                let by = JID(parsing: ids[0][attribute: "by"])
            else { return nil }
            self.init(chat: chat, stanzaID: id, by: by)
        }

        /// The pubsub `<item/>`.
        public var item: XMLElement {
            XMLElement(
                "item", namespace: Namespace.pubsub, ["id": chat.description],
                elements: [
                    XMLElement(
                        "displayed", namespace: DisplayedSync.node, [:],
                        elements: [
                            XMLElement(
                                "stanza-id", namespace: Namespace.stanzaID,
                                ["by": by.bare.description, "id": stanzaID])
                        ])
                ])
        }
    }

    /// §4.2: publishes `state` with the publish-options §4.2 and §9 require.
    public static func publish(_ state: State, id: String) -> XMLElement {
        PrivatePEP.request(
            .set, id: id,
            [
                XMLElement("publish", namespace: Namespace.pubsub, ["node": node], elements: [state.item]),
                XMLElement(
                    "publish-options", namespace: Namespace.pubsub, [:],
                    elements: [PrivatePEP.publishOptions.element]),
            ])
    }

    /// §4.4: asks for every chat's state (at the start of a new session).
    public static func requestItems(id: String) -> XMLElement {
        PrivatePEP.request(.get, id: id, [XMLElement("items", namespace: Namespace.pubsub, ["node": node])])
    }

    /// The states of an items result; items that are none are left out. Nil when `result` is not
    /// a result for the node.
    public static func items(_ result: XMLElement) -> [State]? {
        PrivatePEP.items(result, node: node)?.compactMap(State.init(item:))
    }

    /// Whether `stanza` is a notification for the node (from anyone: see `states`).
    public static func isNotification(_ stanza: XMLElement) -> Bool {
        stanza.name == "message" && stanza[attribute: "type"] != "error"
            && stanza.child("event", namespace: Namespace.pubsubEvent)?.child(
                "items", namespace: Namespace.pubsubEvent)?[attribute: "node"] == node
    }

    /// The states in a notification (§4.5), in order; nil when it is none or does not come from
    /// `account` itself (security rule 4: a contact must not mark our chats read).
    public static func states(_ message: XMLElement, account: JID) -> [State]? {
        guard isNotification(message), PrivatePEP.isFromOwnAccount(message, account: account),
            let items = message.child("event", namespace: Namespace.pubsubEvent)?.child(
                "items", namespace: Namespace.pubsubEvent)
        else { return nil }
        return items.children("item", namespace: Namespace.pubsubEvent).compactMap(State.init(item:))
    }
}
