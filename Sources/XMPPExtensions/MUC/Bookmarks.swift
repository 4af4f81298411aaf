import XMPPCore

/// One bookmarked room: XEP-0402 (PEP native bookmarks, one item per room on the
/// `urn:xmpp:bookmarks:1` node), or XEP-0048 in XEP-0049 private storage for older servers.
///
///     <item id='orchard@conference.shakespeare.lit'>
///       <conference xmlns='urn:xmpp:bookmarks:1' name='The Orcard' autojoin='1'>
///         <nick>JC</nick>
///         <extensions><state xmlns='http://myclient.example/bookmark/state' minimized='true'/></extensions>
///       </conference>
///     </item>
public struct RoomBookmark: Sendable, Hashable {
    /// The room's JID: the item id in XEP-0402, the `jid` attribute in XEP-0048.
    public var room: JID
    /// The user's name for the bookmark (XEP-0402 §2: not made up from the JID).
    public var name: String?
    /// Join on login (XEP-0402 §3.2), and on a notification that sets it (§4).
    public var autojoin: Bool
    /// The nick to join with, when not the account's default.
    public var nick: String?
    /// The room's password; XEP-0402 §2 warns this is no secure storage.
    public var password: String?
    /// XEP-0402 `<extensions/>`: other clients' data, which must be kept as it came when the
    /// bookmark is edited and republished.
    public var extensions: [XMLElement]

    public init(
        room: JID, name: String? = nil, autojoin: Bool = false, nick: String? = nil, password: String? = nil,
        extensions: [XMLElement] = []
    ) {
        self.room = room
        self.name = name
        self.autojoin = autojoin
        self.nick = nick
        self.password = password
        self.extensions = extensions
    }

    /// Reads a XEP-0402 `<conference/>` for `room` (its item id).
    public init?(room: JID, conference: XMLElement) {
        guard conference.name == "conference", conference.namespace == Namespace.bookmarks2 else { return nil }
        self.init(
            room: room, name: conference[attribute: "name"],
            autojoin: conference[attribute: "autojoin"].flatMap(DataForm.Field.boolean) ?? false,
            nick: conference.childText("nick", namespace: Namespace.bookmarks2),
            password: conference.childText("password", namespace: Namespace.bookmarks2),
            extensions: conference.child("extensions", namespace: Namespace.bookmarks2)?.elements ?? [])
    }

    /// Reads a pubsub `<item id='room'><conference/></item>`; nil without a room JID as id or a
    /// conference payload.
    public init?(item: XMLElement) {
        guard item.name == "item", let room = JID(parsing: item[attribute: "id"]),
            let conference = item.child("conference", namespace: Namespace.bookmarks2)
        else { return nil }
        self.init(room: room, conference: conference)
    }

    /// The XEP-0402 `<conference/>` payload.
    public var conference: XMLElement {
        var conference = XMLElement(
            "conference", namespace: Namespace.bookmarks2, ["name": name, "autojoin": autojoin ? "true" : nil])
        if let nick { conference.append(XMLElement("nick", namespace: Namespace.bookmarks2, [:], text: nick)) }
        if let password {
            conference.append(XMLElement("password", namespace: Namespace.bookmarks2, [:], text: password))
        }
        if !extensions.isEmpty {
            conference.append(XMLElement("extensions", namespace: Namespace.bookmarks2, [:], elements: extensions))
        }
        return conference
    }

    /// The pubsub item: the conference with the room's bare JID as id.
    public func item(namespace: String = Namespace.pubsub) -> XMLElement {
        XMLElement("item", namespace: namespace, ["id": room.bare.description], elements: [conference])
    }
}

/// XEP-0402 requests and notifications for the `urn:xmpp:bookmarks:1` PEP node. Requests go to
/// the account itself (no `to`).
///
///     <message from='juliet@capulet.lit' to='juliet@capulet.lit/balcony' type='headline' id='new-room1'>
///       <event xmlns='http://jabber.org/protocol/pubsub#event'>
///         <items node='urn:xmpp:bookmarks:1'>
///           <item id='theplay@conference.shakespeare.lit'>
///             <conference xmlns='urn:xmpp:bookmarks:1' name='The Play&apos;s the Thing' autojoin='1'/>
///           </item>
///         </items>
///       </event>
///     </message>
///
/// A publish the server cannot make private fails with `conflict` and a pubsub
/// `<precondition-not-met/>` (XEP-0060 §7.1.5): the node exists with another access model; do
/// not retry without the options, which would leak the bookmarks to contacts.
public enum Bookmarks {
    /// The PEP node and payload namespace.
    public static let node = Namespace.bookmarks2
    /// XEP-0402 §3.1: the caps feature that subscribes us to the node (XEP-0163).
    public static let notifyFeature = Namespace.bookmarks2 + "+notify"
    /// XEP-0402 §5.3: the server mirrors the node and XEP-0049 private storage.
    public static let compatFeature = Namespace.bookmarks2 + "#compat"

