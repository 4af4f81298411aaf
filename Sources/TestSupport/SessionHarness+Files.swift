import XMPPCore

extension SessionHarness {
    /// Answers the account's upload service discovery (the last disco#items query to `domain`,
    /// files ask after rooms): `upload.DOMAIN` is an XEP-0363 service taking files up to
    /// `maximumSize` bytes.
    public func answerUploadService(domain: String, maximumSize: Int = 5_242_880) {
        let itemsNamespace = "http://jabber.org/protocol/disco#items"
        let infoNamespace = "http://jabber.org/protocol/disco#info"
        guard let items = takeWrittenElements().last(where: { $0.child("query", namespace: itemsNamespace) != nil })
        else { return }
        serverSends(
            "<iq type='result' id='\(items.id!)' from='\(domain)'><query xmlns='\(itemsNamespace)'>"
                + "<item jid='upload.\(domain)'/></query></iq>")
        guard let info = takeWrittenElements().first(where: { $0[attribute: "to"] == "upload.\(domain)" }) else {
            return
        }
        serverSends(
            "<iq type='result' id='\(info.id!)' from='upload.\(domain)'><query xmlns='\(infoNamespace)'>"
                + "<identity category='store' type='file'/><feature var='urn:xmpp:http:upload:0'/>"
                + "<x type='result' xmlns='jabber:x:data'>"
                + "<field var='FORM_TYPE' type='hidden'><value>urn:xmpp:http:upload:0</value></field>"
                + "<field var='max-file-size'><value>\(maximumSize)</value></field></x></query></iq>")
    }
}
