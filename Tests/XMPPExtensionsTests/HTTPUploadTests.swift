import TestSupport
import Testing
import XMPPCore
import XMPPExtensions

/// XEP-0363 (HTTP File Upload) and XEP-0066 (Out of Band Data) with the XEPs' own examples, and
/// one test per security rule of XEP-0363 §5 and §7.
@Suite struct HTTPUploadTests {
    /// XEP-0363 Example 4, as the service answers.
    static let slotExample = """
        <iq from='upload.montague.tld' id='step_03' to='romeo@montague.tld/garden' type='result'>
          <slot xmlns='urn:xmpp:http:upload:0'>
            <put url='https://upload.montague.tld/4a771ac1-f0b2-4a4a-9700-f2a26fa2bb67/tr%C3%A8s%20cool.jpg'>
              <header name='Authorization'>Basic Base64String==</header>
              <header name='Cookie'>foo=bar; user=romeo</header>
            </put>
            <get url='https://download.montague.tld/4a771ac1-f0b2-4a4a-9700-f2a26fa2bb67/tr%C3%A8s%20cool.jpg' />
          </slot>
        </iq>
        """

    func slot(
        put: String = "https://upload.example/a/b.jpg", get: String = "https://download.example/a/b.jpg",
        headers: String = ""
    ) -> String {
        "<iq type='result' id='x' from='upload.example'><slot xmlns='urn:xmpp:http:upload:0'>"
            + "<put url='\(put)'>\(headers)</put><get url='\(get)'/></slot></iq>"
    }