    /// XEP-0402 §3.3: the node configuration every publish asks for, so that the bookmarks stay
    /// stored, unbounded in number, never pushed on presence, and private.
    public static let publishOptions = PrivatePEP.publishOptions

    /// XEP-0402 §3.2: asks for every bookmark.
    public static func requestItems(id: String) -> XMLElement {
        pubsub(.get, id: id, XMLElement("items", namespace: Namespace.pubsub, ["node": node]))
    }

    /// The bookmarks of an items result; items that are no bookmark are left out. Nil when
    /// `result` is not a result for the bookmarks node.
    public static func items(_ result: XMLElement) -> [RoomBookmark]? {
        PrivatePEP.items(result, node: node)?.compactMap(RoomBookmark.init(item:))
    }

    /// XEP-0060 §6.5.8: asks for the bookmark of one room, which an edit starts from (so that
    /// another client's latest change and its `<extensions/>` are kept).
    public static func requestItem(room: JID, id: String) -> XMLElement {
        pubsub(
            .get, id: id,
            XMLElement(
                "items", namespace: Namespace.pubsub, ["node": node],
                elements: [XMLElement("item", namespace: Namespace.pubsub, ["id": room.bare.description])]))
    }

    /// XEP-0060 §7.1.5: the server refused a publish because the node is configured otherwise
    /// than `publishOptions` asks. Never publish again without the options.
    public static func isPreconditionNotMet(_ error: StanzaError) -> Bool { PrivatePEP.isPreconditionNotMet(error) }

    /// XEP-0402 §3.3-§3.4: adds or replaces a bookmark, with `publishOptions`.
    public static func publish(_ bookmark: RoomBookmark, id: String) -> XMLElement {
        pubsub(
            .set, id: id,
            XMLElement("publish", namespace: Namespace.pubsub, ["node": node], elements: [bookmark.item()]),
            XMLElement("publish-options", namespace: Namespace.pubsub, [:], elements: [publishOptions.element]))
    }

    /// XEP-0402 §3.5: removes the bookmark of `room`, notifying our other clients.
    public static func retract(room: JID, id: String) -> XMLElement {
        pubsub(
            .set, id: id,
            XMLElement(
                "retract", namespace: Namespace.pubsub, ["node": node, "notify": "true"],
                elements: [XMLElement("item", namespace: Namespace.pubsub, ["id": room.bare.description])]))
    }

    /// A change to the bookmarks, pushed by our server.
    public enum Event: Sendable, Hashable {
        /// Added or edited (§4: join if `autojoin`, leave if not).
        case published(RoomBookmark)
        /// Removed (§4: leave the room).
        case retracted(JID)
    }

    /// The changes in a bookmarks notification, in order. Nil when `message` is not one, and when
    /// it does not come from our own account: a PEP event for our bookmarks is accepted only with
    /// no `from` or `from` equal to `account`'s bare JID (CVE-2023-28686: anyone could otherwise
    /// push a bookmark that makes the client join a room).
    public static func events(_ message: XMLElement, account: JID) -> [Event]? {
        guard message.name == "message", message[attribute: "type"] != "error",
            isFromOwnAccount(message, account: account),
            let items = message.child("event", namespace: Namespace.pubsubEvent)?.child(
                "items", namespace: Namespace.pubsubEvent),
            items[attribute: "node"] == node
        else { return nil }
        return items.elements.compactMap { element in
            switch element.name {
            case "item": RoomBookmark(item: element).map(Event.published)
            case "retract": JID(parsing: element[attribute: "id"]).map(Event.retracted)
            default: nil
            }
        }
    }

    /// Security rule 4 (see `PrivatePEP.isFromOwnAccount`).
    public static func isFromOwnAccount(_ stanza: XMLElement, account: JID) -> Bool {
        PrivatePEP.isFromOwnAccount(stanza, account: account)
    }

    private static func pubsub(_ type: IQType, id: String, _ children: XMLElement...) -> XMLElement {
        .iq(type, id: id, payload: XMLElement("pubsub", namespace: Namespace.pubsub, [:], elements: children))
    }
}

