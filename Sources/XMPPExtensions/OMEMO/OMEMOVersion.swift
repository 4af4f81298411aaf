import XMPPCore

/// The two OMEMO versions (XEP-0384) and where each keeps its device list and bundles in PEP.
/// OMEMO 0.3 keeps one bundle node per device; OMEMO 2 one node with an item per device.
///
///     <publish node='eu.siacs.conversations.axolotl.devicelist'>
///     <publish node='eu.siacs.conversations.axolotl.bundles:31415'>
///     <publish node='urn:xmpp:omemo:2:devices'>
///     <publish node='urn:xmpp:omemo:2:bundles'><item id='31415'>
public enum OMEMOVersion: Sendable, Hashable, CaseIterable {
    /// XEP-0384 version 0.3 (`eu.siacs.conversations.axolotl`), libsignal's wire format.
    case legacy
    /// XEP-0384 version 0.8 and later (`urn:xmpp:omemo:2`).
    case omemo2

    /// The version whose elements are in `namespace`; nil for any other namespace.
    public init?(namespace: String?) {
        switch namespace {
        case Namespace.omemoLegacy: self = .legacy
        case Namespace.omemo2: self = .omemo2
        default: return nil
        }
    }

    /// The namespace of the version's elements.
    public var namespace: String {
        switch self {
        case .legacy: Namespace.omemoLegacy
        case .omemo2: Namespace.omemo2
        }
    }

    /// The PEP node of the device list.
    public var devicesNode: String {
        switch self {
        case .legacy: Namespace.omemoLegacy + ".devicelist"
        case .omemo2: Namespace.omemo2 + ":devices"
        }
    }

    /// The PEP node holding the bundle of `device`.
    public func bundlesNode(device: UInt32) -> String {
        switch self {
        case .legacy: Namespace.omemoLegacy + ".bundles:\(device)"
        case .omemo2: Namespace.omemo2 + ":bundles"
        }
    }

    /// The id of the item holding the bundle of `device` (XEP-0060 §12.20's singleton `current`
    /// in 0.3, the device id in OMEMO 2).
    public func bundleItemID(device: UInt32) -> String {
        switch self {
        case .legacy: "current"
        case .omemo2: String(device)
        }
    }

    /// The node configuration a device list publish asks for: XEP-0384 §Device list requires
    /// open access (so that contacts without a presence subscription can start sessions); 0.3
    /// deployments ask for the same.
    public var devicesPublishOptions: DataForm { Self.publishOptions(["pubsub#access_model": "open"]) }

    /// The node configuration a bundle publish asks for: open access, and in OMEMO 2 (where all
    /// bundles share a node) as many items as the server allows (XEP-0384 §Bundles).
    public var bundlesPublishOptions: DataForm {
        switch self {
        case .legacy: Self.publishOptions(["pubsub#access_model": "open"])
        case .omemo2: Self.publishOptions(["pubsub#max_items": "max", "pubsub#access_model": "open"])
        }
    }

    private static func publishOptions(_ values: KeyValuePairs<String, String>) -> DataForm {
        DataForm(
            type: .submit,
            fields: [.init(variable: "FORM_TYPE", type: .hidden, values: [Namespace.pubsubPublishOptions])]
                + values.map { .init(variable: $0.key, values: [$0.value]) })
    }
}