    /// Example 1-2: the service's disco#info with its identity, feature and size limit.
    @Test func theServiceIsFoundByItsIdentityAndFeatureWithItsSizeLimit() throws {
        let answer = try #require(
            XMLElement.parse(
                """
                <iq from='upload.montague.tld' id='step_02' to='romeo@montague.tld/garden' type='result'>
                  <query xmlns='http://jabber.org/protocol/disco#info'>
                    <identity category='store' type='file' name='HTTP File Upload' />
                    <feature var='urn:xmpp:http:upload:0' />
                    <x type='result' xmlns='jabber:x:data'>
                      <field var='FORM_TYPE' type='hidden'><value>urn:xmpp:http:upload:0</value></field>
                      <field var='max-file-size'><value>5242880</value></field>
                    </x>
                  </query>
                </iq>
                """))
        let info = try #require(DiscoInfo(result: answer))
        let service = try #require(HTTPUpload.Service(jid: try JID("upload.montague.tld"), info: info))
        #expect(service.maximumFileSize == 5_242_880)
        // A conference service is not an upload service, even with the feature named.
        let other = DiscoInfo(
            identities: [.init(category: "conference", type: "text", name: nil, lang: nil)],
            features: [Namespace.httpUpload])
        #expect(HTTPUpload.Service(jid: try JID("chat.montague.tld"), info: other) == nil)
    }

    /// Example 3: the request names the file, its size and content type.
    @Test func theSlotRequestIsExample3() throws {
        let request = HTTPUpload.request(
            to: try JID("upload.montague.tld"), filename: "très cool.jpg", size: 23456, contentType: "image/jpeg",
            id: "step_03")
        #expect(
            request.matches(
                "<iq id='step_03' to='upload.montague.tld' type='get'><request xmlns='urn:xmpp:http:upload:0'"
                    + " filename='très cool.jpg' size='23456' content-type='image/jpeg'/></iq>"))
    }

    /// Example 4: both URLs and the two headers.
    @Test func theSlotOfExample4GivesBothURLsAndItsHeaders() throws {
        let slot = try HTTPUpload.Slot(result: try #require(XMLElement.parse(Self.slotExample)))
        #expect(slot.putURL == "https://upload.montague.tld/4a771ac1-f0b2-4a4a-9700-f2a26fa2bb67/tr%C3%A8s%20cool.jpg")
        #expect(slot.getURL.hasPrefix("https://download.montague.tld/"))
        #expect(
            slot.headers == [
                .init(name: "Authorization", value: "Basic Base64String=="),
                .init(name: "Cookie", value: "foo=bar; user=romeo"),
            ])
    }

    /// §5: only Authorization, Cookie and Expires go into the PUT; any other header is dropped.
    @Test func headersOutsideTheAllowedThreeAreDropped() throws {
        let slot = try HTTPUpload.Slot(
            result: try #require(
                XMLElement.parse(
                    slot(
                        headers: "<header name='Host'>evil.example</header><header name='expires'>Tue</header>"
                            + "<header name='Content-Length'>1</header>"))))
        #expect(slot.headers == [.init(name: "Expires", value: "Tue")])
    }

    /// §5: a header value with a line break would smuggle another header into the request: the
    /// whole slot is refused.
    @Test func aHeaderWithALineBreakMakesTheSlotRefused() throws {
        let injected = slot(headers: "<header name='Cookie'>a=b&#13;&#10;Host: evil.example</header>")
        #expect(throws: HTTPUpload.SlotError.headerInjection("Cookie")) {
            try HTTPUpload.Slot(result: try #require(XMLElement.parse(injected)))
        }
        let inName = slot(headers: "<header name='Cookie&#10;X'>a</header>")
        #expect(throws: HTTPUpload.SlotError.headerInjection("Cookie\nX")) {
            try HTTPUpload.Slot(result: try #require(XMLElement.parse(inName)))
        }
    }

    /// §7: both URLs must be HTTPS; plain HTTP only on this machine (a test server).
    @Test func aURLThatIsNotHTTPSIsRefusedExceptOnLoopback() throws {
        for put in ["http://upload.example/a", "ftp://upload.example/a", "file:///etc/passwd", "javascript:x"] {
            #expect(throws: HTTPUpload.SlotError.insecureURL(put)) {
                try HTTPUpload.Slot(result: try #require(XMLElement.parse(slot(put: put))))
            }
        }
        let local = try HTTPUpload.Slot(
            result: try #require(
                XMLElement.parse(slot(put: "http://127.0.0.1:5280/share/a", get: "http://localhost:5280/share/a"))))
        #expect(local.getURL == "http://localhost:5280/share/a")
        #expect(throws: HTTPUpload.SlotError.malformed) {
            try HTTPUpload.Slot(
                result: try #require(
                    XMLElement.parse("<iq type='result' from='u'><slot xmlns='urn:xmpp:http:upload:0'/></iq>")))
        }
    }

    /// XEP-0066 Example (in a message): the URL is read back; the element is built the same way.
    @Test func theOutOfBandURLOfAMessageIsReadAndWritten() throws {
        let message = try #require(
            XMLElement.parse(
                """
                <message from='stpeter@jabber.org/work' to='MaineBoy@jabber.org/home'>
                  <body>Yeah, but do you have a license to Jabber?</body>
                  <x xmlns='jabber:x:oob'><url>http://www.jabber.org/images/psa-license.jpg</url></x>
                </message>
                """))
        #expect(OutOfBandData.url(in: message) == "http://www.jabber.org/images/psa-license.jpg")
        #expect(ChatMessage(message).outOfBandURL == "http://www.jabber.org/images/psa-license.jpg")
        #expect(
            OutOfBandData.element(url: "https://a.example/f.png").matches(
                "<x xmlns='jabber:x:oob'><url>https://a.example/f.png</url></x>"))
    }

    @Test func urlPartsGiveTheDecodedFileNameAndRejectWhatIsNotOneHTTPURL() throws {
        let parts = try #require(URLParts("https://Upload.Example:8443/x/tr%C3%A8s%20cool.jpg?sig=1"))
        #expect(parts.host == "upload.example")
        #expect(parts.fileName == "très cool.jpg")
        #expect(URLParts("https://a.example/one two") == nil)
        #expect(URLParts("mailto:someone@example.org") == nil)
        #expect(URLParts("https:///path") == nil)
        #expect(URLParts("http://[::1]:80/a")?.isLoopback == true)
        #expect(URLParts("http://127.0.0.2/a")?.isLoopback == true)
        #expect(URLParts("http://localhost.example/a")?.isLoopback == false)
    }
}
