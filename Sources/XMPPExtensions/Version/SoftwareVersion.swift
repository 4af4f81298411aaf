import XMPPCore

/// XEP-0092: Software Version — answers with our name and version (not the operating system, which
/// the XEP's security considerations advise keeping private), and asks others.
///
///     <iq type='result' to='romeo@montague.net/orchard' id='version_1'>
///       <query xmlns='jabber:iq:version'><name>Tern</name><version>0.1</version></query>
///     </iq>
public final class SoftwareVersion: SessionExtension {
    public let name: String
    public let version: String

    public init(name: String = "Tern", version: String) {
        self.name = name
        self.version = version
    }

    public var discoFeatures: [String] { [Namespace.version] }

    public func handle(_ stanza: XMLElement, in session: XMPPSession) -> Bool {
        guard stanza.iqType == .get, stanza.child("query", namespace: Namespace.version) != nil else { return false }
        session.send(
            stanza.iqResult(
                payload: XMLElement(
                    "query", namespace: Namespace.version, [:],
                    elements: [
                        XMLElement("name", namespace: Namespace.version, [:], text: name),
                        XMLElement("version", namespace: Namespace.version, [:], text: version),
                    ])))
        return true
    }

    /// Another entity's name and version (and OS, if it says).
    public static func query(
        _ jid: JID,
        in session: XMPPSession,
        completion: @escaping (Result<(name: String, version: String, os: String?), IQFailure>) -> Void
    ) {
        session.sendIQ(
            .iq(.get, id: session.makeID(), to: jid, payload: XMLElement("query", namespace: Namespace.version))
        ) {
            result in
            completion(
                result.map { response in
                    let query = response.child("query", namespace: Namespace.version)
                    return (query?.childText("name") ?? "?", query?.childText("version") ?? "?", query?.childText("os"))
                })
        }
    }
}
