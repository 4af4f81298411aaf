import Foundation
import XMPPCore

extension Namespace {
    public static let httpUpload = "urn:xmpp:http:upload:0"
    public static let outOfBandData = "jabber:x:oob"
}

/// XEP-0363 HTTP File Upload: the upload service (§2), a slot request (§4) and the slot it grants.
///
///     <iq from='romeo@montague.tld/garden' id='step_03' to='upload.montague.tld' type='get'>
///       <request xmlns='urn:xmpp:http:upload:0' filename='très cool.jpg' size='23456'
///                content-type='image/jpeg'/>
///     </iq>
///
///     <iq from='upload.montague.tld' id='step_03' to='romeo@montague.tld/garden' type='result'>
///       <slot xmlns='urn:xmpp:http:upload:0'>
///         <put url='https://upload.montague.tld/4a771ac1-f0b2-4a4a-9700-f2a26fa2bb67/tr%C3%A8s%20cool.jpg'>
///           <header name='Authorization'>Basic Base64String==</header>
///           <header name='Cookie'>foo=bar; user=romeo</header>
///         </put>
///         <get url='https://download.montague.tld/4a771ac1-f0b2-4a4a-9700-f2a26fa2bb67/tr%C3%A8s%20cool.jpg'/>
///       </slot>
///     </iq>
///
/// Security (§5, §7): the slot is taken only from the service it was asked of (the session matches
/// an IQ result by id and sender); only the headers §5 allows go into the PUT (Authorization,
/// Cookie, Expires), and a header value with a line break or NUL makes the whole slot refused, since
/// it could smuggle another header into the request; both URLs must be HTTPS, except on a loopback
/// host (a test server).
public enum HTTPUpload {
    /// The headers a slot may set on the PUT request (§5); any other is left out.
    public static let allowedHeaders = ["Authorization", "Cookie", "Expires"]

    /// An upload service (§2): its address and the largest file it takes, when it says.
    public struct Service: Sendable, Hashable {
        public var jid: JID
        public var maximumFileSize: Int64?

        public init(jid: JID, maximumFileSize: Int64? = nil) {
            self.jid = jid
            self.maximumFileSize = maximumFileSize
        }

        /// The service `info` describes: identity `store/file` and the feature; `max-file-size`
        /// from its `urn:xmpp:http:upload:0` form. Nil when `info` is not an upload service.
        public init?(jid: JID, info: DiscoInfo) {
            guard info.features.contains(Namespace.httpUpload),
                info.identities.contains(where: { $0.category == "store" && $0.type == "file" })
            else { return nil }
            self.jid = jid
            maximumFileSize = info.forms.first { $0.type == Namespace.httpUpload }?.fields["max-file-size"]?.first
                .flatMap { Int64($0.trimmingCharacters(in: .whitespaces)) }
        }
    }

    /// §4 Example 3: asks `service` for a slot for a file.
    public static func request(to service: JID, filename: String, size: Int64, contentType: String?, id: String)
        -> XMLElement
    {
        let request = XMLElement(
            "request", namespace: Namespace.httpUpload,
            ["filename": filename, "size": String(size), "content-type": contentType])
        return .iq(.get, id: id, to: service, payload: request)
    }

    /// A slot (§4 Example 4): where to PUT the file, with which headers, and where it can then be fetched.
    public struct Slot: Sendable, Hashable {
        public var putURL: String
        public var getURL: String
        /// The allowed headers, in the order given.
        public var headers: [Header]

        public struct Header: Sendable, Hashable {
            public var name: String
            public var value: String

            public init(name: String, value: String) {
                self.name = name
                self.value = value
            }
        }

        public init(putURL: String, getURL: String, headers: [Header] = []) {
            self.putURL = putURL
            self.getURL = getURL
            self.headers = headers
        }

        /// Reads the `<slot/>` of an IQ result.
        public init(result: XMLElement) throws(SlotError) {
            guard let slot = result.child("slot", namespace: Namespace.httpUpload),
                let put = slot.child("put", namespace: Namespace.httpUpload),
                let putURL = put[attribute: "url"],
                let getURL = slot.child("get", namespace: Namespace.httpUpload)?[attribute: "url"]
            else { throw .malformed }
            for url in [putURL, getURL] where !HTTPUpload.isAcceptable(url) { throw .insecureURL(url) }
            var headers: [Header] = []
            for header in put.children("header", namespace: Namespace.httpUpload) {
                guard let name = header[attribute: "name"] else { continue }
                let value = header.text
                guard !(name + value).contains(where: { $0.isNewline || $0 == "\0" }) else {
                    throw .headerInjection(name)
                }
                guard let allowed = allowedHeaders.first(where: { $0.lowercased() == name.lowercased() }) else {
                    continue
                }
                headers.append(Header(name: allowed, value: value))
            }
            self.init(putURL: putURL, getURL: getURL, headers: headers)
        }
    }

    /// Why a slot was refused.
    public enum SlotError: Error, Sendable, Hashable, CustomStringConvertible {
        case malformed
        case insecureURL(String)
        case headerInjection(String)

        public var description: String {
            switch self {
            case .malformed: "the upload service's answer has no usable slot"
            case .insecureURL: "the upload service gave a URL that is not HTTPS"
            case .headerInjection(let name): "the upload service's \(name) header holds a line break; refused"
            }
        }
    }

    /// An HTTPS URL, or an HTTP one on a loopback host.
    public static func isAcceptable(_ url: String) -> Bool {
        guard let parts = URLParts(url) else { return false }
        return parts.scheme == "https" || (parts.scheme == "http" && parts.isLoopback)
    }
}

/// XEP-0066 Out of Band Data in a message: the URL of a file, so that clients show it as one.
///
///     <message from='stpeter@jabber.org/work' to='MaineBoy@jabber.org/home'>
///       <body>Yeah, but do you have a license to Jabber?</body>
///       <x xmlns='jabber:x:oob'><url>http://www.jabber.org/images/psa-license.jpg</url></x>
///     </message>
public enum OutOfBandData {
    /// `<x xmlns='jabber:x:oob'><url>…</url></x>`.
    public static func element(url: String) -> XMLElement {
        var x = XMLElement("x", namespace: Namespace.outOfBandData)
        x.append(XMLElement("url", namespace: Namespace.outOfBandData, [:], text: url))
        return x
    }

    /// The URL a message's OOB element gives, if any.
    public static func url(in message: XMLElement) -> String? {
        message.child("x", namespace: Namespace.outOfBandData)?.childText("url", namespace: Namespace.outOfBandData)?
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
