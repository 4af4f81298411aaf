import XMPPCore

/// XEP-0384 §Device list and §Bundles as PEP (XEP-0163) delivers them: a device list pushed to
/// everyone who asked with `+notify`, and the answers to item requests for a device list or a
/// bundle. A device list is the list of the account that publishes it, so a notification counts
/// only from a bare JID (a full JID or no `from` at all names no account's node); the caller
/// checks the owner against whom it asked.
///
///     <message from='juliet@capulet.lit' to='romeo@montague.lit' id='annoyingmessage'>
///       <event xmlns='http://jabber.org/protocol/pubsub#event'>
///         <items node='urn:xmpp:omemo:2:devices'>
///           <item id='current'>
///             <devices xmlns='urn:xmpp:omemo:2'>
///               <device id='12345' />
///               <device id='4223' label='Gajim on Ubuntu Linux' />
///             </devices>
///           </item>
///         </items>
///       </event>
///     </message>
public enum OMEMOPEP {
    /// The features that ask the server to push contacts' device lists of both versions.
    public static let notifyFeatures = OMEMOVersion.allCases.map { $0.devicesNode + "+notify" }

    /// A device list pushed by PEP: whose it is (the bare JID that sent it) and the list.
    public struct DeviceListNotification: Sendable, Hashable {
        public var owner: JID
        public var list: OMEMODeviceList
    }

    /// Whether `stanza` is a PEP notification of a device list of either version (well formed or
    /// not, from anyone).
    public static func isDeviceListNotification(_ stanza: XMLElement) -> Bool {
        guard stanza.name == "message", let items = eventItems(stanza) else { return false }
        return OMEMOVersion.allCases.contains { items[attribute: "node"] == $0.devicesNode }
    }

    /// The device list in a notification: refused when it does not come from a bare JID, names no
    /// device list node, or its last item holds no valid list. An emptied node is an empty list.
    public static func deviceList(_ message: XMLElement) throws(OMEMOElementError) -> DeviceListNotification {
        guard let from = message.from, from.isBare else {
            throw .invalidJID("notification's sender")
        }
        guard let items = eventItems(message),
            let version = OMEMOVersion.allCases.first(where: { items[attribute: "node"] == $0.devicesNode })
        else { throw .missing("device list node") }
        let item = items.children("item", namespace: Namespace.pubsubEvent).last
        guard let payload = item?.child(OMEMODeviceList.elementName(version), namespace: version.namespace) else {
            // An emptied node (all items retracted): no device is announced any more.
            return DeviceListNotification(owner: from, list: OMEMODeviceList(version: version, devices: []))
        }
        return DeviceListNotification(owner: from, list: try OMEMODeviceList(payload))
    }

    /// The device list in an items result of `version`'s device list node; an empty list when the
    /// node holds no item.
    public static func deviceList(result: XMLElement, _ version: OMEMOVersion) throws(OMEMOElementError)
        -> OMEMODeviceList
    {
        let item = try resultItems(result, node: version.devicesNode).last
        guard let payload = item?.child(OMEMODeviceList.elementName(version), namespace: version.namespace) else {
            return OMEMODeviceList(version: version, devices: [])
        }
        return try OMEMODeviceList(payload)
    }

    /// The bundle of `device` in an items result of its bundle node.
    public static func bundle(result: XMLElement, _ version: OMEMOVersion, device: UInt32) throws(OMEMOElementError)
        -> OMEMOBundle
    {
        let items = try resultItems(result, node: version.bundlesNode(device: device))
        let item =
            version == .omemo2
            ? items.first { $0[attribute: "id"] == version.bundleItemID(device: device) } : items.last
        guard let payload = item?.child("bundle", namespace: version.namespace) else {
            throw .missing("bundle of device \(device)")
        }
        return try OMEMOBundle(payload)
    }

    /// The items of `node` in a result; none in an empty result (a server with nothing to say).
    private static func resultItems(_ result: XMLElement, node: String) throws(OMEMOElementError) -> [XMLElement] {
        guard result.iqType == .result else { throw .missing("items of \(node)") }
        guard result.child("pubsub", namespace: Namespace.pubsub) != nil else { return [] }
        guard
            let items = result.child("pubsub", namespace: Namespace.pubsub)?.child(
                "items", namespace: Namespace.pubsub),
            items[attribute: "node"] == node
        else { throw .missing("items of \(node)") }
        return items.children("item", namespace: Namespace.pubsub)
    }

    private static func eventItems(_ message: XMLElement) -> XMLElement? {
        message.child("event", namespace: Namespace.pubsubEvent)?.child("items", namespace: Namespace.pubsubEvent)
    }
}
