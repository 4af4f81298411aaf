import XMPPCore

/// XEP-0420: Stanza Content Encryption — the `<envelope/>` an end-to-end encryption encrypts: the
/// stanza's sensitive elements in `<content/>` and affix elements against attacks on the ciphertext
/// (random padding, a timestamp, the sender and recipient):
///
///     <envelope xmlns='urn:xmpp:sce:1'>
///       <content>
///         <body xmlns='jabber:client'>Hello World!</body>
///       </content>
///       <rpad>C1DHN9HK-9A25tSmwK4hU!Jji9%GKYK^syIlHJT9TnI4</rpad>
///       <time stamp='2004-01-25T06:05:00+01:00'/>
///       <to jid='missioncontrol@houston.nasa.gov'/>
///       <from jid='opportunity@mars.planet'/>
///     </envelope>
///
/// Which affixes are required and how they are checked is the encryption's profile
/// (`SCEEnvelope+OMEMO`). Server-processed elements (XEP-0334 hints, XEP-0359 stanza-ids, XEP-0033
/// addresses, XEP-0380 EME) never belong in the content: they are dropped when reading one
/// and when building one (§Server-processed Elements).
public struct SCEEnvelope: Sendable, Hashable {
    /// The elements of `<content/>`, each in its own namespace.
    public var content: [XMLElement]
    /// The `<rpad/>` padding's text; nil without one.
    public var padding: String?
    /// The `<time stamp/>` in UTC milliseconds; nil without one.
    public var time: Int64?
    /// The `<to jid/>` address; nil without one.
    public var to: JID?
    /// The `<from jid/>` address; nil without one.
    public var from: JID?
    /// Other children of the envelope: affixes of a profile this type does not know.
    public var otherAffixes: [XMLElement]

    public init(
        content: [XMLElement], padding: String? = nil, time: Int64? = nil, to: JID? = nil, from: JID? = nil,
        otherAffixes: [XMLElement] = []
    ) {
        self.content = content.filter { !Self.isServerProcessed($0) }
        self.padding = padding
        self.time = time
        self.to = to
        self.from = from
        self.otherAffixes = otherAffixes
    }

    /// Reads an `<envelope/>`: exactly one `<content/>`, each affix at most once, `to` and `from` with a
    /// JID, `time` with a XEP-0082 stamp, every content element in a namespace other than SCE's.
    /// Server-processed content elements are dropped.
    public init(_ element: XMLElement) throws(SCEError) {
        guard element.name == "envelope", element.namespace == Namespace.sce else { throw .notAnEnvelope }
        var affixes: [String: XMLElement] = [:]
        var others: [XMLElement] = []
        for child in element.elements {
            guard child.namespace == Namespace.sce, Self.affixNames.contains(child.name) else {
                others.append(child)
                continue
            }
            guard affixes[child.name] == nil else { throw .duplicate(child.name) }
            affixes[child.name] = child
        }
        guard let content = affixes["content"] else { throw .missing("content") }
        for item in content.elements where item.namespace == nil || item.namespace == Namespace.sce {
            throw .unqualified(item.name)
        }
        self.init(
            content: content.elements, padding: affixes["rpad"]?.text, time: try Self.time(affixes["time"]),
            to: try Self.address(affixes["to"], "to"), from: try Self.address(affixes["from"], "from"),
            otherAffixes: others)
    }

    /// The `<envelope/>` element.
    public var element: XMLElement {
        var envelope = XMLElement(
            "envelope", namespace: Namespace.sce, [:],
            elements: [XMLElement("content", namespace: Namespace.sce, [:], elements: content)])
        if let padding { envelope.append(XMLElement("rpad", namespace: Namespace.sce, [:], text: padding)) }
        if let time {
            envelope.append(
                XMLElement("time", namespace: Namespace.sce, ["stamp": XMPPDateTime.string(fromMilliseconds: time)]))
        }
        if let to { envelope.append(XMLElement("to", namespace: Namespace.sce, ["jid": to.description])) }
        if let from { envelope.append(XMLElement("from", namespace: Namespace.sce, ["jid": from.description])) }
        for affix in otherAffixes { envelope.append(affix) }
        return envelope
    }

    /// The children of an envelope this type reads.
    static let affixNames: Set<String> = ["content", "rpad", "time", "to", "from"]

    /// Whether an element is one the server processes, which an envelope never carries.
    public static func isServerProcessed(_ element: XMLElement) -> Bool {
        switch element.namespace {
        case Namespace.hints, Namespace.addresses, Namespace.eme: true
        case Namespace.stanzaID: element.name == "stanza-id"
        default: false
        }
    }

    private static func time(_ element: XMLElement?) throws(SCEError) -> Int64? {
        guard let element else { return nil }
        guard let stamp = element[attribute: "stamp"] else { throw .missing("time stamp") }
        guard let time = XMPPDateTime.milliseconds(from: stamp) else { throw .invalid("time") }
        return time
    }

    private static func address(_ element: XMLElement?, _ name: String) throws(SCEError) -> JID? {
        guard let element else { return nil }
        guard let text = element[attribute: "jid"] else { throw .missing("\(name) address") }
        guard let jid = JID(parsing: text) else { throw .invalid(name) }
        return jid
    }
}
