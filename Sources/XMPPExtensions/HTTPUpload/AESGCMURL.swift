import Foundation

/// XEP-0454 OMEMO Media Sharing: a file encrypted with AES-256-GCM (tag appended) is uploaded
/// (XEP-0363), and its HTTPS GET URL with the IV and key in the fragment, in hex, goes as the
/// body of an OMEMO message, with the scheme `aesgcm` and no OOB element:
///
///     aesgcm://download.montague.tld/4a771ac1-f0b2-4a4a-9700-f2a26fa2bb67/tr%C3%A8s%20cool.jpg#8c3d050e9386ec173861778f68e9af38a97aaf82faa4063b4d0878a61261534410c8a84331eaac851759f587
///
/// The fragment is 24 hex digits of IV then 64 of key; older senders used a 16-byte IV (32
/// digits), which is still read. Only HTTPS URLs become `aesgcm` ones (XEP-0454 §3); plain HTTP
/// only on a loopback host, as slots are taken (Tern's tests run the upload service there). An
/// `aesgcm` URL is never a link: it is fetched only to be decrypted.
public struct AESGCMURL: Sendable, Hashable {
    /// The URL the file is fetched from: `https`, or `http` on a loopback host.
    public var downloadURL: String
    public var iv: [UInt8]
    public var key: [UInt8]

    /// The scheme, with its separator.
    public static let prefix = "aesgcm://"

    /// Reads a message body that is exactly one `aesgcm` URL with a well-formed fragment (a
    /// thumbnail line after it, as XEP-0454 allows, is ignored); nil otherwise.
    public init?(body: String) {
        var text = Substring(body.trimmingCharacters(in: .whitespacesAndNewlines))
        if let newline = text.firstIndex(of: "\n") {
            guard text[text.index(after: newline)...].hasPrefix("data:") else { return nil }
            text = text[..<newline]
        }
        guard text.lowercased().hasPrefix(Self.prefix), let hash = text.lastIndex(of: "#") else { return nil }
        let rest = text[text.index(text.startIndex, offsetBy: Self.prefix.count)..<hash]
        guard let bytes = Self.bytes(hex: text[text.index(after: hash)...]), bytes.count == 44 || bytes.count == 48
        else { return nil }
        let loopback = URLParts("http://" + rest)?.isLoopback == true
        let download = (loopback ? "http://" : "https://") + rest
        guard URLParts(download) != nil else { return nil }
        downloadURL = download
        iv = Array(bytes.prefix(bytes.count - 32))
        key = Array(bytes.suffix(32))
    }

    /// The `aesgcm` URL for a file uploaded to `getURL` and encrypted under `key` and a 12-byte
    /// `iv`; nil when `getURL` is not HTTPS (or plain HTTP on a loopback host).
    public init?(getURL: String, iv: [UInt8], key: [UInt8]) {
        guard iv.count == 12, key.count == 32, let parts = URLParts(getURL),
            parts.scheme == "https" || parts.isLoopback
        else { return nil }
        downloadURL = getURL
        self.iv = iv
        self.key = key
    }

    /// The URL as a message body carries it.
    public var text: String {
        Self.bodyPrefix(getURL: downloadURL) + (iv + key).map { String(format: "%02x", $0) }.joined()
    }

    /// What every `aesgcm` URL of the file at `getURL` starts with: all but the fragment's digits.
    public static func bodyPrefix(getURL: String) -> String {
        prefix + (getURL.range(of: "://").map { String(getURL[$0.upperBound...]) } ?? getURL) + "#"
    }

    /// The file name the path ends with (percent-decoded: sanitise it), if any.
    public var fileName: String? { URLParts(downloadURL)?.fileName }

    /// Whether `body` is meant as an `aesgcm` URL (starts with the scheme), well-formed or not.
    public static func looksLikeOne(_ body: String) -> Bool {
        body.trimmingCharacters(in: .whitespacesAndNewlines).lowercased().hasPrefix(prefix)
    }

    private static func bytes(hex: Substring) -> [UInt8]? {
        let digits = Array(hex.utf8)
        guard digits.count.isMultiple(of: 2) else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(digits.count / 2)
        for index in stride(from: 0, to: digits.count, by: 2) {
            guard let high = value(of: digits[index]), let low = value(of: digits[index + 1]) else { return nil }
            bytes.append(high << 4 | low)
        }
        return bytes
    }

    private static func value(of digit: UInt8) -> UInt8? {
        switch digit {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): digit - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): digit - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): digit - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