/// XEP-0048 bookmarks in XEP-0049 private storage: all rooms in one `<storage/>`, read and
/// written whole, for servers without XEP-0402.
///
///     <iq type='set' id='1001'>
///       <query xmlns='jabber:iq:private'>
///         <storage xmlns='storage:bookmarks'>
///           <conference name='Council of Oberon' autojoin='true' jid='council@conference.underhill.org'>
///             <nick>Puck</nick>
///           </conference>
///         </storage>
///       </query>
///     </iq>
///
/// Writing replaces the whole list, so read, change and write back `others` (URL bookmarks and
/// anything else this client does not show) with the rooms.
public struct LegacyBookmarks: Sendable, Hashable {
    public var rooms: [RoomBookmark]
    /// The storage's children that are no room (`<url/>` bookmarks, other clients' additions).
    public var others: [XMLElement]

    public init(rooms: [RoomBookmark], others: [XMLElement] = []) {
        self.rooms = rooms
        self.others = others
    }

    /// Reads a `<storage xmlns='storage:bookmarks'/>`; conferences without a valid `jid` go to
    /// `others`, kept but not shown.
    public init?(storage: XMLElement) {
        guard storage.name == "storage", storage.namespace == Namespace.storageBookmarks else { return nil }
        var rooms: [RoomBookmark] = []
        var others: [XMLElement] = []
        for element in storage.elements {
            if element.name == "conference", element.namespace == Namespace.storageBookmarks,
                let room = JID(parsing: element[attribute: "jid"])
            {
                rooms.append(
                    RoomBookmark(
                        room: room, name: element[attribute: "name"],
                        autojoin: element[attribute: "autojoin"].flatMap(DataForm.Field.boolean) ?? false,
                        nick: element.childText("nick", namespace: Namespace.storageBookmarks),
                        password: element.childText("password", namespace: Namespace.storageBookmarks)))
            } else {
                others.append(element)
            }
        }
        self.init(rooms: rooms, others: others)
    }

    /// The bookmarks of a private storage result; nil for anything else.
    public init?(result: XMLElement) {
        guard result.iqType == .result,
            let storage = result.child("query", namespace: Namespace.privateStorage)?.child(
                "storage", namespace: Namespace.storageBookmarks)
        else { return nil }
        self.init(storage: storage)
    }

    /// The `<storage/>` element. XEP-0048 has no `<extensions/>`: a room's extensions are not
    /// written.
    public var storage: XMLElement {
        var storage = XMLElement("storage", namespace: Namespace.storageBookmarks)
        for room in rooms {
            var conference = XMLElement(
                "conference", namespace: Namespace.storageBookmarks,
                ["name": room.name, "autojoin": room.autojoin ? "true" : nil, "jid": room.room.bare.description])
            if let nick = room.nick {
                conference.append(XMLElement("nick", namespace: Namespace.storageBookmarks, [:], text: nick))
            }
            if let password = room.password {
                conference.append(XMLElement("password", namespace: Namespace.storageBookmarks, [:], text: password))
            }
            storage.append(conference)
        }
        for other in others { storage.append(other) }
        return storage
    }

    /// XEP-0048 §3.2: a server that mirrors private storage into the `storage:bookmarks` PEP node
    /// (ejabberd's XEP-0411 conversion, Prosody's `urn:xmpp:bookmarks:1#compat-pep`) notifies our
    /// clients that ask for it of the whole storage after each change.
    public static let notifyFeature = Namespace.storageBookmarks + "+notify"

    /// The storage a `storage:bookmarks` notification carries. Nil when `message` is none, and
    /// when it does not come from our own account (security rule 4, as for XEP-0402's).
    public static func event(_ message: XMLElement, account: JID) -> LegacyBookmarks? {
        guard message.name == "message", message[attribute: "type"] != "error",
            Bookmarks.isFromOwnAccount(message, account: account),
            let items = message.child("event", namespace: Namespace.pubsubEvent)?.child(
                "items", namespace: Namespace.pubsubEvent),
            items[attribute: "node"] == Namespace.storageBookmarks,
            let storage = items.children("item", namespace: Namespace.pubsubEvent).last?.child(
                "storage", namespace: Namespace.storageBookmarks)
        else { return nil }
        return LegacyBookmarks(storage: storage)
    }

    /// XEP-0049 Example 2: asks for the stored bookmarks.
    public static func request(id: String) -> XMLElement {
        .iq(
            .get, id: id,
            payload: XMLElement(
                "query", namespace: Namespace.privateStorage, [:],
                elements: [XMLElement("storage", namespace: Namespace.storageBookmarks)]))
    }

    /// XEP-0049 Example 1: stores these bookmarks, replacing what was stored.
    public func store(id: String) -> XMLElement {
        .iq(.set, id: id, payload: XMLElement("query", namespace: Namespace.privateStorage, [:], elements: [storage]))
    }
}
