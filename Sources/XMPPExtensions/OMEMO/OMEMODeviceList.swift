import XMPPCore

/// XEP-0384 §Device list: the devices of an account, published to PEP. Version 0.3 (example
/// from version 0.3 of the XEP):
///
///     <list xmlns='eu.siacs.conversations.axolotl'>
///       <device id='12345' />
///       <device id='4223' />
///     </list>
///
/// OMEMO 2, where a device may carry a label signed with its identity key:
///
///     <devices xmlns='urn:xmpp:omemo:2'>
///       <device id='12345' />
///       <device id='4223' label='Gajim on Ubuntu Linux' labelsig='b64/encoded/data' />
///     </devices>
public struct OMEMODeviceList: Sendable, Hashable {
    /// One device: its id and, in OMEMO 2, its label with the label's signature.
    public struct Device: Sendable, Hashable {
        public var id: UInt32
        /// The label, kept only with a signature (which the caller checks before showing it).
        public var label: String?
        public var labelSignature: [UInt8]?

        public init(id: UInt32, label: String? = nil, labelSignature: [UInt8]? = nil) {
            self.id = id
            self.label = label
            self.labelSignature = labelSignature
        }
    }

    public var version: OMEMOVersion
    public var devices: [Device]

    /// At most this many devices are read from a list.
    public static let maximumDevices = 1_000
    /// Labels longer than this many characters are dropped (the XEP recommends under 53).
    public static let maximumLabelLength = 200

    public init(version: OMEMOVersion, devices: [Device]) {
        self.version = version
        self.devices = devices
    }

    /// The ids of the devices, in order.
    public var ids: [UInt32] { devices.map(\.id) }

    /// Reads a `<list/>` (0.3) or `<devices/>` (OMEMO 2). Other children are ignored; ids out of
    /// range, repeated ids and more than `maximumDevices` refuse the whole list.
    public init(_ element: XMLElement) throws(OMEMOElementError) {
        guard let version = OMEMOVersion(namespace: element.namespace), element.name == Self.elementName(version)
        else { throw .missing("device list") }
        var devices: [Device] = []
        for child in element.children("device", namespace: version.namespace) {
            guard devices.count < Self.maximumDevices else { throw .tooMany("devices", limit: Self.maximumDevices) }
            let id = try child.omemoID("id", "device id")
            guard !devices.contains(where: { $0.id == id }) else { throw .duplicateID(id) }
            devices.append(Self.device(id: id, child, version))
        }
        self.init(version: version, devices: devices)
    }

    private static func device(id: UInt32, _ element: XMLElement, _ version: OMEMOVersion) -> Device {
        guard version == .omemo2, let label = element[attribute: "label"], !label.isEmpty,
            label.count <= maximumLabelLength,
            let signature = element[attribute: "labelsig"].flatMap(OMEMOKey.base64),
            signature.count == OMEMOKey.signatureLength
        else { return Device(id: id) }
        return Device(id: id, label: label, labelSignature: signature)
    }

    /// The list's element name: `<list/>` in 0.3, `<devices/>` in OMEMO 2.
    static func elementName(_ version: OMEMOVersion) -> String {
        version == .legacy ? "list" : "devices"
    }

    /// The `<list/>` or `<devices/>` element.
    public var element: XMLElement {
        XMLElement(
            Self.elementName(version), namespace: version.namespace, [:],
            elements: devices.map { device in
                let signed = version == .omemo2 && device.label != nil && device.labelSignature != nil
                return XMLElement(
                    "device", namespace: version.namespace,
                    [
                        "id": String(device.id), "label": signed ? device.label : nil,
                        "labelsig": signed ? device.labelSignature.map(OMEMOKey.base64) : nil,
                    ])
            })
    }

    /// XEP-0384 §Device list: publishes the list as the node's `current` item, with
    /// `OMEMOVersion.devicesPublishOptions`.
    public func publish(id: String) -> XMLElement {
        OMEMOVersion.publish(
            id: id, node: version.devicesNode, item: "current", element, options: version.devicesPublishOptions)
    }

    /// XEP-0384 §Group Chats: asks `account` for its device list.
    public static func request(_ version: OMEMOVersion, from account: JID, id: String) -> XMLElement {
        OMEMOVersion.requestItems(node: version.devicesNode, item: nil, from: account, id: id)
    }
}

extension OMEMOVersion {
    /// Asks `account`'s PEP service for the items of `node` (only item `item`, if given).
    static func requestItems(node: String, item: String?, from account: JID, id: String) -> XMLElement {
        let items = XMLElement(
            "items", namespace: Namespace.pubsub, ["node": node],
            elements: item.map { [XMLElement("item", namespace: Namespace.pubsub, ["id": $0])] } ?? [])
        return .iq(
            .get, id: id, to: account.bare,
            payload: XMLElement("pubsub", namespace: Namespace.pubsub, [:], elements: [items]))
    }

    /// A publish of `payload` as item `item` of `node` to the account's own PEP service.
    static func publish(id: String, node: String, item: String, _ payload: XMLElement, options: DataForm)
        -> XMLElement
    {
        .iq(
            .set, id: id,
            payload: XMLElement(
                "pubsub", namespace: Namespace.pubsub, [:],
                elements: [
                    XMLElement(
                        "publish", namespace: Namespace.pubsub, ["node": node],
                        elements: [XMLElement("item", namespace: Namespace.pubsub, ["id": item], elements: [payload])]),
                    XMLElement("publish-options", namespace: Namespace.pubsub, [:], elements: [options.element]),
                ]))
    }
}
