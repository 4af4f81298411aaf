import XMPPCore

/// What every private PEP node of the account (XEP-0163) shares: bookmarks (XEP-0402) and
/// displayed state (XEP-0490) ask for the same node configuration with every publish, and their
/// notifications count only from the account itself.
///
///     <publish-options>
///       <x xmlns='jabber:x:data' type='submit'>
///         <field var='FORM_TYPE' type='hidden'><value>http://jabber.org/protocol/pubsub#publish-options</value></field>
///         <field var='pubsub#access_model'><value>whitelist</value></field>
///       </x>
///     </publish-options>
public enum PrivatePEP {
    /// XEP-0402 §3.3, XEP-0490 §4.2: items stay stored, unbounded in number, never pushed on
    /// presence, and private.
    public static let publishOptions = DataForm(
        type: .submit,
        fields: [
            .init(variable: "FORM_TYPE", type: .hidden, values: [Namespace.pubsubPublishOptions]),
            .init(variable: "pubsub#persist_items", values: ["true"]),
            .init(variable: "pubsub#max_items", values: ["max"]),
            .init(variable: "pubsub#send_last_published_item", values: ["never"]),
            .init(variable: "pubsub#access_model", values: ["whitelist"]),
        ])

    /// XEP-0060 §7.1.5: the server refused a publish because the node is configured otherwise
    /// than `publishOptions` asks. Never publish again without the options.
    public static func isPreconditionNotMet(_ error: StanzaError) -> Bool {
        error.applicationCondition?.name == "precondition-not-met"
            && error.applicationCondition?.namespace == Namespace.pubsubErrors
    }

    /// Security rule 4: our own data comes from nobody but our account (no `from`, which the
    /// server means as itself on our behalf, or exactly our bare JID: not a full JID, not the
    /// server's domain).
    public static func isFromOwnAccount(_ stanza: XMLElement, account: JID) -> Bool {
        guard let from = stanza[attribute: "from"] else { return true }
        return JID(parsing: from) == account.bare
    }

    /// The `<item/>`s of an items result for `node`; nil when `result` is not one.
    public static func items(_ result: XMLElement, node: String) -> [XMLElement]? {
        guard result.iqType == .result,
            let items = result.child("pubsub", namespace: Namespace.pubsub)?.child(
                "items", namespace: Namespace.pubsub),
            items[attribute: "node"] == node
        else { return nil }
        return items.children("item", namespace: Namespace.pubsub)
    }

    /// An `<iq/>` to the account's own PEP service (no `to`) with a `<pubsub/>` of `children`.
    public static func request(_ type: IQType, id: String, _ children: [XMLElement]) -> XMLElement {
        .iq(type, id: id, payload: XMLElement("pubsub", namespace: Namespace.pubsub, [:], elements: children))
    }
}
