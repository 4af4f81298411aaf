import XMPPCore

/// Reading and writing the `<encrypted/>` element.
extension OMEMOEncrypted {
    /// Reads an `<encrypted/>` of either version. Other children are ignored; a missing or
    /// invalid sender, device id or base64, a repeated recipient device or account, an IV (0.3) of the wrong
    /// length or more than `maximumKeys` keys refuse the whole element.
    public init(_ element: XMLElement) throws(OMEMOElementError) {
        guard element.name == "encrypted", let version = OMEMOVersion(namespace: element.namespace) else {
            throw .missing("encrypted element")
        }
        let namespace = version.namespace
        guard let header = element.child("header", namespace: namespace) else { throw .missing("header") }
        var keys: [Key] = []
        switch version {
        case .legacy:
            for key in header.children("key", namespace: namespace) {
                try Self.append(key, account: nil, flag: "prekey", to: &keys)
            }
        case .omemo2:
            for group in header.children("keys", namespace: namespace) {
                guard let text = group[attribute: "jid"] else { throw .missing("recipient address") }
                guard let account = JID(parsing: text), account.isBare else { throw .invalidJID("recipient address") }
                guard !keys.contains(where: { $0.account == account }) else { throw .duplicateAccount }
                for key in group.children("key", namespace: namespace) {
                    try Self.append(key, account: account, flag: "kex", to: &keys)
                }
            }
        }
        self.init(
            version: version, sender: try header.omemoID("sid", "sender device id"), keys: keys,
            iv: try Self.iv(header, version),
            payload: try element.child("payload", namespace: namespace)?.omemoBytes("payload"))
    }

    private static func append(_ element: XMLElement, account: JID?, flag: String, to keys: inout [Key])
        throws(OMEMOElementError)
    {
        guard keys.count < maximumKeys else { throw .tooMany("keys", limit: maximumKeys) }
        let device = try element.omemoID("rid", "recipient device id")
        guard !keys.contains(where: { $0.device == device && $0.account == account }) else {
            throw .duplicateID(device)
        }
        let data = try element.omemoBytes("key")
        guard !data.isEmpty, data.count <= ProtobufReader.defaultMaximumSize else { throw .invalidKey("key") }
        keys.append(Key(account: account, device: device, isKeyExchange: element.omemoFlag(flag), data: data))
    }

    private static func iv(_ header: XMLElement, _ version: OMEMOVersion) throws(OMEMOElementError) -> [UInt8]? {
        guard version == .legacy else { return nil }
        guard let element = header.child("iv", namespace: version.namespace) else { throw .missing("iv") }
        let iv = try element.omemoBytes("iv")
        guard iv.count == 12 || iv.count == 16 else { throw .invalidKey("iv") }
        return iv
    }

    /// The `<encrypted/>` element (in OMEMO 2, keys without an account are left out).
    public var element: XMLElement {
        let namespace = version.namespace
        var header = XMLElement("header", namespace: namespace, ["sid": String(sender)])
        switch version {
        case .legacy:
            for key in keys { header.append(Self.keyElement(key, flag: "prekey", namespace)) }
            if let iv { header.append(XMLElement("iv", namespace: namespace, [:], text: OMEMOKey.base64(iv))) }
        case .omemo2:
            var accounts: [JID] = []
            for account in keys.compactMap(\.account) where !accounts.contains(account) { accounts.append(account) }
            for account in accounts {
                header.append(
                    XMLElement(
                        "keys", namespace: namespace, ["jid": account.description],
                        elements: keys.filter { $0.account == account }.map {
                            Self.keyElement($0, flag: "kex", namespace)
                        }))
            }
        }
        var encrypted = XMLElement("encrypted", namespace: namespace, [:], elements: [header])
        if let payload {
            encrypted.append(XMLElement("payload", namespace: namespace, [:], text: OMEMOKey.base64(payload)))
        }
        return encrypted
    }

    private static func keyElement(_ key: Key, flag: String, _ namespace: String) -> XMLElement {
        XMLElement(
            "key", namespace: namespace, ["rid": String(key.device), flag: key.isKeyExchange ? "true" : nil],
            text: OMEMOKey.base64(key.data))
    }
}
